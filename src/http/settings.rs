//! How the HTTP layers behave: limits, caching, CORS, rate limiting. The `serve` command fills
//! them from its flags; tests use the defaults.

use std::time::Duration;

use axum::http::HeaderValue;

/// How the HTTP layers behave; tests use the defaults.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub cache_max_age_seconds: u32,
    /// Empty: any origin.
    pub cors_allow_origins: Vec<HeaderValue>,
    pub max_query_bytes: usize,
    pub max_in_flight: usize,
    pub request_timeout: Duration,
    /// 0: no per-client limit.
    pub rate_limit_per_second: u32,
    pub rate_limit_burst: u32,
    pub rate_limit_loopback: bool,
    /// 0: no response cache.
    pub response_cache_bytes: u64,
    pub data_version_poll: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            cache_max_age_seconds: 300,
            cors_allow_origins: Vec::new(),
            max_query_bytes: 2048,
            max_in_flight: 512,
            request_timeout: Duration::from_secs(10),
            rate_limit_per_second: 50,
            rate_limit_burst: 100,
            rate_limit_loopback: false,
            response_cache_bytes: 32 << 20,
            data_version_poll: Duration::from_millis(250),
        }
    }
}
