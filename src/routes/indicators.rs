//! `/v1/indicators`: the catalogue every figure belongs to, and each indicator's series.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::{checked_filter, found, list, one_of};
use crate::error::ApiResult;
use crate::extract::ApiQuery;
use crate::model::{ListResponse, Observation, Qualifier, Unit};
use crate::store::{self, Entity, IndicatorRow, ObservationFilter};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/indicators", get(list_indicators))
        .route("/v1/indicators/{id}", get(get_indicator))
        .route(
            "/v1/indicators/{id}/observations",
            get(list_indicator_observations),
        )
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorQueryParams {
    topic: Option<String>,
    concept: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeriesQueryParams {
    region: Option<String>,
    year: Option<i32>,
    unit: Option<Unit>,
    qualifier: Option<Qualifier>,
}

#[derive(Debug, Serialize)]
struct IndicatorResponse {
    #[serde(flatten)]
    indicator: IndicatorRow,
    links: IndicatorLinks,
}

#[derive(Debug, Serialize)]
struct IndicatorLinks {
    #[serde(rename = "self")]
    self_link: String,
    observations: String,
}

fn indicator_response(row: IndicatorRow) -> IndicatorResponse {
    IndicatorResponse {
        links: IndicatorLinks {
            self_link: format!("/v1/indicators/{}", row.id),
            observations: format!("/v1/indicators/{}/observations", row.id),
        },
        indicator: row,
    }
}

async fn list_indicators(
    State(state): State<AppState>,
    uri: Uri,
    ApiQuery(params): ApiQuery<IndicatorQueryParams>,
) -> ApiResult<Json<ListResponse<IndicatorResponse>>> {
    let (topics, concepts) = store::indicator_topics_and_concepts(&state.pool).await?;
    let topic = one_of("topic", params.topic, &topics)?;
    let concept = one_of("concept", params.concept, &concepts)?;
    let rows = store::indicators(&state.pool, topic.as_deref(), concept.as_deref()).await?;
    Ok(list(
        rows.into_iter().map(indicator_response).collect(),
        &uri,
    ))
}

async fn get_indicator(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<IndicatorResponse>> {
    let row = found(
        store::indicator(&state.pool, &id).await?,
        Entity::Indicator,
        &id,
    )?;
    Ok(Json(indicator_response(row)))
}

async fn list_indicator_observations(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    ApiQuery(params): ApiQuery<SeriesQueryParams>,
) -> ApiResult<Json<ListResponse<Observation>>> {
    found(
        store::indicator(&state.pool, &id).await?,
        Entity::Indicator,
        &id,
    )?;
    let filter = ObservationFilter {
        indicator: Some(id),
        region: params.region,
        year: params.year,
        unit: params.unit,
        qualifier: params.qualifier,
        ..Default::default()
    };
    let filter = checked_filter(&state.pool, filter).await?;
    Ok(list(store::observations(&state.pool, &filter).await?, &uri))
}
