//! Reading an import file into rows: CSV with a header row, or JSON (an array of objects, or
//! the export's envelope), every cell with the line and column it came from, so that a
//! problem names its place. Rows made by a program, as `generate` makes them, are built here
//! too.

use std::collections::HashSet;
use std::fmt;
use std::io::Read;

use serde_json::value::RawValue;
use serde_json::Value;

use crate::domain::csv_cell::restore;
use crate::domain::figure::column::{Column, Kind, Role};
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

/// A place in the file, 1-based; line 0 is the file as a whole (its name, its encoding where
/// no place can be given).
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
        if self.position.line > 0 {
            write!(
                f,
                "line {}, column {}",
                self.position.line, self.position.column
            )?;
            if let Some(field) = &self.field {
                write!(f, " ({field})")?;
            }
            f.write_str(": ")?;
        }
        f.write_str(&self.message)
    }
}

/// A cell of the file and where it sits.
#[derive(Debug, Clone)]
pub(super) struct Cell {
    text: String,
    position: Position,
}

/// One row (CSV) or object (JSON) of the file, or one row made by a program: its cells under
/// the columns an import understands (the header check refuses any other), named by the
/// schema's own strings, so that a row costs its texts and little more.
#[derive(Debug, Clone)]
pub struct Row {
    pub(super) position: Position,
    cells: Vec<(&'static str, Cell)>,
}

/// The name of a column an import understands, as the schema spells it; `None` for others.
fn known_column(name: &str) -> Option<&'static str> {
    COLUMNS
        .iter()
        .map(|column| column.name)
        .chain(CONTROL_COLUMNS)
        .find(|known| *known == name)
}

impl Row {
    /// A row made without a file, from (column, text) pairs; `line` is its place in its
    /// batch, so a problem still names one.
    pub fn new<'a>(line: usize, cells: impl IntoIterator<Item = (&'a str, String)>) -> Row {
        let cells = cells
            .into_iter()
            .enumerate()
            .filter_map(|(index, (column, text))| {
                let position = Position {
                    line,
                    column: index + 1,
                };
                Some((known_column(column)?, Cell { text, position }))
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

    fn cell(&self, column: &str) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|(name, _)| *name == column)
            .map(|(_, cell)| cell)
    }

    /// Whether the row has the column (an empty cell counts).
    pub(super) fn has(&self, column: &str) -> bool {
        self.cell(column).is_some()
    }

    /// The cell's text, trimmed; empty when absent.
    pub(super) fn text(&self, column: &str) -> &str {
        self.cell(column).map_or("", |cell| cell.text.trim())
    }

    pub(super) fn optional(&self, column: &str) -> Option<String> {
        Some(self.text(column).to_owned()).filter(|text| !text.is_empty())
    }

    pub(super) fn position_of(&self, column: &str) -> Position {
        self.cell(column)
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
    /// The format a file's name says; a name that says none is a refused file.
    pub(super) fn of_import(file_name: &str) -> Result<FileFormat, ImportError> {
        FileFormat::of(file_name).ok_or_else(|| {
            error(
                Position { line: 0, column: 0 },
                None,
                format!("the name '{file_name}' says no format: name the file .csv or .json"),
            )
        })
    }

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

/// A CSV file's rows, read one at a time: memory holds a row, never the file.
pub(super) struct CsvRows<R: Read> {
    records: csv::ByteRecordsIntoIter<R>,
    /// The columns, as the schema spells them (the header check refuses any other), each
    /// with whether it holds text (which the API writes neutralised as a formula).
    headers: Vec<(&'static str, bool)>,
}

impl<R: Read> CsvRows<R> {
    /// Reads and checks the header row; every problem with it, when it has any.
    pub(super) fn new(input: R) -> Result<Self, Vec<ImportError>> {
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
        let first_line = Position { line: 1, column: 1 };
        let headers = match reader.headers() {
            Ok(headers) => headers.iter().map(str::to_owned).collect::<Vec<_>>(),
            Err(problem) => return Err(vec![csv_error(&problem, first_line)]),
        };
        let mut errors = Vec::new();
        check_header(
            headers.iter().enumerate().map(|(index, name)| {
                (
                    name.as_str(),
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
        Ok(CsvRows {
            headers: headers
                .iter()
                .filter_map(|name| known_column(name))
                .map(|name| {
                    let text = COLUMNS
                        .iter()
                        .any(|column| column.name == name && column.kind == Kind::Text);
                    (name, text)
                })
                .collect(),
            records: reader.into_byte_records(),
        })
    }

    fn row(&self, record: &csv::ByteRecord) -> Result<Row, Vec<ImportError>> {
        let line = record.position().map_or(0, |p| p.line() as usize);
        let mut cells = Vec::with_capacity(self.headers.len());
        for (index, ((name, text_column), bytes)) in
            self.headers.iter().zip(record.iter()).enumerate()
        {
            let position = Position {
                line,
                column: index + 1,
            };
            let text = match std::str::from_utf8(bytes) {
                // A text cell the API neutralised as a formula reads back as the text.
                Ok(text) if *text_column => restore(text.trim()).to_owned(),
                Ok(text) => text.to_owned(),
                Err(_) => return Err(vec![error(position, Some(name), "not valid UTF-8")]),
            };
            cells.push((*name, Cell { text, position }));
        }
        Ok(Row {
            position: Position { line, column: 1 },
            cells,
        })
    }
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = Result<Row, Vec<ImportError>>;

    fn next(&mut self) -> Option<Self::Item> {
        let record = self.records.next()?;
        Some(match record {
            Ok(record) => self.row(&record),
            Err(problem) => Err(vec![csv_error(&problem, Position { line: 1, column: 1 })]),
        })
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
        csv::ErrorKind::Utf8 { err, .. } => {
            let position = Position {
                line: position.line,
                column: err.field() + 1,
            };
            return error(position, None, "not valid UTF-8");
        }
        _ => format!("not readable as CSV: {problem}"),
    };
    error(position, None, message)
}

/// The byte-order mark some editors (and spreadsheets) put first in a UTF-8 file.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `input` without a byte-order mark it may start with.
pub(super) fn without_bom<R: Read>(mut input: R) -> std::io::Result<impl Read> {
    let mut start = Vec::with_capacity(BOM.len());
    (&mut input)
        .take(BOM.len() as u64)
        .read_to_end(&mut start)?;
    if start == BOM {
        start.clear();
    }
    Ok(std::io::Cursor::new(start).chain(input))
}

/// The text of a JSON file, without a byte-order mark; refused with the place of its first
/// byte that is not UTF-8.
pub(super) fn json_text(bytes: &[u8]) -> Result<&str, Vec<ImportError>> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|problem| {
        let valid = &bytes[..problem.valid_up_to()];
        let valid = std::str::from_utf8(valid).unwrap_or_default();
        vec![error(
            position_at(valid, valid.len()),
            None,
            "not valid UTF-8",
        )]
    })
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

/// A JSON file's objects, each read into a row as it is reached. The file is held whole (its
/// positions are offsets into it), but no more than one row of it at a time.
pub(super) struct JsonRows<'a> {
    text: &'a str,
    items: std::vec::IntoIter<&'a RawValue>,
}

impl<'a> JsonRows<'a> {
    /// Checks that the text is JSON of the expected shape: an array of objects, or the
    /// export's `{"data": [...]}`.
    pub(super) fn new(text: &'a str) -> Result<Self, Vec<ImportError>> {
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
        // Raw values keep their place in the text (for positions); serde cannot buffer them
        // in an untagged enum, so the shape is told by the first character.
        let items = if text.trim_start().starts_with('[') {
            serde_json::from_str::<Vec<&RawValue>>(text)
        } else {
            serde_json::from_str::<Envelope>(text).map(|envelope| envelope.data)
        };
        let items = items.map_err(|_| {
            vec![error(
                Position { line: 1, column: 1 },
                None,
                "expected an array of figure objects, or the export's {\"data\": [...]}",
            )]
        })?;
        Ok(JsonRows {
            text,
            items: items.into_iter(),
        })
    }

    fn row(&self, raw: &'a RawValue) -> Result<Row, Vec<ImportError>> {
        let text = self.text;
        let raw_text = raw.get();
        let offset_of = |part: &str| part.as_ptr() as usize - text.as_ptr() as usize;
        let offset = offset_of(raw_text);
        let position = position_at(text, offset);
        let Ok(Fields(fields)) = serde_json::from_str::<Fields>(raw_text) else {
            return Err(vec![error(
                position,
                None,
                "expected an object with a figure's fields",
            )]);
        };
        // Where a key sits: its last quoted occurrence before its value (the value's place
        // when it is spelt with escapes).
        let key_position = |key: &str, value: &RawValue| {
            let before = &text[offset..offset_of(value.get())];
            before.rfind(&format!("\"{key}\"")).map_or_else(
                || position_at(text, offset_of(value.get())),
                |at| position_at(text, offset + at),
            )
        };
        // Every object's keys are checked as a CSV header is: each once, each a column.
        let mut errors = Vec::new();
        check_header(
            fields
                .iter()
                .map(|(key, value)| (key.as_str(), key_position(key, value))),
            &mut errors,
            position,
        );
        let mut cells = Vec::with_capacity(fields.len());
        for (key, value) in &fields {
            let Some(name) = known_column(key) else {
                continue;
            };
            let at = key_position(key, value);
            match cell_text(value.get()) {
                Ok(text) => cells.push((name, Cell { text, position: at })),
                Err(message) => errors.push(error(at, Some(name), message)),
            }
        }
        if errors.is_empty() {
            Ok(Row { position, cells })
        } else {
            Err(errors)
        }
    }
}

/// An object's members in the order written, a key given twice kept twice (a map would keep
/// the last silently), each value as written.
struct Fields<'a>(Vec<(String, &'a RawValue)>);

impl<'de> serde::Deserialize<'de> for Fields<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Fields<'de>, A::Error> {
                let mut members = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    members.push((key, map.next_value::<&'de RawValue>()?));
                }
                Ok(Fields(members))
            }
        }
        deserializer.deserialize_map(Members)
    }
}

/// A JSON value as the text of a cell: a string as it is, a number or a boolean as written,
/// null as an empty cell; `Err` says why the value is no cell.
fn cell_text(raw: &str) -> Result<String, String> {
    match raw.as_bytes().first() {
        Some(b'"') => serde_json::from_str(raw).map_err(|problem| problem.to_string()),
        Some(b'n') => Ok(String::new()),
        Some(b't' | b'f') => Ok(raw.to_owned()),
        Some(b'-' | b'0'..=b'9') => match serde_json::from_str::<Value>(raw) {
            Ok(number) => Ok(number.to_string()),
            // serde_json refuses a number no double holds (1e400), which reads as infinite.
            Err(_) => Err(format!(
                "{raw} is out of range: a number must be finite (at most about 1.8e308)"
            )),
        },
        _ => {
            let shown: String = raw.chars().take(40).collect();
            Err(format!("expected a string, number or null, found {shown}"))
        }
    }
}

impl<'a> Iterator for JsonRows<'a> {
    type Item = Result<Row, Vec<ImportError>>;

    fn next(&mut self) -> Option<Self::Item> {
        let raw = self.items.next()?;
        Some(self.row(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_dropped_and_nothing_else() {
        for (input, expected) in [
            (&b"\xEF\xBB\xBFid\n"[..], &b"id\n"[..]),
            (b"id\n", b"id\n"),
            (b"\xEF\xBB", b"\xEF\xBB"),
            (b"", b""),
        ] {
            let mut read = Vec::new();
            without_bom(input).unwrap().read_to_end(&mut read).unwrap();
            assert_eq!(read, expected);
        }
        assert_eq!(json_text(b"\xEF\xBB\xBF[]").unwrap(), "[]");
    }

    #[test]
    fn json_values_are_cells_or_say_why_not() {
        assert_eq!(cell_text(r#""a\"b""#).as_deref(), Ok("a\"b"));
        assert_eq!(cell_text("null").as_deref(), Ok(""));
        assert_eq!(cell_text("true").as_deref(), Ok("true"));
        assert_eq!(cell_text("14.2").as_deref(), Ok("14.2"));
        assert_eq!(cell_text("-3").as_deref(), Ok("-3"));
        let huge = cell_text("1e400").unwrap_err();
        assert!(huge.contains("out of range"), "{huge}");
        let nested = cell_text(r#"{"a": 1}"#).unwrap_err();
        assert!(
            nested.starts_with("expected a string, number or null"),
            "{nested}"
        );
    }
}
