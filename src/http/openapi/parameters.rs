//! The query parameters of the OpenAPI document: each declaration ([`Decl`]) as the schema of
//! exactly the values the parser takes, so that a client built from the document cannot make
//! a request the server refuses without the document saying so. Lists are arrays written
//! comma-separated (`style: form`, `explode: false`); words of an enumeration are listed as
//! the server spells them, and taken in any case (each an `anyOf` of the enumeration and a
//! case-blind pattern); ids and concepts are the live database's, as [`Enumerations`] holds.

use serde_json::Value;
use utoipa::openapi::path::{ParameterBuilder, ParameterIn, ParameterStyle};
use utoipa::openapi::schema::{AnyOfBuilder, ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{KnownFormat, RefOr, Required, SchemaFormat};

use crate::service::catalogue::Enumerations;
use crate::service::query::params::{
    Decl, Format, ParamKind, Range, CALENDAR_YEARS, DEFAULT_LIMIT, MAX_FILTER_VALUES, MAX_LIMIT,
    MAX_TEXT_CHARS, PAGE_SIZES, TRANSFORM,
};
use crate::service::query::spec::QuerySpec;

/// What the document knows of an endpoint beyond its spec: the live enumerations, and the
/// fields its items have (what `fields=` chooses from).
pub struct Context<'a> {
    pub enumerations: &'a Enumerations,
    pub fields: &'a [String],
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// One of `values`, exactly as written.
fn one_of_values<S: AsRef<str>>(values: &[S]) -> RefOr<Schema> {
    string()
        .enum_values(Some(values.iter().map(|v| v.as_ref().to_owned())))
        .into()
}

/// One of `words`, as the server spells them or in any other case.
fn word_schema(words: &[&str]) -> RefOr<Schema> {
    AnyOfBuilder::new()
        .item(one_of_values(words))
        .item(
            string()
                .pattern(Some(words_pattern(words)))
                .description(Some("The same words in any case.")),
        )
        .into()
}

/// A comma-separated list of one to `max` items of `item`.
fn list(item: RefOr<Schema>, max: usize) -> RefOr<Schema> {
    ArrayBuilder::new()
        .items(item)
        .min_items(Some(1))
        .max_items(Some(max))
        .into()
}

/// The schema and description of a parameter `spec` accepts, and whether it is a list.
fn parameter_schema(
    decl: &Decl,
    spec: &QuerySpec,
    context: &Context,
) -> (RefOr<Schema>, String, bool) {
    match decl.kind {
        ParamKind::Ids(entity) => (
            list(
                one_of_values(context.enumerations.ids(entity)),
                MAX_FILTER_VALUES,
            ),
            format!(
                "One or more {} ids (at most {MAX_FILTER_VALUES}), comma-separated or repeated; \
                 an unknown id is a 400 listing the accepted ones.",
                entity.noun()
            ),
            true,
        ),
        ParamKind::Words(words) => (
            list(word_schema(words), MAX_FILTER_VALUES),
            format!(
                "One or more of: {}; comma-separated or repeated, in any case (answers spell \
                 them as here).{}",
                words.join(", "),
                word_docs(words, decl.docs)
            ),
            true,
        ),
        // A choice is one word: a list is refused by name, with what to give instead.
        ParamKind::Choice(words) => (
            word_schema(words),
            format!(
                "One of: {}, in any case (answers spell it as here).{}",
                words.join(", "),
                word_docs(words, decl.docs)
            ),
            false,
        ),
        ParamKind::Concepts => (
            list(
                one_of_values(&context.enumerations.concepts),
                MAX_FILTER_VALUES,
            ),
            "One or more indicator concepts, comma-separated or repeated; an unknown value is \
             a 400 listing the accepted ones."
                .to_owned(),
            true,
        ),
        // A search needs a letter or digit to search for: the pattern finds one anywhere.
        ParamKind::Text => (
            string()
                .min_length(Some(1))
                .max_length(Some(MAX_TEXT_CHARS))
                .into(),
            // No pattern: a letter or digit of any script (广东) is what counts, and a JSON
            // Schema pattern's \w is ASCII only.
            format!(
                "Free text, at most {MAX_TEXT_CHARS} characters; it must contain a letter or \
                 digit of any script, otherwise a 400."
            ),
            false,
        ),
        ParamKind::Years => (
            list(year(CALENDAR_YEARS).into(), MAX_FILTER_VALUES),
            format!(
                "Calendar years from {} to {}, comma-separated: figures whose period overlaps \
                 any of them.",
                CALENDAR_YEARS.min, CALENDAR_YEARS.max
            ),
            true,
        ),
        ParamKind::Year => (
            year(CALENDAR_YEARS).into(),
            "A calendar year bounding the period range, inclusive; `from` after `to` is a 400."
                .to_owned(),
            false,
        ),
        ParamKind::Time => (
            string()
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
                .into(),
            "An RFC 3339 time: answer with the figures as they were known then (each figure's \
             last revision recorded by that moment). Default: the latest data."
                .to_owned(),
            false,
        ),
        // A version that is no import's is a 400 (it names the current one), so the document
        // lists those there are: the database's, read with the rest of the enumerations.
        ParamKind::Since => (
            AnyOfBuilder::new()
                .item(string().format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))))
                .item(one_of_values(&context.enumerations.versions))
                .into(),
            "An RFC 3339 time (2025-06-01T00:00:00Z), or a data version: the id of an import \
             (0: the data as migrated), as /readyz gives it. Lists the figures whose latest \
             revision was recorded after it, retractions included and marked."
                .to_owned(),
            false,
        ),
        ParamKind::Number(None) => (
            ObjectBuilder::new().schema_type(Type::Number).into(),
            "Compared with value_in_units: the figure in plain units of its own unit \
             (yuan, dollars, count...); with currency, money as presented in that currency \
             (converted and rounded)."
                .to_owned(),
            false,
        ),
        ParamKind::Number(Some(range)) => (
            whole(range).into(),
            format!(
                "{}, from {} to {}.",
                capitalised(range.noun),
                range.min,
                range.max
            ),
            false,
        ),
        // Each key once, in either direction: `name,-name` is a 400, which no schema can say.
        ParamKind::Sort => {
            let keys: Vec<&str> = spec.sorts().iter().map(|s| s.name).collect();
            let words: Vec<String> = keys
                .iter()
                .flat_map(|key| [key.to_string(), format!("-{key}")])
                .collect();
            let items = ArrayBuilder::new()
                .items(one_of_values(&words))
                .min_items(Some(1))
                .max_items(Some(keys.len()))
                .unique_items(true);
            (
                items.into(),
                format!(
                    "Sort keys, comma-separated, '-' for descending, each key once: {}. Ties \
                     keep source order.",
                    keys.join(", ")
                ),
                true,
            )
        }
        ParamKind::Limit => (
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(PAGE_SIZES.min))
                .maximum(Some(MAX_LIMIT as u64))
                .default(Some(DEFAULT_LIMIT.into()))
                .into(),
            format!(
                "Items per page, {} to {MAX_LIMIT}; 0 answers with the total alone \
                 (meta.total and the X-Total-Count header), no items.",
                PAGE_SIZES.min
            ),
            false,
        ),
        ParamKind::Cursor => (
            string().pattern(Some("^[A-Za-z0-9_-]+$")).into(),
            "Opaque position from links.next or links.prev of a previous page of this very \
             query; any other value is a 400."
                .to_owned(),
            false,
        ),
        ParamKind::Fields => (
            // No most: a field may be named twice (it is kept once).
            ArrayBuilder::new()
                .items(one_of_values(context.fields))
                .min_items(Some(1))
                .into(),
            "Fields to keep in each item, comma-separated, in the order given. A dotted path \
             selects a member of an object where the items have them (`period.label`: JSON \
             keeps the nesting with only that member, CSV the column it maps to)."
                .to_owned(),
            true,
        ),
        // A list is JSON or CSV, a list of figures JSON-stat or SDMX-CSV too; anything else
        // has one representation, JSON. Each is taken in any case.
        ParamKind::Format if spec.is_list() => {
            let words: Vec<&str> = spec.formats().iter().map(|f| f.word()).collect();
            let mut figures = String::new();
            if spec.formats().contains(&Format::JsonStat) {
                figures.push_str(
                    " jsonstat: a JSON-stat 2.0 dataset (application/json-stat+json) of one \
                     indicator's figures, which the request must name (indicator=ID, or \
                     /v1/indicators/{id}/observations; otherwise a 400): dimensions region, \
                     period, those of cluster, cluster_group, company, city_plan that a \
                     figure has, role and source where the figures have several, and measure \
                     (the unit and scale, with its unit); a qualifier other than exact is the \
                     cell's status; no fields.",
                );
            }
            if spec.formats().contains(&Format::SdmxCsv) {
                figures.push_str(
                    " sdmx-csv: SDMX-CSV 2.0 (application/vnd.sdmx.data+csv; version=2.0.0), \
                     a row per figure: STRUCTURE, STRUCTURE_ID, ACTION, the dimensions \
                     INDICATOR, REF_AREA, CLUSTER, CLUSTER_GROUP, COMPANY, CITY_PLAN (_Z: not \
                     applicable), TIME_PERIOD, then OBS_VALUE, UNIT_MEASURE, UNIT_MULT, \
                     OBS_STATUS (A for exact, E for about, empty for a bound), then the \
                     figure's other columns in capitals; no fields.",
                );
            }
            (
                word_schema(&words),
                format!(
                    "Representation, one of {}, in any case; overrides the Accept header.\
                     {figures}",
                    words.join(", ")
                ),
                false,
            )
        }
        ParamKind::Format => (
            word_schema(&["json"]),
            "Representation: json, the only one, in any case; overrides the Accept header."
                .to_owned(),
            false,
        ),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn whole(range: Range) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(range.min))
        .maximum(Some(range.max))
}

fn year(range: Range) -> ObjectBuilder {
    whole(range)
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
/// it: each letter is a class of its two cases).
pub fn words_pattern(words: &[&str]) -> String {
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
    format!("^({})$", any_case.join("|"))
}

/// A JSON endpoint's parameters (a list's, a single resource's, a document's): its own, then
/// the controls its shape brings. A list with no sort key accepts `sort` only to refuse every
/// key (a search's order is its relevance): it is not documented.
pub fn json_parameters(spec: &QuerySpec, context: &Context) -> Vec<ParameterBuilder> {
    spec.accepted()
        .filter(|decl| decl.kind != ParamKind::Sort || !spec.sorts().is_empty())
        .map(|decl| parameter(decl, spec, context))
        .collect()
}

/// An image's or the metrics' parameters: its own, all it takes (no paging, sorting or
/// formats).
pub fn own_parameters(spec: &QuerySpec, context: &Context) -> Vec<ParameterBuilder> {
    spec.params
        .iter()
        .map(|accepted| parameter(accepted.param, spec, context))
        .collect()
}

fn parameter(decl: &Decl, spec: &QuerySpec, context: &Context) -> ParameterBuilder {
    let (schema, mut description, is_list) = parameter_schema(decl, spec, context);
    // What the parameter means comes first, where its declaration says.
    if !decl.meaning.is_empty() {
        description = format!("{}\n\n{description}", decl.meaning);
    }
    // `transform`'s example is one that derives figures, so that the fuzz run's requests
    // from examples (with the path's) check a transform's answer against the document.
    let example = std::ptr::eq(decl, &TRANSFORM.decl).then(|| Value::from("cagr"));
    // A search needs its text: the one parameter without which an endpoint answers nothing.
    let required = if decl.kind == ParamKind::Text {
        Required::True
    } else {
        Required::False
    };
    let mut builder = ParameterBuilder::new()
        .name(decl.name)
        .parameter_in(ParameterIn::Query)
        .required(required)
        .schema(Some(schema))
        .example(example)
        .description(Some(description));
    if is_list {
        builder = builder
            .style(Some(ParameterStyle::Form))
            .explode(Some(false));
    }
    builder
}
