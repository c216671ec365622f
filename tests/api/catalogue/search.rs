//! `/v1/search`: ranked hits across the catalogue, with links and highlights.

use crate::helpers::{by_id, ids, TestApp};

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
