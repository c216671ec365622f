//! Facets: a dashboard's filter menus in one request. `facets=` counts the figures a filter
//! keeps by each value of a column; each count is what that value's own filter would answer.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{header, FacetValue, Figure, TestApp};

const ALL_FACETS: &str = "region,indicator,unit,year,qualifier,role,source";

/// The facets of `path` (which asks for some), read from its JSON answer.
async fn facets_of(app: &TestApp, path: &str) -> BTreeMap<String, Vec<FacetValue>> {
    let page = app.get_page::<Figure>(path).await;
    page.meta.facets.expect("meta.facets, asked for")
}

/// Checks every count of `facets` (of the figures `filter` keeps, `total` of them) against the
/// filter that value names: `region=x` keeps exactly `count` figures. Each figure has one
/// value of every facet but the year (a period overlaps several years, or none).
async fn assert_each_count_is_its_filters(
    app: &TestApp,
    filter: &str,
    total: usize,
    facets: &BTreeMap<String, Vec<FacetValue>>,
) {
    for (facet, values) in facets {
        assert!(!values.is_empty(), "{facet} has values");
        let counts: Vec<usize> = values.iter().map(|v| v.count).collect();
        assert!(
            counts.windows(2).all(|w| w[0] >= w[1]),
            "{facet}: most figures first: {counts:?}"
        );
        if facet != "year" {
            assert_eq!(
                counts.iter().sum::<usize>(),
                total,
                "{facet} sums to the total"
            );
        }
        for value in values {
            let path = format!("/v1/observations?{filter}&{facet}={}&limit=0", value.id);
            let page = app.get_page::<Figure>(&path).await;
            assert_eq!(page.meta.total, value.count, "{path}");
        }
    }
}

#[tokio::test]
async fn every_facet_counts_what_its_own_filter_keeps_on_the_article() {
    let app = TestApp::spawn().await;
    let filter = "within=guangdong&from=2020";
    let path = format!("/v1/observations?{filter}&facets={ALL_FACETS}&limit=2&sort=-value");
    let page = app.get_page::<Figure>(&path).await;
    assert_eq!(
        page.data.len(),
        2,
        "the page is a page, the facets count all of them"
    );
    assert!(page.meta.total > 20, "{}", page.meta.total);
    let facets = page.meta.facets.clone().expect("meta.facets");
    let names: Vec<&str> = facets.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "indicator",
            "qualifier",
            "region",
            "role",
            "source",
            "unit",
            "year"
        ]
    );
    assert_each_count_is_its_filters(&app, filter, page.meta.total, &facets).await;

    // Regions are labelled with their names, and a grouping around Guangdong is not inside it.
    for region in &facets["region"] {
        let named = app.get_ok(&format!("/v1/regions/{}", region.id)).await;
        assert_eq!(named["name"], region.label.as_str());
    }
    assert!(facets["region"].len() > 1, "{:?}", facets["region"]);
    assert!(!facets["region"].iter().any(|v| v.id == "greater-bay-area"));
    // Words are their own labels; names are the catalogue's.
    assert!(facets["unit"].iter().all(|v| v.label == v.id));
    let indicator = &facets["indicator"][0];
    let named = app
        .get_ok(&format!("/v1/indicators/{}", indicator.id))
        .await;
    assert_eq!(named["name"], indicator.label.as_str());
}

#[tokio::test]
async fn facet_labels_come_in_the_language_asked_and_the_facets_in_the_order_asked() {
    let app = TestApp::spawn().await;
    let response = app
        .get("/v1/observations?region=guangdong,shenzhen&facets=source,region&lang=zh")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    let at = |key: &str| body.find(&format!("\"{key}\":[")).unwrap();
    assert!(at("source") < at("region"), "in the order asked: {body}");
    let page: Value = serde_json::from_str(&body).unwrap();
    let regions = page["meta"]["facets"]["region"].as_array().unwrap();
    let labels: BTreeMap<&str, &str> = regions
        .iter()
        .map(|v| (v["id"].as_str().unwrap(), v["label"].as_str().unwrap()))
        .collect();
    assert_eq!(
        labels,
        BTreeMap::from([("guangdong", "广东省"), ("shenzhen", "深圳市")])
    );
    let zh = app.get_ok("/v1/regions/shenzhen?lang=zh").await;
    assert_eq!(zh["name"], "深圳市");
}

#[tokio::test]
async fn facets_are_on_every_figure_list_and_ignored_for_csv() {
    let app = TestApp::spawn().await;
    for path in [
        "/v1/revenues?facets=region",
        "/v1/patents?facets=region",
        "/v1/indicators/cluster-operating-revenue/observations?facets=region",
    ] {
        let page = app.get_page::<Figure>(path).await;
        let regions = &page.meta.facets.as_ref().expect(path)["region"];
        assert_eq!(
            regions.iter().map(|v| v.count).sum::<usize>(),
            page.meta.total,
            "{path}"
        );
    }
    let plain = app.get("/v1/observations?region=hengqin&format=csv").await;
    let faceted = app
        .get("/v1/observations?region=hengqin&facets=year&format=csv")
        .await;
    assert_eq!(faceted.status(), StatusCode::OK);
    assert_eq!(plain.text().await.unwrap(), faceted.text().await.unwrap());
    // Without facets asked for, meta has none.
    let page = app.get_page::<Figure>("/v1/observations?limit=1").await;
    assert!(page.meta.facets.is_none());
}

#[tokio::test]
async fn an_unknown_facet_or_one_with_a_transform_is_refused_by_name() {
    let app = TestApp::spawn().await;
    let problem = app
        .get_problem(
            "/v1/observations?facets=region,colour",
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(problem.parameter(), "facets");
    assert_eq!(
        problem.detail,
        "facets: 'colour' is not accepted. Accepted values: region, indicator, unit, year, \
         qualifier, role, source."
    );
    let problem = app
        .get_problem(
            "/v1/indicators/technology-contract-value/observations?transform=change&facets=year",
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(problem.parameter(), "facets");
    assert!(problem.detail.contains("transform"), "{}", problem.detail);
    let problem = app
        .get_problem("/v1/export?facets=region", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem.parameter(), "facets");
}

#[tokio::test]
async fn facets_count_a_generated_database_as_its_filters_do() {
    let app = TestApp::spawn().await;
    let output = app
        .generate(&["--observations", "3000", "--seed", "11"])
        .await;
    assert!(output.status.success(), "{output:?}");
    let filter = "source=synthetic";
    let path = format!("/v1/observations?{filter}&facets={ALL_FACETS}&limit=0");
    let response = app.get(&path).await;
    let total: usize = header(&response, "x-total-count").parse().unwrap();
    assert!(total > 2500, "most of the 3000 are not retracted: {total}");
    let facets = facets_of(&app, &path).await;
    assert!(facets["region"].len() > 2, "{:?}", facets["region"]);
    assert_each_count_is_its_filters(&app, filter, total, &facets).await;
}
