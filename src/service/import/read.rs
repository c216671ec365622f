//! Reading an import file into rows: CSV with a header row, or JSON (an array of objects, or
//! the export's envelope), every cell with the line and column it came from, so that a
//! problem names its place. Rows made by a program, as `generate` makes them, are built here
//! too.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde_json::value::RawValue;
use serde_json::Value;

use crate::domain::figure::column::{Column, Role};
use crate::domain::figure::{FigureRecord, COLUMNS, STORED_COLUMNS};

/// Columns an import understands beyond the figure's own.
const CONTROL_COLUMNS: [&str; 2] = ["action", "reason"];

/// The columns a presentation (`currency`, `scale`) fills: a row with any of them states
/// other values than the stored ones.
pub(super) fn presented_columns() -> impl Iterator<Item = &'static Column> {
    COLUMNS
        .iter()
        .filter(|column| column.role == Role::Presented)
}

/// The columns of a derived figure (`derived_from`, `formula`): a row with any of them was
/// computed from other figures, not stated.
pub(super) fn derived_columns() -> impl Iterator<Item = &'static Column> {
    COLUMNS.iter().filter(|column| column.role == Role::Derived)
}

/// A place in the file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One problem with the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub position: Position,
    /// The column or field the problem is in, when there is one.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}",
            self.position.line, self.position.column
        )?;
        if let Some(field) = &self.field {
            write!(f, " ({field})")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A cell of the file and where it sits.
#[derive(Debug, Clone)]
pub(super) struct Cell {
    text: String,
    position: Position,
}

/// One row (CSV) or object (JSON) of the file, or one row made by a program.
#[derive(Debug, Clone)]
pub struct Row {
    pub(super) position: Position,
    pub(super) cells: HashMap<String, Cell>,
}

impl Row {
    /// A row made without a file, from (column, text) pairs; `line` is its place in its
    /// batch, so a problem still names one.
    pub fn new<'a>(line: usize, cells: impl IntoIterator<Item = (&'a str, String)>) -> Row {
        let cells = cells
            .into_iter()
            .enumerate()
            .map(|(index, (column, text))| {
                let position = Position {
                    line,
                    column: index + 1,
                };
                (column.to_owned(), Cell { text, position })
            })
            .collect();
        Row {
            position: Position { line, column: 1 },
            cells,
        }
    }

    /// A row that adds `figure`, or corrects the stored figure with its id (for `reason`).
    /// Every stored column is given, as a correction requires, written as the export writes
    /// it (numbers as the shortest text that reads back as the same number).
    pub fn figure(line: usize, figure: &FigureRecord, reason: Option<&str>) -> Row {
        let cells = figure.cells().map(|cell| cell.text().into_owned());
        let reason = reason.map(|reason| ("reason", reason.to_owned()));
        Row::new(
            line,
            STORED_COLUMNS.iter().copied().zip(cells).chain(reason),
        )
    }

    /// A row that retracts the stored figure `id`, saying why.
    pub fn retraction(line: usize, id: &str, reason: &str) -> Row {
        Row::new(
            line,
            [
                ("id", id.to_owned()),
                ("action", "retract".to_owned()),
                ("reason", reason.to_owned()),
            ],
        )
    }

    /// The cell's text, trimmed; empty when absent.
    pub(super) fn text(&self, column: &str) -> &str {
        self.cells.get(column).map_or("", |cell| cell.text.trim())
    }

    pub(super) fn optional(&self, column: &str) -> Option<String> {
        Some(self.text(column).to_owned()).filter(|text| !text.is_empty())
    }

    pub(super) fn position_of(&self, column: &str) -> Position {
        self.cells
            .get(column)
            .map_or(self.position, |cell| cell.position)
    }
}

/// The file format, from the name's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FileFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// JSON: the export's `{"data": [...]}` envelope (an import also takes a bare array).
    Json,
}

impl FileFormat {
    pub fn of(file_name: &str) -> Option<FileFormat> {
        let lower = file_name.to_ascii_lowercase();
        if lower.ends_with(".csv") {
            Some(FileFormat::Csv)
        } else if lower.ends_with(".json") {
            Some(FileFormat::Json)
        } else {
            None
        }
    }
}

pub(super) fn error(
    position: Position,
    field: Option<&str>,
    message: impl Into<String>,
) -> ImportError {
    ImportError {
        position,
        field: field.map(str::to_owned),
        message: message.into(),
    }
}

/// Splits a file into rows, checking its columns. CSV: a header row naming the columns. JSON:
/// an array of objects, or the export's `{"data": [...]}`.
pub(super) fn read_rows(text: &str, format: FileFormat) -> Result<Vec<Row>, Vec<ImportError>> {
    match format {
        FileFormat::Csv => read_csv(text),
        FileFormat::Json => read_json(text),
    }
}

fn check_header<'a>(
    columns: impl Iterator<Item = (&'a str, Position)>,
    errors: &mut Vec<ImportError>,
    start: Position,
) {
    let mut seen = HashSet::new();
    for (name, position) in columns {
        // Every column of the schema is understood: the stored ones are the figure, the
        // others (names, `value_in_units`, `revision`...) are what the API writes beside them,
        // ignored, so that any CSV of figures it writes imports back. The presented ones are
        // checked per row: a file not converted has them, empty.
        if !seen.insert(name.to_owned()) {
            errors.push(error(position, Some(name), "the column is given twice"));
        } else if !COLUMNS.iter().any(|column| column.name == name)
            && !CONTROL_COLUMNS.contains(&name)
        {
            errors.push(error(
                position,
                Some(name),
                format!(
                    "unknown column; a figure has the columns {}, plus optional action and reason",
                    STORED_COLUMNS.join(", ")
                ),
            ));
        }
    }
    if !seen.contains("id") {
        errors.push(error(start, Some("id"), "the id column is missing"));
    }
}

fn read_csv(text: &str) -> Result<Vec<Row>, Vec<ImportError>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let first_line = Position { line: 1, column: 1 };
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(problem) => return Err(vec![csv_error(&problem, first_line)]),
    };
    let mut errors = Vec::new();
    check_header(
        headers.iter().enumerate().map(|(index, name)| {
            (
                name,
                Position {
                    line: 1,
                    column: index + 1,
                },
            )
        }),
        &mut errors,
        first_line,
    );
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(problem) => {
                errors.push(csv_error(&problem, first_line));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let cells = headers
            .iter()
            .zip(record.iter())
            .enumerate()
            .map(|(index, (name, text))| {
                (
                    name.to_owned(),
                    Cell {
                        text: text.to_owned(),
                        position: Position {
                            line,
                            column: index + 1,
                        },
                    },
                )
            })
            .collect();
        rows.push(Row {
            position: Position { line, column: 1 },
            cells,
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

fn csv_error(problem: &csv::Error, fallback: Position) -> ImportError {
    let position = problem.position().map_or(fallback, |p| Position {
        line: p.line() as usize,
        column: 1,
    });
    let message = match problem.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("the row has {len} fields; the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8".to_owned(),
        _ => format!("not readable as CSV: {problem}"),
    };
    error(position, None, message)
}

/// Line and column of a byte offset into `text`.
fn position_at(text: &str, offset: usize) -> Position {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.chars().count(), |newline| {
            before[newline + 1..].chars().count()
        })
        + 1;
    Position { line, column }
}

fn read_json(text: &str) -> Result<Vec<Row>, Vec<ImportError>> {
    #[derive(serde::Deserialize)]
    struct Envelope<'a> {
        #[serde(borrow)]
        data: Vec<&'a RawValue>,
    }
    let syntax = |problem: serde_json::Error| {
        vec![error(
            Position {
                line: problem.line(),
                column: problem.column(),
            },
            None,
            format!("not valid JSON: {problem}"),
        )]
    };
    // Syntax first, so its error carries the position serde_json found it at.
    serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(syntax)?;
    // Raw values keep their place in the text (for positions); serde cannot buffer them in an
    // untagged enum, so the shape is told by the first character.
    let items = if text.trim_start().starts_with('[') {
        serde_json::from_str::<Vec<&RawValue>>(text)
    } else {
        serde_json::from_str::<Envelope>(text).map(|envelope| envelope.data)
    };
    let items = match items {
        Ok(items) => items,
        Err(_) => {
            return Err(vec![error(
                Position { line: 1, column: 1 },
                None,
                "expected an array of figure objects, or the export's {\"data\": [...]}",
            )])
        }
    };
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut header_checked = false;
    for raw in items {
        let raw_text = raw.get();
        let offset = raw_text.as_ptr() as usize - text.as_ptr() as usize;
        let position = position_at(text, offset);
        let Ok(object) = serde_json::from_str::<serde_json::Map<String, Value>>(raw_text) else {
            errors.push(error(
                position,
                None,
                "expected an object with a figure's fields",
            ));
            continue;
        };
        // Where a key sits: its first quoted occurrence in the object's text.
        let key_position = |key: &str| {
            raw_text
                .find(&format!("\"{key}\""))
                .map_or(position, |at| position_at(text, offset + at))
        };
        if !header_checked {
            // Every object must carry the figure's fields; the first one's keys are checked
            // like a CSV header, the rest below.
            check_header(
                object.keys().map(|key| (key.as_str(), key_position(key))),
                &mut errors,
                position,
            );
            header_checked = true;
        }
        let mut cells = HashMap::new();
        for (key, value) in &object {
            let text = match value {
                Value::Null => String::new(),
                Value::String(text) => text.clone(),
                Value::Number(number) => number.to_string(),
                Value::Bool(flag) => flag.to_string(),
                other => {
                    errors.push(error(
                        key_position(key),
                        Some(key),
                        format!("expected a string, number or null, found {other}"),
                    ));
                    continue;
                }
            };
            cells.insert(
                key.clone(),
                Cell {
                    text,
                    position: key_position(key),
                },
            );
        }
        rows.push(Row { position, cells });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}
