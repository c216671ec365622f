//! Headers every response carries: CORS (any origin, or an allow-list) exposing the caching
//! headers, a request id, and the security headers (a strict policy on pages).

use crate::helpers::{header, TestApp};

#[tokio::test]
async fn cors_exposes_the_caching_headers_and_honours_an_allow_list() {
    let open = TestApp::spawn().await;
    let response = open
        .get_with("/v1/regions", &[("origin", "https://anyone.example")])
        .await;
    assert_eq!(header(&response, "access-control-allow-origin"), "*");
    let exposed = header(&response, "access-control-expose-headers");
    for name in ["etag", "link", "x-request-id"] {
        assert!(exposed.contains(name), "{exposed}");
    }

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
}

#[tokio::test]
async fn responses_carry_a_request_id_and_allow_any_origin() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(format!("{}/v1/regions", app.address))
        .header("origin", "https://dashboard.example")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&response, "access-control-allow-origin"), "*");
    assert_eq!(header(&response, "x-request-id").len(), 36, "a UUID");
}

#[tokio::test]
async fn every_response_carries_security_headers_and_pages_a_strict_policy() {
    let app = TestApp::spawn().await;
    let json = app.get("/v1/regions").await;
    assert_eq!(header(&json, "x-content-type-options"), "nosniff");
    assert_eq!(header(&json, "server"), "", "no version banner");
    assert_eq!(header(&json, "content-security-policy"), "");
    let docs = app.get("/docs/").await;
    let policy = header(&docs, "content-security-policy");
    assert!(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"));
    let chart = app.get("/v1/indicators/rd-expenditure/chart.svg").await;
    assert!(header(&chart, "content-security-policy").starts_with("default-src 'none'"));
    let missing = app.get("/v1/nothing-here").await;
    assert_eq!(header(&missing, "x-content-type-options"), "nosniff");
}
