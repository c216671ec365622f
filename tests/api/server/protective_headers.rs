//! D16: every answer carries `nosniff`, `Referrer-Policy` and, unless it set a caching
//! policy, `Cache-Control: no-store`; including those made outside the routes (429s, CORS
//! preflights, 405s) and hyper's own refusals of what it cannot parse (400, 414, 431), which
//! also become problem+json.

use std::time::Duration;

use super::{assert_protected_problem, assert_protective_headers, exchange};
use crate::helpers::TestApp;

/// A reqwest response's headers as a raw head, for the raw assertions.
fn head_of(response: &reqwest::Response) -> String {
    let mut head = format!("HTTP/1.1 {}\r\n", response.status());
    for (name, value) in response.headers() {
        head.push_str(&format!(
            "{name}: {}\r\n",
            value.to_str().unwrap_or_default()
        ));
    }
    head + "\r\n"
}

#[tokio::test]
async fn refusals_made_outside_the_routes_carry_the_protective_headers() {
    let app = TestApp::spawn_with(gd_indicators::HttpSettings {
        rate_limit_per_second: 1,
        rate_limit_burst: 1,
        rate_limit_loopback: true,
        ..Default::default()
    })
    .await;
    app.get("/v1/regions").await;
    let limited = app.get("/v1/regions").await;
    assert_eq!(limited.status(), 429);
    assert_protective_headers(&head_of(&limited));

    let preflight = app
        .client
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/v1/regions", app.address),
        )
        .header("origin", "https://example.org")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert!(preflight
        .headers()
        .contains_key("access-control-allow-origin"));
    assert_protective_headers(&head_of(&preflight));

    let app = TestApp::spawn().await;
    let not_allowed = app
        .client
        .post(format!("{}/v1/regions", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(not_allowed.status(), 405);
    assert_protective_headers(&head_of(&not_allowed));
}

#[tokio::test]
async fn what_hyper_cannot_parse_is_refused_with_a_protected_problem() {
    // Heads up to 256 KiB, so that a 66,000-byte target meets hyper's own 414 (its limit is
    // 65,534) rather than the head's size.
    let app = TestApp::spawn_with(gd_indicators::HttpSettings {
        max_header_bytes: 256 << 10,
        ..Default::default()
    })
    .await;
    let wait = Duration::from_secs(5);
    let malformed = exchange(
        &app.address,
        b"GET /v1 HTTP/1.1\r\nHost: x\r\nthis is not a header\r\n\r\n",
        wait,
    )
    .await;
    assert_protected_problem(&malformed, 400);

    let long_target = format!("GET /v1/{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(66_000));
    let too_long = exchange(&app.address, long_target.as_bytes(), wait).await;
    assert_protected_problem(&too_long, 414);

    let app = TestApp::spawn().await;
    let large_head = format!(
        "GET /v1 HTTP/1.1\r\nHost: x\r\nx-padding: {}\r\n\r\n",
        "a".repeat(70_000)
    );
    let too_large = exchange(&app.address, large_head.as_bytes(), wait).await;
    let problem = assert_protected_problem(&too_large, 431);
    assert!(problem.detail.contains("65536"), "{problem:?}");
}
