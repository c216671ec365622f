//! Compression: gzip and brotli, negotiated by `Accept-Encoding`, each coding its own tagged
//! representation.

use reqwest::StatusCode;

use crate::helpers::{header, TestApp};

#[tokio::test]
async fn compressed_bodies_are_negotiated_and_tagged_as_their_own_representation() {
    let app = TestApp::spawn().await;
    let plain = app.get("/v1/clusters").await;
    let plain_tag = header(&plain, "etag");
    let plain_length = plain.bytes().await.unwrap().len();

    let gzip = app
        .get_with("/v1/clusters", &[("accept-encoding", "gzip")])
        .await;
    assert_eq!(header(&gzip, "content-encoding"), "gzip");
    let gzip_tag = header(&gzip, "etag");
    assert_eq!(
        gzip_tag,
        format!("{}-gzip\"", plain_tag.trim_end_matches('"'))
    );
    assert!(gzip.bytes().await.unwrap().len() < plain_length / 3);

    let br = app
        .get_with("/v1/clusters", &[("accept-encoding", "br")])
        .await;
    assert_eq!(header(&br, "content-encoding"), "br");

    let revalidated = app
        .get_with(
            "/v1/clusters",
            &[("accept-encoding", "gzip"), ("if-none-match", &gzip_tag)],
        )
        .await;
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn a_head_carries_exactly_the_headers_of_the_get_compressed_or_not() {
    let app = TestApp::spawn().await;
    let get = app
        .get_with("/v1/regions", &[("accept-encoding", "gzip")])
        .await;
    let head = app
        .client
        .head(format!("{}/v1/regions", app.address))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&head, "etag"), header(&get, "etag"));
    assert_eq!(header(&head, "content-encoding"), "gzip");
}
