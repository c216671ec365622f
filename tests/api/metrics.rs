//! `/metrics`: Prometheus's text format, read back with a small parser of the format; each
//! count moves by exactly the requests made, under their route template, and each app counts
//! only its own.

use std::collections::{BTreeMap, HashMap};

use reqwest::StatusCode;

use crate::helpers::seed_csv;
use crate::helpers::{header, TestApp};

/// One scrape: each sample by name and label set, and each family's declared type.
#[derive(Debug)]
struct Scrape {
    samples: HashMap<(String, BTreeMap<String, String>), f64>,
    types: HashMap<String, String>,
}

impl Scrape {
    /// Parses the text exposition format (0.0.4): `# HELP` and `# TYPE` lines, other comments,
    /// and `name{label="value",...} value` samples. Panics on anything else, on a sample
    /// whose family has no `# TYPE`, and on a label set seen twice.
    fn parse(text: &str) -> Scrape {
        let mut samples = HashMap::new();
        let mut types = HashMap::new();
        for line in text.lines().filter(|line| !line.trim().is_empty()) {
            if let Some(comment) = line.strip_prefix('#') {
                let mut words = comment.split_whitespace();
                if words.next() == Some("TYPE") {
                    let name = words.next().expect("a TYPE names its family");
                    let kind = words.next().expect("a TYPE gives a type");
                    let known = ["counter", "gauge", "histogram", "summary", "untyped"];
                    assert!(known.contains(&kind), "{line}");
                    let earlier = types.insert(name.to_owned(), kind.to_owned());
                    assert!(earlier.is_none(), "a second TYPE for {name}");
                }
                continue;
            }
            let (name, labels, value) = parse_sample(line);
            let family = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|suffix| name.strip_suffix(suffix))
                .filter(|family| types.get(*family).is_some_and(|kind| kind == "histogram"))
                .unwrap_or(&name);
            assert!(types.contains_key(family), "no TYPE before {line}");
            let earlier = samples.insert((name.clone(), labels), value);
            assert!(earlier.is_none(), "a repeated sample: {line}");
        }
        Scrape { samples, types }
    }

    /// The sample `name` with exactly these labels, if present.
    fn get(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let labels = labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.samples.get(&(name.to_owned(), labels)).copied()
    }

    /// A counter's value; a label set not yet seen has counted nothing.
    fn count(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.get(name, labels).unwrap_or(0.0)
    }

    /// A sample that must be there.
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.get(name, labels)
            .unwrap_or_else(|| panic!("no {name} {labels:?} in {:#?}", self.samples))
    }

    /// The label sets of the samples named `name`.
    fn label_sets(&self, name: &str) -> Vec<&BTreeMap<String, String>> {
        self.samples
            .keys()
            .filter(|(sample, _)| sample == name)
            .map(|(_, labels)| labels)
            .collect()
    }
}

/// `name{labels} value`, the labels unescaped.
fn parse_sample(line: &str) -> (String, BTreeMap<String, String>, f64) {
    let name_end = line.find(['{', ' ']).expect("a sample has a value");
    let name = &line[..name_end];
    assert!(
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
        "a bad metric name in {line}"
    );
    let mut labels = BTreeMap::new();
    let mut rest = &line[name_end..];
    if let Some(mut inside) = rest.strip_prefix('{') {
        loop {
            if let Some(after) = inside.strip_prefix('}') {
                rest = after;
                break;
            }
            let (key, after_key) = inside.split_once("=\"").expect("label=\"value\"");
            let mut value = String::new();
            let mut chars = after_key.char_indices();
            let end = loop {
                match chars.next().expect("a closing quote") {
                    (_, '\\') => match chars.next().expect("an escaped character").1 {
                        'n' => value.push('\n'),
                        escaped @ ('\\' | '"') => value.push(escaped),
                        other => panic!("a bad escape \\{other} in {line}"),
                    },
                    (at, '"') => break at,
                    (_, c) => value.push(c),
                }
            };
            assert!(labels.insert(key.to_owned(), value).is_none(), "{line}");
            inside = after_key[end + 1..]
                .strip_prefix(',')
                .unwrap_or(&after_key[end + 1..]);
        }
    }
    let value = rest.trim();
    let value = match value {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        number => number
            .parse()
            .unwrap_or_else(|_| panic!("a bad value in {line}")),
    };
    (name.to_owned(), labels, value)
}

const REQUESTS: &str = "gd_indicators_http_requests_total";
const DURATION: &str = "gd_indicators_http_request_duration_seconds";
const HITS: &str = "gd_indicators_response_cache_hits_total";
const MISSES: &str = "gd_indicators_response_cache_misses_total";

impl TestApp {
    async fn scrape(&self) -> Scrape {
        let response = self.get("/metrics").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            header(&response, "content-type"),
            "text/plain; version=0.0.4; charset=utf-8"
        );
        Scrape::parse(&response.text().await.unwrap())
    }
}

/// How much a counter moved between two scrapes.
fn moved(before: &Scrape, after: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    after.count(name, labels) - before.count(name, labels)
}

#[tokio::test]
async fn requests_are_counted_by_route_template_method_and_status() {
    let app = TestApp::spawn().await;
    let before = app.scrape().await;

    // A miss, then three hits: two GETs and a HEAD; then a 304 from the cache.
    let first = app.get("/v1/clusters").await;
    assert_eq!(header(&first, "x-cache"), "miss");
    let tag = header(&first, "etag");
    for _ in 0..2 {
        assert_eq!(header(&app.get("/v1/clusters").await, "x-cache"), "hit");
    }
    let head = app.head("/v1/clusters").await;
    assert_eq!(header(&head, "x-cache"), "hit");
    let revalidated = app
        .get_with("/v1/clusters", &[("if-none-match", &tag)])
        .await;
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    // One template, two ids, two statuses.
    app.get_ok("/v1/observations/rd-expenditure-2024").await;
    app.get_problem("/v1/observations/no-such-figure", StatusCode::NOT_FOUND)
        .await;
    // No route at all.
    app.get_problem("/no/such/path", StatusCode::NOT_FOUND)
        .await;

    let after = app.scrape().await;
    let clusters = |method, status| {
        [
            ("route", "/v1/clusters"),
            ("method", method),
            ("status", status),
        ]
    };
    assert_eq!(
        moved(&before, &after, REQUESTS, &clusters("GET", "200")),
        3.0
    );
    assert_eq!(
        moved(&before, &after, REQUESTS, &clusters("HEAD", "200")),
        1.0
    );
    assert_eq!(
        moved(&before, &after, REQUESTS, &clusters("GET", "304")),
        1.0
    );
    let figure = |status| {
        [
            ("route", "/v1/observations/{id}"),
            ("method", "GET"),
            ("status", status),
        ]
    };
    assert_eq!(moved(&before, &after, REQUESTS, &figure("200")), 1.0);
    assert_eq!(moved(&before, &after, REQUESTS, &figure("404")), 1.0);
    let unmatched = [("route", "unmatched"), ("method", "GET"), ("status", "404")];
    assert_eq!(moved(&before, &after, REQUESTS, &unmatched), 1.0);
    // The first scrape was answered before the second was taken.
    let scrapes = [("route", "/metrics"), ("method", "GET"), ("status", "200")];
    assert_eq!(moved(&before, &after, REQUESTS, &scrapes), 1.0);
    // No raw path is ever a label.
    for labels in after.label_sets(REQUESTS) {
        let route = &labels["route"];
        assert!(
            route == "unmatched" || !route.contains("no-such"),
            "{labels:?}"
        );
    }

    // Each answer is hit or miss once; errors and the scrapes are neither.
    assert_eq!(moved(&before, &after, HITS, &[]), 4.0);
    assert_eq!(moved(&before, &after, MISSES, &[]), 2.0);

    // The histogram is by route and status: the GETs and the HEAD together.
    let ok = [("route", "/v1/clusters"), ("status", "200")];
    let count = format!("{DURATION}_count");
    assert_eq!(moved(&before, &after, &count, &ok), 4.0);
    assert!(after.value(&format!("{DURATION}_sum"), &ok) > 0.0);
    let buckets = format!("{DURATION}_bucket");
    let mut bounds: Vec<(f64, f64)> = after
        .label_sets(&buckets)
        .into_iter()
        .filter(|labels| labels["route"] == "/v1/clusters" && labels["status"] == "200")
        .map(|labels| {
            let le = &labels["le"];
            let mut with_le: Vec<(&str, &str)> = ok.to_vec();
            with_le.push(("le", le));
            let bound = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().unwrap()
            };
            (bound, after.value(&buckets, &with_le))
        })
        .collect();
    bounds.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert_eq!(bounds.len(), 15, "{bounds:?}");
    assert_eq!(bounds[0].0, 0.0005);
    assert_eq!(bounds[13].0, 10.0);
    assert!(
        bounds.windows(2).all(|pair| pair[0].1 <= pair[1].1),
        "{bounds:?}"
    );
    assert_eq!(bounds[14], (f64::INFINITY, after.value(&count, &ok)));
    assert_eq!(after.types[DURATION], "histogram");
    assert_eq!(after.types[REQUESTS], "counter");
}

#[tokio::test]
async fn a_304_made_below_the_cache_keeps_its_route() {
    // No response cache: the revalidation layer, not the cache, answers the 304s, for a
    // rendered list and for the streamed export alike.
    let app = TestApp::spawn_with(gd_indicators::HttpSettings {
        response_cache_bytes: 0,
        ..Default::default()
    })
    .await;
    let before = app.scrape().await;
    for path in ["/v1/clusters", "/v1/export"] {
        let tag = header(&app.get(path).await, "etag");
        let revalidated = app.get_with(path, &[("if-none-match", &tag)]).await;
        assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED, "{path}");
    }
    let after = app.scrape().await;
    for route in ["/v1/clusters", "/v1/export"] {
        let labels = [("route", route), ("method", "GET"), ("status", "304")];
        assert_eq!(moved(&before, &after, REQUESTS, &labels), 1.0, "{route}");
    }
    let unmatched = [("route", "unmatched"), ("method", "GET"), ("status", "304")];
    assert_eq!(moved(&before, &after, REQUESTS, &unmatched), 0.0);
}

#[tokio::test]
async fn gauges_show_requests_in_flight_the_pool_and_the_data_version() {
    let app = TestApp::spawn().await;
    app.get_ok("/v1/regions").await;
    let scrape = app.scrape().await;
    // Nothing else is running against this app: the scrape is the one request in flight.
    assert_eq!(
        scrape.value("gd_indicators_http_requests_in_flight", &[]),
        1.0
    );
    let connections = scrape.value("gd_indicators_db_pool_connections", &[]);
    let idle = scrape.value("gd_indicators_db_pool_idle_connections", &[]);
    let max = scrape.value("gd_indicators_db_pool_max_connections", &[]);
    assert!(connections >= 1.0, "a query opened a connection");
    assert!(
        idle <= connections && connections <= max,
        "{idle} {connections} {max}"
    );
    for gauge in [
        "gd_indicators_http_requests_in_flight",
        "gd_indicators_db_pool_connections",
        "gd_indicators_db_pool_idle_connections",
        "gd_indicators_db_pool_max_connections",
        "gd_indicators_data_version",
    ] {
        assert_eq!(scrape.types[gauge], "gauge", "{gauge}");
    }

    let version = "gd_indicators_data_version";
    assert_eq!(scrape.value(version, &[]), app.data_version().await as f64);
    let correction = seed_csv(&[(
        "rd-expenditure-2024",
        &[("value", "511"), ("reason", "test correction")],
    )]);
    let (_, receipt) = app
        .import("fix.csv", &correction)
        .await
        .expect("the correction applies");
    let receipt = receipt.expect("a change was recorded");
    // app.import waited until /readyz reported the import.
    let after = app.scrape().await;
    assert_eq!(after.value(version, &[]), receipt.id as f64);
    assert!(after.value(version, &[]) > scrape.value(version, &[]));
}

#[tokio::test]
async fn metrics_are_never_cached() {
    let app = TestApp::spawn().await;
    let mut totals = Vec::new();
    for _ in 0..2 {
        let response = app.get("/metrics").await;
        assert_eq!(header(&response, "cache-control"), "no-store");
        assert_eq!(header(&response, "x-cache"), "", "never kept by the cache");
        let scrape = Scrape::parse(&response.text().await.unwrap());
        let scrapes = [("route", "/metrics"), ("method", "GET"), ("status", "200")];
        totals.push(scrape.count(REQUESTS, &scrapes));
    }
    assert_eq!(totals, [0.0, 1.0], "each scrape sees the ones before it");
}

#[tokio::test]
async fn each_app_counts_only_its_own_requests() {
    let (busy, quiet) = (TestApp::spawn().await, TestApp::spawn().await);
    for _ in 0..3 {
        busy.get_ok("/v1/sources").await;
    }
    let labels = [
        ("route", "/v1/sources"),
        ("method", "GET"),
        ("status", "200"),
    ];
    assert_eq!(busy.scrape().await.count(REQUESTS, &labels), 3.0);
    let quiet = quiet.scrape().await;
    assert_eq!(quiet.get(REQUESTS, &labels), None);
    assert_eq!(quiet.count(HITS, &[]), 0.0);
}

#[tokio::test]
async fn the_openapi_document_describes_the_text_format() {
    let app = TestApp::spawn().await;
    let document = app.get_ok("/openapi.json").await;
    let ok = &document["paths"]["/metrics"]["get"]["responses"]["200"];
    assert_eq!(
        ok["content"]["text/plain"]["schema"]["type"], "string",
        "{ok}"
    );
    let index = app.get_ok("/v1").await;
    assert_eq!(
        index["links"]["metrics"],
        format!("{}/metrics", app.address)
    );
}

#[test]
fn the_parser_reads_escapes_and_histograms() {
    let scrape = Scrape::parse(
        "# HELP a_seconds A histogram.\n# TYPE a_seconds histogram\n\
         a_seconds_bucket{route=\"/x/{id}\",le=\"+Inf\"} 2\n\
         a_seconds_sum{route=\"/x/{id}\"} 0.5\na_seconds_count{route=\"/x/{id}\"} 2\n\
         # TYPE b gauge\nb{q=\"a\\\"b\\\\c\\nd\",r=\"\"} -1\n",
    );
    assert_eq!(
        scrape.value("a_seconds_bucket", &[("route", "/x/{id}"), ("le", "+Inf")]),
        2.0
    );
    assert_eq!(scrape.value("b", &[("q", "a\"b\\c\nd"), ("r", "")]), -1.0);
}
