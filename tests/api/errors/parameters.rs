//! Query parameters a list or a resource cannot take: each refusal a 400 that names the
//! parameter and says what it accepts; a representation it cannot give, a 406.

use reqwest::StatusCode;

use crate::helpers::TestApp;

#[tokio::test]
async fn an_unknown_parameter_is_a_400_that_lists_the_accepted_ones() {
    let app = TestApp::spawn().await;
    let problem = app
        .get_problem("/v1/revenues?clustr=new-energy", StatusCode::BAD_REQUEST)
        .await;
    let detail = &problem.detail;
    assert_eq!(problem.parameter(), "clustr");
    assert!(detail.contains("'clustr'"), "{detail}");
    assert!(
        detail.contains("cluster, cluster_group") && detail.contains("year"),
        "{detail}"
    );

    let problem = app
        .get_problem("/v1/sources?page=2", StatusCode::BAD_REQUEST)
        .await;
    assert!(problem.detail.contains("page"));
}

#[tokio::test]
async fn a_filter_naming_nothing_is_a_400_with_the_accepted_values() {
    let app = TestApp::spawn().await;
    let problem = app
        .get_problem("/v1/observations?region=guangdng", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem.parameter(), "region");
    let detail = &problem.detail;
    assert!(
        detail.contains("'guangdng'") && detail.contains("guangdong"),
        "{detail}"
    );

    let problem = app
        .get_problem("/v1/indicators?topic=weather", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem.parameter(), "topic");
    assert!(problem.detail.contains("marine_economy"));

    let problem = app
        .get_problem("/v1/regions?parent=mars", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem.parameter(), "parent");
}

#[tokio::test]
async fn malformed_values_are_400s_that_say_what_is_wrong() {
    let app = TestApp::spawn().await;
    let problem = app
        .get_problem("/v1/revenues?year=last", StatusCode::BAD_REQUEST)
        .await;
    assert!(problem.detail.contains("year"));

    let problem = app
        .get_problem("/v1/revenues?year=99999", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem.parameter(), "year");
    assert!(problem.detail.contains("1900"));

    let problem = app
        .get_problem("/v1/observations?unit=furlongs", StatusCode::BAD_REQUEST)
        .await;
    let detail = &problem.detail;
    assert!(
        detail.contains("furlongs") && detail.contains("cny, usd"),
        "{detail}"
    );
}

/// A parameter that takes one value is refused by its own name when given more, and the
/// refusal says what to give: `scale` repeated names `scale`, never `currency`.
#[tokio::test]
async fn too_many_values_for_one_filter_is_a_400_not_a_database_error() {
    let app = TestApp::spawn().await;
    let years: Vec<String> = (1901..2000).map(|y| y.to_string()).collect();
    let problem = app
        .get_problem(
            &format!("/v1/observations?year={}", years.join(",")),
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(problem.parameter(), "year");
}

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
        assert_eq!(problem.parameter(), name, "{path}");
        assert_eq!(problem.invalid_params[0].reason, detail, "{path}");
        assert_eq!(problem.detail, detail, "{path}");
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
        assert_eq!(problem.parameter(), "format", "{path}");
        assert_eq!(
            problem.detail,
            "Unknown parameter 'format'. This endpoint accepts: region, currency, width, \
             height, lang.",
            "{path}"
        );
    }
    let problem = app
        .get_problem(
            "/v1/indicators/rd-expenditure/chart.svg?sort=period",
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(problem.parameter(), "sort");
}

#[tokio::test]
async fn single_resources_refuse_parameters_they_do_not_take() {
    let app = TestApp::spawn().await;
    let problem = app
        .get_problem("/v1/regions/guangdong?bogus=1", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem.parameter(), "bogus");
    let problem = app
        .get_problem(
            "/v1/observations/rd-expenditure-2024?format=csv",
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(problem.parameter(), "format");
    app.get_ok("/v1/regions/guangdong?format=json").await;
}

#[tokio::test]
async fn paging_and_format_mistakes_are_400s_or_406s() {
    let app = TestApp::spawn().await;
    let page = app.get_ok("/v1/observations?limit=2&sort=value").await;
    let next = page["links"]["next"].as_str().unwrap();
    let cursor = next.split("cursor=").nth(1).unwrap();

    let other_query = format!("/v1/observations?limit=2&sort=-value&cursor={cursor}");
    let problem = app.get_problem(&other_query, StatusCode::BAD_REQUEST).await;
    assert!(problem.detail.contains("different query"));
    let other_endpoint = format!("/v1/revenues?limit=2&sort=value&cursor={cursor}");
    let problem = app
        .get_problem(&other_endpoint, StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem.parameter(), "cursor");
    assert!(problem.detail.contains("different query"));
    let mut tampered = cursor.to_owned();
    tampered.insert(5, 'x');
    let problem = app
        .get_problem(
            &format!("/v1/observations?limit=2&sort=value&cursor={tampered}"),
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(problem.parameter(), "cursor");

    for (path, name) in [
        ("/v1/observations?limit=-1", "limit"),
        ("/v1/observations?limit=1001", "limit"),
        ("/v1/observations?sort=colour", "sort"),
        ("/v1/observations?from=2024&to=2020", "from"),
        ("/v1/observations?format=xml", "format"),
        ("/v1/export?limit=5", "limit"),
        ("/v1/search", "q"),
        ("/v1/search?q=%20%22%20", "q"),
    ] {
        let problem = app.get_problem(path, StatusCode::BAD_REQUEST).await;
        assert_eq!(problem.parameter(), name, "{path}");
    }

    let problem = app
        .get_problem_with(
            "/v1/regions",
            &[("accept", "application/xml")],
            StatusCode::NOT_ACCEPTABLE,
        )
        .await;
    assert!(problem.detail.contains("text/csv"));
    let problem = app
        .get_problem_with(
            "/v1/regions/guangdong",
            &[("accept", "text/csv")],
            StatusCode::NOT_ACCEPTABLE,
        )
        .await;
    assert!(
        problem.detail.contains("available as application/json."),
        "{problem:?}"
    );
}

/// A range that ends before it starts is a 400 naming both bounds, for values as for years;
/// equal bounds are a range of one.
#[tokio::test]
async fn a_range_given_the_wrong_way_round_is_a_400_naming_both_bounds() {
    let app = TestApp::spawn().await;
    for (path, detail) in [
        (
            "/v1/observations?min=10&max=5",
            "min (10) is more than max (5); swap them.",
        ),
        (
            "/v1/export?max=0.5&min=2.25",
            "min (2.25) is more than max (0.5); swap them.",
        ),
        (
            "/v1/revenues?min=1e12&max=-1",
            "min (1000000000000) is more than max (-1); swap them.",
        ),
        (
            "/v1/observations?from=2030&to=2020",
            "from (2030) is after to (2020); swap them.",
        ),
    ] {
        let problem = app.get_problem(path, StatusCode::BAD_REQUEST).await;
        assert_eq!(problem.detail, detail, "{path}");
        let lower = detail.split(' ').next().unwrap();
        assert_eq!(problem.parameter(), lower, "{path}");
    }
    let equal = app.get("/v1/observations?min=510&max=510").await;
    assert_eq!(equal.status(), StatusCode::OK);
}

/// An unencoded `+` arrives as a space: where a `+` would make the value valid, the hint is
/// to encode it as `%2B`, with the value as it was meant, for times, numbers and years; a page
/// size (digits only) and a value wrong for another reason keep their own hint.
#[tokio::test]
async fn a_plus_that_arrived_as_a_space_is_answered_with_how_to_encode_it() {
    let app = TestApp::spawn().await;
    for (query, name, meant) in [
        (
            "as_of=2025-06-01T08:00:00+08:00",
            "as_of",
            "2025-06-01T08:00:00%2B08:00",
        ),
        ("min=1e+12", "min", "1e%2B12"),
        ("max=+5", "max", "%2B5"),
        ("from=+2020", "from", "%2B2020"),
    ] {
        let path = format!("/v1/observations?{query}");
        let problem = app.get_problem(&path, StatusCode::BAD_REQUEST).await;
        assert_eq!(problem.parameter(), name, "{path}");
        assert!(
            problem.detail.contains("unencoded '+'")
                && problem
                    .detail
                    .ends_with(&format!("Encode it as %2B: {name}={meant}.")),
            "{path}: {}",
            problem.detail
        );
    }
    // A page size is digits only, so a '+' there is no hint to encode it: that too is refused.
    let problem = app
        .get_problem("/v1/observations?limit=+5", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem.parameter(), "limit");
    assert!(!problem.detail.contains("%2B"), "{}", problem.detail);
    let encoded = app.get("/v1/observations?limit=%2B5").await;
    assert_eq!(encoded.status(), StatusCode::BAD_REQUEST);
    // Encoded, the same time is accepted.
    let encoded = app
        .get("/v1/observations?as_of=2025-06-01T08:00:00%2B08:00")
        .await;
    assert_eq!(encoded.status(), StatusCode::OK);
    // A time wrong for another reason gets the general hint, which shows the '+' encoded.
    let problem = app
        .get_problem(
            "/v1/observations?as_of=2025-13-01 08:00",
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert!(!problem.detail.contains("unencoded"), "{}", problem.detail);
    assert!(
        problem.detail.contains("2025-06-01T08:00:00%2B08:00"),
        "{}",
        problem.detail
    );
}
