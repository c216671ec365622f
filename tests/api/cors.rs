//! CORS for pages on other origins: any origin or an allow-list, a preflight that lets a
//! dashboard's `fetch` send the headers it needs and is kept for two hours, and the response
//! headers its script may read. `browser/cross_origin.rs` tries the same in Chromium.

use crate::helpers::{header, TestApp};

/// The request headers a dashboard's `fetch` sends, as a browser lists them in a preflight.
const DASHBOARD_REQUEST_HEADERS: [&str; 5] = [
    "accept",
    "accept-language",
    "content-type",
    "if-none-match",
    "x-request-id",
];

/// A browser's preflight of a GET of `path` from `origin` with `headers`.
async fn preflight(app: &TestApp, path: &str, origin: &str, headers: &str) -> reqwest::Response {
    app.client
        .request(reqwest::Method::OPTIONS, format!("{}{path}", app.address))
        .header("origin", origin)
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", headers)
        .send()
        .await
        .expect("the preflight reaches the server")
}

/// A comma-separated header's items, lower-cased.
fn items(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|item| item.trim().to_ascii_lowercase())
        .filter(|item| !item.is_empty())
        .collect()
}

#[tokio::test]
async fn a_preflight_allows_the_headers_a_dashboard_sends_and_is_kept_two_hours() {
    let app = TestApp::spawn().await;
    let response = preflight(
        &app,
        "/v1/observations?limit=2",
        "http://dashboard.example",
        &DASHBOARD_REQUEST_HEADERS.join(","),
    )
    .await;
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(header(&response, "access-control-allow-origin"), "*");
    let allowed = items(&header(&response, "access-control-allow-headers"));
    for name in DASHBOARD_REQUEST_HEADERS {
        assert!(allowed.contains(&name.to_owned()), "{name} in {allowed:?}");
    }
    let methods = items(&header(&response, "access-control-allow-methods"));
    assert_eq!(methods, ["get", "head", "options"]);
    assert_eq!(header(&response, "access-control-max-age"), "7200");
    // A preflight is no read: nothing to cache but the preflight itself, for the browser.
    assert_eq!(header(&response, "cache-control"), "no-store");
    assert_eq!(response.text().await.unwrap(), "");
}

#[tokio::test]
async fn a_response_exposes_the_headers_a_dashboard_reads() {
    let app = TestApp::spawn().await;
    let response = app
        .get_with(
            "/v1/observations?limit=2",
            &[("origin", "http://dashboard.example")],
        )
        .await;
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    assert_eq!(header(&response, "access-control-allow-origin"), "*");
    let exposed = items(&header(&response, "access-control-expose-headers"));
    for name in [
        "etag",
        "link",
        "x-request-id",
        "content-language",
        "content-disposition",
        "x-total-count",
        "transform-notes",
    ] {
        assert!(exposed.contains(&name.to_owned()), "{name} in {exposed:?}");
    }
    // What is exposed is there to read.
    assert!(header(&response, "etag").starts_with('"'));
    assert!(header(&response, "link").contains("rel=\"next\""));
    assert_eq!(header(&response, "content-language"), "en");
}

#[tokio::test]
async fn cors_honours_an_allow_list_in_preflights_and_reads() {
    let open = TestApp::spawn().await;
    let response = open
        .get_with("/v1/regions", &[("origin", "https://anyone.example")])
        .await;
    assert_eq!(header(&response, "access-control-allow-origin"), "*");

    let settings = gd_indicators::HttpSettings {
        cors_allow_origins: vec!["https://dashboard.example".parse().unwrap()],
        ..Default::default()
    };
    let closed = TestApp::spawn_with(settings).await;
    let allowed = closed
        .get_with("/v1/regions", &[("origin", "https://dashboard.example")])
        .await;
    assert_eq!(
        header(&allowed, "access-control-allow-origin"),
        "https://dashboard.example"
    );
    let refused = closed
        .get_with("/v1/regions", &[("origin", "https://elsewhere.example")])
        .await;
    assert_eq!(header(&refused, "access-control-allow-origin"), "");

    let listed = preflight(
        &closed,
        "/v1/regions",
        "https://dashboard.example",
        "x-request-id",
    )
    .await;
    assert_eq!(
        header(&listed, "access-control-allow-origin"),
        "https://dashboard.example"
    );
    assert_eq!(header(&listed, "access-control-max-age"), "7200");
    let unlisted = preflight(
        &closed,
        "/v1/regions",
        "https://elsewhere.example",
        "x-request-id",
    )
    .await;
    assert_eq!(header(&unlisted, "access-control-allow-origin"), "");
}
