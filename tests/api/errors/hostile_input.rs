//! A corpus of hostile input (SQL injection, overlong, Unicode, null bytes, numeric edges) on
//! every parameter of every documented endpoint: each answer is a 4xx problem that leaks
//! nothing, never a 5xx, and the database file is byte-identical afterwards.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{header, Problem, TestApp};

fn corpus() -> Vec<String> {
    let mut values: Vec<String> = [
        // SQL injection
        "' OR 1=1 --",
        "'; DROP TABLE observations; --",
        "\" OR \"\"=\"",
        "1; SELECT * FROM sqlite_master",
        "guangdong' UNION SELECT sql FROM sqlite_master --",
        "guangdong') OR ('1'='1",
        "%' OR 1 --",
        "1 OR 1=1",
        "*",
        "\\",
        "`",
        // null bytes and control characters
        "\0",
        "guangdong\0",
        "\r\nX-Injected: 1",
        // Unicode
        "广东",
        "ｇｕａｎｇｄｏｎｇ",
        "\u{202e}gnodgnaug",
        "🦀",
        "e\u{301}",
        "\u{feff}guangdong",
        // numeric edges
        "-1",
        "-0",
        "1e309",
        "-1e309",
        "NaN",
        "inf",
        "9223372036854775808",
        "-9223372036854775809",
        "0x10",
        "1_000",
        "99999",
        " 2024",
        // list and encoding edges
        "",
        ",",
        "a,,b",
        "%00",
        "%25",
    ]
    .iter()
    .map(|value| value.to_string())
    .collect();
    values.push("a".repeat(1500));
    values.push("a".repeat(3000));
    values.push(format!("{},", "guangdong,".repeat(60)));
    values
}

/// A valid id for each kind of path parameter, so the corpus reaches the query parameters.
fn valid_path(template: &str) -> String {
    let ids: BTreeMap<&str, &str> = [
        ("/v1/city-plans/{city}", "guangzhou"),
        (
            "/v1/cluster-groups/{id}",
            "trillion-yuan-industrial-clusters",
        ),
        ("/v1/clusters/{id}", "green-petrochemicals"),
        ("/v1/companies/{id}", "byd"),
        ("/v1/facilities/{id}", "pengcheng-laboratory"),
        ("/v1/indicators/{id}", "rd-expenditure"),
        ("/v1/indicators/{id}/chart.svg", "rd-expenditure"),
        ("/v1/indicators/{id}/observations", "rd-expenditure"),
        ("/v1/observations/{id}", "rd-expenditure-2024"),
        ("/v1/observations/{id}/revisions", "rd-expenditure-2024"),
        ("/v1/regions/{id}", "guangdong"),
        ("/v1/sources/{id}", "gdtoday-innovation"),
        ("/v1/speakers/{id}", "huang-kunming"),
    ]
    .into_iter()
    .collect();
    match ids.get(template) {
        Some(id) => template.replace("{id}", id).replace("{city}", id),
        None => {
            assert!(!template.contains('{'), "give {template} a valid id here");
            template.to_owned()
        }
    }
}

fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Where a hostile value may legitimately be valid input, the answer may be a 200.
fn may_succeed(parameter: &str, value: &str) -> bool {
    match parameter {
        // Free text: searching for odd words finds nothing, or is refused.
        "q" => true,
        "min" | "max" | "width" | "height" => value.parse::<f64>().is_ok_and(f64::is_finite),
        // List items are trimmed ("2023, 2024"), so " 2024" is a year.
        "year" => value
            .trim()
            .parse::<i32>()
            .is_ok_and(|year| (1900..=2100).contains(&year)),
        _ => false,
    }
}

/// Everything a client must never see in an error body.
const LEAKS: [&str; 8] = [
    "SELECT",
    "sqlite",
    "SQLITE",
    "syntax error",
    "/src/",
    ".rs:",
    "panicked",
    "/tmp/",
];

fn database_bytes(db_url: &str) -> Vec<Vec<u8>> {
    ["", "-wal"]
        .iter()
        .map(|suffix| std::fs::read(format!("{db_url}{suffix}")).unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn a_hostile_corpus_on_every_parameter_gets_4xx_problems_and_changes_nothing() {
    let app = TestApp::spawn_with(gd_indicators::HttpSettings {
        // The corpus is many requests from one client; the rate limit is tested on its own.
        rate_limit_per_second: 0,
        ..Default::default()
    })
    .await;
    let before_file = database_bytes(&app.db_url);
    let before_export = app.get("/v1/export?format=csv").await.text().await.unwrap();

    let document = app.get_ok("/openapi.json").await;
    let mut requests = Vec::new();
    for (template, item) in document["paths"].as_object().unwrap() {
        let parameters: Vec<&Value> = item["get"]["parameters"]
            .as_array()
            .map(|p| p.iter().collect())
            .unwrap_or_default();
        let path = valid_path(template);
        for parameter in parameters {
            let name = parameter["name"].as_str().unwrap();
            for value in corpus() {
                let (url, expect_ok) = if parameter["in"] == "path" {
                    let hostile = template.replace(
                        &format!("{{{name}}}"),
                        // In a path a space is %20; '+' would be a literal plus.
                        &encode(&value).replace('+', "%20"),
                    );
                    // An empty id leaves the collection's path with a trailing slash, which
                    // is redirected to the collection.
                    (
                        valid_path(&hostile),
                        value.is_empty() && template.ends_with('}'),
                    )
                } else {
                    (
                        format!("{path}?{name}={}", encode(&value)),
                        may_succeed(name, &value),
                    )
                };
                requests.push((url, value.clone(), expect_ok));
            }
        }
    }
    assert!(requests.len() > 3000, "{} requests", requests.len());

    // A few concurrent clients, as a fuzzer would be.
    let chunks: Vec<Vec<(String, String, bool)>> = requests
        .chunks(requests.len().div_ceil(8))
        .map(<[_]>::to_vec)
        .collect();
    let mut tasks = Vec::new();
    for chunk in chunks {
        let client = app.client.clone();
        let address = app.address.clone();
        tasks.push(tokio::spawn(async move {
            let mut failures = Vec::new();
            for (url, value, may_succeed) in chunk {
                let response = client
                    .get(format!("{address}{url}"))
                    .send()
                    .await
                    .expect("the server answers");
                let status = response.status();
                let content_type = header(&response, "content-type");
                let body = response.text().await.unwrap_or_default();
                // A problem, whole: nothing beside its members.
                let problem = serde_json::from_str::<Problem>(&body).ok();
                let refused = status.is_client_error()
                    && content_type == "application/problem+json"
                    && problem.is_some_and(|problem| problem.status == status.as_u16())
                    // The refusal may quote the input; anything else of the kind is a leak.
                    && !LEAKS
                        .iter()
                        .any(|leak| body.contains(leak) && !value.contains(leak));
                if !(refused || (may_succeed && status == StatusCode::OK)) {
                    failures.push(format!("{url} -> {status} {content_type} {body:.200}"));
                }
            }
            failures
        }));
    }
    let mut failures = Vec::new();
    for task in tasks {
        failures.extend(task.await.unwrap());
    }
    assert!(
        failures.is_empty(),
        "{} of {} requests were not refused cleanly:\n{}",
        failures.len(),
        requests.len(),
        failures[..failures.len().min(20)].join("\n")
    );

    assert_eq!(
        database_bytes(&app.db_url),
        before_file,
        "the file is untouched"
    );
    let after_export = app.get("/v1/export?format=csv").await.text().await.unwrap();
    assert_eq!(after_export, before_export);
}
