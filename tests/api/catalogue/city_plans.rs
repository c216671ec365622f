//! `/v1/city-plans`: each city's targets, and who stated them.

use super::figure;
use crate::helpers::{ids, TestApp};

#[tokio::test]
async fn city_plans_hold_each_citys_targets_and_who_stated_them() {
    let app = TestApp::spawn().await;
    let plans = app.get_list("/v1/city-plans").await;
    assert_eq!(ids(&plans), ["guangzhou", "shenzhen", "maoming"]);

    let guangzhou = app.get_ok("/v1/city-plans/guangzhou").await;
    assert_eq!(guangzhou["speaker"]["name"], "Guo Yonghang");
    assert_eq!(
        guangzhou["speaker"]["title"],
        "Party secretary of Guangzhou"
    );
    let area = figure(&guangzhou, "guangzhou-industrial-base-area");
    assert_eq!(area.value, 667);
    assert_eq!(area.unit, "hectares");
    let output = figure(&guangzhou, "guangzhou-industrial-base-output-target");
    assert_eq!(output.qualifier, "at_least");
    assert_eq!(output.value_in_units, 100_000_000_000);
    assert_eq!(output.period.kind, "target");
    assert_eq!(
        figure(&guangzhou, "guangzhou-strategic-cluster-count").value,
        15
    );

    let shenzhen = app.get_ok("/v1/city-plans/shenzhen").await;
    assert_eq!(
        figure(&shenzhen, "shenzhen-strategic-cluster-count").value,
        20
    );
    assert_eq!(figure(&shenzhen, "shenzhen-future-industry-count").value, 8);

    let maoming = app.get_ok("/v1/city-plans/maoming").await;
    let urbanization = figure(&maoming, "maoming-urbanization-rate-change-2021-2024");
    assert_eq!(urbanization.unit, "percentage_points");
    assert_eq!(urbanization.period.start.as_deref(), Some("2021"));
    let chains = maoming["cluster_groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|group| group["id"] == "maoming-whole-industry-chains")
        .expect("the industry chains");
    let products: Vec<&str> = chains["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(products.len(), 6);
    assert!(products.contains(&"Lychee") && products.contains(&"Tilapia"));
    assert_eq!(
        figure(&maoming, "maoming-industry-chain-output-value-2024").qualifier,
        "over"
    );
}
