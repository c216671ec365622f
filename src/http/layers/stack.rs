//! The layers every response goes through, in one place and in order, so that the benchmark
//! (`bench/run.sh`) can wrap its bare ceiling server in the first *n* of them and measure what
//! each one costs.

use std::sync::Arc;

use axum::middleware;
use axum::Router;
use tokio::sync::Semaphore;
use tower::Layer as _;
use tower_http::compression::CompressionLayer;

use super::edge::{Edge, EdgeService};
use super::request_id::{MakeCheapRequestId, REQUEST_ID};
use super::shared::Shared;
use super::{
    catch_panic, cors, limits, metrics, request_log, request_target, response_cache, revalidate,
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
    /// The span that gives every event logged while a response is rendered (a database
    /// error, a panic) the request's id; inside the cache, as a hit logs nothing below it.
    RequestSpan,
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
    /// The one log line per request, hits and refusals included, naming its id.
    RequestLog,
    /// `x-request-id`: the client's, or a new UUID-shaped id; echoed on the response.
    RequestId,
    /// nosniff, Referrer-Policy, a CSP on HTML and SVG, and no-store where no layer set a
    /// caching policy: on every answer, refusals and CORS preflights included.
    SecurityHeaders,
}

pub const LAYERS: [Layer; 15] = [
    Layer::CatchPanic,
    Layer::TagEntity,
    Layer::Compression,
    Layer::Revalidate,
    Layer::Limits,
    Layer::RequestSpan,
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
            Layer::RequestSpan => "request-span",
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

/// Wraps `router` in the first `count` of [`LAYERS`]: catch-panic per route, where the
/// router has matched one (its log line names it); each layer below the response cache once
/// around the whole router (not per route, as `Router::layer` would), holding the ones inside
/// it [`Shared`], so a request clones no layer but the one it is passing; and the cache and
/// the layers outside it as one [`EdgeService`] around those. Without a response cache that
/// layer is skipped (the benchmark's ceiling has no database to version).
pub fn wrap(
    router: Router,
    settings: &HttpSettings,
    responses: Option<Arc<response_cache::ResponseCache>>,
    metrics: Arc<metrics::Metrics>,
    count: usize,
) -> Router {
    let mut stack = Stack::Routes(router);
    let mut edge = Edge::default();
    for layer in LAYERS.into_iter().take(count) {
        if enable_in_edge(&mut edge, layer, settings, &metrics, responses.as_ref()) {
            continue;
        }
        stack = match (layer, stack) {
            (Layer::CatchPanic, Stack::Routes(router)) => {
                Stack::Routes(router.layer(middleware::from_fn(catch_panic::catch_panic)))
            }
            (layer, stack) => Stack::Shared(around(layer, stack.shared(), settings)),
        };
    }
    if edge.is_empty() {
        return match stack {
            Stack::Routes(router) => router,
            Stack::Shared(service) => Router::new().fallback_service(service),
        };
    }
    Router::new().fallback_service(EdgeService::new(edge, stack.shared()))
}

/// The layers so far: still applied per route, or once around the router.
enum Stack {
    Routes(Router),
    Shared(Shared),
}

impl Stack {
    fn shared(self) -> Shared {
        match self {
            Stack::Routes(router) => Shared::new(router),
            Stack::Shared(service) => service,
        }
    }
}

/// Turns `layer` on in `edge` if it is the response cache or one of the layers outside it;
/// `false` for the others.
fn enable_in_edge(
    edge: &mut Edge,
    layer: Layer,
    settings: &HttpSettings,
    metrics: &Arc<metrics::Metrics>,
    responses: Option<&Arc<response_cache::ResponseCache>>,
) -> bool {
    match layer {
        // Without a cache (the benchmark's ceiling has no database to version), no step.
        Layer::ResponseCache => edge.response_cache = responses.cloned(),
        Layer::PublicUrl => {
            edge.public_url = Some(crate::http::base_url::LinkBase {
                public_url: settings.public_url.clone(),
                trust_forwarded: settings.trust_forwarded,
            });
        }
        Layer::RateLimit => {
            edge.rate_limit = limits::ClientRateLimit::new(
                settings.rate_limit_per_second,
                settings.rate_limit_burst,
                settings.rate_limit_loopback,
            );
        }
        Layer::RequestTarget => {
            edge.request_target = Some(request_target::TargetLimits {
                max_path_bytes: settings.max_path_bytes,
                max_query_bytes: settings.max_query_bytes,
            });
        }
        Layer::Cors => edge.cors = Some(cors::Cors::new(settings)),
        Layer::Metrics => edge.metrics = Some(metrics.clone()),
        Layer::RequestLog => {
            edge.request_log = Some(request_log::RequestLog {
                slow_request: settings.slow_request,
            });
        }
        Layer::RequestId => edge.request_id = Some(MakeCheapRequestId::default()),
        Layer::SecurityHeaders => edge.security_headers = true,
        Layer::CatchPanic
        | Layer::TagEntity
        | Layer::Compression
        | Layer::Revalidate
        | Layer::Limits
        | Layer::RequestSpan => return false,
    }
    true
}

/// `service` wrapped in `layer`, one of those below the response cache.
fn around(layer: Layer, service: Shared, settings: &HttpSettings) -> Shared {
    match layer {
        Layer::CatchPanic => {
            Shared::new(middleware::from_fn(catch_panic::catch_panic).layer(service))
        }
        Layer::TagEntity => Shared::new(middleware::from_fn(revalidate::tag_entity).layer(service)),
        Layer::Compression => Shared::new(CompressionLayer::new().layer(service)),
        Layer::Revalidate => Shared::new(
            middleware::from_fn_with_state(
                revalidate::CachePolicy {
                    max_age_seconds: settings.cache_max_age_seconds,
                },
                revalidate::revalidate,
            )
            .layer(service),
        ),
        Layer::Limits => Shared::new(
            middleware::from_fn_with_state(
                limits::Limits {
                    request_timeout: settings.request_timeout,
                    in_flight: Arc::new(Semaphore::new(settings.max_in_flight)),
                },
                limits::enforce,
            )
            .layer(service),
        ),
        Layer::RequestSpan => Shared::new(
            middleware::from_fn_with_state(REQUEST_ID, request_log::enter_request_span)
                .layer(service),
        ),
        Layer::ResponseCache
        | Layer::PublicUrl
        | Layer::RateLimit
        | Layer::RequestTarget
        | Layer::Cors
        | Layer::Metrics
        | Layer::RequestLog
        | Layer::RequestId
        | Layer::SecurityHeaders => unreachable!("{} is in the edge", layer.name()),
    }
}
