//! A file with any problem is refused whole, each problem at its line and column.

use gd_indicators::service::import::ImportFailure;

use super::export_csv;
use crate::helpers::{seed_csv, seed_table, TestApp};

#[tokio::test]
async fn a_file_with_one_bad_row_writes_nothing() {
    let app = TestApp::spawn().await;
    let before_export = export_csv(&app, "").await;
    let file = seed_csv(&[
        ("rd-expenditure-2024", &[("value", "512")]),
        (
            "rd-expenditure-2024",
            &[("id", "rd-expenditure-2025"), ("period_start", "2025")],
        ),
        ("marine-gdp-2024", &[("region_id", "atlantis")]),
        (
            "high-tech-enterprises-2024",
            &[("qualifier", "roughly"), ("unit", "furlongs")],
        ),
    ]);
    let Err(ImportFailure::Invalid(errors)) = app.import("mixed.csv", &file).await else {
        panic!("a file with bad rows must be refused");
    };
    let places: Vec<(usize, usize, &str)> = errors
        .iter()
        .map(|e| {
            (
                e.position.line,
                e.position.column,
                e.field.as_deref().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        places,
        vec![
            (3, 15, "period_end"),
            (4, 3, "region_id"),
            (5, 10, "unit"),
            (5, 11, "qualifier"),
        ],
        "{errors:#?}"
    );
    assert!(errors[1].message.contains("no region 'atlantis'"));

    // Not even the valid rows were written, nor the import recorded: the imports are the
    // migrations' (seed/imports.csv).
    assert_eq!(export_csv(&app, "").await, before_export);
    let imports: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM imports")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(imports as usize, seed_table("imports").len());
}
