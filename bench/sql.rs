//! The benchmark's view of SQLite underneath the service (bench/run.sh):
//!
//! - `sql floor DB QUERY SECONDS TASKS`: the floor of an uncached figure page. The very
//!   statement the service runs for `/v1/observations?QUERY` (a page of `limit + 1` rows), run
//!   by a minimal sqlx loop: TASKS tasks on the serving pool's settings, each running it again
//!   as soon as it returns, rows fetched and dropped (no figure built, nothing rendered, no
//!   total, no HTTP). Prints `statements/s|p50 ms|p99 ms`.
//! - `sql plan DB`: for each line `LABEL<TAB>QUERY` of stdin, how SQLite runs the page and the
//!   total of `/v1/observations?QUERY` (EXPLAIN QUERY PLAN), as the service would, `as_of`
//!   resolved to its vintage first and money compared in the `currency` asked for.

use std::time::{Duration, Instant};

use gd_indicators::domain::language::Language;
use gd_indicators::service::figures::{page_order, Observations, Vintage};
use gd_indicators::service::presentation::Presentation;
use gd_indicators::service::query::parse::read;
use gd_indicators::store::database::open_serving;
use gd_indicators::store::figures::{
    count_observations, observation_page_statement, ObservationFilter, ObservationOrder,
};
use gd_indicators::store::query_plans::{explain_observations, explain_page, ObservationStatement};
use sqlx::SqlitePool;

const PATH: &str = "/v1/observations";

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: sql floor DB QUERY SECONDS TASKS | sql plan DB < LABEL<TAB>QUERY lines";
    let pool = open_serving(args.get(1).expect(usage))
        .await
        .expect("the database opens");
    match args.first().map(String::as_str) {
        Some("floor") => {
            let query = args.get(2).expect(usage).clone();
            let seconds: u64 = args.get(3).expect(usage).parse().expect(usage);
            let tasks: usize = args.get(4).expect(usage).parse().expect(usage);
            floor(pool, query, Duration::from_secs(seconds), tasks).await;
        }
        Some("plan") => plans(&pool).await,
        _ => panic!("{usage}"),
    }
}

/// The filter and order a page of `query` reads, `as_of` resolved as the service resolves it.
async fn statement_inputs(
    pool: &SqlitePool,
    query: &str,
) -> Option<(ObservationFilter, ObservationOrder, usize)> {
    let mut parsed = read::<Observations>(pool, None, PATH, Some(query), Language::default())
        .await
        .unwrap_or_else(|error| panic!("{query}: {error}"));
    // As the service does: `min`, `max` and `sort=value` compare money as presented.
    let presentation = Presentation::of(pool, parsed.presentation)
        .await
        .unwrap_or_else(|error| panic!("{query}: {error}"));
    parsed.filter.exchange = presentation.exchange();
    let vintage = Vintage::of(pool, parsed.filter.as_of.as_deref())
        .await
        .expect("the vintage reads");
    let filter = vintage.filter(&parsed.filter)?;
    // The service counts a query's total first (once per data version) and reads the page
    // knowing it.
    let total = count_observations(pool, &filter)
        .await
        .expect("the total counts");
    Some((
        filter,
        page_order(&parsed.list, presentation.language()),
        total,
    ))
}

async fn floor(pool: SqlitePool, query: String, duration: Duration, tasks: usize) {
    let (filter, order, total) = statement_inputs(&pool, &query)
        .await
        .expect("the query reads figures");
    let deadline = Instant::now() + duration;
    let workers: Vec<_> = (0..tasks)
        .map(|_| {
            let (pool, filter, order) = (pool.clone(), filter.clone(), order.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let started = Instant::now();
                    let rows = observation_page_statement("", &filter, &order, Some(total))
                        .build()
                        .fetch_all(&pool)
                        .await
                        .expect("the statement runs");
                    drop(rows);
                    latencies.push(started.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.expect("a worker finishes"));
    }
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    println!(
        "{:.0}|{:.2}|{:.2}",
        latencies.len() as f64 / duration.as_secs_f64(),
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3
    );
}

async fn plans(pool: &SqlitePool) {
    let mut line = String::new();
    while {
        line.clear();
        std::io::stdin().read_line(&mut line).expect("stdin reads") > 0
    } {
        let Some((label, query)) = line.trim_end().split_once('\t') else {
            continue;
        };
        println!("### {label}");
        let Some((filter, order, total)) = statement_inputs(pool, query).await else {
            println!("(nothing recorded by then: no statement runs)");
            continue;
        };
        let page = explain_page(pool, &filter, &order, total)
            .await
            .expect("the plan reads");
        let count = explain_observations(pool, &filter, &order, ObservationStatement::Count)
            .await
            .expect("the plan reads");
        println!("page ({total} figures match):\n{page}\ntotal:\n{count}");
    }
}
