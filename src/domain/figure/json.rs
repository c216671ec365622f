//! The shapes of a figure, walked from the schema: the nested JSON object the API serves
//! (whole, or trimmed to `fields=`), the flat record of the export and of every CSV of
//! figures, and the OpenAPI schemas of both.

use std::sync::LazyLock;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder, RefBuilder,
    SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::{RefOr, Schema};

use super::column::{Cell, Column, Components, Kind};
use super::schema::{FigureObject, Observation, COLUMNS, FIGURE, OBJECTS};

/// A member of a JSON object of the figure: a column's value, or a nested object.
#[derive(Debug)]
struct Node {
    key: &'static str,
    value: NodeValue,
}

#[derive(Debug)]
enum NodeValue {
    /// The column at this index of [`COLUMNS`].
    Leaf(usize),
    Object {
        object: &'static FigureObject,
        members: Vec<Node>,
        /// The index of its first column: when that is null, an optional object is.
        first: usize,
    },
}

/// The figure's top-level members, each object with its members, in declaration order.
static TREE: LazyLock<Vec<Node>> = LazyLock::new(|| {
    let mut root: Vec<Node> = Vec::new();
    for (index, column) in COLUMNS.iter().enumerate() {
        let segments: Vec<&'static str> = column.path.split('.').collect();
        let (leaf, parents) = segments.split_last().expect("a path has a segment");
        let mut members = &mut root;
        for depth in 0..parents.len() {
            let key = parents[depth];
            let position = match members.iter().position(|node| node.key == key) {
                Some(position) => position,
                None => {
                    let path = segments[..=depth].join(".");
                    let object = object(&path)
                        .unwrap_or_else(|| panic!("{path} (of {}) is in OBJECTS", column.name));
                    members.push(Node {
                        key,
                        value: NodeValue::Object {
                            object,
                            members: Vec::new(),
                            first: index,
                        },
                    });
                    members.len() - 1
                }
            };
            members = match &mut members[position].value {
                NodeValue::Object { members, .. } => members,
                NodeValue::Leaf(_) => panic!("{key} is a column and an object"),
            };
        }
        members.push(Node {
            key: leaf,
            value: NodeValue::Leaf(index),
        });
    }
    root
});

/// The declared object at `path`.
pub fn object(path: &str) -> Option<&'static FigureObject> {
    OBJECTS.iter().find(|object| object.path == path)
}

/// The top-level fields of a figure served as JSON, in order.
pub fn fields() -> Vec<&'static str> {
    TREE.iter().map(|node| node.key).collect()
}

/// Every member of a figure served as JSON, by its dotted path, in order (an object before
/// its members): what `fields=` accepts (`period`, `period.label`, `provenance.source.id`).
pub fn field_paths() -> &'static [String] {
    static PATHS: LazyLock<Vec<String>> = LazyLock::new(|| {
        fn walk(prefix: &str, members: &[Node], out: &mut Vec<String>) {
            for node in members {
                let path = if prefix.is_empty() {
                    node.key.to_owned()
                } else {
                    format!("{prefix}.{}", node.key)
                };
                out.push(path.clone());
                if let NodeValue::Object { members, .. } = &node.value {
                    walk(&path, members, out);
                }
            }
        }
        let mut paths = Vec::new();
        walk("", &TREE, &mut paths);
        paths
    });
    &PATHS
}

/// The columns in the order of a flat record (an export row, a CSV of figures): the stored
/// columns first, as in `seed/observations.csv`, then the others, each in declaration order.
pub fn flat_columns() -> &'static [&'static Column] {
    static FLAT: LazyLock<Vec<&'static Column>> = LazyLock::new(|| {
        let (stored, others): (Vec<&Column>, Vec<&Column>) =
            COLUMNS.iter().partition(|column| column.is_stored());
        stored.into_iter().chain(others).collect()
    });
    &FLAT
}

/// The flat columns of some fields (dotted paths, [`field_paths`]), field by field in the
/// order given, each once: what a CSV of figures trimmed to `fields=` holds. A field is the
/// columns at its path or inside it: `period` is `period_kind`, `period_start`...,
/// `period.label` is `period_label`.
pub fn flat_columns_of(fields: &[String]) -> Vec<&'static Column> {
    let mut columns: Vec<&'static Column> = Vec::new();
    for field in fields {
        for column in flat_columns() {
            let inside = column
                .path
                .strip_prefix(field.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'));
            if inside && !columns.iter().any(|seen| seen.index == column.index) {
                columns.push(column);
            }
        }
    }
    columns
}

impl Serialize for Observation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Members {
            members: &TREE,
            cells: &self.cells(),
        }
        .serialize(serializer)
    }
}

/// Appends `figures` to `out` as a JSON array, the bytes `serde_json::to_writer` writes for
/// them (compact), without serde's walk: on a page of figures, serde_json's escaping of every
/// key and text byte by byte was a tenth of the server's time (issue 16).
pub fn write_figures(out: &mut Vec<u8>, figures: &[Observation]) {
    out.push(b'[');
    for (index, figure) in figures.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        write_members(out, &TREE, &figure.cells());
    }
    out.push(b']');
}

fn write_members(out: &mut Vec<u8>, members: &[Node], cells: &[Cell<'_>]) {
    out.push(b'{');
    for (index, node) in members.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        // A key is a name of the schema: nothing in it is escaped (a test checks).
        out.push(b'"');
        out.extend_from_slice(node.key.as_bytes());
        out.extend_from_slice(b"\":");
        match &node.value {
            NodeValue::Leaf(index) => write_cell(out, &cells[*index]),
            NodeValue::Object {
                object,
                members,
                first,
            } => {
                if object.optional && cells[*first].is_null() {
                    out.extend_from_slice(b"null");
                } else {
                    write_members(out, members, cells);
                }
            }
        }
    }
    out.push(b'}');
}

fn write_cell(out: &mut Vec<u8>, cell: &Cell<'_>) {
    match cell {
        Cell::Null => out.extend_from_slice(b"null"),
        Cell::Text(text) => write_text(out, text),
        Cell::Word(word) => write_text(out, word),
        // Numbers and lists as serde writes them: rare, or not escaping-bound.
        _ => serde_json::to_writer(&mut *out, cell).expect("a cell writes to memory"),
    }
}

/// A JSON string as serde_json writes it: as it is between quotes unless it holds what JSON
/// escapes (a control character, `"`, `\`), which is then left to serde_json.
fn write_text(out: &mut Vec<u8>, text: &str) {
    if needs_escape(text.as_bytes()) {
        serde_json::to_writer(&mut *out, text).expect("a text writes to memory");
    } else {
        out.reserve(text.len() + 2);
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    }
}

/// Whether JSON escapes any of `bytes` (a control character, `"`, `\\`). Eight bytes at a
/// time as one word: most texts of a figure are short, too short for the compiler's own
/// vector loops, and a byte at a time was most of the writing.
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH_BITS: u64 = ONES << 7;
    // Whether a byte of `word` is less than `n` (n ≤ 128): exact as a whole, though not
    // per byte.
    let any_below = |word: u64, n: u8| word.wrapping_sub(ONES * n as u64) & !word & HIGH_BITS;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let word = u64::from_ne_bytes(word.try_into().expect("eight bytes"));
        let found = any_below(word, 0x20)
            | any_below(word ^ (ONES * b'"' as u64), 1)
            | any_below(word ^ (ONES * b'\\' as u64), 1);
        if found != 0 {
            return true;
        }
    }
    words
        .remainder()
        .iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// A figure as JSON, trimmed to some fields (`fields=`, dotted paths of [`field_paths`]), in
/// the order asked: the nesting is kept, with only the members selected (`period.label` is
/// `{"period": {"label": ...}}`); an object asked whole is whole.
pub struct FigureFields<'a> {
    pub figure: &'a Observation,
    /// `None`: every field.
    pub fields: Option<&'a [String]>,
}

/// Members of a figure selected by `fields=`: each node, whole or with some of its members.
struct Selection<'a> {
    node: &'a Node,
    /// `None`: the whole node.
    members: Option<Vec<Selection<'a>>>,
}

impl<'a> Selection<'a> {
    /// Adds the member at `path` (its keys) under `selected`, found among `members`.
    fn add(selected: &mut Vec<Selection<'a>>, members: &'a [Node], path: &[&str]) {
        let Some((key, rest)) = path.split_first() else {
            return;
        };
        let Some(node) = members.iter().find(|node| node.key == *key) else {
            return;
        };
        let position = match selected.iter().position(|s| s.node.key == node.key) {
            Some(position) => position,
            None => {
                selected.push(Selection {
                    node,
                    members: Some(Vec::new()),
                });
                selected.len() - 1
            }
        };
        let selection = &mut selected[position];
        match (&node.value, rest.is_empty()) {
            (NodeValue::Object { members, .. }, false) => {
                if let Some(chosen) = &mut selection.members {
                    Selection::add(chosen, members, rest);
                }
            }
            _ => selection.members = None,
        }
    }
}

impl Serialize for FigureFields<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Some(fields) = self.fields else {
            return self.figure.serialize(serializer);
        };
        let mut selected: Vec<Selection> = Vec::new();
        for field in fields {
            let path: Vec<&str> = field.split('.').collect();
            Selection::add(&mut selected, &TREE, &path);
        }
        Selected {
            selected: &selected,
            cells: &self.figure.cells(),
        }
        .serialize(serializer)
    }
}

/// The selected members of one object of the figure.
struct Selected<'a> {
    selected: &'a [Selection<'a>],
    cells: &'a [Cell<'a>],
}

impl Serialize for Selected<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.selected.len()))?;
        for selection in self.selected {
            let node = selection.node;
            match (&selection.members, &node.value) {
                (Some(members), NodeValue::Object { object, first, .. })
                    if !(object.optional && self.cells[*first].is_null()) =>
                {
                    map.serialize_entry(
                        node.key,
                        &Selected {
                            selected: members,
                            cells: self.cells,
                        },
                    )?
                }
                // A leaf, an object asked whole, or an optional object that is null.
                _ => map.serialize_entry(
                    node.key,
                    &Member {
                        node,
                        cells: self.cells,
                    },
                )?,
            }
        }
        map.end()
    }
}

/// A figure as one flat record: `columns`' names and values (an export row as JSON).
pub struct FlatFigure<'a> {
    pub figure: &'a Observation,
    pub columns: &'a [&'static Column],
}

impl Serialize for FlatFigure<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let cells = self.figure.cells();
        let mut map = serializer.serialize_map(Some(self.columns.len()))?;
        for column in self.columns {
            map.serialize_entry(column.name, &cells[column.index])?;
        }
        map.end()
    }
}

/// The members of one object of the figure.
struct Members<'a> {
    members: &'a [Node],
    cells: &'a [Cell<'a>],
}

impl Serialize for Members<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.members.len()))?;
        for node in self.members {
            map.serialize_entry(
                node.key,
                &Member {
                    node,
                    cells: self.cells,
                },
            )?;
        }
        map.end()
    }
}

/// One member's value: a cell, or an object (null when optional and its first cell is).
struct Member<'a> {
    node: &'a Node,
    cells: &'a [Cell<'a>],
}

impl Serialize for Member<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.node.value {
            NodeValue::Leaf(index) => self.cells[*index].serialize(serializer),
            NodeValue::Object {
                object,
                members,
                first,
            } => {
                if object.optional && self.cells[*first].is_null() {
                    serializer.serialize_none()
                } else {
                    Members {
                        members,
                        cells: self.cells,
                    }
                    .serialize(serializer)
                }
            }
        }
    }
}

/// The schema of a column's value: nullable or not, described or not.
fn value_schema(column: &Column, nullable: bool, described: bool) -> RefOr<Schema> {
    let doc = column.doc();
    let description = (described && !doc.is_empty()).then_some(doc);
    let (kind, format) = match column.kind {
        Kind::Word => {
            let name = (column.value.schema_name)().expect("an enum names its schema");
            let reference = RefBuilder::new()
                .ref_location_from_schema_name(name)
                .description(description);
            return nullable_ref(reference, nullable);
        }
        Kind::TextList => {
            let schema_type = if nullable {
                SchemaType::from_iter([Type::Array, Type::Null])
            } else {
                SchemaType::new(Type::Array)
            };
            return ArrayBuilder::new()
                .schema_type(schema_type)
                .items(ObjectBuilder::new().schema_type(Type::String))
                .description(description)
                .into();
        }
        Kind::Text => (Type::String, None),
        Kind::Number => (Type::Number, Some(KnownFormat::Double)),
        Kind::Integer => (Type::Integer, Some(KnownFormat::Int64)),
        Kind::Boolean => (Type::Boolean, None),
    };
    let schema_type = if nullable {
        SchemaType::from_iter([kind, Type::Null])
    } else {
        SchemaType::new(kind)
    };
    ObjectBuilder::new()
        .schema_type(schema_type)
        .format(format.map(SchemaFormat::KnownFormat))
        .description(description)
        .into()
}

/// A reference, or null or the reference, as utoipa writes an `Option` of a named type.
fn nullable_ref(reference: RefBuilder, nullable: bool) -> RefOr<Schema> {
    if nullable {
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .item(reference)
            .into()
    } else {
        reference.into()
    }
}

/// The schema of one object of the figure: its members, and which of them are required.
fn object_schema(object: &FigureObject, members: &[Node]) -> RefOr<Schema> {
    let mut builder =
        ObjectBuilder::new().description((!object.doc.is_empty()).then_some(object.doc));
    for node in members {
        let (schema, required) = match &node.value {
            NodeValue::Leaf(index) => {
                let column = &COLUMNS[*index];
                // Within an optional object, a `with_object` value is there when it is.
                let nullable = column.nullable && !(object.optional && column.with_object);
                (value_schema(column, nullable, !object.shared), !nullable)
            }
            NodeValue::Object { object, .. } => {
                let description = (!object.field_doc.is_empty()).then_some(object.field_doc);
                let reference = RefBuilder::new()
                    .ref_location_from_schema_name(object.schema)
                    .description(description);
                (nullable_ref(reference, object.optional), !object.optional)
            }
        };
        builder = builder.property(node.key, schema);
        if required {
            builder = builder.required(node.key);
        }
    }
    builder.into()
}

/// Adds the schemas of `members`' objects and of the enums their values are.
fn member_components(members: &[Node], components: &mut Components) {
    for node in members {
        match &node.value {
            NodeValue::Leaf(index) => (COLUMNS[*index].value.components)(components),
            NodeValue::Object {
                object, members, ..
            } => {
                components.push((object.schema.to_owned(), object_schema(object, members)));
                member_components(members, components);
            }
        }
    }
}

impl utoipa::PartialSchema for Observation {
    fn schema() -> RefOr<Schema> {
        object_schema(&FIGURE, &TREE)
    }
}

impl utoipa::ToSchema for Observation {
    fn name() -> std::borrow::Cow<'static, str> {
        FIGURE.schema.into()
    }

    fn schemas(components: &mut Components) {
        member_components(&TREE, components);
    }
}

/// The schema of a figure trimmed by `fields=`: any of its members, none required, each
/// object inline and itself trimmed (`period.label` is a period with a label only); nothing
/// that is not a member.
pub fn trimmed_schema() -> RefOr<Schema> {
    fn trimmed(members: &[Node], nullable: bool) -> RefOr<Schema> {
        let schema_type = if nullable {
            SchemaType::from_iter([Type::Object, Type::Null])
        } else {
            SchemaType::new(Type::Object)
        };
        let mut builder = ObjectBuilder::new()
            .schema_type(schema_type)
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        for node in members {
            let schema = match &node.value {
                NodeValue::Leaf(index) => {
                    let column = &COLUMNS[*index];
                    value_schema(column, column.nullable, false)
                }
                NodeValue::Object {
                    object, members, ..
                } => trimmed(members, object.optional),
            };
            builder = builder.property(node.key, schema);
        }
        builder.into()
    }
    trimmed(&TREE, false)
}

/// The schema of a flat record of a figure (an export row), described as `description`.
pub fn flat_schema(description: &str) -> RefOr<Schema> {
    let mut builder = ObjectBuilder::new().description(Some(description));
    for column in flat_columns() {
        builder = builder.property(column.name, value_schema(column, column.nullable, true));
        if !column.nullable {
            builder = builder.required(column.name);
        }
    }
    builder.into()
}

/// Adds the schemas the flat record refers to (the enums).
pub fn flat_components(components: &mut Components) {
    for column in flat_columns() {
        (column.value.components)(components);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};
    use utoipa::{PartialSchema, ToSchema};

    use super::*;
    use crate::domain::figure::{Bound, Reference, Scale, Speaker, Unit};

    /// A figure with every optional part present.
    fn full_figure() -> Observation {
        Observation {
            id: "gdp-2024".to_owned(),
            speaker_id: Some("someone".to_owned()),
            speaker_name: Some("Some One".to_owned()),
            speaker_title: Some("Director".to_owned()),
            speaker_organisation: Some("Bureau".to_owned()),
            stated_value: Some(14.2),
            stated_scale: Some(Scale::Trillion),
            stated_unit: Some(Unit::Cny),
            cny_per_usd: Some(7.2),
            rate_method: Some("median".to_owned()),
            lower_bound: Some(505.0),
            lower_bound_inclusive: Some(true),
            upper_bound: Some(515.0),
            upper_bound_inclusive: Some(true),
            value: 510.0,
            ..Observation::default()
        }
    }

    /// Every leaf of a JSON value, with its dotted path, in order.
    fn leaves(prefix: &str, value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(members) => {
                for (key, value) in members {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    leaves(&path, value, out);
                }
            }
            _ => out.push(prefix.to_owned()),
        }
    }

    #[test]
    fn a_figure_as_json_has_exactly_the_declared_leaves_in_order() {
        let value = serde_json::to_value(full_figure()).unwrap();
        let mut found = Vec::new();
        leaves("", &value, &mut found);
        let declared: Vec<&str> = COLUMNS.iter().map(|c| c.path).collect();
        assert_eq!(found, declared);
        assert_eq!(
            value["value"],
            json!(510),
            "whole numbers without a fraction"
        );
        assert_eq!(value["provenance"]["speaker"]["name"], "Some One");
        assert_eq!(value["conversion"]["stated_scale"], "trillion");
    }

    #[test]
    fn figures_are_written_as_serde_writes_them() {
        let mut awkward = full_figure();
        awkward.note = Some("a \"quoted\" back\\slash, a tab\t, 二〇二四 and \u{1}".to_owned());
        awkward.stated = "exactly eight".to_owned();
        awkward.derived_from = Some(vec!["a".to_owned(), "b\"c".to_owned()]);
        awkward.stated_value = Some(0.1);
        let figures = [awkward, Observation::default(), full_figure()];
        let mut written = Vec::new();
        write_figures(&mut written, &figures);
        assert_eq!(
            String::from_utf8(written).unwrap(),
            serde_json::to_string(&figures).unwrap()
        );
    }

    #[test]
    fn escaping_is_found_wherever_it_is() {
        for length in 0..40 {
            assert!(!needs_escape("a".repeat(length).as_bytes()));
            for at in 0..length {
                for special in ['"', '\\', '\n', '\u{1f}'] {
                    let mut text: Vec<char> = "ä~ !".chars().cycle().take(length).collect();
                    text[at] = special;
                    let text: String = text.into_iter().collect();
                    assert!(needs_escape(text.as_bytes()), "{text:?}");
                }
            }
        }
        assert!(!needs_escape("\u{7f} ~!#[]{}é中".as_bytes()));
        for key in field_paths() {
            assert!(!needs_escape(key.as_bytes()), "{key} is written unescaped");
        }
    }

    #[test]
    fn optional_objects_are_null_when_their_first_column_is() {
        let value = serde_json::to_value(Observation::default()).unwrap();
        assert_eq!(value["provenance"]["speaker"], Value::Null);
        assert_eq!(value["conversion"], Value::Null);
        assert_eq!(value["cluster"], Value::Null);
        assert!(value["period"].is_object());
    }

    #[test]
    fn fields_keep_the_top_level_fields_asked_for_in_that_order() {
        let figure = full_figure();
        let asked = ["value", "provenance", "id", "value"].map(str::to_owned);
        let value = serde_json::to_value(FigureFields {
            figure: &figure,
            fields: Some(&asked),
        })
        .unwrap();
        let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["value", "provenance", "id"]);
        assert_eq!(value["provenance"]["speaker"]["id"], "someone");
        assert_eq!(fields_of_figure(), fields());
    }

    fn fields_of_figure() -> Vec<&'static str> {
        let mut fields: Vec<&str> = Vec::new();
        for column in COLUMNS {
            if !fields.contains(&column.field()) {
                fields.push(column.field());
            }
        }
        fields
    }

    #[test]
    fn a_flat_record_has_the_stored_columns_first_then_the_others() {
        let figure = full_figure();
        let record = serde_json::to_value(FlatFigure {
            figure: &figure,
            columns: flat_columns(),
        })
        .unwrap();
        let keys: Vec<&str> = record
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let stored = crate::domain::figure::STORED_COLUMNS;
        assert_eq!(&keys[..stored.len()], stored);
        assert_eq!(keys.len(), COLUMNS.len());
        assert_eq!(record["speaker_name"], "Some One");
        assert_eq!(record["cny_per_usd"], json!(7.2));
        let trimmed = flat_columns_of(&["provenance".to_owned(), "id".to_owned()]);
        let names: Vec<&str> = trimmed.iter().map(|c| c.name).collect();
        assert_eq!(
            names,
            [
                "source_id",
                "section",
                "speaker_id",
                "cited_source",
                "source_headline",
                "speaker_name",
                "speaker_title",
                "speaker_organisation",
                "id"
            ]
        );
    }

    #[test]
    fn shared_objects_have_the_schema_of_the_type_they_share_it_with() {
        let mut components = Components::new();
        Observation::schemas(&mut components);
        let generated = |name: &str| {
            let schemas: Vec<Value> = components
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, schema)| serde_json::to_value(schema).unwrap())
                .collect();
            assert!(!schemas.is_empty(), "{name} is generated");
            assert!(
                schemas.windows(2).all(|w| w[0] == w[1]),
                "{name} twice, differently"
            );
            schemas[0].clone()
        };
        let shared = [
            ("Reference", Reference::schema()),
            ("Speaker", Speaker::schema()),
            ("Bound", Bound::schema()),
        ];
        for (name, schema) in &shared {
            assert_eq!(
                generated(name),
                serde_json::to_value(schema).unwrap(),
                "{name}"
            );
        }
        for object in OBJECTS.iter().filter(|o| o.shared) {
            assert!(
                shared.iter().any(|(name, _)| *name == object.schema),
                "{} is shared with a type this test compares",
                object.schema
            );
        }
    }

    #[test]
    fn the_figure_schema_describes_each_column_where_its_path_says() {
        let schema = serde_json::to_value(Observation::schema()).unwrap();
        assert_eq!(schema["description"], FIGURE.doc);
        let properties = schema["properties"].as_object().unwrap();
        let keys: Vec<&str> = properties.keys().map(String::as_str).collect();
        let mut expected = fields();
        expected.sort();
        assert_eq!(keys, expected, "utoipa sorts properties by name");
        assert_eq!(
            schema["properties"]["conversion"]["oneOf"][1]["$ref"],
            "#/components/schemas/Conversion"
        );
        assert_eq!(schema["properties"]["value"]["type"], "number");
        let flat = serde_json::to_value(flat_schema("flat")).unwrap();
        assert_eq!(flat["properties"].as_object().unwrap().len(), COLUMNS.len());
        assert_eq!(
            flat["properties"]["stated_scale"]["oneOf"][0]["type"],
            "null"
        );
    }
}
