//! The OpenAPI 3.1 document, generated from the same endpoint table that builds the router
//! (handed in by the router's `/openapi.json` handler, so this module needs nothing of the
//! router): query parameters come from each endpoint's [`QuerySpec`] and the declarations it
//! lists ([`parameters`]), bodies from the response types' derived schemas, the CSV columns of
//! figures from the figure schema, and the ids a path or a filter takes from the live
//! database ([`Enumerations`], read for each request). Nothing is written twice, so the
//! document cannot drift from what is served.

mod parameters;

use serde_json::Value;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::schema::{
    AdditionalProperties, AnyOfBuilder, ArrayBuilder, ObjectBuilder, Schema, Type,
};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref,
    RefOr, Required, ResponseBuilder,
};
use utoipa::ToSchema;

use super::endpoint::{members, register, Components, EndpointDoc, Media};
use super::problem::Problem;
use super::render::jsonstat::JSONSTAT_CONTENT_TYPE;
use super::render::list::{ListLinks, ListMeta, TOTAL_COUNT_HEADER};
use crate::domain::entity::Entity;
use crate::domain::figure::{json, Observation};
use crate::service::catalogue::Enumerations;
use crate::service::query::params::{Format, ParamKind};
use parameters::{json_parameters, own_parameters, Context};

const PROBLEM_JSON: &str = "application/problem+json";

/// An id of the article's data in each collection: the example of its path parameter, so that
/// a client driven by this document (the CI's schema-driven fuzz run) reaches real resources,
/// an indicator's transforms among them, and not only 404s.
/// Each collection's kind of resource, whose ids its path parameter takes.
const EXAMPLE_IDS: &[(&str, Entity, &str)] = &[
    ("city-plans", Entity::CityPlan, "guangzhou"),
    (
        "cluster-groups",
        Entity::ClusterGroup,
        "trillion-yuan-industrial-clusters",
    ),
    ("clusters", Entity::Cluster, "new-energy"),
    ("companies", Entity::Company, "byd"),
    ("facilities", Entity::Facility, "pengcheng-laboratory"),
    ("indicators", Entity::Indicator, "technology-contract-value"),
    ("observations", Entity::Observation, "rd-expenditure-2024"),
    ("regions", Entity::Region, "guangdong"),
    ("sources", Entity::Source, "gdtoday-innovation"),
    ("speakers", Entity::Speaker, "huang-kunming"),
];

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn problem(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        PROBLEM_JSON,
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build(),
    )
}

/// The list envelope around items of schema `item`, or (`fields=`) of `trimmed`.
fn envelope(item: &str, trimmed: Option<&str>) -> ObjectBuilder {
    let items: RefOr<Schema> = match trimmed {
        Some(trimmed) => AnyOfBuilder::new()
            .item(Ref::from_schema_name(item))
            .item(Ref::from_schema_name(trimmed))
            .into(),
        None => Ref::from_schema_name(item).into(),
    };
    ObjectBuilder::new()
        .property("data", ArrayBuilder::new().items(items))
        .required("data")
        .property("meta", Ref::from_schema_name("ListMeta"))
        .required("meta")
        .property("links", Ref::from_schema_name("ListLinks"))
        .required("links")
}

/// What any operation may answer: a method it does not serve, and the server's operating
/// limits.
fn with_limits(operation: OperationBuilder) -> OperationBuilder {
    operation
        .response(
            "405",
            problem(
                "A method other than GET, HEAD or OPTIONS: the API is read-only. The Allow \
                 header lists the methods.",
            ),
        )
        .response(
            "414",
            problem("The path or the query string is longer than the server accepts."),
        )
        .response(
            "429",
            problem(
                "Too many requests from this client (or, for the export, too many streams at \
                 once); Retry-After says when to try again.",
            ),
        )
        .response(
            "431",
            problem("The request's header fields are larger than the server accepts."),
        )
        .response(
            "503",
            problem(
                "Shed under load, timed out, or (readiness) not ready; Retry-After says when \
                 to try again.",
            ),
        )
}

fn operation_id(path: &str) -> String {
    let words: Vec<&str> = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    format!("get_{}", words.join("_"))
}

/// The tags, in the order the document lists them: the data (each collection, in the order
/// of the endpoint table), then the analyses, then the probes, the metrics and the documents.
const LAST_TAGS: &[&str] = &["analytics", "probes", "metrics", "docs"];

/// The paths of the analyses over the figures.
const ANALYTICS: &[&str] = &["consistency", "derived", "exchange-rate"];

/// An operation's tag: its collection, or what it is for.
fn tag(path: &str) -> String {
    let segment = path
        .trim_start_matches('/')
        .split('/')
        .find(|segment| *segment != "v1")
        .unwrap_or("");
    match segment {
        "healthz" | "readyz" => "probes",
        "metrics" => "metrics",
        "" | "openapi.json" => "docs",
        analysis if ANALYTICS.contains(&analysis) => "analytics",
        collection => collection,
    }
    .to_owned()
}

/// The fields `fields=` chooses from in the items of `schema`: a figure's every member by its
/// dotted path (from the figure schema), another item's top-level members.
fn item_fields(schema: &str, components: &Components) -> Vec<String> {
    if schema == Observation::name() {
        return json::field_paths().to_vec();
    }
    members(&Ref::from_schema_name(schema).into(), components)
        .into_iter()
        .map(|(name, _)| name)
        .collect()
}

/// Registers the schema of an item of `schema` trimmed by `fields=` (`{schema}Fields`): a
/// figure's from the figure schema, another's its members with none required; returns its
/// name.
fn register_trimmed(schema: &str, components: &mut Components) -> Option<String> {
    let name = format!("{schema}Fields");
    let trimmed = if schema == Observation::name() {
        json::trimmed_schema()
    } else {
        let mut object = ObjectBuilder::new()
            .description(Some(format!(
                "{schema} trimmed by `fields=`: the members asked for."
            )))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        let members = members(&Ref::from_schema_name(schema).into(), components);
        if members.is_empty() {
            return None;
        }
        for (name, member) in members {
            object = object.property(name, member);
        }
        object.into()
    };
    components.push((name.clone(), trimmed));
    Some(name)
}

/// The CSV representation of a list: a header row, then a row per item. A figure's columns
/// are its flat columns (from the figure schema), listed in order, also as `x-columns`;
/// another item's are its members flattened to dotted names, arrays joined with "; ".
fn csv_content(schema: &str) -> utoipa::openapi::Content {
    let figures = schema == Observation::name();
    let columns: Vec<&str> = if figures {
        json::flat_columns()
            .iter()
            .map(|column| column.name)
            .collect()
    } else {
        Vec::new()
    };
    let description = if figures {
        format!(
            "CSV, UTF-8, a header row then one row per figure; without `fields=`, the \
             columns: {}. `fields=` keeps the columns of the fields asked for, in that order.",
            columns.join(", ")
        )
    } else {
        "CSV, UTF-8, a header row then one row per item: the item's members flattened to \
         dotted names (`links.self`), a list's elements (their ids) joined with \"; \"."
            .to_owned()
    };
    let mut content = ContentBuilder::new().schema(Some(string().description(Some(description))));
    if figures {
        content = content.extensions(Some(
            ExtensionsBuilder::new()
                .add("x-columns", Value::from(columns))
                .build(),
        ));
    }
    content.build()
}

fn path_item(
    path: &str,
    doc: &EndpointDoc,
    components: &mut Components,
    enumerations: &Enumerations,
) -> PathItem {
    let mut operation = OperationBuilder::new()
        .operation_id(Some(operation_id(path)))
        .summary(Some(doc.summary))
        .tag(tag(path));
    let mut collection = "";
    for segment in path.split('/') {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            let (schema, example) = match EXAMPLE_IDS.iter().find(|(of, ..)| *of == collection) {
                Some((_, entity, example)) => {
                    let ids = if path.ends_with("/chart.svg") {
                        enumerations.chartable.as_slice()
                    } else if path == "/v1/observations/{id}" {
                        enumerations.standing_figures.as_slice()
                    } else {
                        enumerations.ids(*entity)
                    };
                    // The article's id where the database has it, else its first.
                    let example = ids
                        .iter()
                        .find(|id| id == example)
                        .or(ids.first())
                        .map(|id| Value::from(id.as_str()));
                    // None listed: too many figures to list, any id (an unknown one a 404).
                    let schema = if ids.is_empty() {
                        string().min_length(Some(1))
                    } else {
                        string().enum_values(Some(ids.iter().cloned()))
                    };
                    (schema, example)
                }
                None => (string(), None),
            };
            operation = operation.parameter(
                ParameterBuilder::new()
                    .name(name)
                    .parameter_in(ParameterIn::Path)
                    .required(Required::True)
                    .schema(Some(schema))
                    .example(example)
                    .description(Some("A readable slug id, as listed by the collection.")),
            );
        }
        collection = segment;
    }
    let item = doc.schema.map(|register| register(components));
    let fields = item
        .as_deref()
        .map(|item| item_fields(item, components))
        .unwrap_or_default();
    let context = Context {
        enumerations,
        fields: &fields,
    };
    let parameters = match (doc.query, doc.media) {
        (Some(spec), Media::Json) => json_parameters(spec, &context),
        (Some(spec), Media::Svg | Media::PrometheusText) => own_parameters(spec, &context),
        (None, _) => Vec::new(),
    };
    for parameter in parameters {
        operation = operation.parameter(parameter);
    }

    let not_modified = ResponseBuilder::new()
        .description("Not Modified: If-None-Match matched the ETag; no body.");
    let bad_request = problem(
        "A query parameter is unknown, malformed, or names nothing (the problem's \
         invalid_params name it, with the accepted values).",
    );
    let not_acceptable =
        problem("The Accept header (or `format`) allows no representation offered.");
    let ok = match doc.media {
        Media::PrometheusText => ResponseBuilder::new()
            .description(
                "OK: Prometheus's text exposition format, version 0.0.4. Describes this \
                 instant: Cache-Control: no-store.",
            )
            .content(
                "text/plain",
                ContentBuilder::new().schema(Some(string())).build(),
            ),
        Media::Svg => ResponseBuilder::new().description("An SVG image.").content(
            "image/svg+xml",
            ContentBuilder::new().schema(Some(string())).build(),
        ),
        Media::Json => {
            let body: RefOr<Schema> = match (&item, doc.list()) {
                (Some(item), Some(spec)) => {
                    let fields = spec
                        .controls()
                        .iter()
                        .any(|decl| decl.kind == ParamKind::Fields);
                    let trimmed = fields.then(|| register_trimmed(item, components)).flatten();
                    envelope(item, trimmed.as_deref()).into()
                }
                (Some(item), None) => Ref::from_schema_name(item).into(),
                (None, _) => ObjectBuilder::new().into(),
            };
            let mut ok = ResponseBuilder::new()
                .description("OK. Carries a strong ETag; Cache-Control allows reuse for max-age.")
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(body)).build(),
                );
            if let (Some(item), Some(list)) = (&item, doc.list()) {
                for format in list.formats() {
                    ok = match format {
                        Format::Json => continue,
                        Format::Csv => ok.content("text/csv", csv_content(item)),
                        Format::JsonStat => ok.content(
                            JSONSTAT_CONTENT_TYPE,
                            ContentBuilder::new()
                                .schema(Some(ObjectBuilder::new()))
                                .build(),
                        ),
                        Format::SdmxCsv => ok.content(
                            "application/vnd.sdmx.data+csv; version=2.0.0",
                            ContentBuilder::new().schema(Some(string())).build(),
                        ),
                    };
                }
            }
            if doc.query.is_some_and(|spec| spec.paginated()) || path == "/v1/export" {
                let total = if path == "/v1/export" {
                    "The figures the export holds: answered to HEAD, so that a client can size \
                     the download before asking for it."
                } else {
                    "Items matching the filters over all pages (meta.total), in every format \
                     and answered to HEAD: limit=0 or a HEAD sizes a download before it is \
                     made."
                };
                ok = ok.header(
                    TOTAL_COUNT_HEADER,
                    HeaderBuilder::new()
                        .schema(ObjectBuilder::new().schema_type(Type::Integer))
                        .description(Some(total))
                        .build(),
                );
            }
            ok
        }
    };
    operation = operation
        .response("200", ok)
        .response("304", not_modified)
        .response("400", bad_request)
        .response("406", not_acceptable);
    if path.contains('{') {
        operation = operation.response(
            "404",
            problem("No resource has that id (a chart: or no stated figure to draw)."),
        );
    }
    // A retracted figure is gone, with where its history is.
    if path == "/v1/observations/{id}" {
        operation = operation.response(
            "410",
            problem("The figure was retracted; its revisions say when and why."),
        );
    }
    PathItem::new(HttpMethod::Get, with_limits(operation))
}

/// Builds the whole document of `endpoints` (the router's table: paths and what documents
/// each), with the ids and concepts of `enumerations` (the live database's).
pub fn document(endpoints: &[(&'static str, EndpointDoc)], enumerations: &Enumerations) -> OpenApi {
    let mut components: Components = Vec::new();
    let mut paths = PathsBuilder::new();
    let mut tags: Vec<String> = Vec::new();
    for (path, doc) in endpoints {
        paths = paths.path(*path, path_item(path, doc, &mut components, enumerations));
        let tag = tag(path);
        if !tags.contains(&tag) && !LAST_TAGS.contains(&tag.as_str()) {
            tags.push(tag);
        }
    }
    tags.extend(LAST_TAGS.iter().map(|tag| tag.to_string()));
    register::<Problem>(&mut components);
    register::<ListMeta>(&mut components);
    register::<ListLinks>(&mut components);
    components.sort_by(|a, b| a.0.cmp(&b.0));
    components.dedup_by(|a, b| a.0 == b.0);
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("gd-indicators")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Economic figures of Guangdong province from China Daily's GD Today page \
                     (March 2025), each with its value, unit and scale, period, qualifier, \
                     region and provenance. Read-only; errors are RFC 9457 problem+json.",
                )),
        )
        .paths(paths)
        .tags(Some(
            tags.into_iter()
                .map(|tag| TagBuilder::new().name(tag).build()),
        ))
        .components(Some(
            ComponentsBuilder::new()
                .schemas_from_iter(components)
                .build(),
        ))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_put_the_data_first_then_analyses_then_probes_metrics_and_docs() {
        assert_eq!(tag("/v1/regions/{id}"), "regions");
        assert_eq!(tag("/v1/indicators/{id}/chart.svg"), "indicators");
        assert_eq!(tag("/v1/derived"), "analytics");
        assert_eq!(tag("/readyz"), "probes");
        assert_eq!(tag("/v1"), "docs");
        assert_eq!(tag("/openapi.json"), "docs");
    }
}
