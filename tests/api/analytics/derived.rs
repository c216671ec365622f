//! `/v1/derived`: the figures the source implies, served as derived.

use crate::helpers::{by_id, Figure, TestApp};

#[tokio::test]
async fn figures_the_source_implies_are_served_as_derived() {
    let app = TestApp::spawn().await;
    let derived: Vec<Figure> = app.get_page("/v1/derived").await.data;
    assert!(derived.iter().all(|d| d.derived_from.is_some()));
    // 14.5 trillion in 2024, 3.7 trillion more than in 2018: 10.8 trillion in 2018.
    let gba_2018 = by_id(
        &derived,
        "gba-economic-aggregate-change-2018-2024-implied-start",
    );
    assert_eq!(gba_2018.value_in_units, 10_800_000_000_000);
    assert_eq!(gba_2018.period.start.as_deref(), Some("2018"));
    // One-ninth of the national economy: 14.5 × 9 = 130.5 trillion.
    let national = by_id(
        &derived,
        "gba-share-of-national-economy-implied-national-total",
    );
    assert_eq!(national.value_in_units, 130_500_000_000_000);
    // About one-fifth (15 to 25 %): over 2 trillion / 0.2 = 10 trillion, known only to be
    // more than 2 / 0.25 = 8 trillion.
    let marine = by_id(
        &derived,
        "marine-gdp-national-share-2024-implied-national-total",
    );
    assert_eq!(marine.value_in_units, 10_000_000_000_000);
    assert_eq!(marine.qualifier, "indeterminate");
    let lower = marine.bounds.lower.as_ref().expect("a lower bound");
    assert_eq!(lower.value, 8);
    // 93,200 after a 24.75% rise: 93,200 / 1.2475 = 74,709.42, so about 74,709 a year earlier.
    let patents = by_id(
        &derived,
        "invention-patents-granted-2024-jan-oct-implied-previous",
    );
    assert_eq!(patents.value, 74_709);
    assert_eq!(patents.qualifier, "about");
    assert_eq!(national.qualifier, "about", "one-ninth is a rounded share");
    assert_eq!(patents.period.start.as_deref(), Some("2023-01"));
    assert_eq!(patents.period.end.as_deref(), Some("2023-10"));
}
