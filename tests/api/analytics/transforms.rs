//! `transform=`: a series' change, percentage change and growth rate, with their formula.

use reqwest::StatusCode;

use super::close;
use crate::helpers::{ids, Figure, TestApp};

#[tokio::test]
async fn transforms_of_a_series_are_derived_with_their_formula() {
    let app = TestApp::spawn().await;
    let path = "/v1/indicators/technology-contract-value/observations";
    // Over 340 billion (2020) to over 440 billion (2023), worked by hand.
    let change: Vec<Figure> = app.get_page(&format!("{path}?transform=change")).await.data;
    assert_eq!(change.len(), 1);
    assert_eq!(change[0].value_in_units, 100_000_000_000);
    assert_eq!(
        change[0].formula.as_deref(),
        Some("440000000000 - 340000000000")
    );
    assert_eq!(change[0].period.start.as_deref(), Some("2020"));
    assert_eq!(change[0].period.end.as_deref(), Some("2023"));
    assert_eq!(
        change[0].qualifier, "indeterminate",
        "two lower bounds bound no difference"
    );
    assert_eq!(
        change[0].derived_from.as_deref(),
        Some(
            &[
                "technology-contract-value-2020".to_owned(),
                "technology-contract-value-2023".to_owned()
            ][..]
        )
    );

    let pct: Vec<Figure> = app
        .get_page(&format!("{path}?transform=pct_change"))
        .await
        .data;
    assert!(close(
        pct[0].value.f64(),
        (440.0 / 340.0 - 1.0) * 100.0,
        1e-6
    )); // 29.4118
    assert_eq!(pct[0].unit, "percent");

    let cagr: Vec<Figure> = app.get_page(&format!("{path}?transform=cagr")).await.data;
    let expected = ((440.0_f64 / 340.0).powf(1.0 / 3.0) - 1.0) * 100.0; // 8.9744
    assert!(close(cagr[0].value.f64(), expected, 1e-6), "{:?}", cagr[0]);
    assert!(cagr[0]
        .formula
        .as_deref()
        .unwrap_or_default()
        .contains("^(1/3)"));

    // The level is the series itself: its stated figures, whole.
    let level = app.get_figures(&format!("{path}?transform=level")).await;
    assert_eq!(
        ids(&level),
        [
            "technology-contract-value-2020",
            "technology-contract-value-2023"
        ]
    );

    // Two clusters are two series: no growth from one cluster to another, and a report date
    // (as_of) is not a period to grow from.
    let revenue = app
        .get_page::<Figure>(
            "/v1/indicators/cluster-operating-revenue/observations?transform=pct_change",
        )
        .await;
    assert!(revenue.data.is_empty(), "{:?}", revenue.data);
    // ... and says why, subject by subject.
    let notes = revenue.meta.notes.expect("an empty transform says why");
    assert!(!notes.is_empty());
    let count_change: Vec<Figure> = app
        .get_page("/v1/indicators/trillion-yuan-cluster-count/observations?transform=change")
        .await
        .data;
    assert_eq!(count_change[0].value, 1);
    assert_eq!(count_change[0].qualifier, "exact");
    let problem = app
        .get_problem(&format!("{path}?transform=log"), StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem.parameter(), "transform");
}
