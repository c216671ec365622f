//! ETags and conditional requests: the same representation with its tag is a 304.

use reqwest::StatusCode;

use crate::helpers::{header, TestApp};

#[tokio::test]
async fn the_same_request_with_its_etag_is_a_304() {
    let app = TestApp::spawn().await;
    let path = "/v1/indicators?limit=3";
    let response = app.get(path).await;
    let etag = header(&response, "etag");
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "a strong tag: {etag}"
    );
    assert_eq!(header(&response, "cache-control"), "public, max-age=300");
    assert!(header(&response, "vary").contains("accept"));

    let again = app.get_with(path, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&again, "etag"), etag);
    assert!(again.bytes().await.unwrap().is_empty());

    // Another representation of the same list is another tag, so it is sent in full.
    let csv = app
        .get_with(path, &[("if-none-match", &etag), ("accept", "text/csv")])
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert_ne!(header(&csv, "etag"), etag);
    // A stale tag gets the full body.
    let stale = app.get_with(path, &[("if-none-match", "\"stale\"")]).await;
    assert_eq!(stale.status(), StatusCode::OK);
}
