//! `/v1/indicators`: the catalogue every figure belongs to, and each indicator's series.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Json;
use serde::Serialize;

use super::{found, list_query, respond_in_memory, respond_one, to_values};
use crate::domain::entity::Entity;
use crate::domain::figure::UNITS;
use crate::error::ApiResult;
use crate::http::endpoint::Endpoint;
use crate::http::state::AppState;
use crate::service::catalogue::{self, check_concepts, IndicatorRow};
use crate::service::figures::TOPICS;
use crate::service::query::params::{FilterSpec, ListSpec, ParamKind, SortSpec};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::list::<IndicatorResponse>(
            "/v1/indicators",
            get(list_indicators),
            "The indicator catalogue",
            &INDICATORS,
        ),
        Endpoint::one::<IndicatorResponse>(
            "/v1/indicators/{id}",
            get(get_indicator),
            "One indicator",
        ),
    ]
}

const MEASURES: &[&str] = &[
    "level",
    "change",
    "growth_rate",
    "share",
    "rank",
    "count",
    "duration",
    "threshold",
    "target",
];

const INDICATORS: ListSpec = ListSpec {
    filters: &[
        FilterSpec::new("topic", ParamKind::Words(TOPICS), "topic"),
        FilterSpec::new("concept", ParamKind::Texts, "concept"),
        FilterSpec::new("measure", ParamKind::Words(MEASURES), "measure"),
        FilterSpec::new("unit", ParamKind::Words(UNITS), "unit"),
    ],
    sorts: &[
        SortSpec::new("id", "id"),
        SortSpec::new("name", "name"),
        SortSpec::new("topic", "topic"),
        SortSpec::new("observation_count", "observation_count"),
    ],
    paginated: true,
};

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct IndicatorResponse {
    #[serde(flatten)]
    indicator: IndicatorRow,
    links: IndicatorLinks,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
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
    headers: HeaderMap,
) -> ApiResult<Response> {
    let query = list_query(&state.service.pool, &uri, &INDICATORS).await?;
    check_concepts(&state.service.pool, &query).await?;
    let rows = catalogue::indicators(&state.service.pool).await?;
    let items = to_values(rows.into_iter().map(indicator_response).collect());
    respond_in_memory(&uri, &headers, &query, &INDICATORS, "indicators", items)
}

async fn get_indicator(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Json<IndicatorResponse>> {
    let row = found(
        catalogue::indicator(&state.service.pool, &id).await?,
        Entity::Indicator,
        &id,
    )?;
    respond_one(&uri, &headers, indicator_response(row))
}
