//! Extractors whose rejections come out as the API's own problem+json errors.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Query parameters, parsed into a struct that denies unknown fields, so that a typo in a
/// parameter name is a 400 naming the accepted ones rather than a silently ignored filter.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(ApiError::BadQuery(format!(
                "{}. The README lists each endpoint's parameters and accepted values.",
                rejection.body_text()
            ))),
        }
    }
}
