//! The HTTP edge: the router, the layers every response goes through, the handlers (one
//! module per resource), content negotiation and rendering, and the OpenAPI document. The only
//! part of the crate that knows axum; it reads and renders what the service returns.

/// The base URL links start with: `--public-url`, `Host` or a trusted proxy's headers.
pub mod base_url;
/// The endpoint table's types: a route, its handler and its documentation.
mod endpoint;
/// `GET /v1/export` as a chunked stream.
pub mod export_stream;
/// The extractor that hands each handler its endpoint's typed query.
mod extract;
/// Unknown paths: a trailing slash redirected, a 404 suggesting the nearest route.
mod fallback;
/// The production layers, in order: caching, limits, metrics, the request log.
pub mod layers;
/// The OpenAPI document, from the endpoint table.
mod openapi;
/// Errors as problem+json.
pub mod problem;
/// JSON or CSV, the list envelope, CSV bodies, SVG charts.
pub mod render;
/// The endpoint table, the router, the index and the fallbacks.
mod router;
/// The handlers, one module per resource.
mod routes;
/// Connections: accepting, deadlines, caps and the drain on shutdown.
mod server;
/// How the layers behave.
pub mod settings;
/// What every handler can reach.
pub mod state;

use std::sync::Arc;

use axum::Router;
use sqlx::SqlitePool;

use crate::service::Service;
use layers::metrics::Metrics;
use layers::response_cache::ResponseCache;
use layers::stack;
pub use server::serve;
use settings::HttpSettings;
use state::AppState;

/// The whole HTTP application: routes plus the layers every response goes through. Reads
/// the data version and starts the task that follows it; fails when the database cannot say.
pub async fn app(pool: SqlitePool, settings: &HttpSettings) -> Result<Router, String> {
    let responses = ResponseCache::start(
        pool.clone(),
        settings.response_cache_bytes,
        settings.data_version_poll,
    )
    .await
    .map_err(|error| format!("cannot read the data version: {error}"))?;
    let metrics = Arc::new(Metrics::new(&responses.counters));
    let state = AppState {
        service: Service::new(pool, responses.version.clone()),
        metrics: metrics.clone(),
        exports: Arc::new(tokio::sync::Semaphore::new(export_stream::STREAMED_EXPORTS)),
    };
    let pacing = export_stream::ExportPacing::new(
        settings.exports_per_client,
        settings.rate_limit_loopback,
        settings.export_min_bytes_per_second,
        settings.export_rate_window,
        settings.export_max_duration,
    );
    let routes = router::router()
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            pacing,
            export_stream::pace_exports,
        ));
    Ok(stack::wrap(
        routes,
        settings,
        Some(responses),
        metrics,
        stack::LAYERS.len(),
    ))
}
