//! Items as flat rows: a figure as a row of its flat columns (every CSV of figures: lists and
//! the export), other resources flattened to dotted columns, the cells of a CSV row, and the
//! `fields=` projection.

use std::io::Write;

use serde_json::{Map, Value};

use super::query::params::FIELDS;
use crate::domain::csv_cell::neutralise;
use crate::domain::figure::column::{Cell, Column};
use crate::domain::figure::Observation;
use crate::error::{ApiError, ApiResult};

/// Writes one figure as a CSV row of `columns`: how every CSV of figures is written, so that
/// any of them imports back (a text neutralised as a formula is read back by the import).
pub fn write_figure<W: Write>(
    writer: &mut csv::Writer<W>,
    figure: &Observation,
    columns: &[&'static Column],
    retracted: Option<bool>,
) -> csv::Result<()> {
    let cells = figure.cells();
    for column in columns {
        match cells[column.index] {
            // Text a spreadsheet could run as a formula is neutralised; numbers are numbers.
            Cell::Text(text) => writer.write_field(neutralise(text).as_bytes())?,
            cell => writer.write_field(cell.text().as_bytes())?,
        }
    }
    if let Some(retracted) = retracted {
        writer.write_field(if retracted { "true" } else { "false" })?;
    }
    writer.write_record(None::<&[u8]>)
}

/// The last column of a delta's CSV (`updated_after=`): whether the figure was retracted.
pub const RETRACTED_COLUMN: &str = "retracted";

/// The CSV columns of `fields=`: each field's columns, in the order the fields were asked in.
pub fn projected_columns(columns: &[String], fields: &[String]) -> Vec<String> {
    fields
        .iter()
        .flat_map(|field| {
            columns
                .iter()
                .filter(move |c| *c == field || c.starts_with(&format!("{field}.")))
        })
        .cloned()
        .collect()
}

/// Flattens one item: nested objects become `a.b` columns; arrays become one cell of their
/// elements' ids (or values) joined with "; ".
pub fn flatten(item: &Value) -> Map<String, Value> {
    fn walk(prefix: &str, value: &Value, out: &mut Map<String, Value>) {
        match value {
            Value::Object(object) => {
                for (key, value) in object {
                    let name = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(&name, value, out);
                }
            }
            Value::Array(values) => {
                let joined = values
                    .iter()
                    .map(|v| match v.get("id") {
                        Some(id) => cell(id),
                        None => cell(v),
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                out.insert(prefix.to_owned(), Value::String(joined));
            }
            other => {
                out.insert(prefix.to_owned(), other.clone());
            }
        }
    }
    let mut out = Map::new();
    walk("", item, &mut out);
    out
}

/// The union of the flattened fields of `items`, in first-seen order.
pub fn flattened_columns(items: &[Value]) -> Vec<String> {
    let mut columns: Vec<String> = Vec::new();
    for item in items {
        for key in flatten(item).keys() {
            if !columns.contains(key) {
                columns.push(key.clone());
            }
        }
    }
    columns
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// One item as the cells of a CSV row under `columns`: an absent field is an empty cell, a
/// text a spreadsheet would run as a formula starts with `'` ([`neutralise`]).
pub fn csv_cells(item: &Value, columns: &[String]) -> Vec<String> {
    let flattened;
    // A flat item is its own flattening: no copy of every value per row.
    let fields = match item.as_object() {
        Some(object) if object.values().all(|v| !v.is_object() && !v.is_array()) => object,
        _ => {
            flattened = flatten(item);
            &flattened
        }
    };
    columns
        .iter()
        .map(|column| match fields.get(column) {
            // Text a spreadsheet could run as a formula is neutralised; numbers are numbers.
            Some(Value::String(text)) => neutralise(text).into_owned(),
            Some(value) => cell(value),
            None => String::new(),
        })
        .collect()
}

/// Keeps only the requested top-level fields of each item, in the order requested.
pub fn project(items: Vec<Value>, fields: &[String], accepted: &[String]) -> ApiResult<Vec<Value>> {
    check_fields(fields, accepted)?;
    Ok(items
        .into_iter()
        .map(|item| project_item(&item, fields))
        .collect())
}

/// Refuses a `fields=` that names something other than `accepted`.
pub fn check_fields(fields: &[String], accepted: &[String]) -> ApiResult<()> {
    let name = FIELDS.name;
    match fields.iter().find(|field| !accepted.contains(field)) {
        Some(unknown) => Err(ApiError::invalid_parameter(
            name,
            format!(
                "{name}: '{unknown}' is not a field of this list. Fields: {}.",
                accepted.join(", ")
            ),
        )),
        None => Ok(()),
    }
}

/// One item with only `fields`, in the order asked; a member this item does not have (a
/// name in another language) is left out, not made up.
pub fn project_item(item: &Value, fields: &[String]) -> Value {
    Value::Object(
        fields
            .iter()
            .filter_map(|field| {
                item.get(field.as_str())
                    .map(|value| (field.clone(), value.clone()))
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_fields_flatten_with_dotted_names() {
        let item = serde_json::json!({
            "id": "a", "period": {"start": "2024", "end": null},
            "figures": [{"id": "f1"}, {"id": "f2"}], "tags": ["x", 2]
        });
        let flat = flatten(&item);
        assert_eq!(flat["period.start"], "2024");
        assert_eq!(flat["period.end"], Value::Null);
        assert_eq!(flat["figures"], "f1; f2");
        assert_eq!(flat["tags"], "x; 2");
    }

    #[test]
    fn a_text_cell_that_starts_like_a_formula_is_neutralised_and_a_number_is_not() {
        let item = serde_json::json!({"name": "=cmd|' /C calc'!A0", "change": -3, "note": "-3"});
        let columns = ["name", "change", "note"].map(str::to_owned);
        assert_eq!(
            csv_cells(&item, &columns),
            ["'=cmd|' /C calc'!A0", "-3", "'-3"]
        );
    }
}
