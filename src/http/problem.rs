//! [`ApiError`] as HTTP: its status, and its body as RFC 9457 `application/problem+json`.
//! Also the problem+json of the layers that answer before any handler (limits, panics,
//! timeouts, unknown routes and methods).
//!
//! [`ApiError`]: crate::error::ApiError

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::ApiError;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// RFC 9457 problem details. `type` stays `about:blank`, so `title` is the status phrase.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem<'a> {
    #[serde(rename = "type")]
    problem_type: &'static str,
    title: &'a str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    invalid_params: Vec<InvalidParam<'a>>,
}

/// The parameter a 400 is about, as in RFC 9457's own example.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvalidParam<'a> {
    name: &'a str,
    reason: &'a str,
}

impl ApiError {
    /// The status each error is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::NotFound { .. } | ApiError::RouteNotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::NotKnownAt(_) | ApiError::NothingToShow(_) => StatusCode::NOT_FOUND,
            ApiError::Gone(_) => StatusCode::GONE,
            ApiError::InvalidParameter { .. } => StatusCode::BAD_REQUEST,
            ApiError::NotReady(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            ApiError::Database(_) | ApiError::Render(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// A problem+json response for any status; also used by the layers (timeouts, refusals).
pub fn problem_response(status: StatusCode, detail: String) -> Response {
    render(status, detail, Vec::new())
}

/// On a 500 whose cause was logged, at error level, where it happened: the request log then
/// names the request without counting the failure a second time.
#[derive(Debug, Clone, Copy)]
pub struct FailureLogged;

/// The 500 of a failure whose cause was logged: a generic `detail` (the client learns nothing
/// of the cause), which asks for the request id the log line carries.
pub fn internal_error(detail: &str) -> Response {
    let mut response = problem_response(StatusCode::INTERNAL_SERVER_ERROR, detail.to_owned());
    response.extensions_mut().insert(FailureLogged);
    response
}

/// The problem+json body alone: for the refusals written below the router, where hyper
/// refuses what it cannot parse.
pub fn problem_body(status: StatusCode, detail: String) -> Vec<u8> {
    let problem = Problem {
        problem_type: "about:blank",
        title: status.canonical_reason().unwrap_or("Error"),
        status: status.as_u16(),
        detail,
        invalid_params: Vec::new(),
    };
    serde_json::to_vec(&problem).expect("a problem always serialises")
}

fn render(status: StatusCode, detail: String, invalid_params: Vec<InvalidParam<'_>>) -> Response {
    let problem = Problem {
        problem_type: "about:blank",
        title: status.canonical_reason().unwrap_or("Error"),
        status: status.as_u16(),
        detail,
        invalid_params,
    };
    let body = serde_json::to_vec(&problem).expect("a problem always serialises");
    (status, [(header::CONTENT_TYPE, PROBLEM_JSON)], body).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            ApiError::Database(error) => {
                // Logged once here, inside the request's span, so with its id; the client
                // learns nothing about the database.
                tracing::error!(%error, "database error while serving a request");
                internal_error(
                    "The server could not read its database. Try again; if it persists, \
                     report it with this response's x-request-id.",
                )
            }
            ApiError::Render(error) => {
                tracing::error!(%error, "could not render a response");
                internal_error(
                    "The server could not render this response; report it with this \
                     response's x-request-id.",
                )
            }
            ApiError::InvalidParameter { name, detail } => render(
                status,
                detail.clone(),
                vec![InvalidParam {
                    name,
                    reason: detail,
                }],
            ),
            _ => problem_response(status, self.to_string()),
        }
    }
}
