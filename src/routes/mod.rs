//! The HTTP resources, one module each, merged into one router here.

mod city_plans;
mod clusters;
mod companies;
mod facilities;
mod health;
mod indicators;
mod observations;
mod regions;
mod search;
mod sources;
mod speakers;

use std::collections::HashMap;

use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;
use sqlx::SqlitePool;

use crate::error::{problem_response, ApiError, ApiResult};
use crate::model::Reference;
use crate::query::{ListQuery, ListSpec, Page};
use crate::render::{negotiate, ListResponder};
use crate::store::{self, Entity};
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
        .merge(search::router())
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
async fn index() -> Json<Value> {
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
            "search": "/v1/search?q=robot",
            "export": "/v1/export",
            "health": "/healthz",
            "readiness": "/readyz"
        }
    }))
}

/// Parses a list request's query against `spec` and checks the ids it names.
async fn list_query(pool: &SqlitePool, uri: &Uri, spec: &ListSpec) -> ApiResult<ListQuery> {
    let query = ListQuery::parse(uri.path(), uri.query(), spec)?;
    query.check_ids(pool, spec).await?;
    Ok(query)
}

/// Checks `concept` values against the indicator catalogue (concepts are data, not a fixed list).
async fn check_concepts(pool: &SqlitePool, query: &ListQuery) -> ApiResult<()> {
    let Some(concepts) = query.texts("concept") else {
        return Ok(());
    };
    let known = store::indicator_values(pool, store::IndicatorColumn::Concept).await?;
    match concepts.iter().find(|concept| !known.contains(concept)) {
        Some(unknown) => Err(ApiError::invalid_parameter(
            "concept",
            format!(
                "concept: '{unknown}' is not accepted. Accepted values: {}.",
                known.join(", ")
            ),
        )),
        None => Ok(()),
    }
}

/// Filters, sorts and pages a small resource list held in memory, and renders it.
fn respond_in_memory(
    uri: &Uri,
    headers: &HeaderMap,
    query: &ListQuery,
    spec: &ListSpec,
    name: &str,
    items: Vec<Value>,
) -> ApiResult<Response> {
    let page: Page = query.apply(spec, items);
    ListResponder {
        uri,
        headers,
        query,
        name,
        csv_columns: None,
    }
    .respond(page)
}

/// A single resource: JSON only, so an `Accept` that rules JSON out is a 406.
fn respond_one<T: serde::Serialize>(headers: &HeaderMap, resource: T) -> ApiResult<Json<T>> {
    negotiate(headers, None, false)?;
    Ok(Json(resource))
}

fn to_values<T: serde::Serialize>(items: Vec<T>) -> Vec<Value> {
    items
        .into_iter()
        .map(|item| serde_json::to_value(item).expect("resources serialise"))
        .collect()
}

/// A 404 for `id` when the lookup found nothing.
fn found<T>(row: Option<T>, entity: Entity, id: &str) -> ApiResult<T> {
    row.ok_or_else(|| ApiError::NotFound {
        resource: entity.noun(),
        id: id.to_owned(),
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
