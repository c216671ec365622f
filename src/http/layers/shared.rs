//! How one layer holds the layers and routes inside it: behind an `Arc`. A middleware clones
//! the service inside it on every request (its future owns the clone); with axum's
//! `Router::layer`, that service was every layer below it and the route's handler with its
//! state, copied whole (a boxed copy per layer, each layer copying everything below it again).
//! Shared, a layer's per-request clone is one reference count and a copy of that layer alone.

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use tower::util::{BoxCloneSyncService, Oneshot};
use tower::{Service, ServiceExt};

type Boxed = BoxCloneSyncService<Request, Response, Infallible>;

/// A service (a layer wrapped around the ones inside it, or the router) that costs one
/// reference count to clone.
#[derive(Clone)]
pub struct Shared(Arc<Boxed>);

impl Shared {
    pub fn new<S>(service: S) -> Shared
    where
        S: Service<Request, Error = Infallible> + Clone + Send + Sync + 'static,
        S::Response: IntoResponse,
        S::Future: Send + 'static,
    {
        Shared(Arc::new(BoxCloneSyncService::new(
            service.map_response(IntoResponse::into_response),
        )))
    }
}

impl Service<Request> for Shared {
    type Response = Response;
    type Error = Infallible;
    type Future = Oneshot<Boxed, Request>;

    /// Always ready: each call works on a clone of its own, which it waits on (as axum's
    /// routes do).
    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        (*self.0).clone().oneshot(request)
    }
}
