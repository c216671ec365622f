//! The plan of an import: what each row of a file does (add, correct, retract, nothing),
//! once every row has been checked; every problem, sorted by place, when any row fails.

use std::collections::HashMap;

use super::check::{figure_of, is_slug, shown, too_long};
use super::read::{derived_columns, error, presented_columns, ImportError, Position, Row};
#[cfg(test)]
use super::read::{CsvRows, FileFormat, JsonRows};
use super::warnings::Watch;
use crate::domain::figure::column::{Check, Role, MAX_ID_CHARS, MAX_TEXT_CHARS};
use crate::domain::figure::{COLUMNS, STORED_COLUMNS};
use crate::store::catalogue::Catalogue;
use crate::store::imports::{FigureChange, FigureLink, StoredFigure};

/// The changes a valid file asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPlan {
    pub changes: Vec<FigureChange>,
    /// Rows identical to the stored figure.
    pub unchanged: usize,
    /// What the changes would leave wrong though the file is valid (see
    /// [`warnings`](super::warnings)); `--strict` refuses them.
    pub warnings: Vec<ImportError>,
}

/// Rows checked per look-up of the stored figures they name.
pub(super) const ROWS_PER_BATCH: usize = 500;

/// Checks every row of a file against the catalogue and the stored figures; the plan when the
/// whole file is valid, every error (sorted by position) when not.
#[cfg(test)]
pub fn plan(
    text: &str,
    format: FileFormat,
    catalogue: &Catalogue,
    stored: &HashMap<String, StoredFigure>,
) -> Result<ImportPlan, Vec<ImportError>> {
    let mut planner = Planner::new(catalogue);
    let rows: Box<dyn Iterator<Item = Result<Row, Vec<ImportError>>>> = match format {
        FileFormat::Csv => Box::new(CsvRows::new(text.as_bytes())?),
        FileFormat::Json => Box::new(JsonRows::new(text)?),
    };
    for row in rows {
        match row {
            Ok(row) => planner.plan(&row, stored),
            Err(errors) => planner.refuse(errors),
        }
    }
    planner.finish(&[], &[])
}

/// [`plan`] for rows already read (or made by a program), `stored` holding every figure they
/// name. No stored figure links to one the rows retract, as far as the warnings know.
pub fn plan_rows(
    rows: &[Row],
    catalogue: &Catalogue,
    stored: &HashMap<String, StoredFigure>,
) -> Result<ImportPlan, Vec<ImportError>> {
    let mut planner = Planner::new(catalogue);
    for row in rows {
        planner.plan(row, stored);
    }
    planner.finish(&[], &[])
}

/// A reference to another figure whose target was neither stored nor read yet: it must be
/// further down the file.
struct Pending {
    id: String,
    position: Position,
    column: &'static str,
}

/// A figure the file gives: the line that gives it, and whether its amount is positive (as
/// the figure a printed equivalent converts must be), with the place of its value.
struct Given {
    line: usize,
    positive: bool,
    value_at: Position,
}

/// A printed equivalent the file gives: the figure it converts, where it says so, and whether
/// that figure's stored amount is positive (when it is stored).
struct Equivalent {
    target: String,
    at: Position,
    stored_positive: Option<bool>,
}

/// The plan of a file being read, row by row: what it holds is what the file will change
/// (and the ids it has given), never the rows themselves, so that a file of any size is
/// checked in memory proportional to its changes.
pub struct Planner<'a> {
    catalogue: &'a Catalogue,
    /// Each id the file has given, with the line that first gave it.
    first_seen: HashMap<String, Given>,
    pending: Vec<Pending>,
    equivalents: Vec<Equivalent>,
    changes: Vec<FigureChange>,
    unchanged: usize,
    errors: Vec<ImportError>,
    /// What the warnings need of the rows planned so far.
    watch: Watch,
    rows: usize,
}

impl<'a> Planner<'a> {
    pub fn new(catalogue: &'a Catalogue) -> Self {
        Planner {
            catalogue,
            first_seen: HashMap::new(),
            pending: Vec::new(),
            equivalents: Vec::new(),
            changes: Vec::new(),
            unchanged: 0,
            errors: Vec::new(),
            watch: Watch::default(),
            rows: 0,
        }
    }

    /// Rows read so far, good or not.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// A row that could not be read: its problems.
    pub fn refuse(&mut self, errors: Vec<ImportError>) {
        self.rows += 1;
        self.errors.extend(errors);
    }

    /// Checks one row and plans what it does; `stored` holds at least the stored figures the
    /// row names ([`named_ids`]).
    pub fn plan(&mut self, row: &Row, stored: &HashMap<String, StoredFigure>) {
        self.rows += 1;
        let id = row.text("id");
        if let Some(message) = too_long(id, MAX_ID_CHARS) {
            self.errors
                .push(error(row.position_of("id"), Some("id"), message));
            return;
        } else if !is_slug(id) {
            self.errors.push(error(
                row.position_of("id"),
                Some("id"),
                format!(
                    "'{}' is not an id: use lower-case letters, digits and hyphens",
                    shown(id)
                ),
            ));
        } else if let Some(first) = self.first_seen.get(id) {
            self.errors.push(error(
                row.position_of("id"),
                Some("id"),
                format!(
                    "'{id}' is also on line {}; give each figure once",
                    first.line
                ),
            ));
        } else {
            let given = Given {
                line: row.position.line,
                positive: true,
                value_at: row.position_of("value"),
            };
            self.first_seen.insert(id.to_owned(), given);
        }
        if let Some(column) = presented_columns().find(|c| !row.text(c.name).is_empty()) {
            self.errors.push(error(
                row.position_of(column.name),
                Some(column.name),
                "this row was converted to another currency or scale when it was written; \
                 write it without ?currency= and ?scale= to re-import",
            ));
            return;
        }
        if let Some(column) = derived_columns().find(|c| !row.text(c.name).is_empty()) {
            self.errors.push(error(
                row.position_of(column.name),
                Some(column.name),
                "this row is a derived figure (a transform or an implied figure), computed \
                 from the figures in derived_from; import those instead",
            ));
            return;
        }
        let reason = row.optional("reason");
        if let Some(message) = reason.as_deref().and_then(|r| too_long(r, MAX_TEXT_CHARS)) {
            self.errors
                .push(error(row.position_of("reason"), Some("reason"), message));
            return;
        }
        match row.text("action") {
            "" => {}
            "retract" => {
                match stored.get(id) {
                    None => self.errors.push(error(
                        row.position_of("id"),
                        Some("id"),
                        format!("there is no stored figure '{id}' to retract"),
                    )),
                    Some(figure) if figure.retracted => self.errors.push(error(
                        row.position_of("action"),
                        Some("action"),
                        format!("'{id}' is already retracted"),
                    )),
                    Some(_) => match reason {
                        None => self.errors.push(error(
                            row.position_of("reason"),
                            Some("reason"),
                            "a retraction needs a reason",
                        )),
                        Some(reason) => {
                            let change = FigureChange::Retract {
                                id: id.to_owned(),
                                reason,
                            };
                            self.change(row, change, stored);
                        }
                    },
                }
                return;
            }
            other => {
                self.errors.push(error(
                    row.position_of("action"),
                    Some("action"),
                    format!("'{other}' is not an action; leave it empty, or write retract"),
                ));
                return;
            }
        }
        let missing: Vec<&str> = STORED_COLUMNS
            .iter()
            .copied()
            .filter(|column| !row.has(column))
            .collect();
        if !missing.is_empty() {
            // An absent column must not read as an empty cell: a correction would erase it.
            self.errors.push(error(
                row.position,
                None,
                format!(
                    "a row that adds or corrects a figure needs every column of \
                     seed/observations.csv; missing: {}",
                    missing.join(", ")
                ),
            ));
            return;
        }
        let mut references = Vec::new();
        let Some(figure) = figure_of(row, self.catalogue, &mut references, &mut self.errors) else {
            return;
        };
        if let Some(given) = self.first_seen.get_mut(id) {
            if given.line == row.position.line {
                given.positive = figure.value > 0.0;
            }
        }
        if let Some(target) = &figure.equivalent_of {
            self.equivalents.push(Equivalent {
                target: target.clone(),
                at: row.position_of("equivalent_of"),
                stored_positive: stored.get(target).map(|s| s.record.value > 0.0),
            });
        }
        for (column, target) in references {
            if !stored.contains_key(&target) && !self.first_seen.contains_key(&target) {
                self.pending.push(Pending {
                    id: target,
                    position: row.position_of(column),
                    column,
                });
            }
        }
        match stored.get(id) {
            None => self.change(row, FigureChange::Add(figure), stored),
            Some(existing) if existing.record == figure && !existing.retracted => {
                self.unchanged += 1
            }
            Some(_) => self.change(row, FigureChange::Correct { figure, reason }, stored),
        }
    }

    /// Keeps a change `row` asks for, and what its warnings need of the row and of the stored
    /// figures (which are not kept).
    fn change(&mut self, row: &Row, change: FigureChange, stored: &HashMap<String, StoredFigure>) {
        self.watch.note(row, &change, stored);
        self.changes.push(change);
    }

    /// The figures the file gives an amount that is not positive: a stored printed equivalent
    /// of any of them ([`Planner::finish`]) refuses the file.
    pub fn not_positive(&self) -> Vec<&str> {
        self.first_seen
            .iter()
            .filter(|(_, given)| !given.positive)
            .map(|(id, _)| id.as_str())
            .collect()
    }

    /// The figures the file retracts: a stored figure that links to any of them
    /// ([`Planner::finish`]) is left an orphan unless the file retracts or corrects it too.
    pub fn retracting(&self) -> Vec<&str> {
        self.watch.retracting()
    }

    /// The plan, once every row is read: references to figures further down the file are
    /// checked now, and so is every printed equivalent's amount: the figure it converts, as
    /// the file leaves it, must be positive. `stored_equivalents` holds the stored printed
    /// equivalents (id, the figure it converts) of the figures [`Planner::not_positive`] names.
    /// A valid file's plan carries its [warnings](super::warnings), found across all its
    /// batches: `linking` holds the stored figures, not retracted, that link to a figure
    /// [`Planner::retracting`] names.
    pub fn finish(
        mut self,
        stored_equivalents: &[(String, String)],
        linking: &[FigureLink],
    ) -> Result<ImportPlan, Vec<ImportError>> {
        for equivalent in std::mem::take(&mut self.equivalents) {
            let positive = match self.first_seen.get(&equivalent.target) {
                Some(given) => Some(given.positive),
                None => equivalent.stored_positive,
            };
            if positive == Some(false) {
                self.errors.push(error(
                    equivalent.at,
                    Some("equivalent_of"),
                    format!(
                        "'{}' is not a positive amount: a printed equivalent converts one",
                        equivalent.target
                    ),
                ));
            }
        }
        for (equivalent, target) in stored_equivalents {
            if self.first_seen.contains_key(equivalent) {
                // The file gives the equivalent too: its own row was checked above.
                continue;
            }
            if let Some(given) = self.first_seen.get(target).filter(|given| !given.positive) {
                self.errors.push(error(
                    given.value_at,
                    Some("value"),
                    format!(
                        "'{equivalent}' is a printed equivalent of this figure, so its amount \
                         must stay positive"
                    ),
                ));
            }
        }
        if self.rows == 0 {
            self.errors.push(error(
                Position { line: 1, column: 1 },
                None,
                "the file holds no figures",
            ));
        }
        for pending in std::mem::take(&mut self.pending) {
            if !self.first_seen.contains_key(&pending.id) {
                self.errors.push(error(
                    pending.position,
                    Some(pending.column),
                    format!(
                        "there is no figure '{}'; an import never creates one",
                        pending.id
                    ),
                ));
            }
        }
        if self.errors.is_empty() {
            let warnings = self.watch.warnings(&self.changes, linking);
            Ok(ImportPlan {
                changes: self.changes,
                unchanged: self.unchanged,
                warnings,
            })
        } else {
            self.errors.sort_by_key(|e| e.position);
            Err(self.errors)
        }
    }
}

/// Every id the rows name (as a figure or as a figure it points at), to look up the stored
/// figures among them.
pub(super) fn named_ids<'r>(rows: impl IntoIterator<Item = &'r Row>) -> Vec<&'r str> {
    let naming = COLUMNS.iter().filter(|column| {
        matches!(
            column.role,
            Role::Stored(Check::Id) | Role::Stored(Check::Figure)
        )
    });
    let mut ids: Vec<&str> = rows
        .into_iter()
        .flat_map(|row| naming.clone().map(|column| row.text(column.name)))
        .filter(|id| !id.is_empty())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::figure::{FigureRecord, PeriodKind, Qualifier, Scale, Unit};

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

    /// A CSV file of the stored columns with these rows.
    fn csv(rows: &[String]) -> String {
        std::iter::once(STORED_COLUMNS.join(","))
            .chain(rows.iter().cloned())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A valid figure's cells: every other stored column is empty.
    const VALID: &[(&str, &str)] = &[
        ("id", "gdp-2025"),
        ("indicator_id", "gdp"),
        ("region_id", "guangdong"),
        ("value", "14.2"),
        ("scale", "trillion"),
        ("unit", "cny"),
        ("qualifier", "about"),
        ("stated", "about 14.2 trillion yuan"),
        ("period_kind", "year"),
        ("period_start", "2025"),
        ("period_end", "2025"),
        ("period_label", "2025"),
        ("source_id", "article"),
        ("section", "Economy"),
    ];

    /// A row of the stored columns: the valid figure with `changes`.
    fn row(changes: &[(&str, &str)]) -> String {
        let cell = |column: &str| {
            changes
                .iter()
                .chain(VALID)
                .find(|(name, _)| *name == column)
                .map_or("", |(_, text)| *text)
        };
        STORED_COLUMNS
            .iter()
            .map(|column| cell(column))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The 1-based place of a stored column in a row.
    fn place(column: &str) -> usize {
        1 + STORED_COLUMNS.iter().position(|c| *c == column).unwrap()
    }

    #[test]
    fn a_valid_row_adds_a_figure() {
        let text = csv(&[row(&[])]);
        let plan = plan(&text, FileFormat::Csv, &catalogue(), &HashMap::new()).unwrap();
        assert_eq!(plan.changes.len(), 1);
        let FigureChange::Add(figure) = &plan.changes[0] else {
            panic!("an addition")
        };
        assert_eq!((figure.value, figure.qualifier), (14.2, Qualifier::About));
    }

    #[test]
    fn a_derived_figure_or_an_indeterminate_one_is_never_imported() {
        // A CSV of a transform's answer: its rows carry derived_from and formula.
        let header = format!("{},derived_from,formula", STORED_COLUMNS.join(","));
        let text = format!(
            "{header}\n{},gdp-2024; gdp-2025,14.2 - 13\n{},,",
            row(&[]),
            row(&[("id", "gdp-2026"), ("qualifier", "indeterminate")])
        );
        let errors = plan(&text, FileFormat::Csv, &catalogue(), &HashMap::new()).unwrap_err();
        let found: Vec<(usize, &str)> = errors
            .iter()
            .map(|e| (e.position.line, e.field.as_deref().unwrap()))
            .collect();
        assert_eq!(found, [(2, "derived_from"), (3, "qualifier")], "{errors:?}");
        assert!(errors[0].message.contains("import those instead"));
        assert!(errors[1]
            .message
            .contains("only a derived figure is indeterminate"));
    }

    #[test]
    fn every_error_names_its_line_and_column() {
        let text = csv(&[
            row(&[("region_id", "atlantis")]),
            row(&[
                ("id", "firms-2025"),
                ("indicator_id", "firms"),
                ("value", "many"),
                ("scale", "unit"),
                ("unit", "count"),
                ("qualifier", "roughly"),
                ("period_end", "2024"),
            ]),
        ]);
        let errors = plan(&text, FileFormat::Csv, &catalogue(), &HashMap::new()).unwrap_err();
        let found: Vec<(usize, usize, Option<&str>)> = errors
            .iter()
            .map(|e| (e.position.line, e.position.column, e.field.as_deref()))
            .collect();
        assert_eq!(
            found,
            vec![
                (2, place("region_id"), Some("region_id")),
                (3, place("value"), Some("value")),
                (3, place("qualifier"), Some("qualifier")),
                (3, place("period_end"), Some("period_end")),
            ],
            "{errors:?}"
        );
        assert!(errors[0].message.contains("never creates"));
    }

    #[test]
    fn each_cell_is_checked_as_its_column_declares() {
        let text = csv(&[row(&[
            ("indicator_id", ""),
            ("value", ""),
            ("scale", ""),
            ("stated", ""),
            ("equivalent_of", "gdp-2025"),
        ])]);
        let errors = plan(&text, FileFormat::Csv, &catalogue(), &HashMap::new()).unwrap_err();
        let found: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_deref().unwrap(), e.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("indicator_id", "required: the id of a indicator"),
                ("value", "'' is not a finite number"),
                (
                    "scale",
                    "'' is not accepted; use one of unit, thousand, million, billion, trillion"
                ),
                ("stated", "required; the cell is empty"),
                ("equivalent_of", "a figure cannot point at itself"),
            ]
        );
    }

    #[test]
    fn a_row_a_presentation_converted_is_refused() {
        let header = format!("{},stated_scale", STORED_COLUMNS.join(","));
        let converted = row(&[("value", "14200"), ("scale", "billion")]);
        let text = format!("{header}\n{converted},trillion");
        let errors = plan(&text, FileFormat::Csv, &catalogue(), &HashMap::new()).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field.as_deref(), Some("stated_scale"));
        assert!(errors[0].message.contains("?scale="));
    }

    #[test]
    fn json_errors_point_at_the_key() {
        let mut text = "[\n  {\"id\": \"gdp-2025\", \"indicator_id\": \"gdp\", \"region_id\": \"guangdong\",\n   \
                        \"value\": 14.2, \"scale\": \"trillion\", \"unit\": \"usd\", \"qualifier\": \"about\",\n   \
                        \"stated\": \"x\", \"period_kind\": \"year\", \"period_start\": \"2025\", \"period_end\": \"2025\",\n   \
                        \"period_label\": \"2025\", \"source_id\": \"article\", \"section\": \"Economy\""
            .to_owned();
        for column in STORED_COLUMNS {
            if !text.contains(&format!("\"{column}\"")) {
                text.push_str(&format!(", \"{column}\": null"));
            }
        }
        text.push_str("}\n]");
        let errors = plan(&text, FileFormat::Json, &catalogue(), &HashMap::new()).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field.as_deref(), Some("unit"));
        assert_eq!(
            errors[0].position,
            Position {
                line: 3,
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
        let errors = plan(
            &csv(&[row(&[]), row(&[])]),
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
            value: 0.1 + 0.2,
            scale: Scale::Billion,
            unit: Unit::Cny,
            qualifier: Qualifier::Exact,
            stated: "0.3 billion yuan".to_owned(),
            period_kind: PeriodKind::Span,
            period_start: Some("2025-03".to_owned()),
            period_end: Some("2025-03".to_owned()),
            period_label: "March 2025".to_owned(),
            source_id: "article".to_owned(),
            section: "Economy".to_owned(),
            ..FigureRecord::default()
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
}
