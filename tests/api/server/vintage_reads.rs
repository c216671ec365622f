//! `as_of` as a cheap denial of service (issue 13, D5): every new `as_of` value used to cost a
//! read of every figure's history, counted again for each distinct microsecond, on as many of
//! the pool's connections as clients asked for, and running on after its request had timed
//! out. A burst of such requests must leave cheap requests answering 200.

use std::process::Command;
use std::time::Duration;

use reqwest::StatusCode;

use super::BINARY;
use crate::helpers::TestApp;

/// Figures beside the article's: enough that reading a past vintage takes a while in a debug
/// build, in imports of their own, so that several vintages lie between them.
const FIGURES: &str = "20000";
const BATCH: &str = "5000";

/// Slow requests in the burst, each a distinct `as_of` (no cache can answer them).
const SLOW_REQUESTS: usize = 400;
/// Cheap requests made while the burst runs, each a distinct query (no cache answers them).
const CHEAP_REQUESTS: usize = 40;

/// Times between the first and the last synthetic import, one microsecond apart: each a new
/// `as_of`, each reading a past vintage.
async fn moments_between_imports(app: &TestApp, count: usize) -> Vec<String> {
    let times: Vec<String> = sqlx::query_scalar(
        "SELECT recorded_at FROM imports WHERE file LIKE 'generate %' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(times.len() >= 3, "several imports: {times:?}");
    let first = &times[0];
    // recorded_at is 'YYYY-MM-DDTHH:MM:SS.ffffffZ'; moments a few microseconds after the
    // first import, before the second.
    let (second, micros) = first[..first.len() - 1].split_at(first.len() - 7);
    let micros: u32 = micros.parse().unwrap();
    (0..count)
        .map(|n| {
            let micros = (micros + 1 + n as u32).min(999_999);
            format!("{second}{micros:06}Z")
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_past_vintages_leaves_cheap_requests_answering() {
    let app = TestApp::spawn_with(gd_indicators::HttpSettings {
        rate_limit_per_second: 0,
        // Short, so that a starved request shows as a 503 rather than as a slow 200.
        request_timeout: Duration::from_secs(1),
        ..Default::default()
    })
    .await;
    let output = Command::new(BINARY)
        .args(["generate", "--observations", FIGURES, "--batch-size", BATCH])
        .args(["--database-url", &app.db_url])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let last: i64 = sqlx::query_scalar("SELECT max(id) FROM imports")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    app.wait_for_data_version(last).await;

    let slow: Vec<_> = moments_between_imports(&app, SLOW_REQUESTS)
        .await
        .into_iter()
        .map(|moment| {
            let (client, address) = (app.client.clone(), app.address.clone());
            tokio::spawn(async move {
                let url = format!("{address}/v1/observations?as_of={moment}&sort=-value");
                client.get(url).send().await.unwrap().status()
            })
        })
        .collect();
    // Let the burst take the connections it can.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut cheap = Vec::new();
    for limit in 1..=CHEAP_REQUESTS {
        let started = std::time::Instant::now();
        let response = app
            .get(&format!(
                "/v1/observations?indicator=rd-expenditure&limit={limit}"
            ))
            .await;
        cheap.push((limit, response.status(), started.elapsed()));
    }

    let refused: Vec<_> = cheap
        .iter()
        .filter(|(_, status, _)| *status != StatusCode::OK)
        .collect();
    assert!(
        refused.is_empty(),
        "cheap requests starved by the burst of past vintages: {refused:?}"
    );
    for request in slow {
        let status = request.await.unwrap();
        // A slow read may wait out its place and be refused, never fail otherwise.
        assert!(
            matches!(status, StatusCode::OK | StatusCode::SERVICE_UNAVAILABLE),
            "{status}"
        );
    }
    // The abandoned reads stopped and gave their connections back: the pool serves again at
    // once, past vintages included.
    let moment = &moments_between_imports(&app, 1).await[0];
    let page = app
        .get_ok(&format!("/v1/observations?as_of={moment}&limit=5"))
        .await;
    assert_eq!(page["meta"]["count"], 5);
}
