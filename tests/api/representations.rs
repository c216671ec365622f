//! Representations: every list as JSON or CSV, chosen by `Accept` or `format=`; a HEAD answers
//! like its GET, without the body.

use reqwest::StatusCode;

use crate::helpers::{header, seed_table, Csv, TestApp};

#[tokio::test]
async fn every_list_speaks_csv_with_dotted_columns() {
    let app = TestApp::spawn().await;
    let response = app.get_with("/v1/regions", &[("accept", "text/csv")]).await;
    assert_eq!(
        header(&response, "content-disposition"),
        "attachment; filename=\"gd-indicators-regions.csv\""
    );
    let regions = Csv::parse(&response.text().await.unwrap());
    assert_eq!(regions.rows.len(), seed_table("regions").len());
    assert!(regions.columns.contains(&"parent.id".to_owned()));
    let clusters = app
        .get_csv("/v1/clusters?format=csv&group=trillion-yuan-industrial-clusters")
        .await;
    assert_eq!(
        clusters.row("new-energy").get("figures"),
        "new-energy-operating-revenue-2024"
    );
}

#[tokio::test]
async fn head_answers_like_get_without_a_body() {
    let app = TestApp::spawn().await;
    let get = app.get("/v1/regions").await;
    let (tag, length) = (header(&get, "etag"), get.bytes().await.unwrap().len());
    let head = app.head("/v1/regions").await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(header(&head, "etag"), tag);
    assert_eq!(header(&head, "content-length"), length.to_string());
}

#[tokio::test]
async fn edge_cases_of_lists_stay_well_formed() {
    let app = TestApp::spawn().await;
    // An empty page still accepts the list's fields and still has its CSV header.
    let empty = app
        .get_list("/v1/regions?kind=country&parent=guangdong&fields=id")
        .await;
    assert!(empty.is_empty());
    let export = app.get_csv("/v1/export?region=jiangmen&format=csv").await;
    assert!(export.rows.is_empty());
    assert_eq!(export.columns[0], "id");
    let search = app.get("/v1/search?q=zeppelin&fields=id&format=csv").await;
    assert_eq!(search.text().await.unwrap().trim(), "id");

    // CSV columns follow the order of `fields`, as JSON keys do.
    let ordered = app
        .get_csv("/v1/observations?fields=stated,id&format=csv&limit=1")
        .await;
    assert_eq!(ordered.columns, ["stated", "id"]);

    // The most specific Accept range decides.
    let csv = app
        .get_with("/v1/regions", &[("accept", "application/json;q=0, */*")])
        .await;
    assert!(header(&csv, "content-type").starts_with("text/csv"));
}
