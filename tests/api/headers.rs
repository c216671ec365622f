//! Headers every response carries: CORS's allowed origin (`cors.rs` has the rest), a request
//! id, and the security headers (a strict policy on pages).

use crate::helpers::{header, TestApp};

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
