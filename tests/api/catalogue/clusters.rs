//! `/v1/clusters` and `/v1/cluster-groups`: the industry clusters, their groups and figures.

use serde_json::Value;

use super::figure;
use crate::helpers::{by_id, figures_of, ids, TestApp};

#[tokio::test]
async fn the_nine_trillion_yuan_clusters_and_when_the_last_two_joined() {
    let app = TestApp::spawn().await;
    let clusters = app
        .get_list("/v1/clusters?group=trillion-yuan-industrial-clusters")
        .await;
    assert_eq!(clusters.len(), 9);
    assert!(clusters
        .iter()
        .all(|cluster| cluster["group"]["id"] == "trillion-yuan-industrial-clusters"));
    let automotive = by_id(&clusters, "automotive");
    assert_eq!(automotive["reached_year"], 2023);
    assert_eq!(by_id(&clusters, "new-energy")["reached_year"], 2024);
    assert_eq!(
        by_id(&clusters, "smart-home-appliances").get("reached_year"),
        Some(&Value::Null),
        "not yet: said, as null"
    );
    // Each carries its figures: at least 1 trillion yuan of annual operating revenue, as a
    // bound (seven clusters and automotive) or as a level (new energy's 1.1 trillion).
    for cluster in &clusters {
        let figures = figures_of(cluster);
        assert!(
            figures
                .iter()
                .any(|f| ["at_least", "exact"].contains(&f.qualifier.as_str())
                    && f.value_in_units.f64() >= 1e12
                    && f.unit == "cny"),
            "{}",
            cluster["id"]
        );
    }

    let new_energy = app.get_ok("/v1/clusters/new-energy").await;
    let revenue = figure(&new_energy, "new-energy-operating-revenue-2024");
    assert_eq!(revenue.value, 1.1);
    assert_eq!(revenue.value_in_units, 1_100_000_000_000);
    assert_eq!(revenue.qualifier, "exact");
    assert_eq!(
        revenue.provenance.cited_source.as_deref(),
        Some("official data")
    );

    let strategic = app
        .get_list("/v1/clusters?group=strategic-industry-clusters")
        .await;
    assert_eq!(strategic.len(), 7);
    assert!(ids(&strategic).contains(&"ship-and-marine-engineering"));
}

#[tokio::test]
async fn cluster_groups_carry_counts_thresholds_and_members() {
    let app = TestApp::spawn().await;
    let group = app
        .get_ok("/v1/cluster-groups/trillion-yuan-industrial-clusters")
        .await;
    assert_eq!(group["clusters"].as_array().unwrap().len(), 9);
    assert_eq!(figure(&group, "trillion-yuan-cluster-count-2024").value, 9);
    assert_eq!(figure(&group, "trillion-yuan-cluster-count-2023").value, 8);
    let usd = figure(&group, "cluster-revenue-threshold-trillion-yuan-usd");
    assert_eq!(usd.value, 137.97);
    assert_eq!(usd.unit, "usd");
    assert_eq!(
        usd.equivalent_of.as_deref(),
        Some("cluster-revenue-threshold-trillion-yuan")
    );

    let maoming_groups = app.get_list("/v1/cluster-groups?region=maoming").await;
    assert_eq!(
        ids(&maoming_groups),
        [
            "maoming-agricultural-industry-clusters",
            "maoming-whole-industry-chains"
        ]
    );
}
