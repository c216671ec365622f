//! A bounded load test on loopback: concurrent readers throughout a series of imports that
//! each correct every figure. Every read must succeed and show one state of the data (no
//! figure from before an import beside one from after it), and the final data must be exactly
//! what the imports say.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{live_seed_figures, seed_csv, seed_histories, TestApp};

const READERS: usize = 8;
const REQUESTS_PER_READER: usize = 150;
const IMPORTS: usize = 3;

/// Every listed figure's note set to `note`: a correction of all of them at once.
fn correct_every_figure(note: &str) -> String {
    let ids: Vec<String> = live_seed_figures()
        .iter()
        .map(|row| row["id"].clone())
        .collect();
    let change = [("note", note)];
    let rows: Vec<(&str, &[(&str, &str)])> =
        ids.iter().map(|id| (id.as_str(), &change[..])).collect();
    seed_csv(&rows)
}

#[derive(Debug, Default)]
struct Tally {
    ok: usize,
    errors: Vec<String>,
    torn: Vec<String>,
    states_seen: std::collections::BTreeSet<i64>,
}

/// One reader's pass: lists, the export and single figures, checked for a single state.
async fn read(client: reqwest::Client, address: String, served: Arc<AtomicUsize>) -> Tally {
    let figures = live_seed_figures().len();
    // The revisions each figure has before the imports: a data state is how many imports
    // came after them, the same for every figure of one state.
    let seeded: std::collections::HashMap<String, i64> = seed_histories()
        .into_iter()
        .map(|(id, history)| (id, history.len() as i64))
        .collect();
    let mut tally = Tally::default();
    for index in 0..REQUESTS_PER_READER {
        let path = match index % 3 {
            0 => "/v1/observations?limit=1000".to_owned(),
            1 => "/v1/export".to_owned(),
            _ => "/v1/observations?concept=operating_revenue&sort=-value".to_owned(),
        };
        let response = match client.get(format!("{address}{path}")).send().await {
            Ok(response) => response,
            Err(error) => {
                tally.errors.push(format!("{path}: {error}"));
                continue;
            }
        };
        if response.status() != StatusCode::OK {
            tally.errors.push(format!("{path}: {}", response.status()));
            continue;
        }
        let body: Value = response.json().await.expect("JSON");
        served.fetch_add(1, Ordering::Relaxed);
        tally.ok += 1;
        let data = body["data"].as_array().unwrap();
        let states: std::collections::BTreeSet<i64> = data
            .iter()
            .map(|figure| {
                let number = figure["revision"]["number"]
                    .as_i64()
                    .or_else(|| figure["revision"].as_i64())
                    .expect("a revision number");
                number - seeded[figure["id"].as_str().unwrap()]
            })
            .collect();
        let whole =
            body["meta"]["total"] == data.len() && (index % 3 == 2 || data.len() == figures);
        if states.len() != 1 || !whole {
            tally.torn.push(format!(
                "{path}: states {states:?}, {} rows, total {}",
                data.len(),
                body["meta"]["total"]
            ));
        }
        tally.states_seen.extend(states);
    }
    tally
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_never_see_half_an_import_and_the_final_data_is_the_imported() {
    let app = TestApp::spawn_with(gd_indicators::HttpSettings {
        rate_limit_per_second: 0,
        ..Default::default()
    })
    .await;
    let started = std::time::Instant::now();
    let served = Arc::new(AtomicUsize::new(0));
    let readers: Vec<_> = (0..READERS)
        .map(|_| {
            tokio::spawn(read(
                app.client.clone(),
                app.address.clone(),
                served.clone(),
            ))
        })
        .collect();

    // The imports run while the readers are busy: each starts once more reads have been served.
    let total = READERS * REQUESTS_PER_READER;
    for batch in 1..=IMPORTS {
        while served.load(Ordering::Relaxed) < total * batch / (IMPORTS + 2) {
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        let file = correct_every_figure(&format!("batch {batch}"));
        let (plan, receipt) = app
            .import("batch.csv", &file)
            .await
            .expect("the import applies");
        assert_eq!(plan.changes.len(), live_seed_figures().len());
        assert!(receipt.is_some());
    }

    let mut tally = Tally::default();
    for reader in readers {
        let one = reader.await.unwrap();
        tally.ok += one.ok;
        tally.errors.extend(one.errors);
        tally.torn.extend(one.torn);
        tally.states_seen.extend(one.states_seen);
    }
    let report = format!(
        "load test: {} readers x {} requests = {total} requests with {IMPORTS} imports of {} \
         corrections each, in {:.2} s: {} ok, {} errors, {} torn reads; data states seen: {:?}\n",
        READERS,
        REQUESTS_PER_READER,
        live_seed_figures().len(),
        started.elapsed().as_secs_f64(),
        tally.ok,
        tally.errors.len(),
        tally.torn.len(),
        tally.states_seen,
    );
    // CI prints this file after the tests, so the counts are on record.
    let _ = std::fs::write(
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("load-test-report.txt"),
        &report,
    );
    eprint!("{report}");
    assert!(
        tally.errors.is_empty(),
        "{:?}",
        &tally.errors[..tally.errors.len().min(5)]
    );
    assert!(
        tally.torn.is_empty(),
        "{:?}",
        &tally.torn[..tally.torn.len().min(5)]
    );
    assert_eq!(tally.ok, total);
    assert!(
        tally.states_seen.len() >= 2,
        "the readers overlapped at least one import: {:?}",
        tally.states_seen
    );

    // The final data: every figure at its last revision, with the last batch's note and its
    // value untouched.
    let export = app.get_list("/v1/export").await;
    let seed = live_seed_figures();
    let histories = seed_histories();
    assert_eq!(export.len(), seed.len());
    for (row, figure) in seed.iter().zip(&export) {
        assert_eq!(figure["id"], row["id"].as_str());
        assert_eq!(figure["note"], format!("batch {IMPORTS}"));
        let revisions_before = histories[&row["id"]].len();
        assert_eq!(figure["revision"], (revisions_before + IMPORTS) as i64);
        assert_eq!(
            figure["value"].as_f64(),
            row["value"].parse::<f64>().ok(),
            "{}",
            row["id"]
        );
    }
}
