//! `/v1/indicators`: the catalogue every figure belongs to, and each indicator's series.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use serde::Serialize;

use super::{found, respond_in_memory, respond_one};
use crate::domain::entity::Entity;
use crate::error::ApiResult;
use crate::http::base_url::BaseUrl;
use crate::http::endpoint::Endpoint;
use crate::http::extract::TypedQuery;
use crate::http::state::AppState;
use crate::service::catalogue::{self, IndicatorRow};
use crate::service::query::params::{CONCEPT, LANG, MEASURE, TOPIC, UNIT};
use crate::service::query::parse::Accepts;
use crate::service::query::queries::{CatalogueQuery, One};
use crate::service::query::spec::{QuerySpec, Shape, SortSpec};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::list::<IndicatorResponse, Indicators>(
            "/v1/indicators",
            get(list_indicators),
            "The indicator catalogue",
        ),
        Endpoint::one::<IndicatorResponse, One>(
            "/v1/indicators/{id}",
            get(get_indicator),
            "One indicator",
        ),
    ]
}

/// `/v1/indicators`, filtered by topic, concept, measure and unit.
struct Indicators;

impl Accepts for Indicators {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[
            TOPIC.matching("topic"),
            CONCEPT.matching("concept"),
            MEASURE.matching("measure"),
            UNIT.matching("unit"),
            LANG.accept(),
        ],
        shape: Shape::Page(&[
            SortSpec::new("id", "id"),
            SortSpec::new("name", "name"),
            SortSpec::new("topic", "topic"),
            SortSpec::new("observation_count", "observation_count"),
        ]),
    };
    type Query = CatalogueQuery;
}

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

fn indicator_response(base: &BaseUrl, row: IndicatorRow) -> IndicatorResponse {
    IndicatorResponse {
        links: IndicatorLinks {
            self_link: base.href(&format!("/v1/indicators/{}", row.id)),
            observations: base.href(&format!("/v1/indicators/{}/observations", row.id)),
        },
        indicator: row,
    }
}

async fn list_indicators(
    State(state): State<AppState>,
    TypedQuery(query): TypedQuery<Indicators>,
    base: BaseUrl,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let rows = catalogue::indicators(&state.service.pool, query.list.language).await?;
    let items: Vec<_> = rows
        .into_iter()
        .map(|row| indicator_response(&base, row))
        .collect();
    respond_in_memory(
        &base,
        &uri,
        &headers,
        &query.list,
        &query.filters,
        "indicators",
        items,
    )
}

async fn get_indicator(
    State(state): State<AppState>,
    Path(id): Path<String>,
    TypedQuery(query): TypedQuery<One>,
    base: BaseUrl,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let language = query.presentation.language;
    let row = found(
        catalogue::indicator(&state.service.pool, &id, language).await?,
        Entity::Indicator,
        &id,
    )?;
    respond_one(
        &headers,
        query.format,
        language,
        indicator_response(&base, row),
    )
}
