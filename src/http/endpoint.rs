//! The endpoint table's types: one route of the API, with what serves it and what documents
//! it. The resources ([`super::routes`]) describe their endpoints with these, the router
//! ([`super::router`]) builds the routes from them and the OpenAPI document
//! ([`super::openapi`]) their paths; all three import this, and it imports none of them.

use axum::routing::MethodRouter;
use utoipa::openapi::{RefOr, Schema};
use utoipa::ToSchema;

use super::state::AppState;
use crate::service::query::params::ListSpec;

/// One route of the API: what serves it and what documents it. The router and the OpenAPI
/// document are both built from the router's table of them, so they cannot list different
/// paths.
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
    pub fn list<T: ToSchema>(
        path: &'static str,
        handler: MethodRouter<AppState>,
        summary: &'static str,
        spec: &'static ListSpec,
    ) -> Endpoint {
        let doc = EndpointDoc::new(summary, Some(spec), Some(register::<T>), Media::Json);
        Endpoint { path, handler, doc }
    }

    /// One `T`, as JSON.
    pub fn one<T: ToSchema>(
        path: &'static str,
        handler: MethodRouter<AppState>,
        summary: &'static str,
    ) -> Endpoint {
        let doc = EndpointDoc::new(summary, None, Some(register::<T>), Media::Json);
        Endpoint { path, handler, doc }
    }

    /// An SVG image; `spec` lists its query parameters.
    pub fn svg(
        path: &'static str,
        handler: MethodRouter<AppState>,
        summary: &'static str,
        spec: &'static ListSpec,
    ) -> Endpoint {
        let doc = EndpointDoc::new(summary, Some(spec), None, Media::Svg);
        Endpoint { path, handler, doc }
    }

    /// A free-form JSON object (the index, health, the OpenAPI document itself).
    pub fn object(
        path: &'static str,
        handler: MethodRouter<AppState>,
        summary: &'static str,
    ) -> Endpoint {
        let doc = EndpointDoc::new(summary, None, None, Media::Json);
        Endpoint { path, handler, doc }
    }

    /// Metrics in Prometheus's text format.
    pub fn prometheus_text(
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
