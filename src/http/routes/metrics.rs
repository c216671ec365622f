//! `/metrics`: the service's counters and gauges, for Prometheus to scrape.

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::error::ApiResult;
use crate::http::endpoint::Endpoint;
use crate::http::extract::TypedQuery;
use crate::http::layers::metrics::{ScrapeInputs, CONTENT_TYPE};
use crate::http::render::negotiate::accept_only;
use crate::http::state::AppState;
use crate::service::query::queries::Bare;

pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::prometheus_text::<Bare>(
        "/metrics",
        get(get_metrics),
        "Request counts and latencies, cache hits, database pool and data version, in \
         Prometheus's text format",
    )]
}

/// Counts since the server started, and gauges of this instant: no cache may keep them.
async fn get_metrics(
    State(state): State<AppState>,
    TypedQuery(_): TypedQuery<Bare>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    // Prometheus asks for its text format among others; a client that rules it out is told.
    accept_only(&headers, "text/plain")?;
    let text = state.metrics.render(&ScrapeInputs {
        pool: &state.service.pool,
        data_version: state.service.data_version.get(),
    });
    Ok((
        [
            (header::CONTENT_TYPE, CONTENT_TYPE),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    ))
}
