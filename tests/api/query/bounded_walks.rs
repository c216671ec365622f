//! A page whose total says its filter keeps many figures walks an index in page order and
//! checks each figure; bounds keep that walk short (a concept's or a topic's first and last
//! place or id, a `to` year on the period's index), and a filter keeping few is found through
//! its own index and sorted. Whichever plan a page gets, it must hold the same figures: each
//! filter here is read page by page, forward and back by keyset, as the service reads it
//! knowing a broad total (a million) and knowing a narrow one (ten), against the whole list
//! read at once.

use gd_indicators::domain::figure::Observation;
use gd_indicators::store::figures::{
    observations_page, Keyset, ObservationFilter, ObservationOrder,
};
use serde_json::{json, Value};

use crate::helpers::TestApp;

/// What the cursor holds for a figure under `keys`, as the service builds it.
fn keyset(keys: &[(&'static str, bool)], figure: &Observation, before: bool) -> Keyset {
    let values = keys
        .iter()
        .map(|(name, _)| match *name {
            "period" => json!(figure.period_sort_key),
            "value" => json!(figure.value_in_units),
            _ => json!(figure.id),
        })
        .collect::<Vec<Value>>();
    Keyset {
        values,
        position: figure.position,
        before,
    }
}

#[tokio::test]
async fn broad_and_narrow_plans_page_through_the_same_figures() {
    let app = TestApp::spawn().await;
    let (concept, topic): (String, String) = sqlx::query_as(
        "SELECT concept, topic FROM indicators WHERE id = \
         (SELECT indicator_id FROM observations GROUP BY indicator_id ORDER BY count(*) DESC LIMIT 1)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let filters = [
        (
            "concept",
            ObservationFilter {
                concepts: vec![concept],
                ..Default::default()
            },
        ),
        (
            "topic",
            ObservationFilter {
                topics: vec![topic],
                ..Default::default()
            },
        ),
        (
            "years",
            ObservationFilter {
                years: vec![2023, 2024],
                ..Default::default()
            },
        ),
        (
            "to",
            ObservationFilter {
                to: Some(2024),
                ..Default::default()
            },
        ),
        (
            "min",
            ObservationFilter {
                min: Some(1e9),
                ..Default::default()
            },
        ),
    ];
    let sorts: [&[(&'static str, bool)]; 6] = [
        &[],
        &[("id", false)],
        &[("id", true)],
        &[("period", false)],
        &[("period", false), ("value", true)],
        &[("period", true), ("value", true)],
    ];
    for (name, filter) in &filters {
        for keys in sorts {
            let read = |keyset: Option<Keyset>, matching: usize| {
                let order = ObservationOrder {
                    keys: keys.to_vec(),
                    keyset,
                    limit: Some(4),
                    ..Default::default()
                };
                let pool = app.pool.clone();
                async move {
                    let mut page = observations_page(&pool, filter, &order, Some(matching))
                        .await
                        .unwrap();
                    if order.keyset.as_ref().is_some_and(|keyset| keyset.before) {
                        page.reverse();
                    }
                    page
                }
            };
            let whole = observations_page(
                &app.pool,
                filter,
                &ObservationOrder {
                    keys: keys.to_vec(),
                    ..Default::default()
                },
                None,
            )
            .await
            .unwrap();
            assert!(whole.len() > 8, "{name} {keys:?}: keeps several pages");
            let ids: Vec<&str> = whole.iter().map(|figure| figure.id.as_str()).collect();
            for matching in [1_000_000, 10] {
                let label = format!("{name} sorted {keys:?}, read as {matching} figures");
                let mut forward = Vec::new();
                let mut page = read(None, matching).await;
                while let Some(last) = page.last() {
                    forward.extend(page.iter().map(|figure| figure.id.clone()));
                    page = read(Some(keyset(keys, last, false)), matching).await;
                }
                assert_eq!(forward, ids, "{label}: forward");
                let last = whole.last().unwrap();
                let mut backward = vec![last.id.clone()];
                let mut page = read(Some(keyset(keys, last, true)), matching).await;
                while let Some(first) = page.first() {
                    backward.splice(0..0, page.iter().map(|figure| figure.id.clone()));
                    page = read(Some(keyset(keys, first, true)), matching).await;
                }
                assert_eq!(backward, ids, "{label}: backward");
            }
        }
    }
}
