//! How often a request goes to SQLite (issue 16): each statement is a round trip to the
//! connection's own thread, and an uncached page of two id filters used to make six (two id
//! checks, `BEGIN`, the data version, the page, `COMMIT`). Counted in the binary's own log,
//! where sqlx names every statement it runs inside the request's span.

use std::time::{Duration, Instant};

use super::{spawn_binary, ServerProcess};

const PAGE: &str = "/v1/observations?indicator=rd-expenditure&region=guangdong&limit=5";

/// The statements sqlx logged for the request with id `request_id`, once its own log line
/// (written after its statements) has arrived.
fn statements_of(server: &ServerProcess, request_id: &str) -> Vec<String> {
    let in_span = format!("request{{request_id=\"{request_id}\"}}");
    let answered = format!("request_id=\"{request_id}\"");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        {
            let log = server.log.lock().expect("the log is readable");
            let done = log
                .iter()
                .any(|line| line.contains("gd_indicators::request") && line.contains(&answered));
            if done {
                return log
                    .iter()
                    .filter(|line| line.contains(&in_span) && line.contains("sqlx::query"))
                    .cloned()
                    .collect();
            }
        }
        assert!(Instant::now() < deadline, "no log line for {request_id}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The first page of a query counts its total (and reads the lists its ids are checked
/// against); the same page again, its total and the lists kept, is its page's statement alone.
#[tokio::test]
async fn a_counted_query_page_is_one_statement() {
    let server = spawn_binary(&[
        ("RUST_LOG", "gd_indicators=info,sqlx::query=debug"),
        ("RESPONSE_CACHE_MIB", "0"),
    ]);
    let client = reqwest::Client::new();
    let url = format!("http://{}{PAGE}", server.address);
    for request_id in ["first", "again"] {
        let answer = client
            .get(&url)
            .header("x-request-id", request_id)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "{request_id}");
        assert!(answer.text().await.unwrap().contains("rd-expenditure-2024"));
    }

    let first = statements_of(&server, "first");
    assert!(
        first.iter().any(|line| line.contains("COUNT(*)")),
        "the first page counts its total: {first:#?}"
    );
    let again = statements_of(&server, "again");
    assert_eq!(again.len(), 1, "one statement: {again:#?}");
    assert!(
        again[0].contains("SELECT concat("),
        "the page's own: {again:#?}"
    );
}
