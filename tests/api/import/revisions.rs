//! Corrections, retractions and additions, each a revision of its figure.

use gd_indicators::service::import::ImportFailure;
use gd_indicators::store::imports::FigureChange;
use reqwest::StatusCode;

use super::export_csv;
use crate::helpers::{by_id, ids, seed_csv, Revision, TestApp};

#[tokio::test]
async fn a_correction_is_served_and_the_old_value_stays_reachable_by_as_of() {
    let app = TestApp::spawn().await;
    let before_export = export_csv(&app, "").await;
    let before = gd_indicators::domain::timestamp::now();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;

    let file = seed_csv(&[(
        "rd-expenditure-2024",
        &[
            ("value", "512"),
            ("reason", "revised by the statistics bureau"),
        ],
    )]);
    let (plan, receipt) = app.import("revision.csv", &file).await.unwrap();
    assert_eq!(plan.changes.len(), 1);
    assert!(matches!(plan.changes[0], FigureChange::Correct { .. }));
    let receipt = receipt.expect("written");
    assert!(receipt.recorded_at > before);

    // The latest value by default, without a restart.
    let latest = app.get_figure("/v1/observations/rd-expenditure-2024").await;
    assert_eq!(latest.value, 512);
    assert_eq!(latest.revision.number, 2);
    assert_eq!(latest.revision.recorded_at, receipt.recorded_at);
    let listed = app
        .get_figures("/v1/observations?indicator=rd-expenditure")
        .await;
    assert_eq!(by_id(&listed, "rd-expenditure-2024"), &latest);

    // What was known before the import, on one figure, a list and the whole export.
    let then = app
        .get_figure(&format!(
            "/v1/observations/rd-expenditure-2024?as_of={before}"
        ))
        .await;
    assert_eq!(then.value, 510);
    assert_eq!(then.revision.number, 1);
    let listed = app
        .get_figures(&format!(
            "/v1/observations?indicator=rd-expenditure&as_of={before}"
        ))
        .await;
    assert_eq!(by_id(&listed, "rd-expenditure-2024"), &then);
    let export_then = export_csv(&app, &format!("&as_of={before}")).await;
    let strip_revision = |csv: &str| csv.replace(",1,2025-03-01T00:00:00.000000Z", "");
    assert_eq!(strip_revision(&export_then), strip_revision(&before_export));
    assert_ne!(export_csv(&app, "").await, before_export);

    // The figure lists both states.
    let revisions: Vec<Revision> = app
        .get_page("/v1/observations/rd-expenditure-2024/revisions")
        .await
        .data;
    let summary: Vec<(i64, &str, f64)> = revisions
        .iter()
        .map(|r| (r.number, r.change.as_str(), r.figure.value.f64()))
        .collect();
    assert_eq!(
        summary,
        vec![(1, "original", 510.0), (2, "corrected", 512.0)]
    );
    // Each revision holds its figure as it stood, the one `as_of` finds and the latest.
    assert_eq!(revisions[0].figure, then);
    assert_eq!(revisions[1].figure, latest);
    assert_eq!(
        revisions[1].reason.as_deref(),
        Some("revised by the statistics bureau")
    );
    let import = revisions[1].import.as_ref().expect("recorded by an import");
    assert_eq!(import.id, receipt.id);
    assert_eq!(import.file, "revision.csv");
    assert_eq!(import.description.as_deref(), Some("integration test"));
    assert_eq!(revisions[0].import, None, "the article's own figure");
    assert_eq!(revisions[0].reason, None);
}

#[tokio::test]
async fn a_retraction_hides_the_figure_and_keeps_its_history() {
    let app = TestApp::spawn().await;
    let before = gd_indicators::domain::timestamp::now();
    let indicator = app.get_ok("/v1/indicators/rd-expenditure").await;
    let count_before = indicator["observation_count"].as_i64().unwrap();

    let file = "id,action,reason\nrd-expenditure-2024,retract,printed in error\n";
    let (plan, _) = app.import("retract.csv", file).await.unwrap();
    assert_eq!(plan.changes.len(), 1);

    let problem = app
        .get_problem("/v1/observations/rd-expenditure-2024", StatusCode::GONE)
        .await;
    assert!(problem
        .detail
        .contains("/v1/observations/rd-expenditure-2024/revisions"));
    // Gone from the lists; its printed dollar equivalent stays.
    let listed = app
        .get_figures("/v1/observations?indicator=rd-expenditure")
        .await;
    assert_eq!(ids(&listed), ["rd-expenditure-2024-usd"]);
    let indicator = app.get_ok("/v1/indicators/rd-expenditure").await;
    assert_eq!(indicator["observation_count"], count_before - 1);

    let then = app
        .get_figure(&format!(
            "/v1/observations/rd-expenditure-2024?as_of={before}"
        ))
        .await;
    assert_eq!(then.value, 510);
    let revisions: Vec<Revision> = app
        .get_page("/v1/observations/rd-expenditure-2024/revisions")
        .await
        .data;
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[1].change, "retracted");
    assert_eq!(revisions[1].reason.as_deref(), Some("printed in error"));
    // The retraction shows what was withdrawn.
    assert_eq!(revisions[1].figure.value, 510);

    // Retracting twice is refused, with the place of the problem.
    let Err(ImportFailure::Invalid(errors)) = app.import("again.csv", file).await else {
        panic!("a second retraction must be refused");
    };
    assert_eq!(
        (errors[0].position.line, errors[0].field.as_deref()),
        (2, Some("action"))
    );
}

#[tokio::test]
async fn new_figures_may_point_at_each_other_within_one_file() {
    let app = TestApp::spawn().await;
    let file = seed_csv(&[
        (
            "rd-expenditure-2024-usd",
            &[
                ("id", "rd-expenditure-2025-usd"),
                ("value", "75"),
                ("equivalent_of", "rd-expenditure-2025"),
                ("period_start", "2025"),
                ("period_end", "2025"),
                ("period_label", "2025"),
            ],
        ),
        (
            "rd-expenditure-2024",
            &[
                ("id", "rd-expenditure-2025"),
                ("value", "540"),
                ("period_start", "2025"),
                ("period_end", "2025"),
                ("period_label", "2025"),
            ],
        ),
    ]);
    let (plan, _) = app.import("additions.csv", &file).await.unwrap();
    assert_eq!(plan.changes.len(), 2);
    let added = app
        .get_figure("/v1/observations/rd-expenditure-2025-usd")
        .await;
    assert_eq!(added.equivalent_of.as_deref(), Some("rd-expenditure-2025"));
    assert_eq!(added.revision.number, 1);
    let revisions: Vec<Revision> = app
        .get_page("/v1/observations/rd-expenditure-2025/revisions")
        .await
        .data;
    assert_eq!(revisions.len(), 1);
    assert_eq!(revisions[0].change, "added");
    let series = app
        .get_figures("/v1/observations?indicator=rd-expenditure&year=2025&unit=cny")
        .await;
    assert_eq!(ids(&series), ["rd-expenditure-2025"]);
    assert_eq!(series[0].value, 540);
}

/// A correction updates a figure's latest state by the columns it changes (SQLite then
/// rewrites only the index entries holding them): the state served is still the new
/// revision's, whichever columns changed, and a retracted figure given again is reinstated
/// even when none of its fields changes.
#[tokio::test]
async fn a_correction_sets_what_it_changes_and_reinstates_a_retracted_figure() {
    let app = TestApp::spawn().await;
    let retraction = "id,action,reason\nrd-expenditure-2024,retract,printed in error\n";
    app.import("retract.csv", retraction).await.unwrap();

    // One file: the retracted figure as it stood, one figure's value, another's scale and
    // words (three sets of changed columns).
    let file = seed_csv(&[
        ("rd-expenditure-2024", &[("reason", "printed after all")]),
        (
            "trillion-yuan-cluster-count-2024",
            &[("value", "10"), ("reason", "recounted")],
        ),
        (
            "cluster-revenue-threshold-trillion-yuan",
            &[
                ("value", "1000"),
                ("scale", "billion"),
                ("stated", "at least 1,000 billion yuan"),
                ("reason", "restated"),
            ],
        ),
    ]);
    let revision_of = |id: &'static str| {
        let app = &app;
        async move {
            let revisions: Vec<Revision> = app
                .get_page(&format!("/v1/observations/{id}/revisions"))
                .await
                .data;
            revisions.last().unwrap().number
        }
    };
    let before = [
        revision_of("rd-expenditure-2024").await,
        revision_of("trillion-yuan-cluster-count-2024").await,
        revision_of("cluster-revenue-threshold-trillion-yuan").await,
    ];
    let (plan, _) = app.import("corrections.csv", &file).await.unwrap();
    assert_eq!(plan.changes.len(), 3);

    for ((id, value), before) in [
        ("rd-expenditure-2024", 510.0),
        ("trillion-yuan-cluster-count-2024", 10.0),
        ("cluster-revenue-threshold-trillion-yuan", 1000.0),
    ]
    .into_iter()
    .zip(before)
    {
        let latest = app.get_figure(&format!("/v1/observations/{id}")).await;
        assert_eq!(
            (latest.value.f64(), latest.revision.number),
            (value, before + 1)
        );
        // Every column of the latest state is the last revision's.
        let revisions: Vec<Revision> = app
            .get_page(&format!("/v1/observations/{id}/revisions"))
            .await
            .data;
        assert_eq!(revisions.last().unwrap().figure, latest, "{id}");
    }
    // Reinstated: served in the lists again, through their indexes.
    let listed = app
        .get_figures("/v1/observations?indicator=rd-expenditure")
        .await;
    assert_eq!(
        ids(&listed),
        ["rd-expenditure-2024", "rd-expenditure-2024-usd"]
    );
    let threshold = app
        .get_figure("/v1/observations/cluster-revenue-threshold-trillion-yuan")
        .await;
    assert_eq!(threshold.stated, "at least 1,000 billion yuan");
    let listed = app
        .get_figures("/v1/observations?scale=billion&unit=cny&sort=-value&limit=500")
        .await;
    assert!(listed
        .iter()
        .any(|figure| figure.id == "cluster-revenue-threshold-trillion-yuan"));
}
