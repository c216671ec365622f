//! The layer that finds each request's base URL (`http/base_url.rs` says how) once, and puts
//! it in the request's extensions for the response cache's key and the handlers' links.

use axum::extract::Request;

use crate::http::base_url::LinkBase;

/// Puts the request's base URL in its extensions, for the response cache and the handlers.
pub fn set_base_url(base: &LinkBase, request: &mut Request) {
    let base_url = base.of(request.headers(), request.uri());
    request.extensions_mut().insert(base_url);
}
