//! `/openapi.json`: the API's OpenAPI 3.1 document. The router hands in its endpoint table,
//! so the document lists exactly what is served, this endpoint included.

use axum::routing::get;
use axum::Json;
use utoipa::openapi::OpenApi;

use super::{Endpoint, EndpointDoc};
use crate::http::openapi::document;

/// The paths the router serves and what documents them.
type Documented = fn() -> Vec<(&'static str, EndpointDoc)>;

pub fn endpoints(documented: Documented) -> Vec<Endpoint> {
    vec![Endpoint::object(
        "/openapi.json",
        get(move || get_openapi(documented)),
        "This API's OpenAPI 3.1 document",
    )]
}

/// `GET /openapi.json`, generated from the endpoint table at the first request and kept.
async fn get_openapi(documented: Documented) -> Json<&'static OpenApi> {
    static DOCUMENT: std::sync::OnceLock<OpenApi> = std::sync::OnceLock::new();
    Json(DOCUMENT.get_or_init(|| document(&documented())))
}
