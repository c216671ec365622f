//! Unknown ids and paths are 404s that name them; writes are 405s that say what is allowed.

use reqwest::StatusCode;

use crate::helpers::{assert_problem_shape, header, read, Problem, TestApp};

#[tokio::test]
async fn unknown_ids_are_404_problems_naming_the_id() {
    let app = TestApp::spawn().await;
    for path in [
        "/v1/regions/atlantis",
        "/v1/clusters/atlantis",
        "/v1/cluster-groups/atlantis",
        "/v1/city-plans/atlantis",
        "/v1/indicators/atlantis",
        "/v1/indicators/atlantis/observations",
        "/v1/observations/atlantis",
        "/v1/sources/atlantis",
        "/v1/speakers/atlantis",
        "/v1/companies/atlantis",
        "/v1/facilities/atlantis",
    ] {
        let problem = app.get_problem(path, StatusCode::NOT_FOUND).await;
        assert!(problem.detail.contains("'atlantis'"), "{path}: {problem:?}");
    }
    let problem = app.get_problem("/v2/regions", StatusCode::NOT_FOUND).await;
    assert_eq!(problem.detail, "no resource lives at /v2/regions");
}

#[tokio::test]
async fn writes_are_refused_with_405_and_allow() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(format!("{}/v1/regions", app.address))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(header(&response, "allow"), "GET, HEAD, OPTIONS");
    assert_eq!(
        header(&response, "content-type"),
        "application/problem+json"
    );
    let problem: Problem = read(&response.text().await.unwrap(), "POST /v1/regions");
    assert_problem_shape(&problem, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        problem.detail,
        "This API is read-only: use GET, HEAD or OPTIONS."
    );
    let regions = app.get_list("/v1/regions").await;
    assert_eq!(regions.len(), crate::helpers::seed_table("regions").len());
}
