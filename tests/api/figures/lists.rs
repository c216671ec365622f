//! Figure lists: `/v1/observations`, `/v1/revenues`, `/v1/patents`.

use crate::helpers::{by_id, ids, Figure, TestApp};

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

/// `role=` on every figure list: `primary` keeps the figures an analyst can sum, leaving out
/// the printed dollar equivalents, the captions' and infographics' repeats and the thresholds
/// that define groups; each figure's `role` says which it is, derived as the audit of the seed
/// proposed (equivalent_of, then restates, then a threshold indicator, else primary).
#[tokio::test]
async fn role_keeps_primary_figures_apart_from_equivalents_restatements_and_thresholds() {
    let app = TestApp::spawn().await;
    let every = app.get_figures("/v1/observations?limit=1000").await;
    let mut counts = Vec::new();
    for role in ["primary", "equivalent", "restatement", "threshold"] {
        let path = format!("/v1/observations?role={role}&limit=1000");
        let page = app.get_page::<Figure>(&path).await;
        let expected: Vec<&str> = (every.iter())
            .filter(|f| f.role.as_deref() == Some(role))
            .map(|f| f.id.as_str())
            .collect();
        assert_eq!(
            ids(&page.data),
            expected,
            "{role}: the filter is the column"
        );
        assert_eq!(page.meta.total, expected.len(), "{role}: the count");
        counts.push(expected.len());
    }
    // The audit's count (seed_fixes.md, section 8): 57 + 5 + 5 + 2 = 69 live figures.
    assert_eq!(counts, [57, 5, 5, 2]);
    assert_eq!(every.len(), 69);
    let role = |id: &str| by_id(&every, id).role.clone().unwrap();
    assert_eq!(role("rd-expenditure-2024"), "primary");
    assert_eq!(role("rd-expenditure-2024-usd"), "equivalent");
    assert_eq!(role("open-day-journalists-caption"), "restatement");
    assert_eq!(role("cluster-revenue-threshold-trillion-yuan"), "threshold");
    // The threshold's dollar twin is an equivalent: links come first.
    assert_eq!(
        role("cluster-revenue-threshold-trillion-yuan-usd"),
        "equivalent"
    );
    // The cluster bounds ("at least 1 trillion") are each cluster's only revenue: primary.
    assert_eq!(role("advanced-materials-operating-revenue"), "primary");

    // Several roles, any case, on the narrower lists too.
    let both = app
        .get_page::<Figure>("/v1/revenues?role=Threshold,EQUIVALENT&limit=1000")
        .await;
    assert_eq!(
        ids(&both.data),
        [
            "cluster-revenue-threshold-trillion-yuan",
            "cluster-revenue-threshold-trillion-yuan-usd",
            "maoming-agricultural-cluster-revenue-threshold-2024",
            "maoming-agricultural-cluster-revenue-threshold-2024-usd",
        ]
    );
    assert_eq!(both.meta.total, 4);
    let summable = app
        .get_figures("/v1/revenues?role=primary&limit=1000")
        .await;
    assert!(summable
        .iter()
        .all(|f| f.unit == "cny" && f.role.as_deref() == Some("primary")));
    assert_eq!(summable.len(), 9, "nine clusters, each once");
    let patents = app.get_figures("/v1/patents?role=restatement").await;
    assert_eq!(
        ids(&patents),
        ["invention-patents-granted-2024-jan-oct-infographic"]
    );
    let series = app
        .get_figures("/v1/indicators/high-tech-enterprises/observations?role=primary")
        .await;
    assert_eq!(ids(&series), ["high-tech-enterprises-2024"]);
    let export = app
        .get_list("/v1/export?role=equivalent&fields=id,role")
        .await;
    assert_eq!(export.len(), 5);
    assert!(export.iter().all(|row| row["role"] == "equivalent"));
    // A derived figure is no stated figure: it has no role.
    let derived = app.get_figures("/v1/derived").await;
    assert!(derived.iter().all(|f| f.role.is_none()));
}
