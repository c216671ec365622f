//! `/v1/sources`: the stories the figures are printed in.

use serde_json::Value;

use crate::helpers::{by_id, figures_of, live_seed_figures, TestApp};

#[tokio::test]
async fn sources_cite_the_stories_and_list_their_sections() {
    let app = TestApp::spawn().await;
    let sources = app.get_list("/v1/sources").await;
    assert_eq!(sources.len(), 3);
    let clusters = by_id(&sources, "gdtoday-industry-clusters");
    assert_eq!(clusters["byline"], "Hao Nan");
    assert_eq!(
        clusters["citation"],
        "Hao Nan. \"Industry clusters power province's progress\". China Daily, GD Today, 2025-03."
    );
    assert_eq!(
        by_id(&sources, "gdtoday-what-they-say").get("byline"),
        Some(&Value::Null),
        "no byline: said, as null"
    );

    let innovation = app.get_ok("/v1/sources/gdtoday-innovation").await;
    let sections = innovation["sections"].as_array().unwrap();
    assert!(sections.contains(&"Infographic".into()));
    // Every figure the story prints, and only those.
    let figures = figures_of(&innovation);
    let printed = (live_seed_figures().iter())
        .filter(|row| row["source_id"] == "gdtoday-innovation")
        .count();
    assert!(printed > 0);
    assert_eq!(figures.len(), printed);
    assert!(figures
        .iter()
        .all(|f| f.provenance.source.id == "gdtoday-innovation"));
}
