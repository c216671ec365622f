//! What a valid file would leave wrong: the warnings of an import, which `--strict` refuses.
//!
//! - An **orphan**: a printed equivalent or a repeat (`equivalent_of`, `restates`) left
//!   pointing at a retracted figure, by a retraction in the file or by a row that links to one.
//!   The consistency report lists the same as `orphan-...` checks.
//! - A **stale `stated`**: a correction that changes a figure's value (or scale, or unit) and
//!   keeps its `stated` words, which then print the old value ("approximately 510 billion
//!   yuan" for 520).

use std::collections::{HashMap, HashSet};

use super::plan::ImportPlan;
use super::read::{error, ImportError, Row};
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

/// The warnings of `plan`, the plan of `rows`: `stored` holds the stored figures the rows
/// name (as figures or as links), and `linking` the stored figures, not retracted, that link
/// to a figure the plan retracts.
pub fn warnings(
    rows: &[Row],
    plan: &ImportPlan,
    stored: &HashMap<String, StoredFigure>,
    linking: &[FigureLink],
) -> Vec<ImportError> {
    let row_of: HashMap<&str, &Row> = rows.iter().rev().map(|row| (row.text("id"), row)).collect();
    let mut retracting: HashSet<&str> = HashSet::new();
    let mut written: HashMap<&str, &FigureRecord> = HashMap::new();
    for change in &plan.changes {
        match change {
            FigureChange::Retract { id, .. } => {
                retracting.insert(id);
            }
            FigureChange::Add(figure) | FigureChange::Correct { figure, .. } => {
                written.insert(&figure.id, figure);
            }
        }
    }
    // Retracted once the file is applied: by it, or before it and not corrected (which
    // restores a figure) by it.
    let retracted_after = |id: &str| {
        retracting.contains(id)
            || (!written.contains_key(id) && stored.get(id).is_some_and(|f| f.retracted))
    };
    let mut warnings = Vec::new();
    for link in linking {
        let (id, target) = (link.id.as_str(), link.target.as_str());
        // A figure the file retracts too is no orphan; one it writes is checked as written.
        if retracting.contains(id) || written.contains_key(id) {
            continue;
        }
        let Some(row) = row_of.get(target) else {
            continue;
        };
        warnings.push(error(
            row.position_of("id"),
            Some("id"),
            format!(
                "retracting '{target}' leaves '{id}' (its {}) pointing at a retracted figure, \
                 an orphan; retract '{id}' in this file too, or correct its {}",
                link.link, link.link
            ),
        ));
    }
    for change in &plan.changes {
        let (FigureChange::Add(figure) | FigureChange::Correct { figure, .. }) = change else {
            continue;
        };
        let Some(row) = row_of.get(figure.id.as_str()) else {
            continue;
        };
        for (column, target) in links(figure) {
            if let Some(target) = target.filter(|target| retracted_after(target)) {
                warnings.push(error(
                    row.position_of(column),
                    Some(column),
                    format!(
                        "'{target}' is retracted, so '{}' would point at a figure no list \
                         serves, an orphan",
                        figure.id
                    ),
                ));
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
                warnings.push(error(
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
    warnings.sort_by_key(|warning| warning.position);
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::figure::{Scale, Unit};
    use crate::service::import::read::Position;

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

    fn plan(changes: Vec<FigureChange>) -> ImportPlan {
        ImportPlan {
            changes,
            unchanged: 0,
            warnings: Vec::new(),
        }
    }

    fn retract(id: &str) -> FigureChange {
        FigureChange::Retract {
            id: id.to_owned(),
            reason: "test".to_owned(),
        }
    }

    /// [`warnings`], under a name the tests' own `warnings` do not hide.
    fn warnings_of(
        rows: &[Row],
        plan: &ImportPlan,
        stored: &HashMap<String, StoredFigure>,
        linking: &[FigureLink],
    ) -> Vec<ImportError> {
        warnings(rows, plan, stored, linking)
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
            &plan(vec![retract("rd")]),
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
        let both = plan(vec![retract("rd"), retract("rd-usd")]);
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
        let added = plan(vec![FigureChange::Add(twin.clone())]);
        let warnings = warnings_of(&rows, &added, &gone, &[]);
        assert_eq!(
            found(&warnings),
            [(2, Some("equivalent_of"), "'rd' is retracted, so 'rd-usd'")]
        );
        // A correction restores a retracted figure: then the link is sound.
        let restored = figure("rd", 510.0, "510 billion yuan");
        let rows = [Row::figure(2, &restored, None), Row::figure(3, &twin, None)];
        let both = plan(vec![
            FigureChange::Correct {
                figure: restored,
                reason: None,
            },
            FigureChange::Add(twin),
        ]);
        assert!(warnings_of(&rows, &both, &gone, &[]).is_empty());
    }

    #[test]
    fn a_new_value_under_the_old_words_is_a_stale_stated() {
        let before = figure("rd", 510.0, "approximately 510 billion yuan");
        let stored = stored(&[(before.clone(), false)]);
        let correct = |figure: FigureRecord| {
            let rows = [Row::figure(2, &figure, Some("bulletin"))];
            let plan = plan(vec![FigureChange::Correct {
                figure,
                reason: None,
            }]);
            warnings_of(&rows, &plan, &stored, &[])
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
