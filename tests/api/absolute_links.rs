//! Absolute links: `links.*`, the `Link` header, every entity's links and the index start
//! with where the client reached the API: `--public-url` when set, else the request's `Host`
//! over http, and a proxy's `X-Forwarded-Proto`/`X-Forwarded-Host` only with
//! `--trust-forwarded`. The response cache keeps each base's answers apart.

use gd_indicators::http::base_url::parse_public_url;
use gd_indicators::HttpSettings;
use serde_json::Value;

use crate::helpers::{header, TestApp};

const PAGE: &str = "/v1/observations?limit=2&sort=id";

/// The page's `links`, its `Link` header, and Guangdong's links, each read with `headers`.
async fn links_seen(app: &TestApp, headers: &[(&str, &str)]) -> (Value, String, Value) {
    let page = app.get_with(PAGE, headers).await;
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    let link = header(&page, "link");
    let body: Value = page.json().await.unwrap();
    let region = app.get_with("/v1/regions/guangdong", headers).await;
    let region: Value = region.json().await.unwrap();
    (body["links"].clone(), link, region["links"].clone())
}

/// Every link starts with `base`, and each is the page or resource it names.
fn assert_links_start_with(base: &str, (links, link, region): &(Value, String, Value)) {
    assert_eq!(links["self"], format!("{base}{PAGE}"), "{links}");
    let next = links["next"].as_str().expect("a next page");
    assert!(
        next.starts_with(&format!("{base}/v1/observations?limit=2&sort=id&cursor=")),
        "{next}"
    );
    assert_eq!(link, &format!("<{next}>; rel=\"next\""));
    assert_eq!(region["self"], format!("{base}/v1/regions/guangdong"));
    assert_eq!(
        region["observations"],
        format!("{base}/v1/observations?region=guangdong")
    );
}

#[tokio::test]
async fn links_are_absolute_from_the_requests_host() {
    let app = TestApp::spawn().await;
    let seen = links_seen(&app, &[]).await;
    assert_links_start_with(&app.address, &seen);
    // The link works as it is.
    let next = app.get_ok(seen.0["next"].as_str().unwrap()).await;
    assert_eq!(next["meta"]["count"], 2);

    let seen = links_seen(&app, &[("host", "stats.example:8080")]).await;
    assert_links_start_with("http://stats.example:8080", &seen);
    let index = app.get_with("/v1", &[("host", "stats.example")]).await;
    let index: Value = index.json().await.unwrap();
    assert_eq!(index["links"]["regions"], "http://stats.example/v1/regions");
    let hit = app
        .get_with("/v1/search?q=robot", &[("host", "stats.example")])
        .await;
    let hit: Value = hit.json().await.unwrap();
    let first = &hit["data"][0];
    assert!(
        first["links"]["self"]
            .as_str()
            .unwrap()
            .starts_with("http://stats.example/v1/"),
        "{first}"
    );
}

#[tokio::test]
async fn a_public_url_with_a_path_prefix_starts_every_link_whatever_the_host() {
    let app = TestApp::spawn_with(HttpSettings {
        public_url: Some(parse_public_url("https://stats.example/gd/").unwrap()),
        ..HttpSettings::default()
    })
    .await;
    for headers in [
        &[][..],
        &[("host", "elsewhere.example")][..],
        &[
            ("x-forwarded-proto", "http"),
            ("x-forwarded-host", "proxy.example"),
        ][..],
    ] {
        let seen = links_seen(&app, headers).await;
        assert_links_start_with("https://stats.example/gd", &seen);
    }
    // A trailing slash's redirect stays under the prefix too: a bare path would leave the API
    // behind a proxy that strips the prefix.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .get(format!("{}/v1/regions/?limit=2", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        header(&response, "location"),
        "https://stats.example/gd/v1/regions?limit=2"
    );
}

#[tokio::test]
async fn forwarded_headers_count_only_with_trust_forwarded() {
    let forwarded = [
        ("x-forwarded-proto", "https"),
        ("x-forwarded-host", "stats.example"),
    ];
    let untrusting = TestApp::spawn().await;
    let seen = links_seen(&untrusting, &forwarded).await;
    assert_links_start_with(&untrusting.address, &seen);

    let trusting = TestApp::spawn_with(HttpSettings {
        trust_forwarded: true,
        ..HttpSettings::default()
    })
    .await;
    let seen = links_seen(&trusting, &forwarded).await;
    assert_links_start_with("https://stats.example", &seen);
    // Without them, the Host.
    let seen = links_seen(&trusting, &[]).await;
    assert_links_start_with(&trusting.address, &seen);
}

#[tokio::test]
async fn the_response_cache_keeps_each_hosts_links_apart() {
    let app = TestApp::spawn().await;
    for round in ["miss", "hit"] {
        for host in ["one.example", "two.example"] {
            let response = app.get_with(PAGE, &[("host", host)]).await;
            assert_eq!(header(&response, "x-cache"), round, "{host}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(
                body["links"]["self"],
                format!("http://{host}{PAGE}"),
                "{round} for {host}"
            );
        }
    }
}
