//! How the HTTP edge behaves: connection deadlines and caps, limits, caching, CORS, rate
//! limiting. The `serve` command fills them from its flags; tests use the defaults.

use std::time::Duration;

use axum::http::HeaderValue;

use crate::http::base_url::BaseUrl;

/// How the HTTP layers behave; tests use the defaults.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub cache_max_age_seconds: u32,
    /// Empty: any origin.
    pub cors_allow_origins: Vec<HeaderValue>,
    /// Where clients reach the API; links start with it. None: from each request's `Host`.
    pub public_url: Option<BaseUrl>,
    /// Whether `X-Forwarded-Proto` and `X-Forwarded-Host` say where clients reach the API
    /// (behind a reverse proxy that sets them); ignored without it, as any client can send
    /// them.
    pub trust_forwarded: bool,
    pub max_query_bytes: usize,
    /// Longest path; longer is a 414.
    pub max_path_bytes: usize,
    pub max_in_flight: usize,
    pub request_timeout: Duration,
    /// A request answered (its status and headers) more slowly is logged as a warning.
    pub slow_request: Duration,
    /// 0: no per-client limit.
    pub rate_limit_per_second: u32,
    pub rate_limit_burst: u32,
    /// Whether loopback clients are held to the per-client limits (the request rate and
    /// `exports_per_client`).
    pub rate_limit_loopback: bool,
    /// 0: no response cache.
    pub response_cache_bytes: u64,
    pub data_version_poll: Duration,
    /// Time a client has to send a request's head, counted from the connection's opening or
    /// from the end of its previous response; so also how long an idle keep-alive connection
    /// stays open.
    pub header_read_timeout: Duration,
    /// Largest request head (request line and headers); past it, 431.
    pub max_header_bytes: usize,
    /// Connections open at once; past it, new ones wait in the listen backlog.
    pub max_connections: usize,
    /// Time a response may wait for its client to take any of its bytes; past it the
    /// connection is closed.
    pub send_timeout: Duration,
    /// Time the requests in flight at a termination signal have to finish; then the
    /// connections still open are closed.
    pub shutdown_grace: Duration,
    /// Bulk exports one client (IP address) may stream at once; past it, 429. Loopback
    /// clients are exempt unless `rate_limit_loopback`.
    pub exports_per_client: usize,
    /// Slowest an export's client may read, in bytes a second, over each
    /// `export_rate_window` of its own reading time; below it the export is cut off. 0: no
    /// minimum.
    pub export_min_bytes_per_second: u64,
    pub export_rate_window: Duration,
    /// Longest an export may take; then it is cut off.
    pub export_max_duration: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            cache_max_age_seconds: 300,
            cors_allow_origins: Vec::new(),
            public_url: None,
            trust_forwarded: false,
            max_query_bytes: 2048,
            max_path_bytes: 2048,
            max_in_flight: 512,
            request_timeout: Duration::from_secs(10),
            slow_request: Duration::from_secs(1),
            rate_limit_per_second: 50,
            rate_limit_burst: 100,
            rate_limit_loopback: false,
            response_cache_bytes: 32 << 20,
            data_version_poll: Duration::from_millis(250),
            header_read_timeout: Duration::from_secs(10),
            max_header_bytes: 64 << 10,
            max_connections: 512,
            send_timeout: Duration::from_secs(60),
            // Within Docker's 10 s between SIGTERM and SIGKILL.
            shutdown_grace: Duration::from_secs(8),
            exports_per_client: 2,
            export_min_bytes_per_second: 32 << 10,
            export_rate_window: Duration::from_secs(30),
            export_max_duration: Duration::from_secs(30 * 60),
        }
    }
}
