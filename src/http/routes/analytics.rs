//! `/v1/consistency`, `/v1/derived` and `/v1/exchange-rate`: the source checked against
//! itself, the figures it implies without stating, and the yuan-dollar rate it implies.

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Json;

use super::{respond_in_memory, respond_one, to_values};
use crate::domain::analytics::consistency::ConsistencyReport;
use crate::domain::analytics::derived::DerivedFigure;
use crate::domain::analytics::exchange_rate::ExchangeRate;
use crate::error::{ApiError, ApiResult};
use crate::http::endpoint::Endpoint;
use crate::http::extract::TypedQuery;
use crate::http::state::AppState;
use crate::service::analytics::{current_exchange_rate, load_derived, load_report};
use crate::service::query::parse::Accepts;
use crate::service::query::queries::{CatalogueQuery, One};
use crate::service::query::spec::{QuerySpec, Shape, SortSpec};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::one::<ConsistencyReport, One>(
            "/v1/consistency",
            get(get_consistency),
            "Every claim of the source that its other figures can check, with the arithmetic and a verdict",
        ),
        Endpoint::list::<DerivedFigure, Derived>(
            "/v1/derived",
            get(list_derived),
            "Figures the source implies but does not state, each with its formula",
        ),
        Endpoint::one::<ExchangeRate, One>(
            "/v1/exchange-rate",
            get(get_exchange_rate),
            "The yuan-dollar rate the source's printed equivalents imply, and the pairs behind it",
        ),
    ]
}

/// `/v1/derived`: sorted and paged only.
struct Derived;

impl Accepts for Derived {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[],
        shape: Shape::Page(&[SortSpec::new("id", "id")]),
    };
    type Query = CatalogueQuery;
}

async fn get_consistency(
    State(state): State<AppState>,
    TypedQuery(query): TypedQuery<One>,
    headers: HeaderMap,
) -> ApiResult<Json<ConsistencyReport>> {
    let report = load_report(&state.service.pool).await?;
    respond_one(&headers, query.format, report)
}

async fn list_derived(
    State(state): State<AppState>,
    TypedQuery(query): TypedQuery<Derived>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let items = to_values(load_derived(&state.service.pool).await?);
    respond_in_memory(
        &uri,
        &headers,
        &query.list,
        &query.filters,
        "derived",
        items,
    )
}

async fn get_exchange_rate(
    State(state): State<AppState>,
    TypedQuery(query): TypedQuery<One>,
    headers: HeaderMap,
) -> ApiResult<Json<ExchangeRate>> {
    let rate = current_exchange_rate(&state.service)
        .await?
        .ok_or(ApiError::NotFound {
            resource: "exchange rate",
            id: "cny-usd".to_owned(),
        })?;
    respond_one(&headers, query.format, rate)
}
