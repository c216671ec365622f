//! An import's warnings (orphans, stale `stated` words) hold for a file of any size: a file is
//! checked as it is read, a batch of rows at a time (500), and a warning may join a row of one
//! batch with a row of another or with a stored figure.

use std::collections::HashMap;

use gd_indicators::service::import::ImportFailure;

use crate::helpers::{seed_csv, seed_table, TestApp};

/// New figures, each `high-tech-enterprises-2024` under another id: rows that change nothing
/// the warnings look at, enough of them to push the rows after them into later batches.
const FILLERS: usize = 1000;

/// The cells of the seed's figure `of` under the id `id` (the first cell of a column wins).
fn copy<'a>(
    figures: &'a [HashMap<String, String>],
    id: &'a str,
    of: &str,
) -> Vec<(&'a str, &'a str)> {
    let figure = figures.iter().find(|figure| figure["id"] == of).unwrap();
    let cells = figure.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    std::iter::once(("id", id)).chain(cells).collect()
}

#[tokio::test]
async fn warnings_join_rows_of_different_batches() {
    let app = TestApp::spawn().await;
    let figures = seed_table("observations");
    let filler_ids: Vec<String> = (1..=FILLERS).map(|n| format!("filler-{n}")).collect();
    let fillers: Vec<Vec<(&str, &str)>> = (filler_ids.iter())
        .map(|id| copy(&figures, id, "high-tech-enterprises-2024"))
        .collect();
    let caption = copy(
        &figures,
        "new-caption",
        "high-tech-enterprises-2024-infographic",
    );
    let retract = &[("action", "retract"), ("reason", "withdrawn")][..];
    let mut rows: Vec<(&str, &[(&str, &str)])> = vec![
        // Line 2: a caption retracted; its figure is retracted far below: no orphan.
        ("open-day-media-outlets-caption", retract),
        // Line 3: a new caption of a figure retracted far below: an orphan, at this line.
        ("new-caption", &caption),
        // Line 4: retracts a figure whose stored caption is corrected far below: the caption,
        // written, is warned of at its own line, not here.
        ("invention-patents-granted-2024-jan-oct", retract),
    ];
    for (id, cells) in filler_ids.iter().zip(&fillers) {
        rows.push((id.as_str(), cells));
    }
    let tail: [(&str, &[(&str, &str)]); 4] = [
        ("open-day-media-outlets", retract),
        // Orphans the stored infographic and line 3's new caption.
        ("high-tech-enterprises-2024", retract),
        (
            "invention-patents-granted-2024-jan-oct-infographic",
            &[("note", "read from the infographic")],
        ),
        // A new value under the old words.
        ("marine-gdp-2024", &[("value", "2.1")]),
    ];
    rows.extend(tail);
    let file = seed_csv(&rows);
    let tail_line = 2 + 3 + FILLERS;

    let (plan, receipt) = match app.plan_import("batches.csv", &file).await {
        Ok(outcome) => outcome,
        Err(ImportFailure::Invalid(errors)) => panic!("{errors:#?}"),
        Err(ImportFailure::Failed(message)) => panic!("{message}"),
    };
    assert!(receipt.is_none(), "a dry run");
    assert_eq!(plan.changes.len(), rows.len());
    let found: Vec<(usize, Option<&str>, &str)> = (plan.warnings.iter())
        .map(|w| (w.position.line, w.field.as_deref(), w.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                3,
                Some("restates"),
                "'high-tech-enterprises-2024' is retracted, so 'new-caption' would point at a \
                 figure no list serves, an orphan"
            ),
            (
                tail_line + 1,
                Some("id"),
                "retracting 'high-tech-enterprises-2024' leaves \
                 'high-tech-enterprises-2024-infographic' (its restates) pointing at a retracted \
                 figure, an orphan; retract 'high-tech-enterprises-2024-infographic' in this \
                 file too, or correct its restates"
            ),
            (
                tail_line + 2,
                Some("restates"),
                "'invention-patents-granted-2024-jan-oct' is retracted, so \
                 'invention-patents-granted-2024-jan-oct-infographic' would point at a figure \
                 no list serves, an orphan"
            ),
            (
                tail_line + 3,
                Some("stated"),
                "the value changes from 2 trillion cny to 2.1 trillion cny but stated still \
                 reads 'surpassed 2 trillion yuan'; give the words the source prints for the \
                 new value"
            ),
        ],
        "{:#?}",
        plan.warnings
    );
}
