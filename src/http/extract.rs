//! The typed-query extractor: a handler names the endpoint it serves (`TypedQuery<Regions>`)
//! and receives that endpoint's typed query, parsed strictly and with its ids checked against
//! the database, names in the language `lang` or else `Accept-Language` chooses. A refusal is
//! an [`ApiError`], so it comes back as problem+json like any other. Handlers never see the
//! query string.

use axum::extract::FromRequestParts;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;

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
            parts.uri.path(),
            parts.uri.query(),
            preferred,
        )
        .await?;
        Ok(TypedQuery(query))
    }
}
