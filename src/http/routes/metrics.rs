//! `/metrics`: the service's counters and gauges, for Prometheus to scrape.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::http::endpoint::Endpoint;
use crate::http::layers::metrics::{ScrapeInputs, CONTENT_TYPE};
use crate::http::state::AppState;

pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::prometheus_text(
        "/metrics",
        get(get_metrics),
        "Request counts and latencies, cache hits, database pool and data version, in \
         Prometheus's text format",
    )]
}

/// Counts since the server started, and gauges of this instant: no cache may keep them.
async fn get_metrics(State(state): State<AppState>) -> impl IntoResponse {
    let text = state.metrics.render(&ScrapeInputs {
        pool: &state.service.pool,
        data_version: state.service.data_version.get(),
    });
    (
        [
            (header::CONTENT_TYPE, CONTENT_TYPE),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
}
