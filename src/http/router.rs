//! The endpoint table and the router built from it: every route the API serves, in the order
//! the documentation lists them, the index at `/v1`, the OpenAPI document generated from the
//! same table, the dashboard, the API explorer, and the answers to unknown paths and methods.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;
use utoipa::openapi::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use super::base_url::BaseUrl;
use super::endpoint::{Endpoint, EndpointDoc};
use super::extract::{decodable_path, TypedQuery};
use super::fallback::ServedPaths;
use super::layers::request_log::record_route;
use super::layers::request_target::{Abbreviated, MAX_ECHOED_BYTES};
use super::openapi::document;
use super::problem::problem_response;
use super::render::negotiate::negotiate;
use super::routes::{
    analytics, charts, city_plans, clusters, companies, dashboard, datapackage, facilities, health,
    indicators, metrics, observations, regions, search, sources, speakers,
};
use super::state::AppState;
use crate::error::{ApiError, ApiResult};
use crate::service::catalogue::Enumerations;
use crate::service::query::params::Format;
use crate::service::query::queries::Document;

/// Every route the API serves, in the order the documentation lists them.
pub fn endpoints() -> Vec<Endpoint> {
    let mut endpoints = vec![
        Endpoint::object::<Document>("/v1", get(index), "Links to every collection"),
        Endpoint::object::<Document>(
            "/openapi.json",
            get(get_openapi),
            "This API's OpenAPI 3.1 document",
        ),
    ];
    for module in [
        health::endpoints,
        metrics::endpoints,
        regions::endpoints,
        clusters::endpoints,
        observations::endpoints,
        datapackage::endpoints,
        city_plans::endpoints,
        indicators::endpoints,
        sources::endpoints,
        speakers::endpoints,
        companies::endpoints,
        facilities::endpoints,
        search::endpoints,
        analytics::endpoints,
        charts::endpoints,
    ] {
        endpoints.extend(module());
    }
    endpoints
}

/// The paths and what documents them, without the handlers.
pub fn documented_endpoints() -> Vec<(&'static str, EndpointDoc)> {
    endpoints().into_iter().map(|e| (e.path, e.doc)).collect()
}

/// The router of every endpoint and dashboard page, with the fallbacks.
pub fn router() -> Router<AppState> {
    let mut router = Router::new();
    let mut served = Vec::new();
    for endpoint in endpoints() {
        served.push(endpoint.path);
        router = router.route(endpoint.path, endpoint.handler);
    }
    // The dashboard is for people, not part of the API: served, but not in the OpenAPI document.
    for (path, handler) in dashboard::pages() {
        served.push(path);
        router = router.route(path, handler);
    }
    served.push(EXPLORER_PAGE);
    let served = Arc::new(ServedPaths::new(served));
    let explorer: Router<AppState> = SwaggerUi::new("/docs")
        .config(utoipa_swagger_ui::Config::from("/openapi.json"))
        .into();
    router
        // Before the merge and fallbacks: only the API's own routes are named in the logs,
        // and only they read path parameters.
        .route_layer(axum::middleware::from_fn(decodable_path))
        .route_layer(axum::middleware::from_fn(record_route))
        .merge(explorer.layer(axum::middleware::from_fn(explorer_not_found)))
        .fallback(move |uri: Uri, base: BaseUrl| {
            let served = served.clone();
            async move { served.answer(&uri, &base) }
        })
        .method_not_allowed_fallback(|| async {
            let mut response = problem_response(
                StatusCode::METHOD_NOT_ALLOWED,
                "This API is read-only: use GET, HEAD or OPTIONS.".to_owned(),
            );
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(ALLOWED_METHODS));
            response
        })
}

/// The API explorer answers a file it does not have with an empty 404; this one says so, as
/// every other 404 does (the path abbreviated as theirs are).
async fn explorer_not_found(request: Request, next: Next) -> Response {
    let path = Abbreviated::new(request.uri().path(), MAX_ECHOED_BYTES).to_string();
    let response = next.run(request).await;
    if response.status() == StatusCode::NOT_FOUND {
        return ApiError::RouteNotFound {
            path,
            suggestion: None,
        }
        .into_response();
    }
    response
}

/// The API explorer's page (`/docs` redirects to it, as the explorer's own router does).
const EXPLORER_PAGE: &str = "/docs/";

/// What the API serves: it is read-only. Also the `Allow` of every `OPTIONS` answer (the
/// CORS step of `layers/edge.rs` answers them all), itself included.
pub const ALLOWED_METHODS: &str = "GET, HEAD, OPTIONS";

/// `GET /openapi.json`: the document of this very table, with the ids and concepts the
/// database holds now (read for each request: an import's new region is documented as soon
/// as it is served; the response cache keeps the document per data version).
async fn get_openapi(
    State(state): State<AppState>,
    TypedQuery(query): TypedQuery<Document>,
    headers: HeaderMap,
) -> ApiResult<Json<OpenApi>> {
    negotiate(&headers, query.format, Format::ONE)?;
    let enumerations = Enumerations::load(&state.service.pool).await?;
    Ok(Json(document(&documented_endpoints(), &enumerations)))
}

/// `GET /v1`: where everything is, so the API can be explored from one URL.
async fn index(
    TypedQuery(query): TypedQuery<Document>,
    base: BaseUrl,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    negotiate(&headers, query.format, Format::ONE)?;
    let mut index = serde_json::json!({
        "name": "gd-indicators",
        "description": "Economic figures of Guangdong from China Daily's GD Today page, each with its unit, period, qualifier, region and provenance.",
        "links": {
            "dashboard": "/",
            "regions": "/v1/regions",
            "clusters": "/v1/clusters",
            "cluster_groups": "/v1/cluster-groups",
            "observations": "/v1/observations",
            "revenues": "/v1/revenues",
            "patents": "/v1/patents",
            "city_plans": "/v1/city-plans",
            "indicators": "/v1/indicators",
            "sources": "/v1/sources",
            "speakers": "/v1/speakers",
            "companies": "/v1/companies",
            "facilities": "/v1/facilities",
            "search": "/v1/search?q=robot",
            "export": "/v1/export",
            "datapackage": "/v1/datapackage.json",
            "consistency": "/v1/consistency",
            "derived": "/v1/derived",
            "exchange_rate": "/v1/exchange-rate",
            "health": "/healthz",
            "readiness": "/readyz",
            "metrics": "/metrics",
            "openapi": "/openapi.json",
            "docs": "/docs/"
        }
    });
    // Absolute, like every link the API serves.
    if let Some(links) = index["links"].as_object_mut() {
        for link in links.values_mut() {
            if let Some(path) = link.as_str() {
                *link = Value::String(base.href(path));
            }
        }
    }
    Ok(Json(index))
}

#[cfg(test)]
mod tests {
    use super::{documented_endpoints, endpoints};
    use crate::http::openapi::document;
    use crate::service::catalogue::Enumerations;
    use crate::service::query::params::{self, Decl};

    #[test]
    fn every_reference_in_the_document_resolves() {
        let document =
            serde_json::to_value(document(&documented_endpoints(), &Enumerations::default()))
                .unwrap();
        assert_eq!(document["openapi"], "3.1.0");
        let schemas = document["components"]["schemas"].as_object().unwrap();
        fn walk(value: &serde_json::Value, refs: &mut Vec<String>) {
            match value {
                serde_json::Value::Object(map) => {
                    if let Some(serde_json::Value::String(r)) = map.get("$ref") {
                        refs.push(r.clone());
                    }
                    map.values().for_each(|v| walk(v, refs));
                }
                serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, refs)),
                _ => {}
            }
        }
        let mut refs = Vec::new();
        walk(&document, &mut refs);
        assert!(!refs.is_empty());
        for reference in refs {
            let name = reference
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("unexpected reference {reference}"));
            assert!(schemas.contains_key(name), "{reference} does not resolve");
        }
    }

    #[test]
    fn operation_ids_are_unique_and_path_parameters_declared() {
        let document =
            serde_json::to_value(document(&documented_endpoints(), &Enumerations::default()))
                .unwrap();
        let mut ids = std::collections::HashSet::new();
        for (path, item) in document["paths"].as_object().unwrap() {
            let operation = &item["get"];
            assert!(ids.insert(operation["operationId"].as_str().unwrap().to_owned()));
            let declared: Vec<&str> = operation["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter(|p| p["in"] == "path")
                        .map(|p| p["name"].as_str().unwrap())
                        .collect()
                })
                .unwrap_or_default();
            let templated = path.matches('{').count();
            assert_eq!(declared.len(), templated, "{path}");
        }
    }

    /// Every parameter an endpoint takes is one of the declarations in `params::ALL` (the
    /// same one: by address), no endpoint takes two of one name, every declaration is taken,
    /// and a name declared more than once (a resource's own `kind`) is taken under each
    /// declaration by one endpoint only: a shared parameter is never written twice. That a
    /// handler cannot read a misspelt parameter needs no test: it reads through these
    /// declarations, so a misspelt one is an unknown constant and does not compile.
    #[test]
    fn every_parameter_is_declared_once() {
        let mut taken: Vec<(&'static str, &'static Decl)> = Vec::new();
        for endpoint in endpoints() {
            let Some(spec) = endpoint.doc.query else {
                continue;
            };
            let accepted: Vec<&'static Decl> = spec.accepted().collect();
            for (index, decl) in accepted.iter().enumerate() {
                assert!(
                    params::ALL.iter().any(|d| std::ptr::eq(*d, *decl)),
                    "{}: '{}' is not declared in params::ALL",
                    endpoint.path,
                    decl.name
                );
                assert!(
                    accepted[index + 1..].iter().all(|d| d.name != decl.name),
                    "{} takes '{}' twice",
                    endpoint.path,
                    decl.name
                );
                taken.push((endpoint.path, decl));
            }
        }
        for decl in params::ALL {
            let takers: Vec<&str> = taken
                .iter()
                .filter(|(_, d)| std::ptr::eq(*d, *decl))
                .map(|(path, _)| *path)
                .collect();
            assert!(!takers.is_empty(), "no endpoint takes '{}'", decl.name);
            let namesakes = params::ALL.iter().filter(|d| d.name == decl.name).count();
            assert!(
                namesakes == 1 || takers.len() == 1,
                "'{}' is declared {namesakes} times and one is shared by {takers:?}",
                decl.name
            );
        }
    }
}
