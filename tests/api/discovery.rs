//! Where a client starts: the index at `/v1` links every collection, `/openapi.json` documents
//! exactly the paths the server answers, and `/healthz` and `/readyz` report the service and
//! its migrations.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{header, TestApp};

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

#[tokio::test]
async fn the_openapi_document_lists_exactly_the_paths_the_server_answers() {
    let app = TestApp::spawn().await;
    let document = app.get_ok("/openapi.json").await;
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    // The index lists every collection; each must be documented.
    let index = app.get_ok("/v1").await;
    for link in index["links"].as_object().unwrap().values() {
        let path = link.as_str().unwrap().split('?').next().unwrap();
        // The pages for people (the dashboard, Swagger UI) are not API operations.
        assert!(
            paths.contains_key(path) || path == "/docs/" || path == "/",
            "{path} is not documented"
        );
    }
    // Every documented path answers 200, with a real id where it takes one.
    for (path, item) in paths {
        let collection = path.rsplit_once("/{").map(|(base, _)| base).unwrap_or("");
        let url = if path.contains('{') {
            let first = app.get_list(collection).await;
            let id = first[0]["id"].as_str().unwrap().to_owned();
            let templated = path.split('{').next().unwrap();
            let rest = path.split('}').nth(1).unwrap_or("");
            format!("{templated}{id}{rest}")
        } else if path == "/v1/search" {
            "/v1/search?q=guangdong".to_owned()
        } else {
            path.clone()
        };
        let response = app.get(&url).await;
        assert_eq!(response.status(), StatusCode::OK, "{path} as {url}");
        let get = &item["get"];
        assert!(get["responses"]["200"].is_object(), "{path}");
        if get["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["name"] == "cursor"))
        {
            let body: Value = response.json().await.unwrap();
            assert!(body["meta"]["total"].is_u64(), "{path} is a paged list");
        }
    }
    // A path that is not documented is not served either.
    app.get_problem("/v1/figures", StatusCode::NOT_FOUND).await;
    let docs = app.get("/docs/").await;
    assert!(header(&docs, "content-type").starts_with("text/html"));
}
