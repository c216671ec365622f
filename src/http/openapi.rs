//! The OpenAPI 3.1 document, generated from the same endpoint table that builds the router
//! (handed in by the router's `/openapi.json` handler, so this module needs nothing of the
//! router): query parameters come from each endpoint's [`QuerySpec`] and the declarations it
//! lists, bodies from the response types' derived schemas. Nothing is written twice, so the
//! document cannot drift from what is served.

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref,
    RefOr, Required, ResponseBuilder,
};

use super::endpoint::{register, Components, EndpointDoc, Media};
use super::problem::Problem;
use super::render::jsonstat::JSONSTAT_CONTENT_TYPE;
use super::render::list::{ListLinks, ListMeta, TOTAL_COUNT_HEADER};
use crate::service::query::params::{
    Decl, Format, ParamKind, Range, CALENDAR_YEARS, DEFAULT_LIMIT, MAX_LIMIT, MAX_TEXT_CHARS,
    PAGE_SIZES, TRANSFORM,
};
use crate::service::query::spec::QuerySpec;

const PROBLEM_JSON: &str = "application/problem+json";

/// An id of the article's data in each collection: the example of its path parameter, so that
/// a client driven by this document (the CI's schema-driven fuzz run) reaches real resources,
/// an indicator's transforms among them, and not only 404s.
const EXAMPLE_IDS: &[(&str, &str)] = &[
    ("city-plans", "guangzhou"),
    ("cluster-groups", "trillion-yuan-industrial-clusters"),
    ("clusters", "new-energy"),
    ("companies", "byd"),
    ("facilities", "pengcheng-laboratory"),
    ("indicators", "technology-contract-value"),
    ("observations", "rd-expenditure-2024"),
    ("regions", "guangdong"),
    ("sources", "gdtoday-innovation"),
    ("speakers", "huang-kunming"),
];

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// A query value: never empty (an empty value is a 400, not "no filter").
fn value() -> ObjectBuilder {
    string().min_length(Some(1))
}

/// The schema and description of a parameter `spec` accepts.
fn parameter_schema(decl: &Decl, spec: &QuerySpec) -> (ObjectBuilder, String) {
    match decl.kind {
        ParamKind::Ids(entity) => (
            value().pattern(Some("^[a-z0-9-]+(,[a-z0-9-]+)*$")),
            format!(
                "One or more {} ids, comma-separated or repeated; an unknown id is a 400 \
                 listing the accepted ones.",
                entity.noun()
            ),
        ),
        // A choice is documented as the words it chooses from, as it always was: one word
        // matches the pattern (more are refused by name, with what to give instead). Words
        // are taken in any case, and the pattern says so.
        ParamKind::Words(words) | ParamKind::Choice(words) => (
            value().pattern(Some(words_pattern(words, true))),
            format!(
                "One or more of: {}; comma-separated, in any case (answers spell them as \
                 here).{}",
                words.join(", "),
                word_docs(words, decl.docs)
            ),
        ),
        ParamKind::Concepts => (
            value().pattern(Some("^[^,]+(,[^,]+)*$")),
            "One or more values, comma-separated; an unknown value is a 400 listing the \
             accepted ones."
                .to_owned(),
        ),
        ParamKind::Text => (
            value().max_length(Some(MAX_TEXT_CHARS)),
            format!(
                "Free text, at most {MAX_TEXT_CHARS} characters; it must contain a letter or \
                 digit."
            ),
        ),
        ParamKind::Years => {
            let year = year_pattern(CALENDAR_YEARS);
            (
                string().pattern(Some(format!("^({year})(,({year}))*$"))),
                format!(
                    "Calendar years from {} to {}, comma-separated: figures whose period \
                     overlaps any of them.",
                    CALENDAR_YEARS.min, CALENDAR_YEARS.max
                ),
            )
        }
        ParamKind::Year => (
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(CALENDAR_YEARS.min))
                .maximum(Some(CALENDAR_YEARS.max)),
            "A calendar year bounding the period range, inclusive.".to_owned(),
        ),
        ParamKind::Time => (
            string().format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::DateTime,
            ))),
            "An RFC 3339 time: answer with the figures as they were known then (each figure's \
             last revision recorded by that moment). Default: the latest data."
                .to_owned(),
        ),
        ParamKind::Since => (
            string(),
            "An RFC 3339 time (2025-06-01T00:00:00Z), or a data version: a whole number, the \
             id of an import."
                .to_owned(),
        ),
        ParamKind::Number(Some(range)) => (
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(range.min))
                .maximum(Some(range.max)),
            format!(
                "{} from {} to {}.",
                capitalised(range.noun),
                range.min,
                range.max
            ),
        ),
        ParamKind::Number(None) => (
            ObjectBuilder::new().schema_type(Type::Number),
            "Compared with value_in_units: the figure in plain units of its own unit \
             (yuan, dollars, count...); with currency, money as presented in that currency \
             (converted and rounded)."
                .to_owned(),
        ),
        ParamKind::Sort => {
            let fields: Vec<&str> = spec.sorts().iter().map(|s| s.name).collect();
            let names = fields.join("|");
            (
                value().pattern(Some(format!("^-?({names})(,-?({names}))*$"))),
                format!(
                    "Comma-separated sort keys, '-' for descending: {}. Ties keep source order.",
                    fields.join(", ")
                ),
            )
        }
        ParamKind::Limit => (
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(PAGE_SIZES.min))
                .maximum(Some(MAX_LIMIT as u64))
                .default(Some(DEFAULT_LIMIT.into())),
            format!(
                "Items per page, {} to {MAX_LIMIT}; 0 answers with the total alone \
                 (meta.total and the X-Total-Count header), no items.",
                PAGE_SIZES.min
            ),
        ),
        ParamKind::Cursor => (
            value().pattern(Some("^[A-Za-z0-9_-]+$")),
            "Opaque position from links.next or links.prev of a previous page.".to_owned(),
        ),
        ParamKind::Fields => (
            value().pattern(Some("^[a-z_]+(,[a-z_]+)*$")),
            "Comma-separated top-level fields to keep in each item.".to_owned(),
        ),
        // A list is JSON or CSV, a list of figures JSON-stat or SDMX-CSV too; anything else
        // has one representation, JSON. Each is taken in any case.
        ParamKind::Format if spec.is_list() => {
            let words: Vec<&str> = spec.formats().iter().map(|f| f.word()).collect();
            let figures = if spec.formats().contains(&Format::JsonStat) {
                " jsonstat: a JSON-stat 2.0 dataset (application/json-stat+json) of one \
                 indicator's figures, which the request must name (indicator=ID, or \
                 /v1/indicators/{id}/observations; otherwise a 400): dimensions region, \
                 period, those of cluster, cluster_group, company, city_plan that a figure \
                 has, role and source where the figures have several, and measure (the unit \
                 and scale, with its unit); a qualifier other than exact is the cell's \
                 status. sdmx-csv: SDMX-CSV 2.0 (application/vnd.sdmx.data+csv; \
                 version=2.0.0), a row per figure: STRUCTURE, STRUCTURE_ID, ACTION, the \
                 dimensions INDICATOR, REF_AREA, CLUSTER, CLUSTER_GROUP, COMPANY, CITY_PLAN \
                 (_Z: not applicable), TIME_PERIOD, then OBS_VALUE, UNIT_MEASURE, UNIT_MULT, \
                 OBS_STATUS (A for exact, E for about, empty for a bound), then the figure's \
                 other columns in capitals. Neither takes fields."
            } else {
                ""
            };
            (
                value().pattern(Some(words_pattern(&words, false))),
                format!(
                    "Representation, one of {}, in any case; overrides the Accept header.{figures}",
                    words.join(", ")
                ),
            )
        }
        ParamKind::Format => (
            value().pattern(Some(words_pattern(&["json"], false))),
            "Representation: json, the only one, in any case; overrides the Accept header."
                .to_owned(),
        ),
    }
}

/// A regular expression of the four-digit years in `range`: each run of years that shares a
/// prefix as one alternative (1900 to 2100 is `19[0-9]{2}|20[0-9]{2}|2100`).
fn year_pattern(range: Range) -> String {
    let (mut start, end) = (range.min, range.max);
    let mut alternatives = Vec::new();
    while start <= end {
        // The most trailing digits that can run free from `start` without passing `end`.
        let free = (0..4)
            .rev()
            .find(|digits| {
                let span = 10_i64.pow(*digits);
                start % span == 0 && start + span - 1 <= end
            })
            .unwrap_or(0);
        let prefix = start / 10_i64.pow(free);
        alternatives.push(match free {
            0 => prefix.to_string(),
            1 => format!("{prefix}[0-9]"),
            digits => format!("{prefix}[0-9]{{{digits}}}"),
        });
        start += 10_i64.pow(free);
    }
    alternatives.join("|")
}

/// `noun` with a capital first letter ("A whole number of pixels").
fn capitalised(noun: &str) -> String {
    let mut letters = noun.chars();
    letters
        .next()
        .map(|first| first.to_uppercase().chain(letters).collect())
        .unwrap_or_default()
}

/// What each word means, one line each, where the declaration says.
fn word_docs(words: &[&str], docs: &[&str]) -> String {
    words
        .iter()
        .zip(docs)
        .filter(|(_, doc)| !doc.trim().is_empty())
        .map(|(word, doc)| format!("\n- `{word}`: {}", doc.trim()))
        .collect()
}

/// A pattern that matches one of `words` in any case (JSON Schema patterns have no flag for
/// it: each letter is a class of its two cases), or a comma-separated list of them.
fn words_pattern(words: &[&str], list: bool) -> String {
    let any_case: Vec<String> = words
        .iter()
        .map(|word| {
            word.chars()
                .map(|c| {
                    if c.is_ascii_alphabetic() {
                        format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
                    } else {
                        c.to_string()
                    }
                })
                .collect()
        })
        .collect();
    let one = any_case.join("|");
    if list {
        format!("^({one})(,({one}))*$")
    } else {
        format!("^({one})$")
    }
}

/// A JSON endpoint's parameters (a list's, a single resource's, a document's): its own, then
/// the controls its shape brings. A list with no sort key accepts `sort` only to refuse every
/// key (a search's order is its relevance): it is not documented.
fn json_parameters(spec: &QuerySpec) -> Vec<ParameterBuilder> {
    spec.accepted()
        .filter(|decl| decl.kind != ParamKind::Sort || !spec.sorts().is_empty())
        .map(|decl| parameter(decl, spec))
        .collect()
}

/// An image's or the metrics' parameters: its own, all it takes (no paging, sorting or
/// formats).
fn own_parameters(spec: &QuerySpec) -> Vec<ParameterBuilder> {
    spec.params
        .iter()
        .map(|accepted| parameter(accepted.param, spec))
        .collect()
}

fn parameter(decl: &Decl, spec: &QuerySpec) -> ParameterBuilder {
    let (schema, mut description) = parameter_schema(decl, spec);
    // What the parameter means comes first, where its declaration says.
    if !decl.meaning.is_empty() {
        description = format!("{}\n\n{description}", decl.meaning);
    }
    // `transform`'s example is one that derives figures, so that the fuzz run's requests
    // from examples (with the path's) check a transform's answer against the document.
    let example = std::ptr::eq(decl, &TRANSFORM.decl).then(|| serde_json::Value::from("cagr"));
    ParameterBuilder::new()
        .name(decl.name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .schema(Some(schema))
        .example(example)
        .description(Some(description))
}

fn problem(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        PROBLEM_JSON,
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build(),
    )
}

/// The list envelope around items of schema `item`.
fn envelope(item: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .property(
            "data",
            ArrayBuilder::new().items(Ref::from_schema_name(item)),
        )
        .required("data")
        .property("meta", Ref::from_schema_name("ListMeta"))
        .required("meta")
        .property("links", Ref::from_schema_name("ListLinks"))
        .required("links")
}

/// What any operation may answer under the server's operating limits.
fn with_limits(operation: OperationBuilder) -> OperationBuilder {
    operation
        .response(
            "414",
            problem("The query string is longer than the server accepts."),
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

fn path_item(path: &str, doc: &EndpointDoc, components: &mut Components) -> PathItem {
    let tag = path
        .trim_start_matches('/')
        .split('/')
        .find(|segment| *segment != "v1")
        .unwrap_or("index")
        .to_owned();
    let mut operation = OperationBuilder::new()
        .operation_id(Some(operation_id(path)))
        .summary(Some(doc.summary))
        .tag(tag);
    let mut collection = "";
    for segment in path.split('/') {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            let example = EXAMPLE_IDS
                .iter()
                .find(|(of, _)| *of == collection)
                .map(|(_, id)| serde_json::Value::from(*id));
            operation = operation.parameter(
                ParameterBuilder::new()
                    .name(name)
                    .parameter_in(ParameterIn::Path)
                    .required(Required::True)
                    .schema(Some(string()))
                    .example(example)
                    .description(Some("A readable slug id, as listed by the collection.")),
            );
        }
        collection = segment;
    }
    let parameters = match (doc.query, doc.media) {
        (Some(spec), Media::Json) => json_parameters(spec),
        (Some(spec), Media::Svg | Media::PrometheusText) => own_parameters(spec),
        (None, _) => Vec::new(),
    };
    for parameter in parameters {
        operation = operation.parameter(parameter);
    }

    let not_modified =
        ResponseBuilder::new().description("Not Modified: If-None-Match matched the ETag.");
    if doc.media == Media::PrometheusText {
        let ok = ResponseBuilder::new()
            .description(
                "OK: Prometheus's text exposition format, version 0.0.4. Describes this \
                 instant: Cache-Control: no-store.",
            )
            .content(
                "text/plain",
                ContentBuilder::new().schema(Some(string())).build(),
            );
        return PathItem::new(
            HttpMethod::Get,
            with_limits(operation.response("200", ok).response("304", not_modified)),
        );
    }
    if doc.media == Media::Svg {
        let ok = ResponseBuilder::new().description("An SVG image.").content(
            "image/svg+xml",
            ContentBuilder::new().schema(Some(string())).build(),
        );
        return PathItem::new(
            HttpMethod::Get,
            with_limits(
                operation
                    .response("200", ok)
                    .response("400", problem("A query parameter is unknown or malformed."))
                    .response("404", problem("No resource has that id.")),
            ),
        );
    }
    let body: RefOr<Schema> = match (doc.schema, doc.list()) {
        (Some(register), Some(_)) => envelope(&register(components)).into(),
        (Some(register), None) => Ref::from_schema_name(register(components)).into(),
        (None, _) => ObjectBuilder::new().into(),
    };
    let mut ok = ResponseBuilder::new()
        .description("OK. Carries a strong ETag; Cache-Control allows reuse for max-age.")
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(body)).build(),
        );
    if let Some(list) = doc.list() {
        for format in list.formats() {
            let media = match format {
                Format::Json => continue,
                Format::Csv => "text/csv",
                Format::JsonStat => JSONSTAT_CONTENT_TYPE,
                Format::SdmxCsv => "application/vnd.sdmx.data+csv; version=2.0.0",
            };
            let schema: RefOr<Schema> = match format {
                Format::JsonStat => ObjectBuilder::new().into(),
                _ => string().into(),
            };
            ok = ok.content(media, ContentBuilder::new().schema(Some(schema)).build());
        }
    }
    if doc.query.is_some_and(|spec| spec.paginated()) || path == "/v1/export" {
        let total = if path == "/v1/export" {
            "The figures the export holds: answered to HEAD, so that a client can size the \
             download before asking for it."
        } else {
            "Items matching the filters over all pages (meta.total), in every format and \
             answered to HEAD: limit=0 or a HEAD sizes a download before it is made."
        };
        ok = ok.header(
            TOTAL_COUNT_HEADER,
            HeaderBuilder::new()
                .schema(ObjectBuilder::new().schema_type(Type::Integer))
                .description(Some(total))
                .build(),
        );
    }
    operation = operation
        .response("200", ok)
        .response("304", not_modified)
        .response("400", problem("A query parameter is unknown or malformed."))
        .response(
            "406",
            problem("The Accept header allows no representation offered."),
        );
    if path.contains('{') {
        operation = operation.response("404", problem("No resource has that id."));
    }
    PathItem::new(HttpMethod::Get, with_limits(operation))
}

/// Builds the whole document of `endpoints` (the router's table: paths and what documents
/// each).
pub fn document(endpoints: &[(&'static str, EndpointDoc)]) -> OpenApi {
    let mut components: Components = Vec::new();
    let mut paths = PathsBuilder::new();
    for (path, doc) in endpoints {
        paths = paths.path(*path, path_item(path, doc, &mut components));
    }
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

    /// Whether `year` matches an alternation `year_pattern` writes.
    fn matches(pattern: &str, year: &str) -> bool {
        pattern.split('|').any(|alternative| {
            let (prefix, free) = match alternative.split_once("[0-9]") {
                None => (alternative, 0),
                Some((prefix, "")) => (prefix, 1),
                Some((prefix, count)) => (
                    prefix,
                    count
                        .trim_start_matches('{')
                        .trim_end_matches('}')
                        .parse()
                        .unwrap(),
                ),
            };
            year.len() == prefix.len() + free
                && year.starts_with(prefix)
                && year[prefix.len()..].bytes().all(|b| b.is_ascii_digit())
        })
    }

    /// The years the document allows are the years the server takes, and no others.
    #[test]
    fn the_year_pattern_allows_exactly_the_calendar_years() {
        let pattern = year_pattern(CALENDAR_YEARS);
        assert_eq!(pattern, "19[0-9]{2}|20[0-9]{2}|2100");
        for year in 1000..=9999 {
            assert_eq!(
                matches(&pattern, &year.to_string()),
                CALENDAR_YEARS.contains(year),
                "{year}"
            );
        }
        let odd = Range {
            min: 1995,
            max: 2012,
            noun: "a year",
        };
        let pattern = year_pattern(odd);
        for year in 1000..=9999 {
            assert_eq!(
                matches(&pattern, &year.to_string()),
                odd.contains(year),
                "{year}"
            );
        }
    }
}
