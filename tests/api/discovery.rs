//! Where a client starts: the index at `/v1` links every collection, `/openapi.json` documents
//! exactly the paths the server answers, and `/healthz` and `/readyz` report the service and
//! its migrations.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{header, read, List, TestApp};

#[tokio::test]
async fn health_and_readiness_report_the_migrations() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get_ok("/healthz").await["status"], "ok");
    let ready = app.get_ok("/readyz").await;
    assert_eq!(ready["status"], "ready");
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .count();
    assert_eq!(ready["migrations"], migrations);
}

#[tokio::test]
async fn the_index_links_to_every_collection_and_each_link_answers() {
    let app = TestApp::spawn().await;
    let index = app.get_ok("/v1").await;
    let links = index["links"].as_object().unwrap();
    assert!(links.len() >= 12, "{index}");
    for (name, link) in links {
        let link = link.as_str().unwrap();
        if name == "docs" || name == "dashboard" {
            let response = app.get(link).await;
            assert_eq!(response.status(), reqwest::StatusCode::OK);
            assert!(crate::helpers::header(&response, "content-type").starts_with("text/html"));
        } else if name == "metrics" {
            let response = app.get(link).await;
            assert_eq!(response.status(), reqwest::StatusCode::OK);
            assert!(crate::helpers::header(&response, "content-type").starts_with("text/plain"));
        } else {
            app.get_ok(link).await;
        }
    }
}

/// Every path of the API, as the OpenAPI document names it, and whether it is a paged list.
/// Besides these the server answers only the pages for people: the dashboard and Swagger UI.
const API_PATHS: &[(&str, bool)] = &[
    ("/healthz", false),
    ("/metrics", false),
    ("/openapi.json", false),
    ("/readyz", false),
    ("/v1", false),
    ("/v1/city-plans", true),
    ("/v1/city-plans/{city}", false),
    ("/v1/cluster-groups", true),
    ("/v1/cluster-groups/{id}", false),
    ("/v1/clusters", true),
    ("/v1/clusters/{id}", false),
    ("/v1/companies", true),
    ("/v1/companies/{id}", false),
    ("/v1/consistency", false),
    ("/v1/datapackage.json", false),
    ("/v1/derived", true),
    ("/v1/exchange-rate", false),
    ("/v1/export", false),
    ("/v1/facilities", true),
    ("/v1/facilities/{id}", false),
    ("/v1/indicators", true),
    ("/v1/indicators/{id}", false),
    ("/v1/indicators/{id}/chart.svg", false),
    ("/v1/indicators/{id}/observations", true),
    ("/v1/observations", true),
    ("/v1/observations/{id}", false),
    ("/v1/observations/{id}/revisions", false),
    ("/v1/patents", true),
    ("/v1/regions", true),
    ("/v1/regions/{id}", false),
    ("/v1/revenues", true),
    ("/v1/search", true),
    ("/v1/sources", true),
    ("/v1/sources/{id}", false),
    ("/v1/speakers", true),
    ("/v1/speakers/{id}", false),
];

#[tokio::test]
async fn the_openapi_document_lists_exactly_the_paths_the_server_answers() {
    let app = TestApp::spawn().await;
    let document = app.get_ok("/openapi.json").await;
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    // No fewer and no more than the API's paths.
    let documented: BTreeSet<&str> = paths.keys().map(String::as_str).collect();
    let api: BTreeSet<&str> = API_PATHS.iter().map(|(path, _)| *path).collect();
    assert_eq!(documented, api);
    // The index lists every collection; each must be documented.
    let index = app.get_ok("/v1").await;
    for link in index["links"].as_object().unwrap().values() {
        let link = link.as_str().unwrap();
        let path = link
            .strip_prefix(&app.address)
            .unwrap_or_else(|| panic!("{link} is not an absolute link to the app"));
        let path = path.split('?').next().unwrap();
        // The pages for people (the dashboard, Swagger UI) are not API operations.
        assert!(
            paths.contains_key(path) || path == "/docs/" || path == "/",
            "{path} is not documented"
        );
    }
    // Every documented path answers 200, with a real id where it takes one; a paged list
    // takes a cursor and answers with the list envelope.
    for (path, paged) in API_PATHS {
        let collection = path.rsplit_once("/{").map(|(base, _)| base).unwrap_or("");
        let url = if path.contains('{') {
            let first = app.get_list(collection).await;
            let id = first[0]["id"].as_str().unwrap().to_owned();
            let templated = path.split('{').next().unwrap();
            let rest = path.split('}').nth(1).unwrap_or("");
            format!("{templated}{id}{rest}")
        } else if *path == "/v1/search" {
            "/v1/search?q=guangdong".to_owned()
        } else {
            path.to_string()
        };
        let response = app.get(&url).await;
        assert_eq!(response.status(), StatusCode::OK, "{path} as {url}");
        let get = &paths[*path]["get"];
        assert!(get["responses"]["200"].is_object(), "{path}");
        let takes_cursor = get["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["name"] == "cursor"));
        assert_eq!(takes_cursor, *paged, "{path} takes a cursor");
        if *paged {
            let page: List<Value> = read(&response.text().await.unwrap(), &url);
            assert!(page.meta.total >= page.data.len(), "{path} is a paged list");
        }
    }
    // A path that is not documented is not served either.
    for path in [
        "/v1/figures",
        "/v1/observation",
        "/v1/regions/guangdong/children",
        "/v1/indicators/rd-expenditure/chart.png",
        "/v2/regions",
        "/openapi.yaml",
    ] {
        let problem = app.get_problem(path, StatusCode::NOT_FOUND).await;
        let named = format!("no resource lives at {path}");
        assert!(problem.detail.starts_with(&named), "{problem:?}");
    }
    // The pages for people are served, and are not operations of the API.
    for (page, content_type) in [
        ("/", "text/html"),
        ("/dashboard.js", "text/javascript"),
        ("/dashboard.css", "text/css"),
        ("/docs/", "text/html"),
    ] {
        let response = app.get(page).await;
        assert_eq!(response.status(), StatusCode::OK, "{page}");
        assert!(
            header(&response, "content-type").starts_with(content_type),
            "{page}"
        );
        assert!(!documented.contains(page), "{page}");
    }
}
