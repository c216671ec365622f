//! The plan of an import: what each row of a file does (add, correct, retract, nothing),
//! once every row has been checked; every problem, sorted by place, when any row fails.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::check::{figure_of, is_slug};
use super::read::{
    derived_columns, error, presented_columns, read_rows, FileFormat, ImportError, Position, Row,
};
use crate::domain::figure::STORED_COLUMNS;
use crate::store::catalogue::Catalogue;
use crate::store::imports::{FigureChange, StoredFigure};

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
        if let Some(column) = presented_columns().find(|c| !row.text(c.name).is_empty()) {
            errors.push(error(
                row.position_of(column.name),
                Some(column.name),
                "this row was converted to another currency or scale when it was written; \
                 write it without ?currency= and ?scale= to re-import",
            ));
            continue;
        }
        if let Some(column) = derived_columns().find(|c| !row.text(c.name).is_empty()) {
            errors.push(error(
                row.position_of(column.name),
                Some(column.name),
                "this row is a derived figure (a transform or an implied figure), computed \
                 from the figures in derived_from; import those instead",
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
        let missing: Vec<&str> = STORED_COLUMNS
            .iter()
            .copied()
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
        Ok(ImportPlan {
            changes,
            unchanged,
            warnings: Vec::new(),
        })
    } else {
        errors.sort_by_key(|e| e.position);
        Err(errors)
    }
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
