//! `/v1/speakers`: who stated figures, with the figures they stated.

use super::figure;
use crate::helpers::{by_id, seed_table, TestApp};

#[tokio::test]
async fn speakers_come_with_the_figures_they_stated() {
    let app = TestApp::spawn().await;
    let speakers = app.get_list("/v1/speakers").await;
    assert_eq!(speakers.len(), seed_table("speakers").len());
    let wang = by_id(&speakers, "wang-xiongfei");
    assert_eq!(wang["title"], "Mayor of Maoming");
    assert_eq!(wang["figure_count"], 5);
    // Quoted without figures, still listed.
    assert_eq!(by_id(&speakers, "feng-xingya")["figure_count"], 0);

    let ai = app.get_ok("/v1/speakers/ai-xuefeng").await;
    let marine = figure(&ai, "marine-gdp-2024");
    assert_eq!(marine.qualifier, "over");
    assert_eq!(marine.value_in_units, 2_000_000_000_000);
    assert_eq!(
        (marine.provenance.speaker.as_ref()).map(|speaker| speaker.id.as_str()),
        Some("ai-xuefeng")
    );
    assert_eq!(ai["figures"].as_array().unwrap().len(), 4);
    assert_eq!(by_id(&speakers, "ai-xuefeng")["figure_count"], 4);
}
