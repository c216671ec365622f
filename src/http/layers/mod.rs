//! The layers every response goes through, each in its file; `stack` puts them in order.

/// Query-string cap, in-flight cap, timeout, rate limits, security headers.
pub mod limits;
/// Prometheus counters of every answer.
pub mod metrics;
/// The one log line per request, and the route it names.
pub mod request_log;
/// Rendered responses kept per data version.
pub mod response_cache;
/// ETags, 304s, Cache-Control and Vary; HEAD answered as GET.
pub mod revalidate;
/// The layers in order, for the app and the benchmark.
pub mod stack;
