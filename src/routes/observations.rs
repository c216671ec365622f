//! `/v1/observations`: every figure of the source, filterable; `/v1/revenues` and
//! `/v1/patents` are the same figures narrowed to one concept.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::{checked_filter, found, list, one_of};
use crate::error::ApiResult;
use crate::extract::ApiQuery;
use crate::model::{ListResponse, Observation, Qualifier, Unit};
use crate::store::{self, Entity, ObservationFilter};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/observations", get(list_observations))
        .route("/v1/observations/{id}", get(get_observation))
        .route("/v1/revenues", get(list_revenues))
        .route("/v1/patents", get(list_patents))
}

const OPERATING_REVENUE: &str = "operating_revenue";
const INVENTION_PATENTS: &str = "invention_patents";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ObservationQueryParams {
    indicator: Option<String>,
    region: Option<String>,
    cluster: Option<String>,
    cluster_group: Option<String>,
    company: Option<String>,
    city_plan: Option<String>,
    speaker: Option<String>,
    source: Option<String>,
    concept: Option<String>,
    unit: Option<Unit>,
    qualifier: Option<Qualifier>,
    year: Option<i32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RevenueQueryParams {
    cluster: Option<String>,
    cluster_group: Option<String>,
    region: Option<String>,
    year: Option<i32>,
    unit: Option<Unit>,
    qualifier: Option<Qualifier>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PatentQueryParams {
    cluster_group: Option<String>,
    region: Option<String>,
    year: Option<i32>,
}

async fn list_observations(
    State(state): State<AppState>,
    uri: Uri,
    ApiQuery(params): ApiQuery<ObservationQueryParams>,
) -> ApiResult<Json<ListResponse<Observation>>> {
    let (_, concepts) = store::indicator_topics_and_concepts(&state.pool).await?;
    let filter = ObservationFilter {
        indicator: params.indicator,
        region: params.region,
        cluster: params.cluster,
        cluster_group: params.cluster_group,
        company: params.company,
        city_plan: params.city_plan,
        speaker: params.speaker,
        source: params.source,
        concept: one_of("concept", params.concept, &concepts)?,
        unit: params.unit,
        qualifier: params.qualifier,
        year: params.year,
        ..Default::default()
    };
    let filter = checked_filter(&state.pool, filter).await?;
    Ok(list(store::observations(&state.pool, &filter).await?, &uri))
}

async fn get_observation(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Observation>> {
    let filter = ObservationFilter {
        id: Some(id.clone()),
        ..Default::default()
    };
    let figure = store::observations(&state.pool, &filter).await?.pop();
    Ok(Json(found(figure, Entity::Observation, &id)?))
}

/// Operating-revenue figures: cluster revenues and the thresholds that define cluster groups,
/// in yuan and in the printed dollar equivalents.
async fn list_revenues(
    State(state): State<AppState>,
    uri: Uri,
    ApiQuery(params): ApiQuery<RevenueQueryParams>,
) -> ApiResult<Json<ListResponse<Observation>>> {
    let filter = ObservationFilter {
        concept: Some(OPERATING_REVENUE.to_owned()),
        cluster: params.cluster,
        cluster_group: params.cluster_group,
        region: params.region,
        year: params.year,
        unit: params.unit,
        qualifier: params.qualifier,
        ..Default::default()
    };
    let filter = checked_filter(&state.pool, filter).await?;
    Ok(list(store::observations(&state.pool, &filter).await?, &uri))
}

/// Invention-patent figures: counts granted, their growth and national rank.
async fn list_patents(
    State(state): State<AppState>,
    uri: Uri,
    ApiQuery(params): ApiQuery<PatentQueryParams>,
) -> ApiResult<Json<ListResponse<Observation>>> {
    let filter = ObservationFilter {
        concept: Some(INVENTION_PATENTS.to_owned()),
        cluster_group: params.cluster_group,
        region: params.region,
        year: params.year,
        ..Default::default()
    };
    let filter = checked_filter(&state.pool, filter).await?;
    Ok(list(store::observations(&state.pool, &filter).await?, &uri))
}
