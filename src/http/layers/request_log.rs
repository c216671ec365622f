//! One log line per answered request: method, URI, route template, status, latency and the
//! request id, as the fields of a single event, which is what a log collector indexes and what
//! costs least to format at tens of thousands of requests a second. Also the request's span,
//! entered where a response is rendered (below the response cache): every other event logged
//! while the request is handled (a database error, a panic) is inside it, so it carries the
//! request id too, and a hit, which logs nothing but its line, creates no span.

use std::borrow::Cow;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, Uri};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use super::request_id::REQUEST_ID;
use super::request_target::Abbreviated;
use crate::http::problem::FailureLogged;

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

/// What the request log needs besides the request.
#[derive(Debug, Clone)]
pub struct RequestLog {
    /// A request answered more slowly is logged as a warning.
    pub slow_request: Duration,
}

/// Just below the response cache: renders the request inside its span, which names its id.
/// A hit or a refusal above logs nothing but its line, which names the id itself.
pub async fn enter_request_span(
    State(request_id_header): State<HeaderName>,
    request: Request,
    next: Next,
) -> Response {
    let request_id = request
        .headers()
        .get(&request_id_header)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-");
    // At error level, so that no filter which keeps a failure's line drops the span that names
    // its request; the subscriber formats its one field here, once.
    let span = tracing::error_span!(target: "gd_indicators::request", "request", request_id);
    next.run(request).instrument(span).await
}

/// What the request's line needs from the request, taken as it arrives (the layer just inside
/// the one that assigns request ids).
pub struct Arrival {
    pub started: Instant,
    pub method: Method,
    pub uri: Uri,
    /// The header's bytes are shared, not copied: the line borrows the id from them.
    pub request_id: Option<HeaderValue>,
}

impl Arrival {
    pub fn of(request: &Request, started: Instant) -> Arrival {
        Arrival {
            started,
            method: request.method().clone(),
            uri: request.uri().clone(),
            request_id: request.headers().get(REQUEST_ID).cloned(),
        }
    }
}

impl RequestLog {
    /// Logs the request that `arrival` describes, once answered with `response`.
    pub fn log(&self, arrival: &Arrival, response: &Response) {
        let Arrival {
            started,
            method,
            uri,
            request_id,
        } = arrival;
        let request_id = request_id
            .as_ref()
            .and_then(|value| value.to_str().ok())
            .unwrap_or("-");
        let latency = started.elapsed();
        let latency_ms = latency.as_secs_f64() * 1e3;
        let status = response.status().as_u16();
        let route = route_of(response);
        let target = target_of(uri);
        let uri = Abbreviated::new(&target, MAX_LOGGED_TARGET_BYTES);
        // Outside the span, which would repeat the id. Server faults stand out, each once: one
        // whose cause was logged at error inside the span is only a warning here. Everything
        // else, client errors included, is routine unless slow.
        if response.status().is_server_error() {
            if response.extensions().get::<FailureLogged>().is_none() {
                tracing::error!(target: "gd_indicators::request", %method, %uri, route, status, latency_ms, request_id, "request failed");
            } else {
                tracing::warn!(target: "gd_indicators::request", %method, %uri, route, status, latency_ms, request_id, "request failed");
            }
        } else if latency > self.slow_request {
            tracing::warn!(target: "gd_indicators::request", %method, %uri, route, status, latency_ms, request_id, "slow request");
        } else {
            tracing::info!(target: "gd_indicators::request", %method, %uri, route, status, latency_ms, request_id, "request");
        }
    }
}
