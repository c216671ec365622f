//! The HTTP resources, one module each, merged into one router here.

mod city_plans;
mod clusters;
mod companies;
mod facilities;
mod health;
mod indicators;
mod observations;
mod regions;
mod sources;
mod speakers;

use std::collections::HashMap;

use axum::http::{StatusCode, Uri};
use axum::routing::get;
use axum::{Json, Router};
use sqlx::SqlitePool;

use crate::error::{problem_response, ApiError, ApiResult};
use crate::model::{ListResponse, Reference};
use crate::store::{self, Entity, ObservationFilter};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1", get(index))
        .merge(health::router())
        .merge(regions::router())
        .merge(clusters::router())
        .merge(observations::router())
        .merge(city_plans::router())
        .merge(indicators::router())
        .merge(sources::router())
        .merge(speakers::router())
        .merge(companies::router())
        .merge(facilities::router())
        .fallback(|uri: Uri| async move { ApiError::RouteNotFound(uri.path().to_owned()) })
        .method_not_allowed_fallback(|| async {
            let mut response = problem_response(
                StatusCode::METHOD_NOT_ALLOWED,
                "This API is read-only: use GET, HEAD or OPTIONS.".to_owned(),
            );
            response.headers_mut().insert(
                axum::http::header::ALLOW,
                axum::http::HeaderValue::from_static("GET, HEAD, OPTIONS"),
            );
            response
        })
}

/// `GET /v1`: where everything is, so the API can be explored from one URL.
async fn index() -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "name": "gd-indicators",
        "description": "Economic figures of Guangdong from China Daily's GD Today page, each with its unit, period, qualifier, region and provenance.",
        "links": {
            "regions": "/v1/regions",
            "clusters": "/v1/clusters",
            "cluster_groups": "/v1/cluster-groups",
            "observations": "/v1/observations",
            "revenues": "/v1/revenues",
            "patents": "/v1/patents",
            "city_plans": "/v1/city-plans",
            "indicators": "/v1/indicators",
            "sources": "/v1/sources",
            "speakers": "/v1/speakers",
            "companies": "/v1/companies",
            "facilities": "/v1/facilities",
            "health": "/healthz",
            "readiness": "/readyz"
        }
    }))
}

/// For lists that take no parameters: any given one is a 400 rather than silently ignored.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NoQueryParams {}

/// The path and query the client asked for, as the list's `links.self`.
fn self_link(uri: &Uri) -> String {
    uri.path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_else(|| uri.path().to_owned())
}

fn list<T>(data: Vec<T>, uri: &Uri) -> Json<ListResponse<T>> {
    Json(ListResponse::new(data, self_link(uri)))
}

/// A 404 for `id` when the lookup found nothing.
fn found<T>(row: Option<T>, entity: Entity, id: &str) -> ApiResult<T> {
    row.ok_or_else(|| ApiError::NotFound {
        resource: entity.noun(),
        id: id.to_owned(),
    })
}

/// Checks that a filter names an existing entity; a typo is a 400 listing the accepted ids.
async fn known_id(
    pool: &SqlitePool,
    entity: Entity,
    parameter: &str,
    value: Option<String>,
) -> ApiResult<Option<String>> {
    let Some(id) = value else {
        return Ok(None);
    };
    if store::exists(pool, entity, &id).await? {
        return Ok(Some(id));
    }
    let accepted = store::ids(pool, entity).await?;
    Err(ApiError::invalid_parameter(
        parameter,
        format!(
            "{parameter}: there is no {} '{id}'. Accepted values: {}.",
            entity.noun(),
            accepted.join(", ")
        ),
    ))
}

/// Checks a value against a fixed list of accepted ones.
fn one_of(
    parameter: &str,
    value: Option<String>,
    accepted: &[String],
) -> ApiResult<Option<String>> {
    match value {
        Some(value) if !accepted.contains(&value) => Err(ApiError::invalid_parameter(
            parameter,
            format!(
                "{parameter}: '{value}' is not accepted. Accepted values: {}.",
                accepted.join(", ")
            ),
        )),
        other => Ok(other),
    }
}

const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

fn valid_year(year: Option<i32>) -> ApiResult<Option<i32>> {
    match year {
        Some(year) if !YEARS.contains(&year) => Err(ApiError::invalid_parameter(
            "year",
            format!(
                "year: {year} is out of range; give a calendar year from {} to {}.",
                YEARS.start(),
                YEARS.end()
            ),
        )),
        other => Ok(other),
    }
}

/// Validates every id and the year of a filter built from query parameters.
async fn checked_filter(
    pool: &SqlitePool,
    filter: ObservationFilter,
) -> ApiResult<ObservationFilter> {
    Ok(ObservationFilter {
        indicator: known_id(pool, Entity::Indicator, "indicator", filter.indicator).await?,
        region: known_id(pool, Entity::Region, "region", filter.region).await?,
        cluster: known_id(pool, Entity::Cluster, "cluster", filter.cluster).await?,
        cluster_group: known_id(
            pool,
            Entity::ClusterGroup,
            "cluster_group",
            filter.cluster_group,
        )
        .await?,
        company: known_id(pool, Entity::Company, "company", filter.company).await?,
        city_plan: known_id(pool, Entity::CityPlan, "city_plan", filter.city_plan).await?,
        speaker: known_id(pool, Entity::Speaker, "speaker", filter.speaker).await?,
        source: known_id(pool, Entity::Source, "source", filter.source).await?,
        year: valid_year(filter.year)?,
        ..filter
    })
}

/// `{id, name}` references for one kind of entity, loaded once per request.
struct Names(HashMap<String, String>);

impl Names {
    async fn load(pool: &SqlitePool, entity: Entity) -> ApiResult<Self> {
        let names = store::names(pool, entity).await?;
        Ok(Names(names.into_iter().map(|r| (r.id, r.name)).collect()))
    }

    fn reference(&self, id: &str) -> Reference {
        Reference {
            id: id.to_owned(),
            // Foreign keys guarantee the name exists; an empty name would show a broken seed.
            name: self.0.get(id).cloned().unwrap_or_default(),
        }
    }
}
