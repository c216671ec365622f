//! `updated_after=`: what changed since a point in the data's history, as a client that syncs
//! asks for it, by data version or by time; retractions included and marked.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{ids, seed_csv, Figure, List, TestApp};

const CORRECTED: &str = "new-energy-operating-revenue-2024";
const RETRACTED: &str = "rd-expenditure-2024";

/// The article's data at version `v`, then one import correcting a figure (version v + 1)
/// and one retracting another (v + 2): `v` and the first import's time.
async fn corrected_then_retracted(app: &TestApp) -> (i64, String) {
    let before = app.data_version().await;
    let file = seed_csv(&[(CORRECTED, &[("value", "2.2"), ("reason", "revised")])]);
    let (_, receipt) = app.import("correction.csv", &file).await.unwrap();
    let first = receipt.expect("written");
    assert_eq!(first.id, before + 1);
    let file = format!("id,action,reason\n{RETRACTED},retract,printed in error\n");
    let (_, receipt) = app.import("retraction.csv", &file).await.unwrap();
    assert_eq!(receipt.expect("written").id, before + 2);
    (before, first.recorded_at)
}

/// Each figure of a delta: (id, revision number), and the ids marked retracted.
fn summary(page: &List<Figure>) -> (Vec<(&str, i64)>, Vec<String>) {
    let figures = page
        .data
        .iter()
        .map(|figure| (figure.id.as_str(), figure.revision.number))
        .collect();
    let retracted = page
        .meta
        .retracted
        .clone()
        .expect("a delta marks retractions");
    (figures, retracted)
}

#[tokio::test]
async fn a_delta_lists_exactly_what_changed_since_a_version_retractions_marked() {
    let app = TestApp::spawn().await;
    let (before, first_import) = corrected_then_retracted(&app).await;
    let delta = |version: i64| format!("/v1/observations?updated_after={version}");

    let since_start: List<Figure> = app.get_page(&delta(before)).await;
    let (figures, retracted) = summary(&since_start);
    assert_eq!(figures, [(CORRECTED, 2), (RETRACTED, 2)]);
    assert_eq!(retracted, [RETRACTED]);
    assert_eq!(since_start.meta.total, 2);
    // The correction as it is now; the retraction as the figure stood when withdrawn.
    assert_eq!(since_start.data[0].value, 2.2);
    assert_eq!(since_start.data[1].value, 510);

    let since_correction: List<Figure> = app.get_page(&delta(before + 1)).await;
    assert_eq!(
        summary(&since_correction),
        (vec![(RETRACTED, 2)], vec![RETRACTED.to_owned()])
    );
    // A time says the same as the version whose import was recorded then.
    let by_time: List<Figure> = app
        .get_page(&format!("/v1/observations?updated_after={first_import}"))
        .await;
    assert_eq!(ids(&by_time.data), ids(&since_correction.data));

    let since_last: List<Figure> = app.get_page(&delta(before + 2)).await;
    assert_eq!(summary(&since_last), (vec![], vec![]));
    assert_eq!(since_last.meta.total, 0);

    // Filters narrow a delta as they narrow any list.
    let narrowed: List<Figure> = app
        .get_page(&format!("{}&indicator=rd-expenditure", delta(before)))
        .await;
    assert_eq!(ids(&narrowed.data), [RETRACTED]);

    // The lists without updated_after are as they were: no mark, no retracted figure.
    let plain: List<Figure> = app.get_page("/v1/observations?limit=1000").await;
    assert_eq!(plain.meta.retracted, None);
    assert!(!ids(&plain.data).contains(&RETRACTED));
}

#[tokio::test]
async fn a_delta_as_csv_and_as_the_export_marks_retractions_in_a_last_column() {
    let app = TestApp::spawn().await;
    let (before, _) = corrected_then_retracted(&app).await;

    for endpoint in ["/v1/observations", "/v1/export"] {
        let path = format!("{endpoint}?updated_after={before}&format=csv");
        let csv = app.get_csv(&path).await;
        assert_eq!(
            csv.columns.last().map(String::as_str),
            Some("retracted"),
            "{path}"
        );
        assert_eq!(csv.cells("id"), [CORRECTED, RETRACTED], "{path}");
        assert_eq!(csv.cells("retracted"), ["false", "true"], "{path}");
        assert_eq!(csv.cells("revision"), ["2", "2"], "{path}");
    }
    let export: Value = app
        .get_ok(&format!("/v1/export?updated_after={}", before + 1))
        .await;
    let exported: Vec<&str> = export["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|record| record["id"].as_str().unwrap())
        .collect();
    assert_eq!(exported, [RETRACTED]);
    assert_eq!(export["meta"]["retracted"], serde_json::json!([RETRACTED]));
    let nothing: Value = app
        .get_ok(&format!("/v1/export?updated_after={}", before + 2))
        .await;
    assert_eq!(nothing["data"], serde_json::json!([]));
    assert_eq!(nothing["meta"]["retracted"], serde_json::json!([]));
    // The export without updated_after has no mark.
    let plain = app.get_csv("/v1/export?format=csv").await;
    assert!(!plain.columns.iter().any(|name| name == "retracted"));
}

#[tokio::test]
async fn a_delta_of_a_generated_database_holds_every_figure_its_imports_changed() {
    let app = TestApp::spawn().await;
    let output = app
        .generate(&["--observations", "2000", "--seed", "5"])
        .await;
    assert!(output.status.success(), "{output:?}");
    let version = app.data_version().await;
    assert!(version >= 2, "a generation records imports: {version}");

    // Every generated figure came through an import: since version 0, all of them, the
    // retracted ones too (each marked, each gone from the lists).
    let live: List<Figure> = app
        .get_page("/v1/observations?source=synthetic&limit=0")
        .await;
    let export: Value = app
        .get_ok("/v1/export?updated_after=0&source=synthetic")
        .await;
    let exported = export["data"].as_array().unwrap();
    let retracted: Vec<&str> = export["meta"]["retracted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap())
        .collect();
    assert!(!retracted.is_empty(), "a generation retracts some figures");
    assert_eq!(exported.len(), live.meta.total + retracted.len());
    for id in retracted.iter().take(5) {
        app.get_problem(&format!("/v1/observations/{id}"), StatusCode::GONE)
            .await;
    }
    // Paged by cursor, sorted, the delta holds the export's figures and marks, page by page.
    let mut next =
        Some("/v1/observations?updated_after=0&source=synthetic&sort=-value&limit=1000".to_owned());
    let (mut paged, mut marked) = (Vec::new(), Vec::new());
    while let Some(path) = next {
        let page: List<Figure> = app.get_page(&path).await;
        assert_eq!(page.meta.total, exported.len());
        let on_page = ids(&page.data);
        let retracted = page.meta.retracted.expect("a delta marks retractions");
        assert!(retracted.iter().all(|id| on_page.contains(&id.as_str())));
        paged.extend(page.data.iter().map(|figure| figure.id.clone()));
        marked.extend(retracted);
        next = page.links.next;
    }
    let mut exported_ids: Vec<&str> = exported.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut paged: Vec<&str> = paged.iter().map(String::as_str).collect();
    exported_ids.sort_unstable();
    paged.sort_unstable();
    assert_eq!(paged, exported_ids);
    let mut marked: Vec<&str> = marked.iter().map(String::as_str).collect();
    let mut retracted = retracted.clone();
    marked.sort_unstable();
    retracted.sort_unstable();
    assert_eq!(marked, retracted);

    // Since the last import's predecessor: its figures, each at a revision past the first
    // unless added by it; since the last: nothing.
    let last: Value = app
        .get_ok(&format!("/v1/export?updated_after={}", version - 1))
        .await;
    let last = last["data"].as_array().unwrap();
    assert!(
        !last.is_empty() && last.len() < exported.len(),
        "{}",
        last.len()
    );
    let latest: List<Figure> = app
        .get_page(&format!("/v1/observations?updated_after={version}&limit=0"))
        .await;
    assert_eq!(latest.meta.total, 0);
}

#[tokio::test]
async fn updated_after_refuses_what_is_no_point_in_the_history() {
    let app = TestApp::spawn().await;
    for (query, says) in [
        ("updated_after=yesterday", "neither a data version"),
        (
            "updated_after=2025-13-01T00:00:00Z",
            "neither a data version",
        ),
        ("updated_after=-1", "neither a data version"),
        ("updated_after=30", "no data version 30"),
        ("updated_after=0&updated_after=1", "updated_after"),
        (
            "updated_after=0&as_of=2025-06-01T00:00:00Z",
            "not with as_of",
        ),
        ("updated_after=0&latest=1", "not with latest"),
        ("updated_after=0&facets=region", "not with facets"),
    ] {
        for endpoint in ["/v1/observations", "/v1/export"] {
            if endpoint == "/v1/export" && (query.contains("latest") || query.contains("facets")) {
                continue;
            }
            let problem = app
                .get_problem(&format!("{endpoint}?{query}"), StatusCode::BAD_REQUEST)
                .await;
            assert_eq!(problem.parameter(), "updated_after", "{endpoint}?{query}");
            assert!(problem.detail.contains(says), "{query}: {}", problem.detail);
        }
    }
}

/// A version is read as its import's time, so an import is stamped after the one before it
/// even where the clock says otherwise (it stepped back, or two imports overlapped and the
/// later to commit read the clock first): a client synced to the earlier version still gets
/// the later import's changes.
#[tokio::test]
async fn an_import_is_stamped_after_the_one_before_whatever_the_clock_says() {
    let app = TestApp::spawn().await;
    let file = seed_csv(&[(CORRECTED, &[("value", "2.2"), ("reason", "revised")])]);
    let (_, receipt) = app.import("correction.csv", &file).await.unwrap();
    let first = receipt.expect("written");
    // The first import as if stamped by a clock an hour ahead of this one.
    let ahead = "2999-01-01T00:00:00.000000Z";
    // The app's pool reads only; a connection of our own writes.
    use sqlx::Connection;
    let mut writer = sqlx::SqliteConnection::connect(&app.db_url).await.unwrap();
    sqlx::query("UPDATE imports SET recorded_at = ? WHERE id = ?")
        .bind(ahead)
        .bind(first.id)
        .execute(&mut writer)
        .await
        .unwrap();
    writer.close().await.unwrap();
    let file = format!("id,action,reason\n{RETRACTED},retract,printed in error\n");
    let (_, receipt) = app.import("retraction.csv", &file).await.unwrap();
    let second = receipt.expect("written");
    assert_eq!(second.recorded_at, "2999-01-01T00:00:00.000001Z");
    let since_first: List<Figure> = app
        .get_page(&format!("/v1/observations?updated_after={}", first.id))
        .await;
    assert_eq!(
        summary(&since_first),
        (vec![(RETRACTED, 2)], vec![RETRACTED.to_owned()])
    );
}
