//! The layer that finds each request's base URL (`http/base_url.rs` says how) once: the
//! response cache keys on it, and it goes in the request's extensions for the handlers' links.

use axum::extract::Request;

use crate::http::base_url::BaseUrl;

/// Puts the request's base URL in its extensions, for the handlers: only a request that goes
/// past the response cache needs it there.
pub fn set_base_url(base_url: BaseUrl, request: &mut Request) {
    request.extensions_mut().insert(base_url);
}
