//! `/v1/indicators`: what each figure measures, and each indicator's series.

use crate::helpers::{ids, live_seed_figures, seed_table, TestApp};

#[tokio::test]
async fn indicators_catalogue_every_figure() {
    let app = TestApp::spawn().await;
    let indicators = app.get_list("/v1/indicators").await;
    assert_eq!(indicators.len(), seed_table("indicators").len());
    let total: i64 = indicators
        .iter()
        .map(|i| i["observation_count"].as_i64().unwrap())
        .sum();
    assert_eq!(total as usize, live_seed_figures().len());
    assert!(indicators
        .iter()
        .all(|i| i["observation_count"].as_i64() > Some(0)));

    let rd = app.get_ok("/v1/indicators/rd-expenditure").await;
    assert_eq!(rd["unit"], "cny");
    assert_eq!(
        rd["links"]["observations"],
        format!("{}/v1/indicators/rd-expenditure/observations", app.address)
    );
    let series = app
        .get_figures("/v1/indicators/rd-expenditure/observations")
        .await;
    assert_eq!(
        ids(&series),
        ["rd-expenditure-2024", "rd-expenditure-2024-usd"]
    );
    assert_eq!(series[0].value, 510);
    assert_eq!(series[0].qualifier, "about");
    assert_eq!(series[1].unit, "usd");
    assert_eq!(series[1].value, 70.3);
    assert_eq!(
        series[1].equivalent_of.as_deref(),
        Some("rd-expenditure-2024")
    );
    assert_eq!(
        series[0].provenance.cited_source.as_deref(),
        Some("Guangdong provincial government work report, 2025")
    );
    let usd_only = app
        .get_figures("/v1/indicators/rd-expenditure/observations?unit=usd")
        .await;
    assert_eq!(ids(&usd_only), ["rd-expenditure-2024-usd"]);

    let marine = app.get_list("/v1/indicators?topic=marine_economy").await;
    assert_eq!(marine.len(), 3);
}
