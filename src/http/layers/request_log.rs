//! One log line per answered request: method, URI, route template, status, latency and the
//! request id, as the fields of a single event, which is what a log collector indexes and what
//! costs least to format at tens of thousands of requests a second. Also the request's span,
//! entered where a response is rendered (below the response cache): every other event logged
//! while the request is handled (a database error, a panic) is inside it, so it carries the
//! request id too, and a hit, which logs nothing but its line, creates no span.
//!
//! The binary's JSON log writes the line itself ([`RequestLineWriter`]): through `tracing`,
//! each field went through its `Visit` machinery, a third of a cache hit's own work. The
//! level filter still decides, and a line inside a span (which the JSON format writes with
//! its span) still goes through `tracing`.

use std::borrow::Cow;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, Uri};
use axum::middleware::Next;
use axum::response::Response;
use tracing::{Instrument, Level};

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

/// The route template that answered: the one a stored response names, or the router's on the
/// response.
pub fn route_of<'a>(response: &'a Response, stored_route: Option<&'a Route>) -> Option<&'a Route> {
    stored_route.or_else(|| response.extensions().get::<Route>())
}

/// The request target as the client wrote it: the path and query of the usual origin form,
/// or the whole URI of an absolute-form target.
fn target_of(uri: &Uri) -> Cow<'_, str> {
    match (uri.authority(), uri.path_and_query()) {
        (None, Some(target)) => Cow::Borrowed(target.as_str()),
        _ => Cow::Owned(uri.to_string()),
    }
}

/// The target of every request's line.
pub const TARGET: &str = "gd_indicators::request";

/// A request's line: its level, message and fields, in the order they are logged.
pub struct RequestLine<'a> {
    pub level: Level,
    pub message: &'static str,
    pub method: &'a Method,
    pub uri: Abbreviated<'a>,
    pub route: &'a str,
    pub status: u16,
    pub latency_ms: f64,
    pub request_id: &'a str,
}

/// Writes a request's line as the installed `tracing` subscriber would have, without
/// recording its fields one by one: the binary installs one for its JSON log.
pub trait RequestLineWriter: Send + Sync {
    fn write(&self, line: &RequestLine<'_>);
}

static LINE_WRITER: OnceLock<Box<dyn RequestLineWriter>> = OnceLock::new();

/// From now on, request lines that the log's filter keeps and that are outside any span are
/// written by `writer`; `false` if one was installed already. Install it together with the
/// subscriber whose lines it writes.
pub fn write_request_lines_with(writer: Box<dyn RequestLineWriter>) -> bool {
    LINE_WRITER.set(writer).is_ok()
}

/// Whether the log's filter keeps a request's line at `level`: asked with the line's own
/// target and field names, as its event is.
fn line_enabled(level: Level) -> bool {
    match level {
        Level::ERROR => {
            tracing::enabled!(target: TARGET, Level::ERROR, message, method, uri, route, status, latency_ms, request_id)
        }
        Level::WARN => {
            tracing::enabled!(target: TARGET, Level::WARN, message, method, uri, route, status, latency_ms, request_id)
        }
        _ => {
            tracing::enabled!(target: TARGET, Level::INFO, message, method, uri, route, status, latency_ms, request_id)
        }
    }
}

/// Whether no span is current: inside one, the JSON format adds the span to the line.
fn outside_spans() -> bool {
    tracing::dispatcher::get_default(|dispatch| dispatch.current_span().id().is_none())
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
    /// `request_id` is the id the request-id layer just assigned, if it runs: the same as the
    /// request's header, without looking it up again.
    pub fn of(request: &Request, started: Instant, request_id: Option<&HeaderValue>) -> Arrival {
        Arrival {
            started,
            method: request.method().clone(),
            uri: request.uri().clone(),
            request_id: request_id
                .or_else(|| request.headers().get(REQUEST_ID))
                .cloned(),
        }
    }
}

impl RequestLog {
    /// Logs the request that `arrival` describes, once answered with `response` by `route`
    /// (see [`route_of`]).
    pub fn log(&self, arrival: &Arrival, response: &Response, route: Option<&Route>) {
        self.log_with(
            arrival,
            response,
            route,
            LINE_WRITER.get().map(|writer| &**writer),
        );
    }

    /// As [`log`](Self::log), with `writer` writing the line where it would.
    pub(crate) fn log_with(
        &self,
        arrival: &Arrival,
        response: &Response,
        route: Option<&Route>,
        writer: Option<&dyn RequestLineWriter>,
    ) {
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
        // `-` when no route matched (a 404 for an unknown path).
        let route = route.map_or("-", |Route(route)| route.as_str());
        let target = target_of(uri);
        let uri = Abbreviated::new(&target, MAX_LOGGED_TARGET_BYTES);
        // Outside the span, which would repeat the id. Server faults stand out, each once: one
        // whose cause was logged at error inside the span is only a warning here. Everything
        // else, client errors included, is routine unless slow.
        let (level, message) = if response.status().is_server_error() {
            if response.extensions().get::<FailureLogged>().is_none() {
                (Level::ERROR, "request failed")
            } else {
                (Level::WARN, "request failed")
            }
        } else if latency > self.slow_request {
            (Level::WARN, "slow request")
        } else {
            (Level::INFO, "request")
        };
        if let Some(writer) = writer.filter(|_| outside_spans()) {
            if line_enabled(level) {
                writer.write(&RequestLine {
                    level,
                    message,
                    method,
                    uri,
                    route,
                    status,
                    latency_ms,
                    request_id,
                });
            }
            return;
        }
        // An event's level is fixed where it is written, so one macro a level.
        match level {
            Level::ERROR => {
                tracing::error!(target: TARGET, %method, %uri, route, status, latency_ms, request_id, "{message}");
            }
            Level::WARN => {
                tracing::warn!(target: TARGET, %method, %uri, route, status, latency_ms, request_id, "{message}");
            }
            _ => {
                tracing::info!(target: TARGET, %method, %uri, route, status, latency_ms, request_id, "{message}");
            }
        }
    }
}
