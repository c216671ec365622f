//! `/v1/regions`: the regions form a tree under China, each with its parent and children, and
//! the Greater Bay Area is a membership of eleven, not a parent.

use std::collections::HashMap;

use serde_json::Value;

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

/// `{id: parent_id}` of the seed's regions (China has none).
fn seed_parents() -> HashMap<String, String> {
    seed_table("regions")
        .into_iter()
        .filter(|row| !row["parent_id"].is_empty())
        .map(|row| (row["id"].clone(), row["parent_id"].clone()))
        .collect()
}

/// The seed's members of a grouping region, in the order listed.
fn seed_members(group: &str) -> Vec<String> {
    seed_table("region_members")
        .into_iter()
        .filter(|row| row["region_id"] == group)
        .map(|row| row["member_id"].clone())
        .collect()
}

fn reference_ids(value: &Value) -> Vec<&str> {
    ids(value.as_array().expect("a list of references"))
}

#[tokio::test]
async fn a_region_lists_its_children_and_everything_inside_it() {
    let app = TestApp::spawn().await;
    let parents = seed_parents();
    for region in seed_table("regions") {
        let id = &region["id"];
        let detail = app.get_ok(&format!("/v1/regions/{id}")).await;
        let mut expected: Vec<&str> = parents
            .iter()
            .filter(|(_, parent)| *parent == id)
            .map(|(child, _)| child.as_str())
            .collect();
        let mut children = reference_ids(&detail["children"]);
        expected.sort();
        children.sort();
        assert_eq!(children, expected, "{id}");
        assert_eq!(
            detail["parent"]["id"].as_str(),
            parents.get(id).map(String::as_str),
            "{id}"
        );
        assert_eq!(
            detail["links"]["within"],
            format!("{}/v1/observations?within={id}", app.address)
        );
    }
    // Guangdong lists its cities; Hengqin lies inside Zhuhai, so inside Guangdong too.
    let guangdong = app.get_ok("/v1/regions/guangdong").await;
    let children = reference_ids(&guangdong["children"]);
    for city in ["guangzhou", "shenzhen", "zhuhai", "maoming", "foshan"] {
        assert!(children.contains(&city), "{city} in {children:?}");
    }
    assert!(!children.contains(&"hengqin"));
    let within = reference_ids(&guangdong["regions_within"]);
    assert!(within.contains(&"hengqin") && within.contains(&"shenzhen"));
    assert!(!within.contains(&"hong-kong") && !within.contains(&"guangdong"));
    let zhuhai = app.get_ok("/v1/regions/zhuhai").await;
    assert_eq!(reference_ids(&zhuhai["children"]), ["hengqin"]);
    let hengqin = app.get_ok("/v1/regions/hengqin").await;
    assert_eq!(hengqin["parent"]["id"], "zhuhai");
    // The parent filter lists the same children.
    let listed = app.get_list("/v1/regions?parent=zhuhai").await;
    assert_eq!(ids(&listed), ["hengqin"]);
}

#[tokio::test]
async fn the_greater_bay_area_lists_its_eleven_members_and_is_parent_of_none() {
    let app = TestApp::spawn().await;
    let members = seed_members("greater-bay-area");
    assert_eq!(members.len(), 11);
    let area = app.get_ok("/v1/regions/greater-bay-area").await;
    assert_eq!(reference_ids(&area["members"]), members);
    assert!(area["children"].as_array().unwrap().is_empty());
    assert_eq!(area["parent"]["id"], "china");
    // Inside it: the members and what is inside them (Hengqin, through Zhuhai), not the rest
    // of Guangdong.
    let within = reference_ids(&area["regions_within"]);
    for member in &members {
        assert!(within.contains(&member.as_str()), "{member} in {within:?}");
    }
    assert!(within.contains(&"hengqin"));
    for outside in ["guangdong", "maoming", "shantou", "zhanjiang", "china"] {
        assert!(!within.contains(&outside), "{outside} in {within:?}");
    }
    // Each member says what it is a member of; a city outside the area says none.
    for member in &members {
        let region = app.get_ok(&format!("/v1/regions/{member}")).await;
        assert_eq!(
            reference_ids(&region["member_of"]),
            ["greater-bay-area"],
            "{member}"
        );
        assert!(region["members"].as_array().unwrap().is_empty());
    }
    let maoming = app.get_ok("/v1/regions/maoming").await;
    assert!(maoming["member_of"].as_array().unwrap().is_empty());
    // In Chinese, as every name.
    let area = app.get_ok("/v1/regions/greater-bay-area?lang=zh").await;
    assert_eq!(area["name"], "粤港澳大湾区");
    assert_eq!(area["members"][0]["name"], "广州市");
}
