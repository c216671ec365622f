//! The HTTP resources, one module each, merged into one router here.

pub mod analytics;
mod charts;
mod city_plans;
mod clusters;
mod companies;
mod dashboard;
mod facilities;
mod health;
mod indicators;
mod metrics;
pub(crate) mod observations;
mod regions;
mod search;
mod sources;
mod speakers;

use std::collections::HashMap;

use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, MethodRouter};
use axum::{Json, Router};
use serde_json::Value;
use sqlx::SqlitePool;
use utoipa::openapi::{RefOr, Schema};
use utoipa::ToSchema;
use utoipa_swagger_ui::SwaggerUi;

use crate::domain::entity::Entity;
use crate::domain::figure::Reference;
use crate::error::{problem_response, ApiError, ApiResult};
use crate::render::{negotiate, ListResponder};
use crate::service::catalogue;
use crate::service::presentation::{ExchangeRateSource, Presentation, CURRENCY, SCALE};
use crate::service::query::page::Page;
use crate::service::query::params::{Format, ListSpec};
use crate::service::query::parse::ListQuery;
use crate::service::rows::flattened_columns;
use crate::AppState;

/// One route of the API: what serves it and what documents it. The router and the OpenAPI
/// document are both built from [`endpoints`], so they cannot list different paths.
pub struct Endpoint {
    pub path: &'static str,
    pub handler: MethodRouter<AppState>,
    pub doc: EndpointDoc,
}

/// Named schemas collected for the document's `components`.
pub type Components = Vec<(String, RefOr<Schema>)>;

/// What the OpenAPI document says of an endpoint.
#[derive(Clone, Copy)]
pub struct EndpointDoc {
    pub summary: &'static str,
    /// For lists: the parameters, sort keys and paging they accept.
    pub list: Option<&'static ListSpec>,
    /// Registers the body's schema (and those it refers to); returns its name. `None` for a
    /// free-form JSON object.
    pub schema: Option<fn(&mut Components) -> String>,
    /// What the successful body is.
    pub media: Media,
}

/// The representation of an endpoint's successful body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Media {
    Json,
    Svg,
    /// Prometheus's text exposition format.
    PrometheusText,
}

/// Adds `T`'s schema and those it refers to; returns `T`'s name.
pub fn register<T: ToSchema>(components: &mut Components) -> String {
    T::schemas(components);
    components.push((T::name().into_owned(), T::schema()));
    T::name().into_owned()
}

impl Endpoint {
    /// A list of `T` in the shared envelope, as JSON or CSV.
    fn list<T: ToSchema>(
        path: &'static str,
        handler: MethodRouter<AppState>,
        summary: &'static str,
        spec: &'static ListSpec,
    ) -> Endpoint {
        let doc = EndpointDoc::new(summary, Some(spec), Some(register::<T>), Media::Json);
        Endpoint { path, handler, doc }
    }

    /// One `T`, as JSON.
    fn one<T: ToSchema>(
        path: &'static str,
        handler: MethodRouter<AppState>,
        summary: &'static str,
    ) -> Endpoint {
        let doc = EndpointDoc::new(summary, None, Some(register::<T>), Media::Json);
        Endpoint { path, handler, doc }
    }

    /// An SVG image; `spec` lists its query parameters.
    fn svg(
        path: &'static str,
        handler: MethodRouter<AppState>,
        summary: &'static str,
        spec: &'static ListSpec,
    ) -> Endpoint {
        let doc = EndpointDoc::new(summary, Some(spec), None, Media::Svg);
        Endpoint { path, handler, doc }
    }

    /// A free-form JSON object (the index, health, the OpenAPI document itself).
    fn object(
        path: &'static str,
        handler: MethodRouter<AppState>,
        summary: &'static str,
    ) -> Endpoint {
        let doc = EndpointDoc::new(summary, None, None, Media::Json);
        Endpoint { path, handler, doc }
    }

    /// Metrics in Prometheus's text format.
    fn prometheus_text(
        path: &'static str,
        handler: MethodRouter<AppState>,
        summary: &'static str,
    ) -> Endpoint {
        let doc = EndpointDoc::new(summary, None, None, Media::PrometheusText);
        Endpoint { path, handler, doc }
    }
}

impl EndpointDoc {
    fn new(
        summary: &'static str,
        list: Option<&'static ListSpec>,
        schema: Option<fn(&mut Components) -> String>,
        media: Media,
    ) -> EndpointDoc {
        EndpointDoc {
            summary,
            list,
            schema,
            media,
        }
    }
}

/// Every route the API serves, in the order the documentation lists them.
pub fn endpoints() -> Vec<Endpoint> {
    let mut endpoints = vec![
        Endpoint::object("/v1", get(index), "Links to every collection"),
        Endpoint::object(
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

pub fn router() -> Router<AppState> {
    let mut router = Router::new();
    for endpoint in endpoints() {
        router = router.route(endpoint.path, endpoint.handler);
    }
    // The dashboard is for people, not part of the API: served, but not in the OpenAPI document.
    for (path, handler) in dashboard::pages() {
        router = router.route(path, handler);
    }
    router
        // Before the merge and fallbacks: only the API's own routes are named in the logs.
        .route_layer(axum::middleware::from_fn(crate::request_log::record_route))
        .merge(SwaggerUi::new("/docs").config(utoipa_swagger_ui::Config::from("/openapi.json")))
        .fallback(|uri: Uri| async move { ApiError::RouteNotFound(uri.path().to_owned()) })
        .method_not_allowed_fallback(|| async {
            let mut response = problem_response(
                StatusCode::METHOD_NOT_ALLOWED,
                "This API is read-only: use GET, HEAD or OPTIONS.".to_owned(),
            );
            response.headers_mut().insert(
                axum::http::header::ALLOW,
                axum::http::HeaderValue::from_static("GET, HEAD, OPTIONS"),
            );
            response
        })
}

/// `GET /openapi.json`, generated from [`endpoints`] at start-up and kept.
async fn get_openapi() -> Json<&'static utoipa::openapi::OpenApi> {
    static DOCUMENT: std::sync::OnceLock<utoipa::openapi::OpenApi> = std::sync::OnceLock::new();
    Json(DOCUMENT.get_or_init(crate::openapi::document))
}

/// `GET /v1`: where everything is, so the API can be explored from one URL.
async fn index() -> Json<Value> {
    Json(serde_json::json!({
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
            "consistency": "/v1/consistency",
            "derived": "/v1/derived",
            "exchange_rate": "/v1/exchange-rate",
            "health": "/healthz",
            "readiness": "/readyz",
            "metrics": "/metrics",
            "openapi": "/openapi.json",
            "docs": "/docs/"
        }
    }))
}

/// Parses a list request's query against `spec` and checks the ids it names.
async fn list_query(pool: &SqlitePool, uri: &Uri, spec: &ListSpec) -> ApiResult<ListQuery> {
    let query = ListQuery::parse(uri.path(), uri.query(), spec)?;
    query.check_ids(pool, spec).await?;
    Ok(query)
}

/// Filters, sorts and pages a small resource list held in memory, and renders it.
fn respond_in_memory(
    uri: &Uri,
    headers: &HeaderMap,
    query: &ListQuery,
    spec: &ListSpec,
    name: &str,
    items: Vec<Value>,
) -> ApiResult<Response> {
    let columns = flattened_columns(&items);
    respond_paged(uri, headers, query, spec, name, items, columns)
}

/// As [`respond_in_memory`], with the list's columns given (for lists that may be empty).
fn respond_paged(
    uri: &Uri,
    headers: &HeaderMap,
    query: &ListQuery,
    spec: &ListSpec,
    name: &str,
    items: Vec<Value>,
    columns: Vec<String>,
) -> ApiResult<Response> {
    let page: Page = query.apply(spec, items);
    ListResponder {
        uri,
        headers,
        query,
        name,
        columns,
    }
    .respond(page)
}

/// What a single resource accepts in its query string: `format=json` and nothing else.
const ONE: ListSpec = ListSpec {
    filters: &[],
    sorts: &[],
    paginated: false,
};

/// A single resource that carries figures takes `currency`, `scale` and `format`.
const ONE_WITH_FIGURES: ListSpec = ListSpec {
    filters: &[CURRENCY, SCALE],
    sorts: &[],
    paginated: false,
};

/// Parses a single resource's query (currency, scale, format) and the presentation it asks for.
async fn presented_single(
    rates: &impl ExchangeRateSource,
    uri: &Uri,
) -> ApiResult<(ListQuery, Presentation)> {
    let query = ListQuery::parse(uri.path(), uri.query(), &ONE_WITH_FIGURES)?;
    let presentation = Presentation::of(rates, &query).await?;
    Ok((query, presentation))
}

/// A single resource: JSON only, so an `Accept` or `format` that rules JSON out is refused,
/// and any other query parameter is a 400 rather than silently ignored.
fn respond_one<T: serde::Serialize>(
    uri: &Uri,
    headers: &HeaderMap,
    resource: T,
) -> ApiResult<Json<T>> {
    let query = ListQuery::parse(uri.path(), uri.query(), &ONE)?;
    respond_formatted(headers, query.format, resource)
}

/// A single resource whose query was already parsed (it takes more than `format`).
fn respond_formatted<T: serde::Serialize>(
    headers: &HeaderMap,
    format: Option<Format>,
    resource: T,
) -> ApiResult<Json<T>> {
    negotiate(headers, format, false)?;
    Ok(Json(resource))
}

fn to_values<T: serde::Serialize>(items: Vec<T>) -> Vec<Value> {
    items
        .into_iter()
        .map(|item| serde_json::to_value(item).expect("resources serialise"))
        .collect()
}

/// A 404 for `id` when the lookup found nothing.
fn found<T>(row: Option<T>, entity: Entity, id: &str) -> ApiResult<T> {
    row.ok_or_else(|| ApiError::NotFound {
        resource: entity.noun(),
        id: id.to_owned(),
    })
}

/// `{id, name}` references for one kind of entity, loaded once per request.
struct Names(HashMap<String, String>);

impl Names {
    async fn load(pool: &SqlitePool, entity: Entity) -> ApiResult<Self> {
        let names = catalogue::names(pool, entity).await?;
        Ok(Names(names.into_iter().map(|r| (r.id, r.name)).collect()))
    }

    fn reference(&self, id: &str) -> Reference {
        Reference {
            id: id.to_owned(),
            // Foreign keys guarantee the name exists; an empty name would show a broken seed.
            name: self.0.get(id).cloned().unwrap_or_default(),
        }
    }
}
