//! The endpoint table's types: one route of the API, with what serves it and what documents
//! it. The resources ([`super::routes`]) describe their endpoints with these, the router
//! ([`super::router`]) builds the routes from them and the OpenAPI document
//! ([`super::openapi`]) their paths; all three import this, and it imports none of them.

use axum::routing::MethodRouter;
use utoipa::openapi::{RefOr, Schema};
use utoipa::ToSchema;

use super::state::AppState;
use crate::service::query::parse::Accepts;
use crate::service::query::spec::QuerySpec;

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
    /// What its query string accepts: every endpoint says (an unknown parameter is a 400
    /// everywhere).
    pub query: Option<&'static QuerySpec>,
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

impl EndpointDoc {
    /// The list its query describes, if it answers with one.
    pub fn list(&self) -> Option<&'static QuerySpec> {
        self.query.filter(|spec| spec.is_list())
    }
}

impl Endpoint {
    fn new(
        path: &'static str,
        handler: MethodRouter<AppState>,
        summary: &'static str,
        query: Option<&'static QuerySpec>,
        schema: Option<fn(&mut Components) -> String>,
        media: Media,
    ) -> Endpoint {
        let doc = EndpointDoc {
            summary,
            query,
            schema,
            media,
        };
        Endpoint { path, handler, doc }
    }

    /// A list of `T` in the shared envelope, as JSON or CSV; `E` says what its query takes.
    pub fn list<T: ToSchema, E: Accepts>(
        path: &'static str,
        handler: MethodRouter<AppState>,
        summary: &'static str,
    ) -> Endpoint {
        Endpoint::json::<T, E>(path, handler, summary)
    }

    /// One `T`, as JSON; `E` says what its query takes.
    pub fn one<T: ToSchema, E: Accepts>(
        path: &'static str,
        handler: MethodRouter<AppState>,
        summary: &'static str,
    ) -> Endpoint {
        Endpoint::json::<T, E>(path, handler, summary)
    }

    /// JSON of `T`: a list or one, as `E`'s query spec says.
    fn json<T: ToSchema, E: Accepts>(
        path: &'static str,
        handler: MethodRouter<AppState>,
        summary: &'static str,
    ) -> Endpoint {
        let schema: fn(&mut Components) -> String = register::<T>;
        Endpoint::new(
            path,
            handler,
            summary,
            Some(E::SPEC),
            Some(schema),
            Media::Json,
        )
    }

    /// An SVG image; `E` says what its query takes.
    pub fn svg<E: Accepts>(
        path: &'static str,
        handler: MethodRouter<AppState>,
        summary: &'static str,
    ) -> Endpoint {
        Endpoint::new(path, handler, summary, Some(E::SPEC), None, Media::Svg)
    }

    /// A free-form JSON object (the index, health, the OpenAPI document itself); `E` says
    /// what its query takes.
    pub fn object<E: Accepts>(
        path: &'static str,
        handler: MethodRouter<AppState>,
        summary: &'static str,
    ) -> Endpoint {
        Endpoint::new(path, handler, summary, Some(E::SPEC), None, Media::Json)
    }

    /// Metrics in Prometheus's text format; `E` says what its query takes.
    pub fn prometheus_text<E: Accepts>(
        path: &'static str,
        handler: MethodRouter<AppState>,
        summary: &'static str,
    ) -> Endpoint {
        Endpoint::new(
            path,
            handler,
            summary,
            Some(E::SPEC),
            None,
            Media::PrometheusText,
        )
    }
}

/// The members of an object schema, each with its schema, in order: its properties, or
/// (serde's `flatten`) those of each part of an `allOf`, a reference looked up in
/// `components`. What `fields=` takes of a list's items, and what the document lists.
pub fn members(schema: &RefOr<Schema>, components: &Components) -> Vec<(String, RefOr<Schema>)> {
    match schema {
        RefOr::Ref(reference) => {
            let name = reference
                .ref_location
                .rsplit('/')
                .next()
                .unwrap_or_default();
            components
                .iter()
                .find(|(named, _)| named == name)
                .map(|(_, schema)| members(schema, components))
                .unwrap_or_default()
        }
        RefOr::T(Schema::Object(object)) => object
            .properties
            .iter()
            .map(|(name, schema)| (name.clone(), schema.clone()))
            .collect(),
        RefOr::T(Schema::AllOf(all)) => all
            .items
            .iter()
            .flat_map(|part| members(part, components))
            .collect(),
        _ => Vec::new(),
    }
}

/// The members of `T`'s items, by name (see [`members`]).
pub fn member_names<T: ToSchema>() -> Vec<String> {
    let mut components = Components::new();
    T::schemas(&mut components);
    members(&T::schema(), &components)
        .into_iter()
        .map(|(name, _)| name)
        .collect()
}
