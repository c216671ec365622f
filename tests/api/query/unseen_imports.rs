//! Reads between an import and the server's next look at the data version. The server reads
//! the version every `data_version_poll`; what it memoised at the version it last saw (a
//! query's total, the ids a filter may name) must not make it answer a later state of the data
//! as if it were that one. Here the server looks once an hour, so it sees no import by itself.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{seed_csv, Figure, TestApp};

/// A server that reads every request from SQLite (no response cache) and looks at the data
/// version once an hour.
async fn unseeing_app() -> TestApp {
    TestApp::spawn_with(gd_indicators::HttpSettings {
        response_cache_bytes: 0,
        data_version_poll: Duration::from_secs(3600),
        rate_limit_per_second: 0,
        ..Default::default()
    })
    .await
}

/// A page of a query already counted is read with one statement that also reads the data
/// version: when an import has committed since the version the total was counted at, the page
/// and its total are read again, together.
#[tokio::test]
async fn a_page_read_after_an_unseen_import_agrees_with_its_total() {
    let app = unseeing_app().await;
    let path = "/v1/observations?region=guangdong&limit=1000";
    let before = app.get_page::<Figure>(path).await;
    assert_eq!(before.meta.total, before.data.len());
    // Counted now: the same page again is the one-statement read.
    let again = app.get_page::<Figure>(path).await;
    assert_eq!(again.meta.total, before.meta.total);
    assert_eq!(again.data.len(), before.data.len());

    let added = seed_csv(&[(
        "rd-expenditure-2024",
        &[("id", "rd-expenditure-2024-unseen"), ("value", "512")],
    )]);
    let (_, receipt) = app.import_unseen("added.csv", &added).await.unwrap();
    assert_eq!(receipt.expect("written").counts.added, 1);
    assert!(
        app.data_version().await < 2,
        "the server has not looked yet"
    );

    for _ in 0..2 {
        let after = app.get_page::<Figure>(path).await;
        assert_eq!(after.meta.total, before.meta.total + 1);
        assert_eq!(after.data.len(), after.meta.total);
        assert!(after
            .data
            .iter()
            .any(|figure| figure.id == "rd-expenditure-2024-unseen"));
    }
}

/// The ids a filter may name are memoised per data version: one added since (here by
/// `generate`, which adds its synthetic regions and indicators) is looked up again before the
/// query is refused, and a typo is still refused with every id there is now.
#[tokio::test]
async fn an_id_added_by_an_unseen_import_can_be_named_at_once() {
    let app = unseeing_app().await;
    let path =
        "/v1/observations?region=synthetic-beijing&indicator=synthetic-gross-domestic-product";
    let refused = app.get_problem(path, StatusCode::BAD_REQUEST).await;
    assert!(
        refused
            .detail
            .contains("there is no indicator 'synthetic-gross-domestic-product'"),
        "{}",
        refused.detail
    );

    let output = app.run(&["generate", "--observations", "10"]);
    assert!(output.status.success(), "{output:?}");
    assert!(
        app.data_version().await < 2,
        "the server has not looked yet"
    );

    let page = app.get_page::<Figure>(path).await;
    let generated: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM observations WHERE region_id = 'synthetic-beijing' AND retracted = 0",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(generated > 0);
    assert_eq!(page.meta.total, generated as usize);
    assert_eq!(page.data.len(), page.meta.total);
    assert!(page
        .data
        .iter()
        .all(|figure| figure.region.id == "synthetic-beijing"));

    let typo = app
        .get_problem(
            "/v1/observations?region=synthetic-beijin",
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert!(
        typo.detail
            .contains("there is no region 'synthetic-beijin'")
            && typo.detail.contains("synthetic-beijing"),
        "the refusal lists the ids there are now: {}",
        typo.detail
    );
}
