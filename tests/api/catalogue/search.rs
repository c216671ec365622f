//! `/v1/search`: ranked hits across the catalogue, with links and highlights.

use serde_json::Value;

use crate::helpers::{by_id, ids, seed_table, TestApp};

#[tokio::test]
async fn search_for_robot_ranks_hits_with_links_and_highlights() {
    let app = TestApp::spawn().await;
    let hits = app.get_list("/v1/search?q=robot").await;
    let found: Vec<(&str, &str)> = hits
        .iter()
        .map(|h| (h["type"].as_str().unwrap(), h["id"].as_str().unwrap()))
        .collect();
    for expected in [
        ("indicator", "industrial-robot-output-growth"),
        ("cluster", "intelligent-equipment-and-robotics"),
        ("city_plan", "shenzhen"),
    ] {
        assert!(found.contains(&expected), "{expected:?} in {found:?}");
    }
    let ranks: Vec<f64> = hits.iter().map(|h| h["rank"].as_f64().unwrap()).collect();
    assert!(
        ranks.windows(2).all(|w| w[0] <= w[1]),
        "best first: {ranks:?}"
    );
    let growth = by_id(&hits, "industrial-robot-output-growth");
    assert!(growth["title"]
        .as_str()
        .unwrap()
        .contains("<mark>robot</mark>"));
    for hit in &hits {
        app.get_ok(hit["links"]["self"].as_str().unwrap()).await;
    }
    let indicators_only = app.get_list("/v1/search?q=robot&type=indicator").await;
    assert!(ids(&indicators_only).contains(&"industrial-robot-output-growth"));
    assert!(indicators_only.iter().all(|h| h["type"] == "indicator"));
    assert!(app.get_list("/v1/search?q=zeppelin").await.is_empty());
    // Search syntax in the input is taken as words, never as an error.
    app.get_ok("/v1/search?q=%22robot%20OR%20(").await;
}

/// The kind of search hit each seed table's rows are.
const SEARCHED: &[(&str, &str)] = &[
    ("regions", "region"),
    ("clusters", "cluster"),
    ("cluster_groups", "cluster_group"),
    ("city_plans", "city_plan"),
    ("indicators", "indicator"),
    ("speakers", "speaker"),
    ("companies", "company"),
    ("facilities", "facility"),
];

/// `(type, id)` of each hit, best first.
fn found(hits: &[Value]) -> Vec<(String, String)> {
    hits.iter()
        .map(|h| {
            (
                h["type"].as_str().unwrap().to_owned(),
                h["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Short forms of Chinese names, two characters each: the trigram index has nothing to look
/// up for them, and the search scans for them instead, ranking a hit by how much of its name
/// they cover.
#[tokio::test]
async fn two_character_chinese_words_find_what_they_name() {
    let app = TestApp::spawn().await;
    // (word, the region it names, whether the region's name is the closest match)
    for (q, region, closest) in [
        ("广东", "guangdong", true),
        ("深圳", "shenzhen", true),
        // 横琴粤澳深度合作区 is longer than 横琴地区生产总值, the zone's GDP.
        ("横琴", "hengqin", false),
    ] {
        let path = format!("/v1/search?q={}&lang=zh", urlencoding(q));
        let hits = app.get_list(&path).await;
        let hit = hits
            .iter()
            .find(|hit| hit["type"] == "region" && hit["id"] == region)
            .unwrap_or_else(|| panic!("{q}: no region {region} in {hits:?}"));
        if closest {
            assert_eq!(&hits[0], hit, "{q}");
        }
        assert!(
            hit["title"]
                .as_str()
                .unwrap()
                .starts_with(&format!("<mark>{q}</mark>")),
            "{q}: {hit}"
        );
        assert!(hit["name"].as_str().unwrap().starts_with(q), "{q}: {hit}");
        let ranks: Vec<f64> = hits.iter().map(|h| h["rank"].as_f64().unwrap()).collect();
        assert!(
            ranks.windows(2).all(|w| w[0] <= w[1]),
            "{q}: best first: {ranks:?}"
        );
        // Every hit holds the word, in its title or in what it belongs to.
        for hit in &hits {
            let text = format!("{}{}", hit["title"], hit["snippet"]);
            assert!(text.contains(&format!("<mark>{q}</mark>")), "{q}: {hit}");
        }
    }
    // 深圳 finds Shenzhen's city plan and its cluster group too, named in English by default.
    let hits = app
        .get_list(&format!("/v1/search?q={}", urlencoding("深圳")))
        .await;
    let hits = found(&hits);
    assert!(
        hits.contains(&("city_plan".to_owned(), "shenzhen".to_owned())),
        "{hits:?}"
    );
    let shenzhen = app
        .get_list(&format!("/v1/search?q={}", urlencoding("深圳")))
        .await;
    assert_eq!(shenzhen[0]["name"], "Shenzhen");
}

/// Words of three characters or more are looked up in the trigram index, inside longer names.
#[tokio::test]
async fn longer_chinese_words_are_found_inside_names() {
    let app = TestApp::spawn().await;
    let hits = app
        .get_list(&format!("/v1/search?q={}&lang=zh", urlencoding("新能源")))
        .await;
    let kinds = found(&hits);
    for expected in [
        ("cluster", "new-energy"),
        ("cluster", "intelligent-connected-and-new-energy-vehicles"),
    ] {
        let expected = (expected.0.to_owned(), expected.1.to_owned());
        assert!(kinds.contains(&expected), "{expected:?} in {kinds:?}");
    }
    let new_energy = by_id(&hits, "new-energy");
    assert_eq!(new_energy["title"], "<mark>新能源</mark>");
    assert_eq!(new_energy["name"], "新能源");
    // Two words: both required.
    let hits = app
        .get_list(&format!(
            "/v1/search?q={}&type=region",
            urlencoding("粤港澳 大湾区")
        ))
        .await;
    assert_eq!(ids(&hits), ["greater-bay-area"]);
    assert!(app
        .get_list(&format!("/v1/search?q={}", urlencoding("火星基地")))
        .await
        .is_empty());
}

/// Every Chinese name of the catalogue finds its row.
#[tokio::test]
async fn every_chinese_name_finds_its_row() {
    let app = TestApp::spawn().await;
    for (table, kind) in SEARCHED {
        for row in seed_table(table) {
            let name = &row["name_zh"];
            let path = format!("/v1/search?q={}&type={kind}&limit=1000", urlencoding(name));
            let hits = found(&app.get_list(&path).await);
            let expected = (kind.to_string(), row["id"].clone());
            assert!(
                hits.contains(&expected),
                "{table} {}: {name} in {hits:?}",
                row["id"]
            );
        }
    }
}

/// `text`, percent-encoded for a query string.
fn urlencoding(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
