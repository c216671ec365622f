//! The headers every answer carries, whichever layer made it (a route, the cache, a 429, a
//! CORS preflight): `nosniff`, no referrer, a strict Content-Security-Policy on HTML and SVG,
//! and `Cache-Control: no-store` where no layer set a caching policy. The outermost layer, so
//! that nothing answers around it.

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;

/// `nosniff` and `no-referrer` everywhere; a strict Content-Security-Policy on HTML and SVG,
/// the only representations a browser would run anything in; `no-store` on what no layer
/// marked cacheable (refusals made before the revalidation layer: 429, 414, CORS preflights).
pub fn set_security_headers(response: &mut Response) {
    add_security_headers(response.headers_mut());
}

/// [`set_security_headers`] on a response's headers alone (a stored response's, finished
/// once for all its hits).
pub fn add_security_headers(headers: &mut HeaderMap) {
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let policy = if content_type.starts_with("text/html") {
        // Swagger UI and the dashboard: their own scripts and styles, inline styles, data:
        // images, and fetches from this origin only.
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
}
