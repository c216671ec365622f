//! Counting before downloading: `limit=0` answers with the total and no items, and every page
//! of a list (and a HEAD of it, and of the export) carries the total in `X-Total-Count`.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{header, Figure, TestApp};

#[tokio::test]
async fn limit_zero_answers_with_the_total_and_no_figures() {
    let app = TestApp::spawn().await;
    let filter = "/v1/observations?within=guangdong&unit=cny";
    let all = app
        .get_page::<Figure>(&format!("{filter}&limit=1000"))
        .await;
    assert!(all.meta.total > 10, "{}", all.meta.total);
    assert_eq!(all.meta.total, all.data.len());

    let path = format!("{filter}&limit=0");
    let counted = app.get_page::<Figure>(&path).await;
    assert!(counted.data.is_empty());
    assert_eq!(counted.meta.total, all.meta.total);
    assert_eq!(counted.meta.limit, Some(0));
    assert_eq!((counted.links.next, counted.links.prev), (None, None));

    // In CSV: the header row alone, the total in the header.
    let csv = app.get(&format!("{path}&format=csv")).await;
    assert_eq!(header(&csv, "x-total-count"), all.meta.total.to_string());
    assert_eq!(csv.text().await.unwrap().lines().count(), 1);

    // A list held in memory counts the same way.
    let regions = app.get_page::<Value>("/v1/regions?limit=0").await;
    let every = app.get_page::<Value>("/v1/regions?limit=1000").await;
    assert!(regions.data.is_empty());
    assert_eq!(regions.meta.total, every.data.len());
}

#[tokio::test]
async fn every_page_and_its_head_carry_the_total_in_a_header() {
    let app = TestApp::spawn().await;
    let path = "/v1/observations?region=guangdong&limit=3";
    let page = app.get_page::<Figure>(path).await;
    assert_eq!(page.data.len(), 3);
    assert!(page.meta.total > 3);
    let get = app.get(path).await;
    assert_eq!(header(&get, "x-total-count"), page.meta.total.to_string());
    let head = app.head(path).await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(header(&head, "x-total-count"), page.meta.total.to_string());
    assert!(head.text().await.unwrap().is_empty());

    // The export sizes itself on a HEAD: the rows a GET then streams.
    let export = "/v1/export?region=guangdong&format=csv";
    let head = app.head(export).await;
    assert_eq!(head.status(), StatusCode::OK);
    let rows = app.get(export).await.text().await.unwrap().lines().count() - 1;
    assert_eq!(header(&head, "x-total-count"), rows.to_string());
    assert_eq!(rows, page.meta.total);
}
