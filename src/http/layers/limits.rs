//! Operating limits: a cap on requests in flight that sheds load with 503 + Retry-After
//! instead of queueing without bound, a request timeout, and per-client rate limits. Every
//! refusal is a problem+json a client can act on.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::Semaphore;

use crate::http::problem::problem_response;

#[derive(Debug, Clone)]
pub struct Limits {
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

/// Sheds load past the in-flight cap, and bounds the time a request may take.
pub async fn enforce(State(limits): State<Limits>, request: Request, next: Next) -> Response {
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

/// Per-client rate limiting: a token bucket per client IP address (GCRA, from `governor`).
pub struct ClientRateLimit {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
    /// Loopback clients (tests, a local dashboard, health checks) are limited only when asked.
    limit_loopback: bool,
}

/// Past this many tracked clients, those whose bucket is full again are forgotten.
const TRACKED_CLIENTS: usize = 10_000;

impl ClientRateLimit {
    /// `None` when `per_second` is 0 (limiting off).
    pub fn new(per_second: u32, burst: u32, limit_loopback: bool) -> Option<Arc<Self>> {
        let per_second = NonZeroU32::new(per_second)?;
        let burst = NonZeroU32::new(burst).unwrap_or(per_second);
        Some(Arc::new(ClientRateLimit {
            limiter: RateLimiter::dashmap(Quota::per_second(per_second).allow_burst(burst)),
            clock: DefaultClock::default(),
            limit_loopback,
        }))
    }
}

/// The 429, with Retry-After, for a client past its rate; `None` for the others.
pub fn limit_rate(rate: &ClientRateLimit, request: &Request) -> Option<Response> {
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip());
    // Loopback clients pass unless they are limited too.
    let client = client.filter(|ip| rate.limit_loopback || !ip.is_loopback())?;
    if rate.limiter.len() > TRACKED_CLIENTS {
        rate.limiter.retain_recent();
    }
    match rate.limiter.check_key(&client) {
        Ok(()) => None,
        Err(not_until) => {
            let wait = not_until.wait_time_from(rate.clock.now());
            // Whole seconds, rounded up: retrying sooner would only be refused again.
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let mut response = problem_response(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "Too many requests from {client}; retry after {seconds} s. Responses carry \
                     ETags: revalidating with If-None-Match is cheap, and the bulk export \
                     returns every figure in one request."
                ),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
            Some(response)
        }
    }
}
