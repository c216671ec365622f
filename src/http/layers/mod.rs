//! The layers every response goes through, each in its file; `stack` puts them in order.

/// A panic becomes a 500, and a log line with its message.
pub mod catch_panic;
/// Origins, request headers and exposed response headers for browsers on other origins.
pub mod cors;
/// The layers outside the response cache, run as one service.
pub mod edge;
/// In-flight cap, timeout, rate limits.
pub mod limits;
/// Prometheus counters of every answer.
pub mod metrics;
/// The request's base URL, which links start with.
pub mod public_url;
/// Request ids, UUID-shaped, without a system call.
pub mod request_id;
/// The one log line per request, the route it names, and the span that gives every event of
/// the request its id.
pub mod request_log;
/// Path and query caps, and `Host`.
pub mod request_target;
/// Rendered responses kept per data version.
pub mod response_cache;
/// ETags, 304s, Cache-Control and Vary; HEAD answered as GET.
pub mod revalidate;
/// nosniff, Referrer-Policy, CSP, and no-store by default, on every answer.
pub mod security_headers;
/// Each layer holds the ones inside it behind an `Arc`: cheap to clone per request.
pub mod shared;
/// The layers in order, for the app and the benchmark.
pub mod stack;
