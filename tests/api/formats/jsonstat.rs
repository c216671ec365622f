//! `format=jsonstat` (or `Accept: application/json-stat+json`): one indicator's figures as a
//! JSON-stat 2.0 dataset whose cells hold the JSON answer's values.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::Value;

use crate::helpers::{header, read, Figure, Number, TestApp};

/// A JSON-stat 2.0 dataset, as the API writes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Dataset {
    version: String,
    class: String,
    label: String,
    href: String,
    id: Vec<String>,
    size: Vec<usize>,
    role: BTreeMap<String, Vec<String>>,
    dimension: BTreeMap<String, Dimension>,
    value: BTreeMap<String, Number>,
    status: BTreeMap<String, String>,
    extension: DatasetExtension,
    #[serde(default)]
    link: Option<BTreeMap<String, Vec<Link>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DatasetExtension {
    indicator: String,
    figure: BTreeMap<String, String>,
    status: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Dimension {
    label: String,
    category: Category,
    #[serde(default)]
    extension: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Category {
    index: Vec<String>,
    label: BTreeMap<String, String>,
    #[serde(default)]
    unit: Option<BTreeMap<String, Unit>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Unit {
    label: String,
    decimals: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Link {
    #[serde(rename = "type")]
    media_type: String,
    href: String,
}

/// The category a figure of the JSON answer falls in, in the dimension `id`.
fn category_of(figure: &Figure, id: &str) -> String {
    let optional = |value: &Option<String>| value.clone().unwrap_or_else(|| "_Z".to_owned());
    match id {
        "region" => figure.region.id.clone(),
        "period" => {
            let period = &figure.period;
            match (period.kind.as_str(), &period.start, &period.end) {
                ("year", Some(start), Some(end)) if start == end => start.clone(),
                ("unspecified", None, None) => "unspecified".to_owned(),
                (kind, start, end) => format!(
                    "{kind}:{}/{}",
                    start.as_deref().unwrap_or(".."),
                    end.as_deref().unwrap_or("..")
                ),
            }
        }
        "cluster" => optional(&figure.cluster),
        "cluster_group" => optional(&figure.cluster_group),
        "company" => optional(&figure.company),
        "city_plan" => optional(&figure.city_plan),
        "role" => optional(&figure.role),
        "source" => figure.provenance.source.id.clone(),
        "measure" if figure.scale == "unit" => figure.unit.clone(),
        "measure" => format!("{}.{}", figure.unit, figure.scale),
        other => panic!("an unknown dimension {other}"),
    }
}

/// Reads the dataset at `path`, checking its media type and file name.
async fn get_dataset(app: &TestApp, path: &str, accept: &[(&str, &str)]) -> Dataset {
    let response = app.get_with(path, accept).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    assert_eq!(
        header(&response, "content-type"),
        "application/json-stat+json"
    );
    assert!(
        header(&response, "content-disposition").ends_with(".jsonstat.json\""),
        "{path}"
    );
    read(&response.text().await.unwrap(), path)
}

/// Checks that every figure of the JSON answer is in its cell of `dataset`, with its value,
/// its qualifier as status, and its id; and that no cell holds anything else.
fn assert_cells_hold(dataset: &Dataset, figures: &[Figure]) {
    assert_eq!(dataset.version, "2.0");
    assert_eq!(dataset.class, "dataset");
    assert_eq!(dataset.id.len(), dataset.size.len());
    for (id, size) in dataset.id.iter().zip(&dataset.size) {
        let dimension = &dataset.dimension[id];
        assert_eq!(dimension.category.index.len(), *size, "{id}");
        for category in &dimension.category.index {
            assert!(dimension.category.label.contains_key(category), "{id}");
        }
    }
    assert_eq!(dataset.value.len(), figures.len());
    for figure in figures {
        let mut index = 0;
        for (id, size) in dataset.id.iter().zip(&dataset.size) {
            let category = category_of(figure, id);
            let position = dataset.dimension[id]
                .category
                .index
                .iter()
                .position(|c| *c == category)
                .unwrap_or_else(|| panic!("{}: no category {category} in {id}", figure.id));
            index = index * size + position;
        }
        let key = index.to_string();
        assert_eq!(dataset.value[&key], figure.value, "{}", figure.id);
        assert_eq!(dataset.extension.figure[&key], figure.id);
        assert_eq!(
            dataset.status.get(&key).map(String::as_str),
            (figure.qualifier != "exact").then_some(figure.qualifier.as_str()),
            "{}",
            figure.id
        );
    }
}

#[tokio::test]
async fn a_dataset_holds_one_indicators_figures_in_their_cells() {
    let app = TestApp::spawn().await;
    let path = "/v1/observations?indicator=cluster-operating-revenue&format=jsonstat";
    let dataset = get_dataset(&app, path, &[]).await;
    let figures = app
        .get_figures("/v1/observations?indicator=cluster-operating-revenue")
        .await;
    assert!(figures.len() > 5);
    assert_cells_hold(&dataset, &figures);
    assert_eq!(dataset.label, "Operating revenue of an industry cluster");
    // Absolute, like every link the API serves.
    assert_eq!(dataset.href, format!("{}{path}", app.address));
    assert_eq!(dataset.extension.indicator, "cluster-operating-revenue");
    // The dimensions in use: no company or city plan has a revenue figure.
    assert_eq!(
        dataset.id,
        ["region", "period", "cluster", "cluster_group", "measure"]
    );
    assert_eq!(dataset.role["geo"], ["region"]);
    assert_eq!(dataset.role["time"], ["period"]);
    assert_eq!(dataset.role["metric"], ["measure"]);
    // The unit and scale: trillions of yuan, with one decimal.
    let measure = &dataset.dimension["measure"];
    assert_eq!(measure.label, "unit and scale");
    assert_eq!(measure.category.index, ["cny.trillion"]);
    let unit = &measure.category.unit.as_ref().unwrap()["cny.trillion"];
    assert_eq!(unit.label, "trillion yuan");
    assert_eq!(unit.decimals, 1);
    assert_eq!(
        measure.extension.as_ref().unwrap()["measure"]["cny.trillion"],
        serde_json::json!({"unit": "cny", "currency": "CNY", "scale": "trillion", "unit_mult": 12})
    );
    assert_eq!(dataset.extension.status["at_least"], "at_least");
    assert!(dataset.link.is_none(), "one page holds them all");
}

#[tokio::test]
async fn the_role_dimension_separates_a_figure_from_its_restatement() {
    let app = TestApp::spawn().await;
    let figures = app
        .get_figures("/v1/indicators/open-day-journalists/observations")
        .await;
    let dataset = get_dataset(
        &app,
        "/v1/indicators/open-day-journalists/observations",
        &[("accept", "application/json+stat")],
    )
    .await;
    assert_eq!(dataset.id, ["region", "period", "role", "measure"]);
    assert_cells_hold(&dataset, &figures);
    assert_eq!(
        dataset.dimension["role"].category.index,
        ["primary", "restatement"]
    );
    // The caption's "nearly 270" is the status of its cell.
    assert!(dataset.status.values().any(|status| status == "nearly"));
}

#[tokio::test]
async fn a_dataset_is_paged_like_its_list() {
    let app = TestApp::spawn().await;
    let path = "/v1/observations?indicator=cluster-operating-revenue&limit=2";
    let dataset = get_dataset(&app, path, &[("accept", "application/json-stat+json")]).await;
    let page = app.get_figures(path).await;
    assert_cells_hold(&dataset, &page);
    let next = &dataset.link.as_ref().expect("a next page")["next"][0];
    assert_eq!(next.media_type, "application/json-stat+json");
    let rest = get_dataset(
        &app,
        &next.href,
        &[("accept", "application/json-stat+json")],
    )
    .await;
    assert_eq!(rest.value.len(), 2);
    assert_ne!(rest.extension.figure, dataset.extension.figure);
}

#[tokio::test]
async fn what_is_not_one_indicators_figures_is_refused() {
    let app = TestApp::spawn().await;
    // Several indicators: pick one.
    let problem = app
        .get_problem("/v1/observations?format=jsonstat", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem.parameter(), "indicator");
    assert!(problem.detail.contains("/v1/indicators/ID/observations"));
    let problem = app
        .get_problem(
            "/v1/observations?indicator=cluster-operating-revenue,open-day-journalists\
             &format=jsonstat",
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(problem.parameter(), "indicator");
    // A list that is not of figures has no JSON-stat.
    let problem = app
        .get_problem("/v1/regions?format=jsonstat", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem.parameter(), "format");
    assert!(problem.detail.contains("json, csv"), "{}", problem.detail);
    let refused = app
        .get_with("/v1/regions", &[("accept", "application/json-stat+json")])
        .await;
    assert_eq!(refused.status(), StatusCode::NOT_ACCEPTABLE);
    // A dataset has a fixed structure.
    let problem = app
        .get_problem(
            "/v1/indicators/open-day-journalists/observations?format=jsonstat&fields=id",
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(problem.parameter(), "fields");
    let problem = app
        .get_problem("/v1/observations?format=json-stat", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem.parameter(), "format");
}
