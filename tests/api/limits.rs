//! Operating limits and load shedding, each refusal a problem+json: an overlong query string,
//! requests past the in-flight cap, a request past its time, a client past its rate.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{assert_problem_shape, header, read, Problem, TestApp};

#[tokio::test]
async fn an_overlong_query_string_is_a_414_problem() {
    let app = TestApp::spawn().await;
    let path = format!("/v1/observations?region={}", "a".repeat(3000));
    let problem = app.get_problem(&path, StatusCode::URI_TOO_LONG).await;
    assert!(problem.detail.contains("2048"));
}

#[tokio::test]
async fn past_the_in_flight_cap_requests_are_shed_with_retry_after() {
    let app = TestApp::spawn_with(gd_indicators::HttpSettings {
        max_in_flight: 0,
        ..Default::default()
    })
    .await;
    let response = app.get("/v1/regions").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(header(&response, "retry-after"), "1");
    assert_eq!(
        header(&response, "content-type"),
        "application/problem+json"
    );
    let problem: Problem = read(&response.text().await.unwrap(), "/v1/regions");
    assert_problem_shape(&problem, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        problem.detail.contains("limit of requests in flight"),
        "{problem:?}"
    );
}

#[tokio::test]
async fn a_request_past_its_time_is_abandoned_with_a_503_problem() {
    let app = TestApp::spawn_with(gd_indicators::HttpSettings {
        request_timeout: Duration::ZERO,
        ..Default::default()
    })
    .await;
    // The consistency report reads every figure and checks every claim, so it is still running
    // when the timer (millisecond resolution) fires; a single indexed read, since the read
    // path got faster, sometimes finished first and answered 200.
    let problem = app
        .get_problem("/v1/consistency", StatusCode::SERVICE_UNAVAILABLE)
        .await;
    assert!(problem.detail.contains("took longer than 0 ms"));
}

#[tokio::test]
async fn a_client_past_its_rate_gets_429_with_retry_after() {
    let app = TestApp::spawn_with(gd_indicators::HttpSettings {
        rate_limit_per_second: 1,
        rate_limit_burst: 3,
        rate_limit_loopback: true,
        ..Default::default()
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(app.get("/v1/regions").await.status());
    }
    assert_eq!(
        &statuses[..3],
        &[StatusCode::OK, StatusCode::OK, StatusCode::OK],
        "the burst passes"
    );
    assert!(
        statuses[3..].contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    let response = app.get("/v1/regions").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = header(&response, "retry-after").parse().unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    assert!(!header(&response, "x-request-id").is_empty());
    let problem = app
        .get_problem("/v1/regions", StatusCode::TOO_MANY_REQUESTS)
        .await;
    assert!(problem.detail.contains("127.0.0.1"));
}

#[tokio::test]
async fn loopback_clients_are_not_rate_limited_by_default() {
    let app = TestApp::spawn_with(gd_indicators::HttpSettings {
        rate_limit_per_second: 1,
        rate_limit_burst: 1,
        ..Default::default()
    })
    .await;
    for _ in 0..10 {
        assert_eq!(app.get("/v1/regions").await.status(), StatusCode::OK);
    }
}
