//! `/v1/observations/{id}`: one figure, with what its qualifier, period and unit mean.

use crate::helpers::{ids, TestApp};

#[tokio::test]
async fn streaks_targets_and_qualifiers_keep_their_meaning() {
    let app = TestApp::spawn().await;
    let rank = app
        .get_figure("/v1/observations/marine-economy-national-rank-1995-2024")
        .await;
    assert_eq!(rank.period.kind, "streak");
    assert_eq!(
        (rank.period.start.as_deref(), rank.period.end.as_deref()),
        (Some("1995"), Some("2024"))
    );
    assert_eq!(rank.unit, "rank");
    let speaker = rank.provenance.speaker.expect("a speaker");
    assert_eq!(speaker.name, "Ai Xuefeng");

    let land = app
        .get_figure("/v1/observations/gba-share-of-national-land")
        .await;
    assert_eq!(land.qualifier, "less_than");
    let caption = app
        .get_figure("/v1/observations/open-day-journalists-caption")
        .await;
    assert_eq!(caption.qualifier, "nearly");
    assert_eq!(caption.value, 270);
    let talent = app
        .get_figure("/v1/observations/talent-plan-graduates-target")
        .await;
    assert_eq!(talent.value_in_units, 1_000_000);
    assert_eq!(talent.period.kind, "target");

    let over = app.get_figures("/v1/observations?qualifier=over").await;
    assert!(ids(&over).contains(&"technology-contract-value-2020"));
    assert!(over.iter().all(|f| f.qualifier == "over"));
}
