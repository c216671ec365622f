//! Prometheus metrics of one app: requests by route template, method and status, their
//! latency, requests in flight, response-cache hits and misses, the database pool and the data
//! version; written out by `GET /metrics` in Prometheus's text exposition format (0.0.4).
//!
//! Every app owns its [`Metrics`] and their registry: tests run many apps in one process, and
//! their counts must not mix. Recording a request costs two label lookups (a hash of the label
//! values and a read lock each), skipped when the thread counted the same labels last (a run
//! of hits of one URL), and a few atomic adds; the gauges are read when scraped.
//!
//! [`Metrics`]: crate::http::layers::metrics::Metrics

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::http::{Method, StatusCode};
use axum::response::Response;
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts,
    Registry, TextEncoder,
};
use sqlx::SqlitePool;

use super::request_log::Route;

/// The media type of the exposition.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The route label of a response that no route answered: an unknown path, the API explorer,
/// or a request refused before routing (414, 429, 503). Never the raw path: every distinct
/// label value is a series that Prometheus keeps.
const UNMATCHED: &str = "unmatched";

/// Latency bucket bounds in seconds: from half a millisecond (a cache hit) to ten seconds (the
/// default request timeout).
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The response cache's counters: it counts, `/metrics` reports.
#[derive(Clone)]
pub struct CacheCounters {
    /// Answers from memory, a 304 to a revalidation included.
    pub hits: IntCounter,
    /// Cacheable answers (a 200 not marked `no-store`) rendered below because memory held
    /// none, whether or not they were then kept. Errors and probes are never kept, so they are
    /// neither hits nor misses.
    pub misses: IntCounter,
}

impl Default for CacheCounters {
    fn default() -> Self {
        CacheCounters {
            hits: IntCounter::new(
                "gd_indicators_response_cache_hits_total",
                "Responses answered from the response cache, 304s included.",
            )
            .expect("a valid metric name"),
            misses: IntCounter::new(
                "gd_indicators_response_cache_misses_total",
                "Cacheable responses rendered because the cache did not hold them.",
            )
            .expect("a valid metric name"),
        }
    }
}

/// One app's metrics.
pub struct Metrics {
    /// Tells apps' metrics apart in [`LAST_SERIES`] (an address could be reused).
    id: u64,
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    in_flight: IntGauge,
    pool_connections: IntGauge,
    pool_idle: IntGauge,
    pool_max: IntGauge,
    data_version: IntGauge,
}

/// What the exposition reads at scrape time besides the counts the app keeps.
pub struct ScrapeInputs<'a> {
    pub pool: &'a SqlitePool,
    pub data_version: i64,
}

impl Metrics {
    /// Metrics that also report `cache`'s hits and misses.
    pub fn new(cache: &CacheCounters) -> Metrics {
        Metrics::build(cache).expect("the metrics' names and labels are valid and distinct")
    }

    fn build(cache: &CacheCounters) -> prometheus::Result<Metrics> {
        let gauge = |name: &str, help: &str| IntGauge::new(name, help);
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        let metrics = Metrics {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            registry: Registry::new(),
            requests: IntCounterVec::new(
                Opts::new(
                    "gd_indicators_http_requests_total",
                    "Requests answered, by route template, method and status.",
                ),
                &["route", "method", "status"],
            )?,
            latency: HistogramVec::new(
                HistogramOpts::new(
                    "gd_indicators_http_request_duration_seconds",
                    "Time from receiving a request to its response's headers, by route \
                     template and status.",
                )
                .buckets(BUCKETS.to_vec()),
                &["route", "status"],
            )?,
            in_flight: gauge(
                "gd_indicators_http_requests_in_flight",
                "Requests received and not yet answered, this scrape included.",
            )?,
            pool_connections: gauge(
                "gd_indicators_db_pool_connections",
                "Connections the database pool holds open, idle or in use.",
            )?,
            pool_idle: gauge(
                "gd_indicators_db_pool_idle_connections",
                "Open database connections not in use.",
            )?,
            pool_max: gauge(
                "gd_indicators_db_pool_max_connections",
                "The most connections the database pool opens.",
            )?,
            data_version: gauge(
                "gd_indicators_data_version",
                "The id of the last import the server has seen (0: the migrations' data alone).",
            )?,
        };
        let registry = &metrics.registry;
        registry.register(Box::new(metrics.requests.clone()))?;
        registry.register(Box::new(metrics.latency.clone()))?;
        registry.register(Box::new(metrics.in_flight.clone()))?;
        registry.register(Box::new(cache.hits.clone()))?;
        registry.register(Box::new(cache.misses.clone()))?;
        registry.register(Box::new(metrics.pool_connections.clone()))?;
        registry.register(Box::new(metrics.pool_idle.clone()))?;
        registry.register(Box::new(metrics.pool_max.clone()))?;
        registry.register(Box::new(metrics.data_version.clone()))?;
        Ok(metrics)
    }

    fn record(&self, route: &str, method: &Method, status: StatusCode, seconds: f64) {
        let method = method_label(method);
        let counted = LAST_SERIES.try_with(|last| {
            let mut last = last.borrow_mut();
            let same = last.as_ref().is_some_and(|series| {
                series.metrics == self.id
                    && series.status == status
                    && series.method == method
                    && *series.route == *route
            });
            let series = if same {
                last.as_ref().expect("the same series is there")
            } else {
                last.insert(self.series(route, method, status))
            };
            series.requests.inc();
            series.latency.observe(seconds);
        });
        // Only while the thread's locals are being destroyed.
        if counted.is_err() {
            let series = self.series(route, method, status);
            series.requests.inc();
            series.latency.observe(seconds);
        }
    }

    /// The series of one label set, looked up.
    fn series(&self, route: &str, method: &'static str, status: StatusCode) -> Series {
        Series {
            metrics: self.id,
            route: route.into(),
            method,
            status,
            requests: self
                .requests
                .with_label_values(&[route, method, status.as_str()]),
            latency: self.latency.with_label_values(&[route, status.as_str()]),
        }
    }

    /// The exposition: every family, the gauges read from `inputs` now.
    pub fn render(&self, inputs: &ScrapeInputs) -> String {
        self.pool_connections.set(inputs.pool.size().into());
        self.pool_idle
            .set(i64::try_from(inputs.pool.num_idle()).unwrap_or(i64::MAX));
        self.pool_max
            .set(inputs.pool.options().get_max_connections().into());
        self.data_version.set(inputs.data_version);
        let mut text = Vec::with_capacity(16 * 1024);
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut text)
            .expect("the text encoder writes any gathered family to memory");
        String::from_utf8(text).expect("the text format is UTF-8")
    }
}

/// The series of one app's label set: the request counter and the latency histogram.
struct Series {
    metrics: u64,
    route: Box<str>,
    method: &'static str,
    status: StatusCode,
    requests: IntCounter,
    latency: Histogram,
}

thread_local! {
    /// The series this thread counted last, kept so that the next answer with the same labels
    /// (a run of hits of one URL) skips both lookups.
    static LAST_SERIES: RefCell<Option<Series>> = const { RefCell::new(None) };
}

/// `method`'s label: a standard method's name, or `OTHER` for any extension, so that a client
/// cannot make a series per invented method.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "OTHER",
    }
}

/// Counts a request in flight while it is, even if its client goes away (the guard drops with
/// the request's future).
pub struct InFlight<'a>(&'a IntGauge);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Counted outside the response cache, CORS and rate limiting, so that every answer is, hits
/// and refusals included: its route template (the router's [`Route`] on the response), method,
/// status and latency. A request whose client leaves before the answer counts in flight until
/// then, and is not counted as answered.
impl Metrics {
    /// Counts a request in flight until the guard drops.
    pub fn enter(&self) -> InFlight<'_> {
        self.in_flight.inc();
        InFlight(&self.in_flight)
    }

    /// Counts `response`, the answer to a `method` request received at `started`, by `route`
    /// (see [`route_of`](super::request_log::route_of)).
    pub fn record_answer(
        &self,
        method: &Method,
        started: Instant,
        response: &Response,
        route: Option<&Route>,
    ) {
        let route = route.map_or(UNMATCHED, |Route(route)| route.as_str());
        self.record(
            route,
            method,
            response.status(),
            started.elapsed().as_secs_f64(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_outside_the_standard_set_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::DELETE), "DELETE");
        assert_eq!(method_label(&Method::TRACE), "TRACE");
        assert_eq!(
            method_label(&Method::from_bytes(b"PROPFIND").unwrap()),
            "OTHER"
        );
        assert_eq!(
            method_label(&Method::from_bytes(b"OTHER").unwrap()),
            "OTHER"
        );
    }

    #[test]
    fn each_app_counts_its_own_answers_by_their_labels_whatever_the_thread_counted_last() {
        let first = Metrics::new(&CacheCounters::default());
        let second = Metrics::new(&CacheCounters::default());
        let answers: [(&Metrics, &str, Method, StatusCode); 7] = [
            (&first, "/v1/clusters", Method::GET, StatusCode::OK),
            (&first, "/v1/clusters", Method::GET, StatusCode::OK),
            (&second, "/v1/clusters", Method::GET, StatusCode::OK),
            (&first, "/v1/clusters", Method::GET, StatusCode::OK),
            (&first, "/v1/regions", Method::GET, StatusCode::OK),
            (&first, "/v1/regions", Method::HEAD, StatusCode::OK),
            (
                &first,
                "/v1/regions",
                Method::HEAD,
                StatusCode::NOT_MODIFIED,
            ),
        ];
        for (metrics, route, method, status) in &answers {
            metrics.record(route, method, *status, 0.001);
        }
        let count = |metrics: &Metrics, labels: [&str; 3]| {
            metrics.requests.with_label_values(&labels).get()
        };
        assert_eq!(count(&first, ["/v1/clusters", "GET", "200"]), 3);
        assert_eq!(count(&second, ["/v1/clusters", "GET", "200"]), 1);
        assert_eq!(count(&first, ["/v1/regions", "GET", "200"]), 1);
        assert_eq!(count(&first, ["/v1/regions", "HEAD", "200"]), 1);
        assert_eq!(count(&first, ["/v1/regions", "HEAD", "304"]), 1);
        assert_eq!(count(&second, ["/v1/regions", "GET", "200"]), 0);
        let observed = first
            .latency
            .with_label_values(&["/v1/clusters", "200"])
            .get_sample_count();
        assert_eq!(observed, 3);
    }

    #[test]
    fn bucket_bounds_rise() {
        assert!(BUCKETS.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
