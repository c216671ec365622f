//! Operating limits and protective headers: a cap on query-string length, a cap on requests in
//! flight that sheds load with 503 + Retry-After instead of queueing without bound, a request
//! timeout, and security headers. Every refusal is a problem+json a client can act on.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use tokio::sync::Semaphore;

use crate::error::problem_response;

#[derive(Debug, Clone)]
pub struct Limits {
    pub max_query_bytes: usize,
    pub request_timeout: Duration,
    /// Permits for requests in flight; a request that finds none is shed.
    pub in_flight: Arc<Semaphore>,
}

/// Seconds a shed or timed-out client is asked to wait before retrying.
const RETRY_AFTER_SECONDS: &str = "1";

fn retry_later(status: StatusCode, detail: String) -> Response {
    let mut response = problem_response(status, detail);
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_static(RETRY_AFTER_SECONDS),
    );
    response
}

/// Refuses overlong query strings, sheds load past the in-flight cap, and bounds the time a
/// request may take.
pub async fn enforce(State(limits): State<Limits>, request: Request, next: Next) -> Response {
    let query_bytes = request.uri().query().map_or(0, str::len);
    if query_bytes > limits.max_query_bytes {
        return problem_response(
            StatusCode::URI_TOO_LONG,
            format!(
                "The query string is {query_bytes} bytes; the limit is {}. Use fewer or shorter \
                 filter values.",
                limits.max_query_bytes
            ),
        );
    }
    let Ok(_permit) = limits.in_flight.clone().try_acquire_owned() else {
        return retry_later(
            StatusCode::SERVICE_UNAVAILABLE,
            "The server is at its limit of requests in flight; retry after the Retry-After delay."
                .to_owned(),
        );
    };
    match tokio::time::timeout(limits.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => retry_later(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "The request took longer than {} ms and was abandoned; retry later.",
                limits.request_timeout.as_millis()
            ),
        ),
    }
}

/// `nosniff` everywhere; a strict Content-Security-Policy on HTML and SVG, the only
/// representations a browser would run anything in.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let policy = if content_type.starts_with("text/html") {
        // Swagger UI: its own scripts and styles, inline styles, data: images.
        Some(
            "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; \
             form-action 'none'",
        )
    } else if content_type.starts_with("image/svg+xml") {
        Some("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
    } else {
        None
    };
    if let Some(policy) = policy {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(policy),
        );
    }
    response
}
