//! `/v1/indicators/{id}/chart.svg`: an indicator's series as an SVG bar chart.

use reqwest::StatusCode;

use crate::helpers::{header, TestApp};

#[tokio::test]
async fn a_chart_has_a_title_units_labels_marks_a_source_and_one_bar_per_period() {
    let app = TestApp::spawn().await;
    let response = app
        .get("/v1/indicators/technology-contract-value/chart.svg?width=800&height=500")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header(&response, "content-type"),
        "image/svg+xml; charset=utf-8"
    );
    let svg = response.text().await.unwrap();
    let document = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("800"));
    assert_eq!(root.attribute("height"), Some("500"));
    let texts: Vec<String> = root
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().trim().to_owned())
        .collect();
    for expected in [
        "Value of registered technology contracts — Guangdong",
        "billion yuan",
        "2020",
        "2023",
        ">340",
        ">440",
    ] {
        assert!(
            texts.iter().any(|t| t == expected),
            "'{expected}' in {texts:?}"
        );
    }
    assert!(texts.iter().any(|t| t.starts_with("Source: China Daily")));
    let bars = root
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("#1F77B4"))
        .count();
    assert_eq!(bars, 2, "one bar per period");

    // A single figure is one bar of positive width, with its qualifier marked.
    let about = app.get("/v1/indicators/rd-expenditure/chart.svg").await;
    let svg = about.text().await.unwrap();
    assert!(svg.contains("≈510"), "the qualifier is marked");
    let document = roxmltree::Document::parse(&svg).unwrap();
    let widths: Vec<f64> = document
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("#1F77B4"))
        .map(|n| n.attribute("width").unwrap().parse().unwrap())
        .collect();
    assert_eq!(widths.len(), 1);
    assert!(widths[0] > 50.0, "{widths:?}");

    // Bars of different clusters are numbered and keyed by cluster and date.
    let clusters = app
        .get("/v1/indicators/cluster-operating-revenue/chart.svg")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        clusters.contains("1 automotive 2023;"),
        "a key names each bar"
    );
    // Money is drawn in the scale of its largest figure: 0.285 and 53.8 billion yuan.
    let hengqin = app
        .get("/v1/indicators/hengqin-gdp/chart.svg")
        .await
        .text()
        .await
        .unwrap();
    assert!(hengqin.contains("0.285") && hengqin.contains("billion yuan"));
    // A rank is a position, not a quantity.
    let problem = app
        .get_problem(
            "/v1/indicators/marine-economy-national-rank/chart.svg",
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(problem.parameter(), "id");
    assert!(
        problem.detail.contains("a position is not a quantity"),
        "{problem:?}"
    );

    let problem = app
        .get_problem("/v1/indicators/atlantis/chart.svg", StatusCode::NOT_FOUND)
        .await;
    assert!(problem.detail.contains("'atlantis'"), "{problem:?}");
    let problem = app
        .get_problem(
            "/v1/indicators/rd-expenditure/chart.svg?width=5",
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(problem.parameter(), "width");
}

#[tokio::test]
async fn a_chart_with_no_figure_in_the_regions_given_is_a_404_saying_so() {
    let app = TestApp::spawn().await;
    let id = "huawei-harmonyos-development-years";
    let response = app.get(&format!("/v1/indicators/{id}/chart.svg")).await;
    assert_eq!(response.status(), StatusCode::OK, "it has figures");
    let problem = app
        .get_problem(
            &format!("/v1/indicators/{id}/chart.svg?region=china"),
            StatusCode::NOT_FOUND,
        )
        .await;
    assert!(
        problem
            .detail
            .contains("no stated figures in the regions given")
            && problem
                .detail
                .contains(&format!("/v1/indicators/{id}/observations")),
        "{}",
        problem.detail
    );
}
