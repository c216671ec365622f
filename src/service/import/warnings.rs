//! What a valid file would leave wrong: the warnings of an import, which `--strict` refuses.
//!
//! - An **orphan**: a printed equivalent or a repeat (`equivalent_of`, `restates`) left
//!   pointing at a retracted figure, by a retraction in the file or by a row that links to one.
//!   The consistency report lists the same as `orphan-...` checks.
//! - A **stale `stated`**: a correction that changes a figure's value (or scale, or unit) and
//!   keeps its `stated` words, which then print the old value ("approximately 510 billion
//!   yuan" for 520).

use std::collections::{HashMap, HashSet};

use super::read::{error, ImportError, Position, Row};
use crate::domain::figure::column::{number_text, Word};
use crate::domain::figure::FigureRecord;
use crate::store::imports::{FigureChange, FigureLink, StoredFigure};

/// The links of a figure, by the column that holds each.
fn links(figure: &FigureRecord) -> [(&'static str, Option<&String>); 2] {
    [
        ("equivalent_of", figure.equivalent_of.as_ref()),
        ("restates", figure.restates.as_ref()),
    ]
}

/// A link a figure the file writes makes, noted as its row is planned: whether it orphans the
/// figure is known only once the whole file is, since a later row may retract or restore the
/// figure it points at.
#[derive(Debug)]
struct Link {
    id: String,
    column: &'static str,
    target: String,
    at: Position,
    /// The target is stored, and retracted.
    stored_retracted: bool,
}

/// The warnings of a file being planned, a batch of rows at a time: what each warning needs
/// of a row and of the stored figures it names is noted when the row's change is planned, so
/// that neither the rows nor the stored figures are kept (see [`super::plan::Planner`]).
#[derive(Debug, Default)]
pub struct Watch {
    /// Stale `stated` words: known as soon as a correction is planned.
    stale: Vec<ImportError>,
    /// Where each retraction the file makes gives its id.
    retracting: HashMap<String, Position>,
    links: Vec<Link>,
}

impl Watch {
    /// Notes `change`, planned from `row`; `stored` holds the stored figures the row names.
    pub fn note(
        &mut self,
        row: &Row,
        change: &FigureChange,
        stored: &HashMap<String, StoredFigure>,
    ) {
        let figure = match change {
            FigureChange::Retract { id, .. } => {
                self.retracting.insert(id.clone(), row.position_of("id"));
                return;
            }
            FigureChange::Add(figure) | FigureChange::Correct { figure, .. } => figure,
        };
        for (column, target) in links(figure) {
            if let Some(target) = target {
                self.links.push(Link {
                    id: figure.id.clone(),
                    column,
                    target: target.clone(),
                    at: row.position_of(column),
                    stored_retracted: stored.get(target).is_some_and(|f| f.retracted),
                });
            }
        }
        if let (FigureChange::Correct { .. }, Some(before)) = (change, stored.get(&figure.id)) {
            let before = &before.record;
            let amount = |f: &FigureRecord| (f.value, f.scale, f.unit);
            if amount(figure) != amount(before) && figure.stated == before.stated {
                let words = |f: &FigureRecord| {
                    format!(
                        "{} {} {}",
                        number_text(f.value),
                        f.scale.word(),
                        f.unit.word()
                    )
                };
                self.stale.push(error(
                    row.position_of("stated"),
                    Some("stated"),
                    format!(
                        "the value changes from {} to {} but stated still reads '{}'; give \
                         the words the source prints for the new value",
                        words(before),
                        words(figure),
                        figure.stated
                    ),
                ));
            }
        }
    }

    /// The figures the file retracts: the stored figures that link to any of them are the
    /// `linking` of [`Watch::warnings`].
    pub fn retracting(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.retracting.keys().map(String::as_str).collect();
        ids.sort_unstable();
        ids
    }

    /// The warnings of `changes`, the changes planned for the rows noted: `linking` holds the
    /// stored figures, not retracted, that link to a figure they retract
    /// ([`Watch::retracting`]).
    pub fn warnings(self, changes: &[FigureChange], linking: &[FigureLink]) -> Vec<ImportError> {
        let written: HashSet<&str> = (changes.iter())
            .filter_map(|change| match change {
                FigureChange::Add(figure) | FigureChange::Correct { figure, .. } => {
                    Some(figure.id.as_str())
                }
                FigureChange::Retract { .. } => None,
            })
            .collect();
        let retracting = &self.retracting;
        // Retracted once the file is applied: by it, or before it and not corrected (which
        // restores a figure) by it.
        let retracted_after = |link: &Link| {
            retracting.contains_key(&link.target)
                || (!written.contains(link.target.as_str()) && link.stored_retracted)
        };
        let mut warnings = Vec::new();
        for link in linking {
            let (id, target) = (link.id.as_str(), link.target.as_str());
            // A figure the file retracts too is no orphan; one it writes is checked as written.
            if retracting.contains_key(id) || written.contains(id) {
                continue;
            }
            let Some(&at) = retracting.get(target) else {
                continue;
            };
            warnings.push(error(
                at,
                Some("id"),
                format!(
                    "retracting '{target}' leaves '{id}' (its {}) pointing at a retracted figure, \
                     an orphan; retract '{id}' in this file too, or correct its {}",
                    link.link, link.link
                ),
            ));
        }
        for link in self.links.iter().filter(|link| retracted_after(link)) {
            warnings.push(error(
                link.at,
                Some(link.column),
                format!(
                    "'{}' is retracted, so '{}' would point at a figure no list serves, an \
                     orphan",
                    link.target, link.id
                ),
            ));
        }
        warnings.extend(self.stale);
        warnings.sort_by_key(|warning| warning.position);
        warnings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::figure::{Scale, Unit};

    fn figure(id: &str, value: f64, stated: &str) -> FigureRecord {
        FigureRecord {
            id: id.to_owned(),
            value,
            scale: Scale::Billion,
            unit: Unit::Cny,
            stated: stated.to_owned(),
            ..FigureRecord::default()
        }
    }

    fn stored(figures: &[(FigureRecord, bool)]) -> HashMap<String, StoredFigure> {
        (figures.iter())
            .map(|(record, retracted)| {
                let stored = StoredFigure {
                    record: record.clone(),
                    retracted: *retracted,
                };
                (record.id.clone(), stored)
            })
            .collect()
    }

    fn retract(id: &str) -> FigureChange {
        FigureChange::Retract {
            id: id.to_owned(),
            reason: "test".to_owned(),
        }
    }

    /// The warnings of `changes`, planned for `rows` (a row per change, in order), noted as
    /// the planner notes them: `stored` holds the stored figures the rows name.
    fn warnings_of(
        rows: &[Row],
        changes: &[FigureChange],
        stored: &HashMap<String, StoredFigure>,
        linking: &[FigureLink],
    ) -> Vec<ImportError> {
        let mut watch = Watch::default();
        for (row, change) in rows.iter().zip(changes) {
            watch.note(row, change, stored);
        }
        watch.warnings(changes, linking)
    }

    /// Each warning's line, field and first words.
    fn found(warnings: &[ImportError]) -> Vec<(usize, Option<&str>, &str)> {
        (warnings.iter())
            .map(|w| (w.position.line, w.field.as_deref(), &w.message[..30]))
            .collect()
    }

    #[test]
    fn retracting_a_figure_another_links_to_orphans_it_unless_both_go() {
        let rows = [Row::retraction(2, "rd", "withdrawn")];
        let twin = FigureLink {
            id: "rd-usd".to_owned(),
            link: "equivalent_of",
            target: "rd".to_owned(),
        };
        let warnings = warnings_of(
            &rows,
            &[retract("rd")],
            &HashMap::new(),
            std::slice::from_ref(&twin),
        );
        assert_eq!(
            found(&warnings),
            [(2, Some("id"), "retracting 'rd' leaves 'rd-usd")]
        );
        assert_eq!(
            warnings[0].message,
            "retracting 'rd' leaves 'rd-usd' (its equivalent_of) pointing at a retracted \
             figure, an orphan; retract 'rd-usd' in this file too, or correct its equivalent_of"
        );
        assert_eq!(warnings[0].position, Position { line: 2, column: 1 });
        let rows = [
            Row::retraction(2, "rd", "withdrawn"),
            Row::retraction(3, "rd-usd", "withdrawn with it"),
        ];
        let both = [retract("rd"), retract("rd-usd")];
        assert!(warnings_of(&rows, &both, &HashMap::new(), &[twin]).is_empty());
    }

    #[test]
    fn a_row_linking_to_a_retracted_figure_is_an_orphan_unless_the_file_restores_it() {
        let twin = FigureRecord {
            equivalent_of: Some("rd".to_owned()),
            unit: Unit::Usd,
            ..figure("rd-usd", 70.3, "$70.3 billion")
        };
        let gone = stored(&[(figure("rd", 510.0, "510 billion yuan"), true)]);
        let rows = [Row::figure(2, &twin, None)];
        let added = [FigureChange::Add(twin.clone())];
        let warnings = warnings_of(&rows, &added, &gone, &[]);
        assert_eq!(
            found(&warnings),
            [(2, Some("equivalent_of"), "'rd' is retracted, so 'rd-usd'")]
        );
        // A correction restores a retracted figure: then the link is sound.
        let restored = figure("rd", 510.0, "510 billion yuan");
        let rows = [Row::figure(2, &restored, None), Row::figure(3, &twin, None)];
        let both = [
            FigureChange::Correct {
                figure: restored,
                reason: None,
            },
            FigureChange::Add(twin),
        ];
        assert!(warnings_of(&rows, &both, &gone, &[]).is_empty());
    }

    #[test]
    fn a_new_value_under_the_old_words_is_a_stale_stated() {
        let before = figure("rd", 510.0, "approximately 510 billion yuan");
        let stored = stored(&[(before.clone(), false)]);
        let correct = |figure: FigureRecord| {
            let rows = [Row::figure(2, &figure, Some("bulletin"))];
            let changes = [FigureChange::Correct {
                figure,
                reason: None,
            }];
            warnings_of(&rows, &changes, &stored, &[])
        };
        let warnings = correct(figure("rd", 520.0, "approximately 510 billion yuan"));
        assert_eq!(
            warnings[0].message,
            "the value changes from 510 billion cny to 520 billion cny but stated still reads \
             'approximately 510 billion yuan'; give the words the source prints for the new \
             value"
        );
        assert_eq!(warnings[0].field.as_deref(), Some("stated"));
        assert!(correct(figure("rd", 520.0, "approximately 520 billion yuan")).is_empty());
        // A change of wording or provenance alone keeps the value the words print.
        let reworded = FigureRecord {
            note: Some("from the bulletin".to_owned()),
            ..before
        };
        assert!(correct(reworded).is_empty());
    }
}
