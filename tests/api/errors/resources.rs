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
    assert_eq!(
        problem.detail,
        "no resource lives at /v2/regions; did you mean /v1/regions?"
    );
}

/// A path one slip away from a route is answered with that route: a letter missing, two
/// swapped, a wrong extension, a parameter kept as given. A path near nothing gets no guess.
#[tokio::test]
async fn an_unknown_path_is_a_404_suggesting_the_nearest_route() {
    let app = TestApp::spawn().await;
    for (path, nearest) in [
        ("/v1/observation", Some("/v1/observations")),
        ("/v1/obsevrations?limit=1", Some("/v1/observations")),
        ("/v1/regoins/guangdong", Some("/v1/regions/guangdong")),
        (
            "/v1/indicators/rd-expenditure/chart.png",
            Some("/v1/indicators/rd-expenditure/chart.svg"),
        ),
        ("/v1/exchange-rates", Some("/v1/exchange-rate")),
        ("/openapi.yaml", Some("/openapi.json")),
        ("/healthy", Some("/healthz")),
        ("/v1/observation/", Some("/v1/observations")),
        ("/v1/figures", None),
        ("/v1/regions/guangdong/children", None),
        ("/wp-admin/setup.php", None),
    ] {
        let problem = app.get_problem(path, StatusCode::NOT_FOUND).await;
        assert_problem_shape(&problem, StatusCode::NOT_FOUND);
        let asked = path.split('?').next().unwrap();
        let expected = match nearest {
            Some(nearest) => format!("no resource lives at {asked}; did you mean {nearest}?"),
            None => format!("no resource lives at {asked}"),
        };
        assert_eq!(problem.detail, expected);
    }
}

/// Every route, asked for with a trailing slash (or several), is a 308 to the route itself
/// with the query kept, and following it answers; what no route serves is not redirected,
/// and a path that a browser would read as another host (`//host`) never leads off-site.
#[tokio::test]
async fn a_trailing_slash_is_a_308_to_the_route_without_it() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let ask = |path: String| {
        let request = client.get(format!("{}{path}", app.address)).send();
        async move { request.await.expect("the server answers") }
    };
    let document = app.get_ok("/openapi.json").await;
    let mut routes: Vec<String> = document["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(|path| {
            let filled = path.replace("{id}", "guangdong");
            filled.replace("{city}", "guangzhou")
        })
        .collect();
    assert!(routes.len() > 20 && routes.iter().all(|route| !route.contains('{')));
    routes.extend(["/dashboard.js".to_owned(), "/dashboard.css".to_owned()]);
    for route in &routes {
        for (slashes, query) in [("/", ""), ("/", "?lang=zh&limit=2"), ("//", "?q=a+b%2Bc")] {
            let response = ask(format!("{route}{slashes}{query}")).await;
            assert_eq!(
                response.status(),
                StatusCode::PERMANENT_REDIRECT,
                "{route}/"
            );
            // Under the base URL, as every link is (the Host here).
            let expected = format!("{}{route}{query}", app.address);
            assert_eq!(header(&response, "location"), expected);
        }
    }
    for (path, canonical) in [
        ("/v1/", "/v1"),
        ("/v1/observations/?limit=1", "/v1/observations?limit=1"),
        ("/v1/regions/guangdong/", "/v1/regions/guangdong"),
    ] {
        let followed = app.get(path).await;
        assert_eq!(followed.status(), StatusCode::OK, "{path}");
        assert_eq!(followed.url().path(), canonical.split('?').next().unwrap());
        let direct = app.get(canonical).await.text().await.unwrap();
        assert_eq!(followed.text().await.unwrap(), direct, "{path}");
    }
    // The explorer's own redirect is as it was.
    let docs = ask("/docs".to_owned()).await;
    assert!(docs.status().is_redirection(), "{docs:?}");
    assert_eq!(header(&docs, "location"), "/docs/");
    for path in [
        "//evil.example/",
        "//evil.example/v1/",
        "///evil.example/",
        "/\\evil.example/",
        "//v1/",
        "/v1/nothing-here/",
    ] {
        let response = ask(path.to_owned()).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(header(&response, "location"), "", "{path}");
    }
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
