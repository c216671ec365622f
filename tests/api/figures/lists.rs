//! Figure lists: `/v1/observations`, `/v1/revenues`, `/v1/patents`.

use crate::helpers::{by_id, ids, TestApp};

#[tokio::test]
async fn revenues_filter_by_cluster_year_and_currency() {
    let app = TestApp::spawn().await;
    // One figure: the copy of the group's threshold is retracted (migration 0007).
    let new_energy = app.get_figures("/v1/revenues?cluster=new-energy").await;
    assert_eq!(ids(&new_energy), ["new-energy-operating-revenue-2024"]);

    let in_2023 = app.get_figures("/v1/revenues?year=2023").await;
    assert_eq!(ids(&in_2023), ["automotive-operating-revenue-2023"]);

    let dollars = app.get_figures("/v1/revenues?unit=usd").await;
    let values: Vec<f64> = dollars.iter().map(|f| f.value.f64()).collect();
    assert_eq!(values, [137.97, 1.38]);

    let maoming = app
        .get_figures("/v1/revenues?region=maoming&unit=cny")
        .await;
    assert_eq!(maoming.len(), 1);
    assert_eq!(maoming[0].value_in_units, 10_000_000_000);
    assert_eq!(maoming[0].qualifier, "at_least");
}

#[tokio::test]
async fn patents_of_the_strategic_clusters_january_to_october_2024() {
    let app = TestApp::spawn().await;
    let patents = app.get_figures("/v1/patents").await;
    let granted = by_id(&patents, "invention-patents-granted-2024-jan-oct");
    assert_eq!(granted.value, 93200);
    assert_eq!(granted.period.kind, "span");
    assert_eq!(granted.period.start.as_deref(), Some("2024-01"));
    assert_eq!(granted.period.end.as_deref(), Some("2024-10"));
    assert_eq!(
        granted.cluster_group.as_deref(),
        Some("strategic-industry-clusters")
    );
    let growth = by_id(&patents, "invention-patents-yoy-growth-2024-jan-oct");
    assert_eq!(growth.value, 24.75);
    let infographic = by_id(
        &patents,
        "invention-patents-granted-2024-jan-oct-infographic",
    );
    assert_eq!(
        infographic.restates.as_deref(),
        Some("invention-patents-granted-2024-jan-oct")
    );
    assert_eq!(infographic.provenance.section, "Infographic");
    assert!(app.get_list("/v1/patents?year=2023").await.is_empty());
}

#[tokio::test]
async fn every_printed_dollar_amount_points_at_its_yuan_figure() {
    let app = TestApp::spawn().await;
    let dollars = app.get_figures("/v1/observations?unit=usd").await;
    let printed: Vec<f64> = dollars.iter().map(|f| f.value.f64()).collect();
    assert_eq!(printed, [137.97, 70.3, 13.79, 275.86, 1.38]);
    for dollar in &dollars {
        let yuan_id = dollar.equivalent_of.as_deref().expect("equivalent_of");
        let yuan = app.get_figure(&format!("/v1/observations/{yuan_id}")).await;
        assert_eq!(yuan.unit, "cny");
        assert_eq!(yuan.period, dollar.period);
        // The article's own rates all sit between 7.24 and 7.26 yuan a dollar.
        let rate = yuan.value_in_units.f64() / dollar.value_in_units.f64();
        assert!((7.24..7.26).contains(&rate), "{yuan_id}: {rate}");
    }
}
