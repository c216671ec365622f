//! The typed-query extractor: a handler names the endpoint it serves (`TypedQuery<Regions>`)
//! and receives that endpoint's typed query, parsed strictly and with its ids checked against
//! the database, names in the language `lang` or else `Accept-Language` chooses. A refusal is
//! an [`ApiError`], so it comes back as problem+json like any other. Handlers never see the
//! query string. Path parameters are checked first, by [`decodable_path`], so that axum's
//! `Path` never refuses one in its own (plain text) terms.

use axum::extract::{FromRequestParts, MatchedPath, Request};
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::render::negotiate;
use super::state::AppState;
use crate::error::ApiError;
use crate::service::query::parse::{read, Accepts};

/// The typed query of endpoint `E`, read from the request's query string.
pub struct TypedQuery<E: Accepts>(pub E::Query);

impl<E: Accepts> FromRequestParts<AppState> for TypedQuery<E> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let preferred = negotiate::language(parts.headers.get(ACCEPT_LANGUAGE));
        let query = read::<E>(
            &state.service.pool,
            Some(state.service.known_values()),
            parts.uri.path(),
            parts.uri.query(),
            preferred,
        )
        .await?;
        Ok(TypedQuery(query))
    }
}

/// Route layer: a path parameter that does not percent-decode to UTF-8 (`/v1/observations/%ff`)
/// is refused as problem+json, named after its place in the route (`id`), before the handler's
/// `Path` extractor would refuse it as plain text.
pub async fn decodable_path(request: Request, next: Next) -> Response {
    let template = request
        .extensions()
        .get::<MatchedPath>()
        .map(|matched| matched.as_str().to_owned());
    let bad = request
        .uri()
        .path()
        .split('/')
        .enumerate()
        .find(|(_, segment)| !percent_decodes_to_utf8(segment));
    if let Some((index, segment)) = bad {
        let name = template
            .as_deref()
            .and_then(|template| template.split('/').nth(index))
            .and_then(|part| part.strip_prefix('{')?.strip_suffix('}'))
            .unwrap_or("path")
            .to_owned();
        let detail = format!(
            "{name}: '{segment}' is not UTF-8 once percent-decoded; ids are lower-case \
             letters, digits and hyphens."
        );
        return ApiError::invalid_parameter(&name, detail).into_response();
    }
    next.run(request).await
}

/// Whether `segment`, percent-decoded, is UTF-8 (a `%` not followed by two hex digits stands
/// for itself, as axum reads it).
fn percent_decodes_to_utf8(segment: &str) -> bool {
    if !segment.contains('%') {
        return true;
    }
    let bytes = segment.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes
            .get(at + 1..at + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[at], hex) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                at += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                at += 1;
            }
        }
    }
    std::str::from_utf8(&decoded).is_ok()
}

#[cfg(test)]
mod tests {
    use super::percent_decodes_to_utf8;

    #[test]
    fn a_segment_decodes_to_utf8_or_not() {
        for good in ["rd-expenditure-2024", "%41", "caf%C3%A9", "100%", "%zz", ""] {
            assert!(percent_decodes_to_utf8(good), "{good}");
        }
        for bad in ["%ff", "%c3%28", "%80", "a%E2%82"] {
            assert!(!percent_decodes_to_utf8(bad), "{bad}");
        }
    }
}
