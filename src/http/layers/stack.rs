//! The layers every response goes through, in one place and in order, so that the benchmark
//! (`bench/run.sh`) can wrap its bare ceiling server in the first *n* of them and measure what
//! each one costs.

use std::sync::Arc;

use axum::middleware;
use axum::Router;
use tokio::sync::Semaphore;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};

use super::request_id::MakeCheapRequestId;
use super::request_id::REQUEST_ID;
use super::{
    catch_panic, cors, limits, metrics, public_url, request_log, request_target, response_cache,
    revalidate, security_headers,
};
use crate::http::settings::HttpSettings;

/// The production layers, innermost first. A request passes them bottom-up: it has its id
/// before it is logged, its target and Host are checked and it is rate-limited before anything
/// else is spent on it, and it is looked up in the cache before anything renders, tags,
/// compresses or limits it. Whatever answers, the security headers go on last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// A panic below becomes a problem+json 500, not a dropped connection; its message is
    /// logged.
    CatchPanic,
    /// A strong ETag from the identity body's bytes.
    TagEntity,
    /// gzip or brotli, as the client accepts.
    Compression,
    /// `If-None-Match` → 304 against the tag of the coding sent; Cache-Control and Vary.
    Revalidate,
    /// In-flight cap (503) and request timeout.
    Limits,
    /// Stored responses, per data version, representation and coding, with every header
    /// the layers below gave them: a hit skips all of those layers.
    ResponseCache,
    /// The request's base URL for absolute links (`--public-url`, `Host`, or a trusted
    /// proxy's forwarded headers): ahead of the cache, which keys on it.
    PublicUrl,
    /// Per-client token buckets (429); absent when the rate is 0.
    RateLimit,
    /// Path and query caps (414), one valid `Host` (400).
    RequestTarget,
    /// Depends on the request's Origin, so it stays outside the cache.
    Cors,
    /// Counts and times every answer for `/metrics`, cache hits and refusals included.
    Metrics,
    /// The one log line per request, and the span that gives every event below its id.
    RequestLog,
    /// `x-request-id`: the client's, or a new UUID-shaped id; echoed on the response.
    RequestId,
    /// nosniff, Referrer-Policy, a CSP on HTML and SVG, and no-store where no layer set a
    /// caching policy: on every answer, refusals and CORS preflights included.
    SecurityHeaders,
}

pub const LAYERS: [Layer; 14] = [
    Layer::CatchPanic,
    Layer::TagEntity,
    Layer::Compression,
    Layer::Revalidate,
    Layer::Limits,
    Layer::ResponseCache,
    Layer::PublicUrl,
    Layer::RateLimit,
    Layer::RequestTarget,
    Layer::Cors,
    Layer::Metrics,
    Layer::RequestLog,
    Layer::RequestId,
    Layer::SecurityHeaders,
];

impl Layer {
    pub fn name(self) -> &'static str {
        match self {
            Layer::CatchPanic => "catch-panic",
            Layer::TagEntity => "etag",
            Layer::Compression => "compression",
            Layer::ResponseCache => "response-cache",
            Layer::Revalidate => "revalidate",
            Layer::PublicUrl => "public-url",
            Layer::Limits => "limits",
            Layer::RateLimit => "rate-limit",
            Layer::RequestTarget => "request-target",
            Layer::Cors => "cors",
            Layer::Metrics => "metrics",
            Layer::SecurityHeaders => "security-headers",
            Layer::RequestLog => "request-log",
            Layer::RequestId => "request-id",
        }
    }
}

/// Wraps `router` in the first `count` of [`LAYERS`]. Without a response cache that layer is
/// skipped (the benchmark's ceiling has no database to version).
pub fn wrap(
    router: Router,
    settings: &HttpSettings,
    responses: Option<Arc<response_cache::ResponseCache>>,
    metrics: Arc<metrics::Metrics>,
    count: usize,
) -> Router {
    let mut router = router;
    for layer in LAYERS.into_iter().take(count) {
        router = match layer {
            Layer::CatchPanic => router.layer(middleware::from_fn(catch_panic::catch_panic)),
            Layer::TagEntity => router.layer(middleware::from_fn(revalidate::tag_entity)),
            Layer::Compression => router.layer(CompressionLayer::new()),
            Layer::ResponseCache => match &responses {
                Some(responses) => router.layer(middleware::from_fn_with_state(
                    responses.clone(),
                    response_cache::serve_cached,
                )),
                None => router,
            },
            Layer::PublicUrl => router.layer(middleware::from_fn_with_state(
                Arc::new(crate::http::base_url::LinkBase {
                    public_url: settings.public_url.clone(),
                    trust_forwarded: settings.trust_forwarded,
                }),
                public_url::set_base_url,
            )),
            Layer::Revalidate => router.layer(middleware::from_fn_with_state(
                revalidate::CachePolicy {
                    max_age_seconds: settings.cache_max_age_seconds,
                },
                revalidate::revalidate,
            )),
            Layer::Limits => router.layer(middleware::from_fn_with_state(
                limits::Limits {
                    request_timeout: settings.request_timeout,
                    in_flight: Arc::new(Semaphore::new(settings.max_in_flight)),
                },
                limits::enforce,
            )),
            Layer::RateLimit => match limits::ClientRateLimit::new(
                settings.rate_limit_per_second,
                settings.rate_limit_burst,
                settings.rate_limit_loopback,
            ) {
                Some(rate) => {
                    router.layer(middleware::from_fn_with_state(rate, limits::limit_rate))
                }
                None => router,
            },
            Layer::RequestTarget => router.layer(middleware::from_fn_with_state(
                request_target::TargetLimits {
                    max_path_bytes: settings.max_path_bytes,
                    max_query_bytes: settings.max_query_bytes,
                },
                request_target::check_target,
            )),
            Layer::Cors => router.layer(cors::cors(settings)),
            Layer::Metrics => router.layer(middleware::from_fn_with_state(
                metrics.clone(),
                metrics::measure,
            )),
            Layer::SecurityHeaders => {
                router.layer(middleware::from_fn(security_headers::security_headers))
            }
            Layer::RequestLog => {
                let log = request_log::RequestLog {
                    request_id_header: REQUEST_ID,
                    slow_request: settings.slow_request,
                };
                router.layer(middleware::from_fn(move |request, next| {
                    request_log::log_request(log.clone(), request, next)
                }))
            }
            Layer::RequestId => router
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(SetRequestIdLayer::new(
                    REQUEST_ID,
                    MakeCheapRequestId::default(),
                )),
        };
    }
    router
}
