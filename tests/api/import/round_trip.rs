//! What the API writes imports back: the export, and every CSV of figures.

use gd_indicators::service::import::ImportFailure;
use reqwest::StatusCode;

use super::export_csv;
use crate::helpers::{live_seed_figures, Csv, TestApp};

#[tokio::test]
async fn the_bulk_export_reimports_as_it_is() {
    let app = TestApp::spawn().await;
    let figures = live_seed_figures().len();
    let csv = export_csv(&app, "").await;
    let (plan, receipt) = app.import("export.csv", &csv).await.unwrap();
    assert_eq!((plan.changes.len(), plan.unchanged), (0, figures));
    assert!(receipt.is_none(), "nothing to change, nothing recorded");

    let json = app.get("/v1/export").await.text().await.unwrap();
    let (plan, _) = app.import("export.json", &json).await.unwrap();
    assert_eq!((plan.changes.len(), plan.unchanged), (0, figures));

    // A converted export would change values, so it is refused: its conversion columns say
    // what was stated, and are set on exactly the rows converted.
    let plain = Csv::parse(&csv);
    for presentation in ["&currency=USD", "&scale=billion"] {
        let text = export_csv(&app, presentation).await;
        let converted = Csv::parse(&text);
        assert_eq!(converted.cells("id"), plain.cells("id"), "{presentation}");
        // The lines of the file (the header is line 1) whose value, scale or unit changed.
        let changed: Vec<usize> = (0..plain.rows.len())
            .filter(|&row| {
                ["value", "scale", "unit"].iter().any(|column| {
                    converted.rows[row][converted.column(column)]
                        != plain.rows[row][plain.column(column)]
                })
            })
            .map(|row| row + 2)
            .collect();
        assert!(!changed.is_empty(), "{presentation} converts something");
        let stated: Vec<usize> = (converted.cells("stated_value").iter().enumerate())
            .filter(|(_, cell)| !cell.is_empty())
            .map(|(row, _)| row + 2)
            .collect();
        assert_eq!(
            stated, changed,
            "{presentation}: stated_value is set where converted"
        );
        let Err(ImportFailure::Invalid(errors)) = app.import("converted.csv", &text).await else {
            panic!("an export with {presentation} must be refused");
        };
        assert!(
            errors
                .iter()
                .all(|e| e.field.as_deref() == Some("stated_value")),
            "{errors:#?}"
        );
        let refused: Vec<usize> = errors.iter().map(|e| e.position.line).collect();
        assert_eq!(
            refused, changed,
            "{presentation}: each converted row, and only those"
        );
    }
}

#[tokio::test]
async fn every_csv_of_figures_the_api_writes_imports_back_unchanged() {
    let app = TestApp::spawn().await;
    for path in [
        "/v1/observations?limit=1000&format=csv",
        "/v1/revenues?sort=-value&format=csv",
        "/v1/patents?region=guangdong&format=csv",
        "/v1/indicators/rd-expenditure/observations?format=csv",
        "/v1/export?format=csv&indicator=rd-expenditure",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let csv = response.text().await.unwrap();
        let rows = Csv::parse(&csv).rows.len();
        assert!(rows > 0, "{path}");
        let (plan, receipt) = (app.plan_import("list.csv", &csv).await)
            .unwrap_or_else(|failure| panic!("{path}: {failure:?}"));
        assert!(receipt.is_none(), "a dry run records nothing");
        assert_eq!(
            (plan.changes.len(), plan.unchanged),
            (0, rows),
            "{path}: every figure already stored as given"
        );
    }
    // A list's CSV and the export's are one dialect: the same header, the same rows.
    let list = app
        .get("/v1/indicators/rd-expenditure/observations?format=csv")
        .await
        .text()
        .await
        .unwrap();
    let export = export_csv(&app, "&indicator=rd-expenditure").await;
    assert_eq!(list, export);
}
