//! What every handler can reach: the service, the metrics, and the places of the exports
//! being streamed.

use std::sync::Arc;

use crate::http::layers::metrics::Metrics;
use crate::service::Service;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The pool and the memos of the data version served.
    pub service: Service,
    /// What `/metrics` reports.
    pub metrics: Arc<Metrics>,
    /// Permits for bulk exports being streamed: see
    /// [`STREAMED_EXPORTS`](crate::http::export_stream::STREAMED_EXPORTS).
    pub exports: Arc<tokio::sync::Semaphore>,
}
