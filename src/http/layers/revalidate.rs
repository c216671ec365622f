//! HTTP caching: a strong `ETag` on every successful GET and HEAD, `304 Not Modified` for a
//! matching `If-None-Match`, `Cache-Control` and `Vary`; and HEAD answered like GET (the
//! export's HEAD adds the row count its streamed GET cannot know first).

use std::hash::{Hash, Hasher};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::problem::problem_response;

/// What the caching headers say; shared with the middleware as state.
#[derive(Debug, Clone)]
pub struct CachePolicy {
    /// `Cache-Control: public, max-age=…` on successful reads.
    pub max_age_seconds: u32,
}

/// Largest body the tagger buffers; every response of this API is far smaller (the bulk
/// export, which is not, is [`Streamed`]).
const MAX_TAGGED_BODY: usize = 64 * 1024 * 1024;

/// Marks a response whose body is written as it is sent (`GET /v1/export`): its handler sets
/// a strong `ETag` from what determines the bytes, so the tagger does not buffer it and the
/// response cache does not keep it.
#[derive(Debug, Clone, Copy)]
pub struct Streamed;

/// Marks a HEAD that [`tag_entity`] runs as a GET: a handler whose work is all in the body
/// (the streamed export) can leave it undone.
#[derive(Debug, Clone, Copy)]
pub struct HeadRequest;

/// Inner layer: tags a successful GET's body with a strong validator computed from the bytes
/// and their media type, which change exactly when the data or the representation does; a
/// [`Streamed`] response comes tagged and passes as it is.
/// A HEAD runs as a GET all the way through (tagging, compression, revalidation), so it
/// carries exactly the GET's headers; hyper sends no body for a HEAD.
pub async fn tag_entity(mut request: Request, next: Next) -> Response {
    if request.method() == Method::HEAD {
        *request.method_mut() = Method::GET;
        request.extensions_mut().insert(HeadRequest);
    }
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || response.extensions().get::<Streamed>().is_some() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_TAGGED_BODY).await else {
        return problem_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The response was too large to send.".to_owned(),
        );
    };
    #[allow(deprecated)] // fixed keys: every replica computes the same tag for the same bytes
    let mut hasher = std::hash::SipHasher::new();
    parts
        .headers
        .get(header::CONTENT_TYPE)
        .map(HeaderValue::as_bytes)
        .hash(&mut hasher);
    bytes.hash(&mut hasher);
    let tag = format!("\"{:016x}-{:x}\"", hasher.finish(), bytes.len());
    parts.headers.insert(
        header::ETAG,
        HeaderValue::from_str(&tag).expect("hex is a valid header"),
    );
    Response::from_parts(parts, Body::from(bytes))
}

/// Outer layer (outside compression): a compressed body is a different representation, so its
/// strong tag gets the coding appended; then `If-None-Match` is answered, and the caching
/// headers are set.
pub async fn revalidate(
    State(policy): State<CachePolicy>,
    request: Request,
    next: Next,
) -> Response {
    let readable = matches!(*request.method(), Method::GET | Method::HEAD);
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let mut response = next.run(request).await;
    if !readable {
        return response;
    }
    let headers = response.headers_mut();
    // Every answer may differ by its representation (`Accept`) and coding; one that names
    // things (it says its `Content-Language`) also by the language `Accept-Language` asks for.
    let vary = if headers.contains_key(header::CONTENT_LANGUAGE) {
        "accept, accept-encoding, accept-language"
    } else {
        "accept, accept-encoding"
    };
    headers.insert(header::VARY, HeaderValue::from_static(vary));
    if response.status() != StatusCode::OK {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return response;
    }
    let headers = response.headers_mut();
    // A handler that set its own policy (the health probes: no-store) keeps it.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_str(&format!("public, max-age={}", policy.max_age_seconds))
                .expect("digits are a valid header"),
        );
    }
    let Some(tag) = encoded_tag(headers) else {
        return response;
    };
    headers.insert(header::ETAG, tag.clone());
    if if_none_match.is_some_and(|condition| matches_any(&condition, &tag)) {
        // The extensions carry the route template, which the log and the metrics name.
        let mut unmodified = not_modified(response.headers());
        *unmodified.extensions_mut() = response.extensions().clone();
        return unmodified;
    }
    response
}

/// The 304 for a response with these headers: its validator and caching headers, no body.
pub fn not_modified(headers: &HeaderMap) -> Response {
    let mut not_modified = StatusCode::NOT_MODIFIED.into_response();
    for name in [header::ETAG, header::CACHE_CONTROL, header::VARY] {
        for value in headers.get_all(&name) {
            not_modified
                .headers_mut()
                .append(name.clone(), value.clone());
        }
    }
    not_modified
}

/// Whether a request's `If-None-Match` matches the ETag among these response headers.
pub fn unmodified_since_tagged(if_none_match: Option<&HeaderValue>, headers: &HeaderMap) -> bool {
    match (if_none_match, headers.get(header::ETAG)) {
        (Some(condition), Some(tag)) => matches_any(condition, tag),
        _ => false,
    }
}

/// The response's tag with its content coding folded in: `"abc"` + gzip = `"abc-gzip"`.
fn encoded_tag(headers: &HeaderMap) -> Option<HeaderValue> {
    let tag = headers.get(header::ETAG)?.to_str().ok()?;
    let Some(coding) = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return HeaderValue::from_str(tag).ok();
    };
    let opaque = tag.trim_matches('"');
    HeaderValue::from_str(&format!("\"{opaque}-{coding}\"")).ok()
}

/// `If-None-Match` uses the weak comparison (RFC 9110 §13.1.2): `W/` prefixes are ignored.
fn matches_any(condition: &HeaderValue, tag: &HeaderValue) -> bool {
    let Ok(condition) = condition.to_str() else {
        return false;
    };
    let tag = tag.to_str().unwrap_or_default();
    condition.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.trim_start_matches("W/") == tag.trim_start_matches("W/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists_and_star() {
        let tag = HeaderValue::from_static("\"abc-gzip\"");
        for condition in ["\"abc-gzip\"", "W/\"abc-gzip\"", "\"x\", \"abc-gzip\"", "*"] {
            assert!(
                matches_any(&HeaderValue::from_static(condition), &tag),
                "{condition}"
            );
        }
        for condition in ["\"abc\"", "\"abc-br\"", ""] {
            assert!(
                !matches_any(&HeaderValue::from_static(condition), &tag),
                "{condition}"
            );
        }
    }

    #[test]
    fn a_compressed_body_gets_its_own_strong_tag() {
        let mut headers = HeaderMap::new();
        headers.insert(header::ETAG, HeaderValue::from_static("\"abc\""));
        assert_eq!(encoded_tag(&headers).unwrap(), "\"abc\"");
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
        assert_eq!(encoded_tag(&headers).unwrap(), "\"abc-br\"");
    }
}
