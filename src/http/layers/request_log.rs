//! One log line per answered request: method, URI, route template, status, latency and the
//! request id, as the fields of a single event (no span), which is what a log collector
//! indexes and what costs least to format at tens of thousands of requests a second.

use std::borrow::Cow;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, Uri};
use axum::middleware::Next;
use axum::response::Response;

use super::request_target::Abbreviated;

/// Bytes of a request's target a log line holds; a longer one is cut, with its length.
const MAX_LOGGED_TARGET_BYTES: usize = 512;

/// The route template that answered (`/v1/observations/{id}`), carried out of the router on
/// the response so that layers above it (this log, the cache) can name it.
#[derive(Debug, Clone)]
pub struct Route(pub MatchedPath);

/// Innermost, as a route layer: copies the matched route onto the response.
pub async fn record_route(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().cloned();
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(Route(route));
    }
    response
}

/// The route template of a response, or `-` when no route matched (a 404 for an unknown path).
fn route_of(response: &Response) -> &str {
    response
        .extensions()
        .get::<Route>()
        .map_or("-", |Route(route)| route.as_str())
}

/// The request target as the client wrote it: the path and query of the usual origin form,
/// or the whole URI of an absolute-form target.
fn target_of(uri: &Uri) -> Cow<'_, str> {
    match (uri.authority(), uri.path_and_query()) {
        (None, Some(target)) => Cow::Borrowed(target.as_str()),
        _ => Cow::Owned(uri.to_string()),
    }
}

/// Outer layer, just inside the one that assigns request ids: logs the request once answered.
pub async fn log_request(request_id_header: HeaderName, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let uri = request.uri().clone();
    let request_id = request
        .headers()
        .get(&request_id_header)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let response = next.run(request).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1e3;
    let status = response.status().as_u16();
    let route = route_of(&response);
    let target = target_of(&uri);
    let uri = Abbreviated::new(&target, MAX_LOGGED_TARGET_BYTES);
    // Server faults stand out; everything else, client errors included, is routine.
    if response.status().is_server_error() {
        tracing::error!(target: "gd_indicators::request", %method, %uri, route, status, latency_ms, request_id, "request failed");
    } else {
        tracing::info!(target: "gd_indicators::request", %method, %uri, route, status, latency_ms, request_id, "request");
    }
    response
}
