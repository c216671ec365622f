//! CORS: which origins may read the API from a browser, which request headers a page may send
//! without its preflight being refused, which response headers its script may read, and how
//! long a browser may keep a preflight's answer.

use std::time::Duration;

use axum::http::{header, HeaderName, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::request_id::REQUEST_ID;
use crate::http::render::list::{NOTES_HEADER, TOTAL_COUNT_HEADER};
use crate::http::settings::HttpSettings;

/// The request headers a page on another origin may send: what a dashboard's `fetch` sets
/// (content negotiation, the language of names, revalidation, its own request id). Any other
/// header makes Chromium refuse the request after the preflight ("Failed to fetch").
pub const ALLOWED_REQUEST_HEADERS: [HeaderName; 5] = [
    header::ACCEPT,
    header::ACCEPT_LANGUAGE,
    header::CONTENT_TYPE,
    header::IF_NONE_MATCH,
    REQUEST_ID,
];

/// The response headers a page's script may read besides the CORS-safelisted ones
/// (Content-Type, Cache-Control...): the tag to revalidate with, the page's neighbours, the
/// request id to quote, the language of names, a CSV's file name, a count of items, and a
/// transform's notes.
pub const EXPOSED_RESPONSE_HEADERS: [HeaderName; 7] = [
    header::ETAG,
    header::LINK,
    REQUEST_ID,
    header::CONTENT_LANGUAGE,
    header::CONTENT_DISPOSITION,
    HeaderName::from_static(TOTAL_COUNT_HEADER),
    HeaderName::from_static(NOTES_HEADER),
];

/// How long a browser may reuse a preflight's answer: two hours, Chromium's cap (Firefox
/// keeps one for up to a day), so a dashboard preflights once per URL, not per request.
pub const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(7200);

/// GET, HEAD and OPTIONS from `settings.cors_allow_origins`, or from any origin when it is
/// empty (the data is public).
pub fn cors(settings: &HttpSettings) -> CorsLayer {
    let origins = if settings.cors_allow_origins.is_empty() {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(settings.cors_allow_origins.clone())
    };
    CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::GET, Method::HEAD, Method::OPTIONS])
        .allow_headers(ALLOWED_REQUEST_HEADERS)
        .expose_headers(EXPOSED_RESPONSE_HEADERS)
        .max_age(PREFLIGHT_MAX_AGE)
}
