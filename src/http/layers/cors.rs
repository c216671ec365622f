//! CORS: which origins may read the API from a browser, which request headers a page may send
//! without its preflight being refused, which response headers its script may read, and how
//! long a browser may keep a preflight's answer.
//!
//! Every header this sends depends only on the fixed lists below and on the request's
//! `Origin`, so they are made once, not per request (as `tower_http`'s `CorsLayer` made them,
//! copying its lists and joining its `Vary` on every request); a test checks that they are the
//! bytes that layer sends, in its order.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method};
use axum::response::Response;

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

/// The methods a page on another origin may use: reads only.
pub const ALLOWED_METHODS: [Method; 3] = [Method::GET, Method::HEAD, Method::OPTIONS];

/// How long a browser may reuse a preflight's answer: two hours, Chromium's cap (Firefox
/// keeps one for up to a day), so a dashboard preflights once per URL, not per request.
pub const PREFLIGHT_MAX_AGE_SECONDS: u64 = 7200;

/// The request headers a CORS answer depends on, for caches.
const VARY: HeaderValue = HeaderValue::from_static(
    "origin, access-control-request-method, access-control-request-headers",
);
const ANY_ORIGIN: HeaderValue = HeaderValue::from_static("*");

/// `items` joined by commas, as one header value.
fn joined<'a>(items: impl IntoIterator<Item = &'a str>) -> HeaderValue {
    let text = items.into_iter().collect::<Vec<_>>().join(",");
    HeaderValue::from_str(&text).expect("header and method names make a valid header value")
}

/// GET, HEAD and OPTIONS from `settings.cors_allow_origins`, or from any origin when it is
/// empty (the data is public); its headers made once.
#[derive(Debug, Clone)]
pub struct Cors {
    /// `None`: any origin.
    allowed_origins: Option<Vec<HeaderValue>>,
    allow_methods: HeaderValue,
    allow_headers: HeaderValue,
    expose_headers: HeaderValue,
    max_age: HeaderValue,
}

impl Cors {
    pub fn new(settings: &HttpSettings) -> Cors {
        Cors {
            allowed_origins: (!settings.cors_allow_origins.is_empty())
                .then(|| settings.cors_allow_origins.clone()),
            allow_methods: joined(ALLOWED_METHODS.iter().map(Method::as_str)),
            allow_headers: joined(ALLOWED_REQUEST_HEADERS.iter().map(HeaderName::as_str)),
            expose_headers: joined(EXPOSED_RESPONSE_HEADERS.iter().map(HeaderName::as_str)),
            max_age: HeaderValue::from(PREFLIGHT_MAX_AGE_SECONDS),
        }
    }

    /// The `Access-Control-Allow-Origin` a request with `headers` gets, if any: `*`, or its
    /// `Origin` when that is on the list.
    pub fn allow_origin(&self, headers: &HeaderMap) -> Option<HeaderValue> {
        match &self.allowed_origins {
            None => Some(ANY_ORIGIN),
            Some(list) => headers
                .get(header::ORIGIN)
                .filter(|origin| list.contains(origin))
                .cloned(),
        }
    }

    /// The answer to an OPTIONS request (any, as a preflight): empty, with what may follow it.
    pub fn preflight(&self, allow_origin: Option<HeaderValue>) -> Response {
        let mut response = Response::new(Body::empty());
        let headers = response.headers_mut();
        headers.insert(header::VARY, VARY);
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            self.allow_methods.clone(),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            self.allow_headers.clone(),
        );
        headers.insert(header::ACCESS_CONTROL_MAX_AGE, self.max_age.clone());
        if let Some(origin) = allow_origin {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        }
        response
    }

    /// The `Access-Control-Allow-Origin` every request gets, whatever its `Origin`: `*` when
    /// any origin may read; `None` when it depends on the request's.
    pub fn fixed_allow_origin(&self) -> Option<HeaderValue> {
        self.allowed_origins.is_none().then_some(ANY_ORIGIN)
    }

    /// Adds the CORS headers to any other answer: `Vary` after the ones it has, then the
    /// origin allowed and the headers exposed.
    pub fn decorate(&self, allow_origin: Option<HeaderValue>, response: &mut Response) {
        self.decorate_headers(allow_origin, response.headers_mut());
    }

    /// [`decorate`](Self::decorate) on a response's headers alone.
    pub fn decorate_headers(&self, allow_origin: Option<HeaderValue>, headers: &mut HeaderMap) {
        headers.append(header::VARY, VARY);
        if let Some(origin) = allow_origin {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        }
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            self.expose_headers.clone(),
        );
    }

    /// This layer's answer to `request`: a preflight answered here, or `inner`'s answer with
    /// the CORS headers added.
    #[cfg(test)]
    async fn answer(
        &self,
        request: axum::extract::Request,
        inner: impl std::future::Future<Output = Response>,
    ) -> Response {
        let allow_origin = self.allow_origin(request.headers());
        if request.method() == Method::OPTIONS {
            return self.preflight(allow_origin);
        }
        let mut response = inner.await;
        self.decorate(allow_origin, &mut response);
        response
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::time::Duration;

    use axum::extract::Request;
    use axum::http::StatusCode;
    use tower::{Layer as _, ServiceExt};
    use tower_http::cors::{AllowOrigin, CorsLayer};

    use super::*;

    /// The `tower_http` layer this module replaced, configured as it was: the reference.
    fn tower_cors(settings: &HttpSettings) -> CorsLayer {
        let origins = if settings.cors_allow_origins.is_empty() {
            AllowOrigin::any()
        } else {
            AllowOrigin::list(settings.cors_allow_origins.clone())
        };
        CorsLayer::new()
            .allow_origin(origins)
            .allow_methods(ALLOWED_METHODS)
            .allow_headers(ALLOWED_REQUEST_HEADERS)
            .expose_headers(EXPOSED_RESPONSE_HEADERS)
            .max_age(Duration::from_secs(PREFLIGHT_MAX_AGE_SECONDS))
    }

    /// What a route answers: a status and a `Vary` of its own, which CORS must keep.
    fn routed() -> Response {
        let mut response = Response::new(Body::from("body"));
        *response.status_mut() = StatusCode::NOT_FOUND;
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("accept"));
        response
            .headers_mut()
            .insert(header::ETAG, HeaderValue::from_static("\"tag\""));
        response
    }

    fn request(method: &Method, headers: &[(&'static str, &'static str)]) -> Request {
        let mut request = Request::builder().method(method).uri("/v1/regions");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(Body::empty()).unwrap()
    }

    /// Status, every header in order, and body.
    async fn seen(response: Response) -> (StatusCode, Vec<(String, Vec<u8>)>, Vec<u8>) {
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| (name.to_string(), value.as_bytes().to_vec()))
            .collect();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, headers, body.to_vec())
    }

    #[tokio::test]
    async fn the_headers_made_once_are_the_bytes_tower_http_sends_in_its_order() {
        let open = HttpSettings::default();
        let closed = HttpSettings {
            cors_allow_origins: vec![HeaderValue::from_static("https://dashboard.example")],
            ..Default::default()
        };
        let preflight_headers = [
            ("origin", "https://dashboard.example"),
            ("access-control-request-method", "GET"),
            ("access-control-request-headers", "x-request-id"),
        ];
        for settings in [&open, &closed] {
            for method in [Method::GET, Method::HEAD, Method::OPTIONS] {
                for headers in [
                    &[][..],
                    &[("origin", "https://dashboard.example")],
                    &[("origin", "https://elsewhere.example")],
                    &preflight_headers,
                ] {
                    let reference = tower_cors(settings)
                        .layer(tower::service_fn(|_: Request| async {
                            Ok::<_, Infallible>(routed())
                        }))
                        .oneshot(request(&method, headers))
                        .await
                        .unwrap();
                    let ours = Cors::new(settings)
                        .answer(request(&method, headers), async { routed() })
                        .await;
                    assert_eq!(
                        seen(ours).await,
                        seen(reference).await,
                        "{method} {headers:?} with origins {:?}",
                        settings.cors_allow_origins
                    );
                }
            }
        }
    }
}
