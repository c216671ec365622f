//! Vintages (`as_of`): a list as of a moment holds each figure's last revision recorded by
//! then, unless that is a retraction, in the order and pages the latest list has.

use crate::helpers::{seed_csv, Figure, List, Revision, TestApp};

/// Corrects (a value per figure) in one import and returns the moment just after it.
async fn correct(app: &TestApp, name: &str, values: &[(&str, &str)]) -> String {
    let rows: Vec<(&str, Vec<(&str, &str)>)> = values
        .iter()
        .map(|(id, value)| (*id, vec![("value", *value), ("reason", "revised")]))
        .collect();
    let rows: Vec<(&str, &[(&str, &str)])> = rows
        .iter()
        .map(|(id, changes)| (*id, changes.as_slice()))
        .collect();
    let (_, receipt) = app.import(name, &seed_csv(&rows)).await.unwrap();
    assert!(receipt.is_some(), "{name} changes figures");
    moment_after().await
}

/// Now, a little after anything recorded before it.
async fn moment_after() -> String {
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let moment = gd_indicators::domain::timestamp::now();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    moment
}

/// Every figure of `path` (a list), read page by page through `links.next`.
async fn every_page(app: &TestApp, path: &str) -> (Vec<Figure>, Vec<usize>) {
    let mut figures = Vec::new();
    let mut totals = Vec::new();
    let mut next = Some(path.to_owned());
    while let Some(path) = next {
        let page: List<Figure> = app.get_page(&path).await;
        totals.push(page.meta.total);
        figures.extend(page.data);
        next = page
            .links
            .next
            .map(|url| url.strip_prefix(&app.url("")).unwrap().to_owned());
    }
    (figures, totals)
}

#[tokio::test]
async fn every_vintage_lists_each_figures_revision_of_its_moment_in_page_order() {
    let app = TestApp::spawn().await;
    // Source order: the figures' places, kept through every revision.
    let everything: Vec<Figure> = app.get_figures("/v1/observations?limit=1000").await;

    let mut moments = vec![moment_after().await];
    moments.push(
        correct(
            &app,
            "first.csv",
            &[
                ("rd-expenditure-2024", "512"),
                ("new-energy-operating-revenue-2024", "1.3"),
            ],
        )
        .await,
    );
    let retraction =
        "id,action,reason\ntrillion-yuan-cluster-count-2023,retract,printed in error\n";
    app.import("retract.csv", retraction).await.unwrap();
    // A figure added later: in no vintage before it, and last in source order.
    let added = seed_csv(&[(
        "rd-expenditure-2024",
        &[("id", "rd-expenditure-2024-restated"), ("value", "511")],
    )]);
    let (_, receipt) = app.import("added.csv", &added).await.unwrap();
    assert_eq!(receipt.expect("written").counts.added, 1);
    moments.push(moment_after().await);
    moments.push(
        correct(
            &app,
            "second.csv",
            &[
                ("rd-expenditure-2024", "515"),
                ("trillion-yuan-cluster-count-2024", "10"),
            ],
        )
        .await,
    );

    let mut everything = everything;
    let now: Vec<Figure> = app.get_figures("/v1/observations?limit=1000").await;
    everything.extend(
        now.into_iter()
            .filter(|f| f.id == "rd-expenditure-2024-restated"),
    );
    assert_eq!(
        everything.last().unwrap().id,
        "rd-expenditure-2024-restated"
    );
    let place = |id: &str| everything.iter().position(|f| f.id == id).unwrap();
    let mut histories: Vec<Vec<Revision>> = Vec::new();
    for figure in &everything {
        let path = format!("/v1/observations/{}/revisions", figure.id);
        histories.push(app.get_page(&path).await.data);
    }
    // Some figure has each of one, two and three revisions, so each vintage mixes figures
    // changed since with figures that were not.
    let lengths: Vec<usize> = histories.iter().map(Vec::len).collect();
    for revisions in 1..=3 {
        assert!(lengths.contains(&revisions), "{lengths:?}");
    }

    for (index, moment) in moments.iter().enumerate() {
        // Each figure's last revision by then, from its history, in source order.
        let vintage: Vec<Figure> = histories
            .iter()
            .filter_map(|history| {
                history
                    .iter()
                    .rfind(|revision| revision.recorded_at <= *moment)
                    .filter(|revision| revision.change != "retracted")
                    .map(|revision| revision.figure.clone())
            })
            .collect();
        let retracted_then = vintage
            .iter()
            .all(|figure| figure.id != "trillion-yuan-cluster-count-2023");
        assert_eq!(retracted_then, index >= 2, "the retraction, as of {moment}");
        let added_then = vintage
            .iter()
            .any(|figure| figure.id == "rd-expenditure-2024-restated");
        assert_eq!(added_then, index >= 2, "the addition, as of {moment}");
        // The place a page of the vintage stops at in source order: the last figure added by
        // then, whether or not it changed since.
        let times = gd_indicators::store::figures::vintage(&app.pool, moment)
            .await
            .unwrap();
        let last_added: i64 = sqlx::query_scalar(
            "SELECT max(f.rowid) FROM observations f
             JOIN observation_revisions v ON v.observation_id = f.id AND v.number = 1
             WHERE v.recorded_at <= ?",
        )
        .bind(moment)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(times.added_through, last_added, "as of {moment}");
        for sort in ["", "id", "-id", "value", "-value", "-value,id"] {
            let mut expected = vintage.clone();
            let value = |figure: &Figure| figure.value_in_units.f64();
            match sort {
                "id" => expected.sort_by(|a, b| a.id.cmp(&b.id)),
                "-id" => expected.sort_by(|a, b| b.id.cmp(&a.id)),
                "value" => expected.sort_by(|a, b| {
                    value(a)
                        .total_cmp(&value(b))
                        .then(place(&a.id).cmp(&place(&b.id)))
                }),
                "-value" => expected.sort_by(|a, b| {
                    value(b)
                        .total_cmp(&value(a))
                        .then(place(&a.id).cmp(&place(&b.id)))
                }),
                "-value,id" => {
                    expected.sort_by(|a, b| value(b).total_cmp(&value(a)).then(a.id.cmp(&b.id)))
                }
                _ => {}
            }
            let query = match sort {
                "" => format!("/v1/observations?as_of={moment}"),
                sort => format!("/v1/observations?as_of={moment}&sort={sort}"),
            };
            let whole = app.get_figures(&format!("{query}&limit=1000")).await;
            assert_eq!(whole, expected, "{query}");
            // Page after page, each through the cursor of the one before, with one total.
            let (paged, totals) = every_page(&app, &format!("{query}&limit=4")).await;
            assert_eq!(paged, expected, "{query}, paged");
            assert!(
                totals.iter().all(|total| *total == expected.len()),
                "{query}: {totals:?}"
            );
        }
    }
}
