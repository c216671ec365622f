//! `format=sdmx-csv` (or `Accept: application/vnd.sdmx.data+csv;version=2.0.0`): a row per
//! figure in SDMX-CSV 2.0's columns, whose values are the JSON answer's.

use reqwest::StatusCode;

use crate::helpers::{header, Csv, TestApp};

/// The SDMX-CSV at `path`, with its media type and file name checked.
async fn get_sdmx(app: &TestApp, path: &str, accept: &[(&str, &str)]) -> Csv {
    let response = app.get_with(path, accept).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    assert_eq!(
        header(&response, "content-type"),
        "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8"
    );
    assert_eq!(
        header(&response, "content-disposition"),
        "attachment; filename=\"gd-indicators-observations.sdmx.csv\""
    );
    Csv::parse(&response.text().await.unwrap())
}

#[tokio::test]
async fn every_figure_is_a_row_of_sdmx_columns_with_its_json_values() {
    let app = TestApp::spawn().await;
    let sdmx = get_sdmx(&app, "/v1/observations?format=sdmx-csv&limit=1000", &[]).await;
    let figures = app.get_figures("/v1/observations?limit=1000").await;
    assert_eq!(sdmx.rows.len(), figures.len());
    assert_eq!(
        sdmx.columns[..14],
        [
            "STRUCTURE",
            "STRUCTURE_ID",
            "ACTION",
            "INDICATOR",
            "REF_AREA",
            "CLUSTER",
            "CLUSTER_GROUP",
            "COMPANY",
            "CITY_PLAN",
            "TIME_PERIOD",
            "OBS_VALUE",
            "UNIT_MEASURE",
            "UNIT_MULT",
            "OBS_STATUS",
        ]
    );
    // The rest are the figure's own columns, in capitals.
    for own in [
        "ID",
        "QUALIFIER",
        "PERIOD_KIND",
        "PERIOD_LABEL",
        "SOURCE_ID",
        "REVISION",
    ] {
        assert!(sdmx.columns.contains(&own.to_owned()), "{own}");
    }
    assert!(!sdmx.columns.contains(&"VALUE".to_owned()));
    let cell = |row: &Vec<String>, name: &str| row[sdmx.column(name)].clone();
    for (row, figure) in sdmx.rows.iter().zip(&figures) {
        assert_eq!(cell(row, "ID"), figure.id);
        assert_eq!(cell(row, "STRUCTURE"), "dataflow");
        assert_eq!(cell(row, "STRUCTURE_ID"), "GD_INDICATORS:FIGURES(1.0.0)");
        assert_eq!(cell(row, "ACTION"), "I");
        assert_eq!(cell(row, "INDICATOR"), figure.indicator.id);
        assert_eq!(cell(row, "REF_AREA"), figure.region.id);
        let dimension = |value: &Option<String>| value.clone().unwrap_or("_Z".to_owned());
        assert_eq!(cell(row, "CLUSTER"), dimension(&figure.cluster));
        assert_eq!(cell(row, "COMPANY"), dimension(&figure.company));
        assert_eq!(
            cell(row, "OBS_VALUE").parse::<f64>().unwrap(),
            figure.value.f64(),
            "{}",
            figure.id
        );
        let mult = match figure.scale.as_str() {
            "unit" => "0",
            "thousand" => "3",
            "million" => "6",
            "billion" => "9",
            "trillion" => "12",
            other => panic!("scale {other}"),
        };
        assert_eq!(cell(row, "UNIT_MULT"), mult, "{}", figure.id);
        let unit = figure.currency.clone().unwrap_or(figure.unit.clone());
        assert_eq!(cell(row, "UNIT_MEASURE"), unit, "{}", figure.id);
        let status = match figure.qualifier.as_str() {
            "exact" => "A",
            "about" => "E",
            _ => "",
        };
        assert_eq!(cell(row, "OBS_STATUS"), status, "{}", figure.id);
        assert_eq!(cell(row, "QUALIFIER"), figure.qualifier);
    }
    let row = |id: &str| sdmx.rows.iter().find(|row| cell(row, "ID") == id).unwrap();
    let span = row("invention-patents-granted-2024-jan-oct");
    assert_eq!(cell(span, "TIME_PERIOD"), "2024-01-01/P10M");
    assert_eq!(
        cell(row("new-energy-operating-revenue-2024"), "TIME_PERIOD"),
        "2024"
    );
}

#[tokio::test]
async fn sdmx_csv_is_chosen_by_its_media_type_and_version() {
    let app = TestApp::spawn().await;
    for accept in [
        "application/vnd.sdmx.data+csv;version=2.0.0",
        "application/vnd.sdmx.data+csv",
        "application/json;q=0.5, application/vnd.sdmx.data+csv; version=\"2.0.0\"",
    ] {
        let sdmx = get_sdmx(&app, "/v1/observations?limit=3", &[("accept", accept)]).await;
        assert_eq!(sdmx.rows.len(), 3, "{accept}");
    }
    // Another version of the format is not this one.
    let refused = app
        .get_with(
            "/v1/observations",
            &[("accept", "application/vnd.sdmx.data+csv;version=1.0.0")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::NOT_ACCEPTABLE);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("application/vnd.sdmx.data+csv;version=2.0.0"));
    // Several indicators are one SDMX-CSV, derived figures too.
    let derived = app.get("/v1/derived?format=sdmx-csv").await;
    assert_eq!(derived.status(), StatusCode::OK);
    let derived = Csv::parse(&derived.text().await.unwrap());
    assert!(!derived.rows.is_empty());
    assert!(derived.cells("FORMULA").iter().all(|f| !f.is_empty()));
    // The export is JSON or CSV only.
    let problem = app
        .get_problem("/v1/export?format=sdmx-csv", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem.parameter(), "format");
}
