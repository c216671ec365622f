//! Bad requests get a problem+json a person can act on; no request gets a 500.

use reqwest::StatusCode;

use crate::helpers::{header, TestApp};

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
        assert!(
            problem["detail"].as_str().unwrap().contains("'atlantis'"),
            "{path}: {problem}"
        );
    }
    let problem = app.get_problem("/v2/regions", StatusCode::NOT_FOUND).await;
    assert_eq!(problem["detail"], "no resource lives at /v2/regions");
}

#[tokio::test]
async fn an_unknown_parameter_is_a_400_that_lists_the_accepted_ones() {
    let app = TestApp::spawn().await;
    let problem = app
        .get_problem("/v1/revenues?clustr=new-energy", StatusCode::BAD_REQUEST)
        .await;
    let detail = problem["detail"].as_str().unwrap();
    assert_eq!(problem["invalid_params"][0]["name"], "clustr");
    assert!(detail.contains("'clustr'"), "{detail}");
    assert!(
        detail.contains("cluster, cluster_group") && detail.contains("year"),
        "{detail}"
    );

    let problem = app
        .get_problem("/v1/sources?page=2", StatusCode::BAD_REQUEST)
        .await;
    assert!(problem["detail"].as_str().unwrap().contains("page"));
}

#[tokio::test]
async fn a_filter_naming_nothing_is_a_400_with_the_accepted_values() {
    let app = TestApp::spawn().await;
    let problem = app
        .get_problem("/v1/observations?region=guangdng", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem["invalid_params"][0]["name"], "region");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("'guangdng'") && detail.contains("guangdong"),
        "{detail}"
    );

    let problem = app
        .get_problem("/v1/indicators?topic=weather", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem["invalid_params"][0]["name"], "topic");
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("marine_economy"));

    let problem = app
        .get_problem("/v1/regions?parent=mars", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem["invalid_params"][0]["name"], "parent");
}

#[tokio::test]
async fn malformed_values_are_400s_that_say_what_is_wrong() {
    let app = TestApp::spawn().await;
    let problem = app
        .get_problem("/v1/revenues?year=last", StatusCode::BAD_REQUEST)
        .await;
    assert!(problem["detail"].as_str().unwrap().contains("year"));

    let problem = app
        .get_problem("/v1/revenues?year=99999", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem["invalid_params"][0]["name"], "year");
    assert!(problem["detail"].as_str().unwrap().contains("1900"));

    let problem = app
        .get_problem("/v1/observations?unit=furlongs", StatusCode::BAD_REQUEST)
        .await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("furlongs") && detail.contains("cny, usd"),
        "{detail}"
    );
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
    let regions = app.get_list("/v1/regions").await;
    assert_eq!(regions.len(), crate::seed::seed_table("regions").len());
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
async fn the_database_runs_in_wal_with_foreign_keys_and_a_busy_timeout() {
    let app = TestApp::spawn().await;
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(journal, "wal", "readers never wait on an import");
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(foreign_keys, 1);
    let busy_timeout: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(busy_timeout >= 1000, "{busy_timeout}");
}

#[tokio::test]
async fn the_pool_the_server_reads_through_cannot_write() {
    let app = TestApp::spawn().await;
    let attempt = sqlx::query("DELETE FROM observations")
        .execute(&app.pool)
        .await;
    let message = attempt.expect_err("writes are refused").to_string();
    assert!(message.contains("readonly"), "{message}");
    let figures = app.get_list("/v1/observations").await;
    assert_eq!(figures.len(), crate::seed::live_seed_figures().len());
}

/// A parameter that takes one value is refused by its own name when given more, and the
/// refusal says what to give: `scale` repeated names `scale`, never `currency`.
#[tokio::test]
async fn a_second_value_of_a_single_valued_parameter_is_a_400_naming_it() {
    let app = TestApp::spawn().await;
    let scales = "scale: give one of unit, thousand, million, billion, trillion.";
    let currencies = "currency: give one of CNY, USD.";
    for (path, name, detail) in [
        (
            "/v1/observations?scale=billion&scale=million",
            "scale",
            scales,
        ),
        (
            "/v1/observations?currency=USD&currency=CNY",
            "currency",
            currencies,
        ),
        ("/v1/observations?currency=USD,CNY", "currency", currencies),
        ("/v1/clusters?scale=billion,million", "scale", scales),
        (
            "/v1/regions/guangdong?scale=unit&scale=billion",
            "scale",
            scales,
        ),
        (
            "/v1/observations/rd-expenditure-2024?currency=CNY&currency=USD",
            "currency",
            currencies,
        ),
        (
            "/v1/indicators/rd-expenditure/chart.svg?currency=CNY,USD",
            "currency",
            currencies,
        ),
        (
            "/v1/indicators/rd-expenditure/observations?transform=cagr,change",
            "transform",
            "transform: give one of level, change, pct_change, cagr.",
        ),
        (
            "/v1/observations?min=1&min=2",
            "min",
            "min: given 2 times; give it once.",
        ),
    ] {
        let problem = app.get_problem(path, StatusCode::BAD_REQUEST).await;
        assert_eq!(problem["invalid_params"][0]["name"], name, "{path}");
        assert_eq!(problem["invalid_params"][0]["reason"], detail, "{path}");
        assert_eq!(problem["detail"], detail, "{path}");
    }
    // One value given twice is still one value.
    let figure = app
        .get_ok("/v1/observations/rd-expenditure-2024?currency=USD&currency=USD")
        .await;
    assert_eq!(figure["unit"], "usd");
}

/// A chart has one representation, so `format` is a parameter it does not take: refused by
/// name, with the parameters it does take.
#[tokio::test]
async fn a_chart_refuses_format_by_name_like_any_parameter_it_does_not_take() {
    let app = TestApp::spawn().await;
    for format in ["csv", "json", "svg"] {
        let path = format!("/v1/indicators/rd-expenditure/chart.svg?format={format}");
        let problem = app.get_problem(&path, StatusCode::BAD_REQUEST).await;
        assert_eq!(problem["invalid_params"][0]["name"], "format", "{path}");
        assert_eq!(
            problem["detail"],
            "Unknown parameter 'format'. This endpoint accepts: region, currency, width, \
             height.",
            "{path}"
        );
    }
    let problem = app
        .get_problem(
            "/v1/indicators/rd-expenditure/chart.svg?sort=period",
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(problem["invalid_params"][0]["name"], "sort");
}
