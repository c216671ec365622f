//! D17 and D18: the request target and `Host` are checked before anything else is spent on a
//! request. A path over its cap is a 414 (it used to be echoed whole in the 404 and logged
//! whole); what is echoed and logged of a long target is cut short; an HTTP/1.1 request
//! without exactly one valid `Host` is a 400 (RFC 9112 §3.2).

use std::time::Duration;

use reqwest::StatusCode;

use super::{assert_protected_problem, exchange, spawn_binary};
use crate::helpers::TestApp;

#[tokio::test]
async fn an_overlong_path_is_a_414_problem_that_does_not_echo_it() {
    let app = TestApp::spawn().await;
    let path = format!("/v1/{}", "a".repeat(60_000));
    let problem = app.get_problem(&path, StatusCode::URI_TOO_LONG).await;
    let detail = &problem.detail;
    assert!(detail.contains("2048"), "{detail}");
    assert!(detail.len() < 300, "{detail}");
}

/// A path within the cap that names nothing: the 404 echoes its start, not all of it.
#[tokio::test]
async fn a_404_echoes_only_the_start_of_a_long_path() {
    let app = TestApp::spawn().await;
    let path = format!("/v1/{}", "b".repeat(2_000));
    let problem = app.get_problem(&path, StatusCode::NOT_FOUND).await;
    let detail = &problem.detail;
    assert!(detail.contains("/v1/bbbb"), "{detail}");
    assert!(detail.len() < 400, "{} bytes: {detail}", detail.len());
}

/// The log line of a request with a long target stays short (500 of them grew the log by
/// 30 MB).
#[tokio::test]
async fn a_long_target_is_logged_cut_short() {
    let server = spawn_binary(&[]);
    let marker = "logged-target";
    let path = format!("/v1/{marker}{}", "c".repeat(1_900));
    let query = format!("q={}", "d".repeat(1_900));
    let response = reqwest::get(format!("http://{}{path}?{query}", server.address))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let line = loop {
        let logged = server.log.lock().unwrap().clone();
        if let Some(line) = logged.into_iter().find(|line| line.contains(marker)) {
            break line;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the request was not logged"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(line.len() < 1_000, "{} bytes: {line}", line.len());
}

#[tokio::test]
async fn an_http_1_1_request_needs_exactly_one_valid_host() {
    let app = TestApp::spawn().await;
    let wait = Duration::from_secs(5);
    for (request, what) in [
        ("GET /v1 HTTP/1.1\r\n\r\n", "no Host"),
        (
            "GET /v1 HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "two Hosts",
        ),
        (
            "GET /v1 HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n",
            "the same Host twice",
        ),
        ("GET /v1 HTTP/1.1\r\nHost: a b\r\n\r\n", "an invalid Host"),
        (
            "GET /v1 HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n",
            "two Hosts in HTTP/1.0",
        ),
    ] {
        let answer = exchange(&app.address, request.as_bytes(), wait).await;
        // The answer ends the connection: what follows a malformed head is not trusted.
        let problem = assert_protected_problem(&answer, 400);
        assert!(problem.detail.contains("Host"), "{what}: {problem:?}");
    }
    // HTTP/1.0 does not require Host; an empty one is allowed where the target has no host.
    for request in [
        "GET /v1 HTTP/1.0\r\n\r\n",
        "GET /v1 HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n",
        "GET /v1 HTTP/1.1\r\nHost: localhost:8080\r\nConnection: close\r\n\r\n",
    ] {
        let answer = exchange(&app.address, request.as_bytes(), wait).await;
        let status_line = answer.lines().next().unwrap_or_default();
        assert!(status_line.ends_with(" 200 OK"), "{request:?}: {answer}");
    }
}
