//! `/v1/regions`: the regions form a tree under China.

use super::figure;
use crate::helpers::{by_id, ids, seed_table, TestApp};

#[tokio::test]
async fn regions_form_a_tree_under_china() {
    let app = TestApp::spawn().await;
    let regions = app.get_list("/v1/regions").await;
    assert_eq!(regions.len(), seed_table("regions").len());
    let guangdong = by_id(&regions, "guangdong");
    assert_eq!(guangdong["kind"], "province");
    assert_eq!(guangdong["parent"]["id"], "china");
    assert_eq!(guangdong["parent"]["name"], "China");

    let cities = app.get_list("/v1/regions?kind=city").await;
    assert!(cities.iter().all(|city| city["kind"] == "city"));
    assert!(ids(&cities).contains(&"maoming"));

    let hengqin = app.get_ok("/v1/regions/hengqin").await;
    assert_eq!(hengqin["kind"], "cooperation_zone");
    let start = figure(&hengqin, "hengqin-gdp-span-start");
    assert_eq!(start.value, 285);
    assert_eq!(start.scale, "million");
    assert_eq!(start.value_in_units, 285_000_000);
    let growth = figure(&hengqin, "hengqin-gdp-average-growth");
    assert_eq!(growth.value, 27.4);
    assert_eq!(growth.unit, "percent");
    assert_eq!(
        figure(&hengqin, "hengqin-gdp-growth-span").qualifier,
        "over"
    );

    let china = app.get_ok("/v1/regions/china").await;
    let children = china["children"].as_array().unwrap();
    assert!(ids(children).contains(&"greater-bay-area"));
}
