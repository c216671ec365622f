//! `gd-indicators import FILE`: adds, corrects and retracts figures from a CSV or JSON file
//! shaped like `seed/observations.csv` or the bulk export (`/v1/export`).
//!
//! The whole file is read and checked before anything is written; every problem is reported
//! with its line and column. Only a clean file is applied, in one transaction, each change as a
//! new revision (see migration 0004): nothing is overwritten.
//!
//! A row whose `id` is new adds a figure; a row whose `id` exists corrects it (an identical row
//! changes nothing). An optional `action` column set to `retract` withdraws the figure, and an
//! optional `reason` column says why a figure was corrected or retracted.
//!
//! Rows made by a program rather than read from a file ([`Row::figure`], [`Row::retraction`],
//! as `generate` makes them) go through [`import_rows`]: the same checks, plan and transaction.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use serde_json::value::RawValue;
use serde_json::Value;
use sqlx::SqlitePool;

use crate::domain::figure::{QUALIFIERS, UNITS};
use crate::store::{
    self,
    catalogue::Catalogue,
    imports::{FigureChange, FigureRecord, ImportReceipt, StoredFigure},
};

/// The columns of a figure, as in `seed/observations.csv`; every one must be present.
pub const FIGURE_COLUMNS: [&str; 23] = [
    "id",
    "indicator_id",
    "region_id",
    "cluster_id",
    "cluster_group_id",
    "company_id",
    "city_plan_id",
    "value",
    "scale",
    "unit",
    "qualifier",
    "stated",
    "period_kind",
    "period_start",
    "period_end",
    "period_label",
    "equivalent_of",
    "restates",
    "source_id",
    "section",
    "speaker_id",
    "cited_source",
    "note",
];
/// Columns an import understands beyond the figure's own.
const CONTROL_COLUMNS: [&str; 2] = ["action", "reason"];
/// Columns the bulk export adds, derived from the others; ignored, so an export re-imports.
const DERIVED_COLUMNS: [&str; 10] = [
    "value_in_units",
    "currency",
    "indicator_name",
    "region_name",
    "source_headline",
    "speaker_name",
    "speaker_title",
    "speaker_organisation",
    "revision",
    "recorded_at",
];
/// An export converted with `?currency=` states other values than the stored ones.
const CONVERSION_COLUMN: &str = "cny_per_usd";

const SCALES: [&str; 5] = ["unit", "thousand", "million", "billion", "trillion"];
const PERIOD_KINDS: [&str; 6] = ["year", "span", "as_of", "streak", "target", "unspecified"];

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
struct Cell {
    text: String,
    position: Position,
}

/// One row (CSV) or object (JSON) of the file, or one row made by a program.
#[derive(Debug, Clone)]
pub struct Row {
    position: Position,
    cells: HashMap<String, Cell>,
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
    /// Every column of seed/observations.csv is given, as a correction requires.
    pub fn figure(line: usize, figure: &FigureRecord, reason: Option<&str>) -> Row {
        let text = |field: &Option<String>| field.clone().unwrap_or_default();
        let cells: [String; 23] = [
            figure.id.clone(),
            figure.indicator_id.clone(),
            figure.region_id.clone(),
            text(&figure.cluster_id),
            text(&figure.cluster_group_id),
            text(&figure.company_id),
            text(&figure.city_plan_id),
            // Rust prints the shortest text that parses back to the same number.
            figure.value.to_string(),
            figure.scale.clone(),
            figure.unit.clone(),
            figure.qualifier.clone(),
            figure.stated.clone(),
            figure.period_kind.clone(),
            text(&figure.period_start),
            text(&figure.period_end),
            figure.period_label.clone(),
            text(&figure.equivalent_of),
            text(&figure.restates),
            figure.source_id.clone(),
            figure.section.clone(),
            text(&figure.speaker_id),
            text(&figure.cited_source),
            text(&figure.note),
        ];
        let reason = reason.map(|reason| ("reason", reason.to_owned()));
        Row::new(line, FIGURE_COLUMNS.into_iter().zip(cells).chain(reason))
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
    fn text(&self, column: &str) -> &str {
        self.cells.get(column).map_or("", |cell| cell.text.trim())
    }

    fn optional(&self, column: &str) -> Option<String> {
        Some(self.text(column).to_owned()).filter(|text| !text.is_empty())
    }

    fn position_of(&self, column: &str) -> Position {
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

/// The changes a valid file asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPlan {
    pub changes: Vec<FigureChange>,
    /// Rows identical to the stored figure.
    pub unchanged: usize,
}

fn error(position: Position, field: Option<&str>, message: impl Into<String>) -> ImportError {
    ImportError {
        position,
        field: field.map(str::to_owned),
        message: message.into(),
    }
}

/// Splits a file into rows, checking its columns. CSV: a header row naming the columns. JSON:
/// an array of objects, or the export's `{"data": [...]}`.
fn read_rows(text: &str, format: FileFormat) -> Result<Vec<Row>, Vec<ImportError>> {
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
        if !seen.insert(name.to_owned()) {
            errors.push(error(position, Some(name), "the column is given twice"));
        } else if name == CONVERSION_COLUMN {
            // Checked per row: an export without ?currency= has the column, empty.
        } else if !FIGURE_COLUMNS.contains(&name)
            && !CONTROL_COLUMNS.contains(&name)
            && !DERIVED_COLUMNS.contains(&name)
        {
            errors.push(error(
                position,
                Some(name),
                format!(
                    "unknown column; a figure has the columns {}, plus optional action and reason",
                    FIGURE_COLUMNS.join(", ")
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

/// Whether `id` is a slug: lower-case letters, digits and hyphens.
fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `YYYY` or `YYYY-MM`, as the schema's period columns require.
fn is_period(text: &str) -> bool {
    let bytes = text.as_bytes();
    let year = |b: &[u8]| b.len() == 4 && b.iter().all(u8::is_ascii_digit) && b[0] != b'0';
    match bytes.len() {
        4 => year(bytes),
        7 => {
            year(&bytes[..4])
                && bytes[4] == b'-'
                && matches!(&bytes[5..], [b'0', b'1'..=b'9'] | [b'1', b'0'..=b'2'])
        }
        _ => false,
    }
}

/// Checks one row that adds or corrects a figure; returns the figure when it is valid.
fn figure_of(
    row: &Row,
    catalogue: &Catalogue,
    known_ids: &HashSet<&str>,
    errors: &mut Vec<ImportError>,
) -> Option<FigureRecord> {
    let before = errors.len();
    let mut fail = |column: &str, message: String| {
        errors.push(error(row.position_of(column), Some(column), message));
    };
    let required = |column: &str, fail: &mut dyn FnMut(&str, String)| {
        let text = row.text(column);
        if text.is_empty() {
            fail(column, "required; the cell is empty".to_owned());
        }
        text.to_owned()
    };
    let one_of = |column: &str, accepted: &[&str], fail: &mut dyn FnMut(&str, String)| {
        let text = row.text(column);
        if !accepted.contains(&text) {
            fail(
                column,
                format!(
                    "'{text}' is not accepted; use one of {}",
                    accepted.join(", ")
                ),
            );
        }
        text.to_owned()
    };
    let reference = |column: &str,
                     known: &dyn Fn(&str) -> bool,
                     noun: &str,
                     optional: bool,
                     fail: &mut dyn FnMut(&str, String)| {
        let text = row.text(column);
        if text.is_empty() {
            if !optional {
                fail(column, format!("required: the id of a {noun}"));
            }
            return None;
        }
        if !known(text) {
            fail(
                column,
                format!("there is no {noun} '{text}'; an import never creates one"),
            );
        }
        Some(text.to_owned())
    };

    let id = row.text("id").to_owned();
    let indicator_id = reference(
        "indicator_id",
        &|id| catalogue.indicators.contains_key(id),
        "indicator",
        false,
        &mut fail,
    );
    let region_id = reference(
        "region_id",
        &|id| catalogue.regions.contains(id),
        "region",
        false,
        &mut fail,
    );
    let cluster_id = reference(
        "cluster_id",
        &|id| catalogue.clusters.contains(id),
        "cluster",
        true,
        &mut fail,
    );
    let cluster_group_id = reference(
        "cluster_group_id",
        &|id| catalogue.cluster_groups.contains(id),
        "cluster group",
        true,
        &mut fail,
    );
    let company_id = reference(
        "company_id",
        &|id| catalogue.companies.contains(id),
        "company",
        true,
        &mut fail,
    );
    let city_plan_id = reference(
        "city_plan_id",
        &|id| catalogue.city_plans.contains(id),
        "city plan",
        true,
        &mut fail,
    );
    let source_id = reference(
        "source_id",
        &|id| catalogue.sources.contains(id),
        "source",
        false,
        &mut fail,
    );
    let speaker_id = reference(
        "speaker_id",
        &|id| catalogue.speakers.contains(id),
        "speaker",
        true,
        &mut fail,
    );
    let figure_ref = |column: &str, fail: &mut dyn FnMut(&str, String)| {
        let target = reference(
            column,
            &|target| known_ids.contains(target),
            "figure",
            true,
            fail,
        );
        if target.as_deref() == Some(id.as_str()) {
            fail(column, "a figure cannot point at itself".to_owned());
        }
        target
    };
    let equivalent_of = figure_ref("equivalent_of", &mut fail);
    let restates = figure_ref("restates", &mut fail);

    let value_text = row.text("value");
    let value = match value_text.parse::<f64>() {
        Ok(value) if value.is_finite() => value,
        _ => {
            fail("value", format!("'{value_text}' is not a finite number"));
            0.0
        }
    };
    let scale = one_of("scale", &SCALES, &mut fail);
    let unit = one_of("unit", UNITS, &mut fail);
    let qualifier = one_of("qualifier", QUALIFIERS, &mut fail);
    let period_kind = one_of("period_kind", &PERIOD_KINDS, &mut fail);
    let stated = required("stated", &mut fail);
    let period_label = required("period_label", &mut fail);
    let section = required("section", &mut fail);
    let period_start = row.optional("period_start");
    let period_end = row.optional("period_end");
    for (column, period) in [("period_start", &period_start), ("period_end", &period_end)] {
        if let Some(period) = period.as_deref().filter(|p| !is_period(p)) {
            fail(
                column,
                format!("'{period}' is not a year (2024) or a month (2024-03)"),
            );
        }
    }
    if let (Some(start), Some(end)) = (&period_start, &period_end) {
        if is_period(start) && is_period(end) && start > end {
            fail(
                "period_end",
                format!("ends ({end}) before it starts ({start})"),
            );
        }
    }
    if let Some(expected) = indicator_id
        .as_deref()
        .and_then(|id| catalogue.indicators.get(id))
    {
        let dollar_equivalent = unit == "usd" && expected == "cny" && equivalent_of.is_some();
        if UNITS.contains(&unit.as_str()) && unit != *expected && !dollar_equivalent {
            fail(
                "unit",
                format!(
                    "the indicator is measured in {expected}; only a printed dollar equivalent \
                     (unit usd with equivalent_of) may differ"
                ),
            );
        }
    }
    if errors.len() > before {
        return None;
    }
    Some(FigureRecord {
        id,
        indicator_id: indicator_id?,
        region_id: region_id?,
        cluster_id,
        cluster_group_id,
        company_id,
        city_plan_id,
        value,
        scale,
        unit,
        qualifier,
        stated,
        period_kind,
        period_start,
        period_end,
        period_label,
        equivalent_of,
        restates,
        source_id: source_id?,
        section,
        speaker_id,
        cited_source: row.optional("cited_source"),
        note: row.optional("note"),
    })
}

/// Checks every row of a file against the catalogue and the stored figures; the plan when the
/// whole file is valid, every error (sorted by position) when not.
pub fn plan(
    text: &str,
    format: FileFormat,
    catalogue: &Catalogue,
    stored: &HashMap<String, StoredFigure>,
) -> Result<ImportPlan, Vec<ImportError>> {
    plan_rows(&read_rows(text, format)?, catalogue, stored)
}

/// [`plan`] for rows already read (or made by a program).
pub fn plan_rows(
    rows: &[Row],
    catalogue: &Catalogue,
    stored: &HashMap<String, StoredFigure>,
) -> Result<ImportPlan, Vec<ImportError>> {
    let mut errors = Vec::new();
    if rows.is_empty() {
        errors.push(error(
            Position { line: 1, column: 1 },
            None,
            "the file holds no figures",
        ));
    }
    let mut first_seen: BTreeMap<&str, Position> = BTreeMap::new();
    for row in rows {
        let id = row.text("id");
        if !is_slug(id) {
            errors.push(error(
                row.position_of("id"),
                Some("id"),
                format!("'{id}' is not an id: use lower-case letters, digits and hyphens"),
            ));
        } else if let Some(first) = first_seen.get(id) {
            errors.push(error(
                row.position_of("id"),
                Some("id"),
                format!(
                    "'{id}' is also on line {}; give each figure once",
                    first.line
                ),
            ));
        } else {
            first_seen.insert(id, row.position);
        }
    }
    let known_ids: HashSet<&str> = stored
        .keys()
        .map(String::as_str)
        .chain(first_seen.keys().copied())
        .collect();

    let mut changes = Vec::new();
    let mut unchanged = 0;
    for row in rows {
        let id = row.text("id");
        if !row.text(CONVERSION_COLUMN).is_empty() {
            errors.push(error(
                row.position_of(CONVERSION_COLUMN),
                Some(CONVERSION_COLUMN),
                "this row was converted to another currency by the export; export without \
                 ?currency= to re-import",
            ));
            continue;
        }
        let reason = row.optional("reason");
        match row.text("action") {
            "" => {}
            "retract" => {
                match stored.get(id) {
                    None => errors.push(error(
                        row.position_of("id"),
                        Some("id"),
                        format!("there is no stored figure '{id}' to retract"),
                    )),
                    Some(figure) if figure.retracted => errors.push(error(
                        row.position_of("action"),
                        Some("action"),
                        format!("'{id}' is already retracted"),
                    )),
                    Some(_) => match reason {
                        None => errors.push(error(
                            row.position_of("reason"),
                            Some("reason"),
                            "a retraction needs a reason",
                        )),
                        Some(reason) => changes.push(FigureChange::Retract {
                            id: id.to_owned(),
                            reason,
                        }),
                    },
                }
                continue;
            }
            other => {
                errors.push(error(
                    row.position_of("action"),
                    Some("action"),
                    format!("'{other}' is not an action; leave it empty, or write retract"),
                ));
                continue;
            }
        }
        let missing: Vec<&str> = FIGURE_COLUMNS
            .into_iter()
            .filter(|column| !row.cells.contains_key(*column))
            .collect();
        if !missing.is_empty() {
            // An absent column must not read as an empty cell: a correction would erase it.
            errors.push(error(
                row.position,
                None,
                format!(
                    "a row that adds or corrects a figure needs every column of \
                     seed/observations.csv; missing: {}",
                    missing.join(", ")
                ),
            ));
            continue;
        }
        let Some(figure) = figure_of(row, catalogue, &known_ids, &mut errors) else {
            continue;
        };
        match stored.get(id) {
            None => changes.push(FigureChange::Add(figure)),
            Some(existing) if existing.record == figure && !existing.retracted => unchanged += 1,
            Some(_) => changes.push(FigureChange::Correct { figure, reason }),
        }
    }
    if errors.is_empty() {
        Ok(ImportPlan { changes, unchanged })
    } else {
        errors.sort_by_key(|e| e.position);
        Err(errors)
    }
}

/// Why an import did not happen.
#[derive(Debug)]
pub enum ImportFailure {
    /// The file has problems; nothing was written.
    Invalid(Vec<ImportError>),
    /// The file could not be read, or the database refused the transaction (which then left
    /// nothing behind).
    Failed(String),
}

/// How far an import has got, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportProgress {
    /// The file is read: this many rows, now checked against the catalogue and stored figures.
    Checking { rows: usize },
    /// The file is valid: `done` of `total` changes written, in one transaction that commits
    /// once all are.
    Writing { done: usize, total: usize },
}

/// Reads, checks and (unless `dry_run`) applies `file_name`'s contents in one transaction.
pub async fn import(
    pool: &SqlitePool,
    file_name: &str,
    text: &str,
    description: Option<&str>,
    dry_run: bool,
) -> Result<(ImportPlan, Option<ImportReceipt>), ImportFailure> {
    import_reporting(pool, file_name, text, description, dry_run, &mut |_| {}).await
}

/// [`import`], telling `progress` how far it has got.
pub async fn import_reporting(
    pool: &SqlitePool,
    file_name: &str,
    text: &str,
    description: Option<&str>,
    dry_run: bool,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<(ImportPlan, Option<ImportReceipt>), ImportFailure> {
    let format = FileFormat::of(file_name).ok_or_else(|| {
        ImportFailure::Failed(format!(
            "'{file_name}': name the file .csv or .json so its format is known"
        ))
    })?;
    let rows = read_rows(text, format).map_err(ImportFailure::Invalid)?;
    import_rows(pool, file_name, &rows, description, dry_run, progress).await
}

/// Checks and (unless `dry_run`) applies rows already read, or made by a program, in one
/// transaction recorded under `file_name`: what [`import`] does once the file is read.
pub async fn import_rows(
    pool: &SqlitePool,
    file_name: &str,
    rows: &[Row],
    description: Option<&str>,
    dry_run: bool,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<(ImportPlan, Option<ImportReceipt>), ImportFailure> {
    progress(ImportProgress::Checking { rows: rows.len() });
    let database = |problem: sqlx::Error| ImportFailure::Failed(describe(&problem));
    let catalogue = store::catalogue::catalogue(pool).await.map_err(database)?;
    let stored = store::imports::stored_figures(pool, &named_ids(rows))
        .await
        .map_err(database)?;
    let plan = plan_rows(rows, &catalogue, &stored).map_err(ImportFailure::Invalid)?;
    if dry_run || plan.changes.is_empty() {
        // Nothing to record: the data (and its version) stay as they are.
        return Ok((plan, None));
    }
    let receipt = store::imports::apply_import(
        pool,
        file_name,
        description,
        &crate::domain::timestamp::now(),
        &plan.changes,
        plan.unchanged,
        &mut |done| {
            progress(ImportProgress::Writing {
                done,
                total: plan.changes.len(),
            })
        },
    )
    .await
    .map_err(database)?;
    Ok((plan, Some(receipt)))
}

/// Every id the rows name (as a figure or as a figure it points at), to look up the stored
/// figures among them.
fn named_ids(rows: &[Row]) -> Vec<&str> {
    let mut ids: Vec<&str> = rows
        .iter()
        .flat_map(|row| ["id", "equivalent_of", "restates"].map(|c| row.text(c)))
        .filter(|id| !id.is_empty())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// SQLite's own words; a full disk reads as such.
fn describe(problem: &sqlx::Error) -> String {
    match problem {
        sqlx::Error::Database(db) => format!(
            "the database refused the import ({}); nothing was written",
            db.message()
        ),
        other => format!("the import failed ({other}); nothing was written"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Catalogue {
        let set = |ids: &[&str]| ids.iter().map(|id| id.to_string()).collect();
        Catalogue {
            indicators: [("gdp", "cny"), ("firms", "count")]
                .iter()
                .map(|(id, unit)| (id.to_string(), unit.to_string()))
                .collect(),
            regions: set(&["guangdong"]),
            sources: set(&["article"]),
            ..Default::default()
        }
    }

    const HEADER: &str = "id,indicator_id,region_id,cluster_id,cluster_group_id,company_id,city_plan_id,value,scale,unit,qualifier,stated,period_kind,period_start,period_end,period_label,equivalent_of,restates,source_id,section,speaker_id,cited_source,note";

    fn csv(rows: &[&str]) -> String {
        std::iter::once(HEADER)
            .chain(rows.iter().copied())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_valid_row_adds_a_figure() {
        let text = csv(&["gdp-2025,gdp,guangdong,,,,,14.2,trillion,cny,about,about 14.2 trillion yuan,year,2025,2025,2025,,,article,Economy,,,"]);
        let plan = plan(&text, FileFormat::Csv, &catalogue(), &HashMap::new()).unwrap();
        assert_eq!(plan.changes.len(), 1);
        let FigureChange::Add(figure) = &plan.changes[0] else {
            panic!("an addition")
        };
        assert_eq!((figure.value, figure.qualifier.as_str()), (14.2, "about"));
    }

    #[test]
    fn every_error_names_its_line_and_column() {
        let text = csv(&[
            "gdp-2025,gdp,atlantis,,,,,14.2,trillion,cny,about,x,year,2025,2025,2025,,,article,Economy,,,",
            "firms-2025,firms,guangdong,,,,,many,unit,count,roughly,x,year,2025,2024,2025,,,article,Economy,,,",
        ]);
        let errors = plan(&text, FileFormat::Csv, &catalogue(), &HashMap::new()).unwrap_err();
        let found: Vec<(usize, usize, Option<&str>)> = errors
            .iter()
            .map(|e| (e.position.line, e.position.column, e.field.as_deref()))
            .collect();
        assert_eq!(
            found,
            vec![
                (2, 3, Some("region_id")),
                (3, 8, Some("value")),
                (3, 11, Some("qualifier")),
                (3, 15, Some("period_end")),
            ],
            "{errors:?}"
        );
        assert!(errors[0].message.contains("never creates"));
    }

    #[test]
    fn json_errors_point_at_the_key() {
        let text = "[\n  {\"id\": \"gdp-2025\", \"indicator_id\": \"gdp\", \"region_id\": \"guangdong\",\n   \"cluster_id\": null, \"cluster_group_id\": null, \"company_id\": null, \"city_plan_id\": null,\n   \"value\": 14.2, \"scale\": \"trillion\", \"unit\": \"usd\", \"qualifier\": \"about\", \"stated\": \"x\",\n   \"period_kind\": \"year\", \"period_start\": \"2025\", \"period_end\": \"2025\", \"period_label\": \"2025\",\n   \"equivalent_of\": null, \"restates\": null, \"source_id\": \"article\", \"section\": \"Economy\",\n   \"speaker_id\": null, \"cited_source\": null, \"note\": null}\n]";
        let errors = plan(text, FileFormat::Json, &catalogue(), &HashMap::new()).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field.as_deref(), Some("unit"));
        assert_eq!(
            errors[0].position,
            Position {
                line: 4,
                column: 40
            }
        );
    }

    #[test]
    fn a_missing_column_and_a_duplicate_id_are_errors() {
        let text = "id,value\nx,1";
        let errors = plan(text, FileFormat::Csv, &catalogue(), &HashMap::new()).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0]
            .message
            .contains("missing: indicator_id, region_id"));
        let row = "gdp-2025,gdp,guangdong,,,,,14.2,trillion,cny,about,x,year,2025,2025,2025,,,article,Economy,,,";
        let errors = plan(
            &csv(&[row, row]),
            FileFormat::Csv,
            &catalogue(),
            &HashMap::new(),
        )
        .unwrap_err();
        assert_eq!(errors[0].position.line, 3);
        assert!(errors[0].message.contains("also on line 2"));
    }

    #[test]
    fn a_figure_made_as_a_row_plans_as_itself() {
        let figure = FigureRecord {
            id: "gdp-2025-03".to_owned(),
            indicator_id: "gdp".to_owned(),
            region_id: "guangdong".to_owned(),
            cluster_id: None,
            cluster_group_id: None,
            company_id: None,
            city_plan_id: None,
            value: 0.1 + 0.2,
            scale: "billion".to_owned(),
            unit: "cny".to_owned(),
            qualifier: "exact".to_owned(),
            stated: "0.3 billion yuan".to_owned(),
            period_kind: "span".to_owned(),
            period_start: Some("2025-03".to_owned()),
            period_end: Some("2025-03".to_owned()),
            period_label: "March 2025".to_owned(),
            equivalent_of: None,
            restates: None,
            source_id: "article".to_owned(),
            section: "Economy".to_owned(),
            speaker_id: None,
            cited_source: None,
            note: None,
        };
        let rows = [Row::figure(2, &figure, None)];
        let plan = plan_rows(&rows, &catalogue(), &HashMap::new()).unwrap();
        assert_eq!(plan.changes, vec![FigureChange::Add(figure.clone())]);

        let stored = HashMap::from([(
            figure.id.clone(),
            StoredFigure {
                record: figure.clone(),
                retracted: false,
            },
        )]);
        let rows = [Row::retraction(2, &figure.id, "withdrawn")];
        let plan = plan_rows(&rows, &catalogue(), &stored).unwrap();
        assert_eq!(
            plan.changes,
            vec![FigureChange::Retract {
                id: figure.id.clone(),
                reason: "withdrawn".to_owned()
            }]
        );
        let errors = plan_rows(
            &[Row::retraction(3, "gdp-2026", "x")],
            &catalogue(),
            &stored,
        )
        .unwrap_err();
        assert_eq!((errors[0].position.line, errors[0].position.column), (3, 1));
    }

    #[test]
    fn periods_are_years_or_months() {
        assert!(is_period("2024") && is_period("2024-03") && is_period("2024-12"));
        assert!(!is_period("2024-13") && !is_period("24") && !is_period("2024-00"));
        assert!(!is_period("0999") && !is_period("2024-3"));
    }
}
