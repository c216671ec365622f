//! Issue 13's read-path defects: each answer a hostile but well-formed request gets is a
//! problem a person can act on, never a 500, a hang or a loop.

use std::process::{Command, Stdio};

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::TestApp;

const BINARY: &str = env!("CARGO_BIN_EXE_gd-indicators");

/// Every endpoint that takes `as_of`.
const AS_OF_ENDPOINTS: &[&str] = &[
    "/v1/observations",
    "/v1/observations/rd-expenditure-2024",
    "/v1/revenues",
    "/v1/patents",
    "/v1/export",
    "/v1/indicators/rd-expenditure/observations",
];

/// D2: a time whose UTC instant falls past year 9999 (or before year 0) is refused by name,
/// on every endpoint that takes one and by `export --query` (a refused query: exit 1); it used
/// to panic (a 500, and exit 101).
#[tokio::test]
async fn a_time_past_the_calendar_is_a_400_everywhere() {
    let app = TestApp::spawn().await;
    for moment in [
        "9999-12-31T23:59:59-23:59",
        "0000-01-01T00:00:00+23:59",
        "9999-12-31T23:59:59.999999999-00:01",
    ] {
        let encoded = moment.replace('+', "%2B");
        for endpoint in AS_OF_ENDPOINTS {
            let path = format!("{endpoint}?as_of={encoded}");
            let problem = app.get_problem(&path, StatusCode::BAD_REQUEST).await;
            assert_eq!(problem.invalid_params[0].name, "as_of", "{path}");
        }
        let output = Command::new(BINARY)
            .args(["export", "--database-url", &app.db_url, "--query"])
            .arg(format!("as_of={encoded}"))
            .stdin(Stdio::null())
            .output()
            .expect("the binary runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{moment}: {stderr}");
        assert!(stderr.contains("as_of"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// D6: a cursor's sort-key values are bound as what the key holds: a cursor whose `value`
/// key is not a number (the JSON of a non-finite number is `null`) is refused, never bound as
/// text, which matched no row (or every one) and made a page point at itself.
#[tokio::test]
async fn a_cursor_whose_key_is_not_of_its_type_is_refused() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    let app = TestApp::spawn().await;
    for sort in ["value", "-value", "period", "id"] {
        let first = app
            .get_ok(&format!("/v1/observations?sort={sort}&limit=2"))
            .await;
        let next = first["links"]["next"].as_str().unwrap();
        let (prefix, token) = next.split_once("cursor=").unwrap();
        let mut cursor: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(token).unwrap()).unwrap();
        let wrong = if sort.ends_with("value") {
            vec![Value::Null, Value::from("510"), Value::from(true)]
        } else {
            vec![Value::Null, Value::from(2024), Value::from(false)]
        };
        for key in wrong {
            cursor["k"][0] = key.clone();
            let tampered = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&cursor).unwrap());
            let path = format!("{prefix}cursor={tampered}");
            let problem = app.get_problem(&path, StatusCode::BAD_REQUEST).await;
            assert_eq!(problem.invalid_params[0].name, "cursor", "{sort}: {key}");
        }
    }
}

/// Writes a figure straight into the database, as no import would: an extreme value left by
/// an older build, or written by hand.
async fn insert_figure(app: &TestApp, id: &str, like: &str, value: f64, scale: &str) {
    let pool = gd_indicators::store::database::open_and_migrate(&app.db_url)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO observations (id, indicator_id, region_id, value, scale, unit, qualifier,
             stated, period_kind, period_start, period_end, period_label, source_id, section)
         SELECT ?, indicator_id, region_id, ?, ?, unit, qualifier, stated, period_kind,
             '2030', '2030', '2030', source_id, section
         FROM observations WHERE id = ?",
    )
    .bind(id)
    .bind(value)
    .bind(scale)
    .bind(like)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
}

/// A server process of this build on `database`, on a free port; killed when dropped.
struct ServerProcess {
    child: std::process::Child,
    address: String,
}

impl ServerProcess {
    fn start(database: &str) -> ServerProcess {
        use std::io::BufRead;
        let mut child = Command::new(BINARY)
            .args(["--addr", "127.0.0.1:0", "--database-url", database])
            .env("RUST_LOG", "gd_indicators=info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary runs");
        let stdout = child.stdout.take().unwrap();
        let mut lines = std::io::BufReader::new(stdout).lines();
        let address = lines
            .find_map(|line| {
                let line = line.ok()?;
                let at = line.find("listening on http://")?;
                let rest = &line[at + "listening on ".len()..];
                Some(rest.split_whitespace().next()?.to_owned())
            })
            .expect("the server says where it listens");
        // The log goes on; reading it keeps the server from blocking on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        ServerProcess { child, address }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// D3: a chart of extreme values (1.6e308 percent, whose axis overflowed; 1e308 trillion
/// yuan, infinite in plain units; a subnormal share) answers at once, and the server keeps
/// answering: the render used to spin for ever on a runtime worker, out of the timeout's
/// reach. (A server process of its own, so that a render that spins cannot hold the tests.)
#[tokio::test]
async fn a_chart_of_extreme_values_answers_and_the_server_stays_up() {
    let app = TestApp::spawn().await;
    insert_figure(
        &app,
        "huge-share",
        "gba-share-of-national-economy",
        1.6e308,
        "unit",
    )
    .await;
    insert_figure(&app, "infinite-gdp", "marine-gdp-2024", 1e308, "trillion").await;
    insert_figure(
        &app,
        "tiny-share",
        "gba-share-of-national-land",
        1e-320,
        "unit",
    )
    .await;
    let server = ServerProcess::start(&app.db_url);
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap();
    for indicator in [
        "gba-share-of-national-economy",
        "marine-gdp",
        "gba-share-of-national-land",
    ] {
        let path = format!("/v1/indicators/{indicator}/chart.svg");
        let response = client
            .get(format!("{}{path}", server.address))
            .send()
            .await
            .unwrap_or_else(|error| panic!("{path}: no answer ({error})"));
        let status = response.status();
        assert!(!status.is_server_error(), "{path}: {status}");
        if status == StatusCode::OK {
            let svg = response.text().await.unwrap();
            assert!(roxmltree::Document::parse(&svg).is_ok(), "{path}: an SVG");
        }
        let health = client
            .get(format!("{}/healthz", server.address))
            .send()
            .await;
        assert!(health.is_ok_and(|r| r.status() == StatusCode::OK), "{path}");
    }
}

/// D15: the documents and probes are as strict as the rest of the API: an unknown parameter is
/// a 400 naming it, and an `Accept` they cannot serve is a 406; each still answers what it
/// serves.
#[tokio::test]
async fn documents_and_probes_refuse_unknown_parameters_and_honour_accept() {
    let app = TestApp::spawn().await;
    for path in ["/v1", "/openapi.json", "/healthz", "/readyz", "/metrics"] {
        let problem = app
            .get_problem(&format!("{path}?colour=red"), StatusCode::BAD_REQUEST)
            .await;
        assert_eq!(problem.invalid_params[0].name, "colour", "{path}");
    }
    for path in ["/v1", "/openapi.json", "/healthz", "/readyz"] {
        app.get_problem_with(path, &[("accept", "text/csv")], StatusCode::NOT_ACCEPTABLE)
            .await;
        let response = app.get_with(path, &[("accept", "application/json")]).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let response = app.get(&format!("{path}?format=json")).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}?format=json");
    }
    app.get_problem_with(
        "/metrics",
        &[("accept", "application/json")],
        StatusCode::NOT_ACCEPTABLE,
    )
    .await;
    for accept in ["text/plain", "text/*", "*/*"] {
        let response = app.get_with("/metrics", &[("accept", accept)]).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "/metrics, Accept: {accept}"
        );
    }

    let chart = "/v1/indicators/rd-expenditure/chart.svg";
    for accept in ["application/json", "text/csv", "image/png"] {
        app.get_problem_with(chart, &[("accept", accept)], StatusCode::NOT_ACCEPTABLE)
            .await;
    }
    for accept in ["image/svg+xml", "image/*", "*/*", "text/html, */*;q=0.1"] {
        let response = app.get_with(chart, &[("accept", accept)]).await;
        assert_eq!(response.status(), StatusCode::OK, "chart, Accept: {accept}");
    }
}

/// D15: a path segment that does not decode to UTF-8 is a problem+json 400 (it was a text/plain
/// one), a missing page of the API explorer a problem+json 404 (it had no body), and OPTIONS
/// lists itself among the methods allowed.
#[tokio::test]
async fn bad_paths_missing_docs_and_options_answer_in_the_apis_terms() {
    let app = TestApp::spawn().await;
    for path in [
        "/v1/observations/%ff",
        "/v1/regions/%c3%28",
        "/v1/observations/%ff/revisions",
        "/v1/indicators/%80/chart.svg",
    ] {
        let problem = app.get_problem(path, StatusCode::BAD_REQUEST).await;
        assert!(problem.detail.contains("UTF-8"), "{problem:?}");
    }
    for path in ["/docs/nope.js", "/docs/missing/page.html"] {
        app.get_problem(path, StatusCode::NOT_FOUND).await;
    }
    for path in [
        "/v1/regions",
        "/v1/observations/rd-expenditure-2024",
        "/healthz",
    ] {
        let plain = app
            .client
            .request(reqwest::Method::OPTIONS, format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        let preflight = app
            .client
            .request(reqwest::Method::OPTIONS, format!("{}{path}", app.address))
            .header("origin", "https://dash.example")
            .header("access-control-request-method", "GET")
            .send()
            .await
            .unwrap();
        for response in [plain, preflight] {
            let allow = crate::helpers::header(&response, "allow");
            let methods: Vec<&str> = allow.split(',').map(str::trim).collect();
            assert!(response.status().is_success(), "OPTIONS {path}");
            assert_eq!(
                methods,
                ["GET", "HEAD", "OPTIONS"],
                "OPTIONS {path}: {allow}"
            );
        }
    }
}

/// The query parameters the OpenAPI document gives one operation, by name.
fn documented_parameters(document: &Value, path: &str) -> Vec<String> {
    document["paths"][path]["get"]["parameters"]
        .as_array()
        .map(|parameters| {
            parameters
                .iter()
                .filter(|p| p["in"] == "query")
                .map(|p| p["name"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// D20: the OpenAPI document lists every query parameter a single resource takes, bounds
/// years as the server does (1900 to 2100), and a refusal never names as accepted what the
/// endpoint refuses.
#[tokio::test]
async fn the_document_lists_what_each_endpoint_takes_as_the_server_takes_it() {
    let app = TestApp::spawn().await;
    let document = app.get_ok("/openapi.json").await;
    for (path, expected) in [
        (
            "/v1/observations/{id}",
            &["as_of", "currency", "scale", "lang", "format"][..],
        ),
        ("/v1/regions/{id}", &["currency", "scale", "lang", "format"]),
        ("/v1/sources/{id}", &["currency", "scale", "lang", "format"]),
        ("/v1/indicators/{id}", &["lang", "format"]),
        (
            "/v1/observations/{id}/revisions",
            &["lang", "sort", "fields", "format", "bom"],
        ),
        // What names nothing takes no language.
        ("/v1", &["format"]),
        ("/openapi.json", &["format"]),
        ("/healthz", &["format"]),
        ("/metrics", &[]),
        (
            "/v1/indicators/{id}/chart.svg",
            &["region", "currency", "width", "height", "lang"],
        ),
    ] {
        assert_eq!(documented_parameters(&document, path), expected, "{path}");
    }
    // Every query parameter the document names is taken, and only those.
    for (path, item) in document["paths"].as_object().unwrap() {
        if path.contains('{') {
            continue;
        }
        let response = app.get(&format!("{path}?undocumented=1")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        let problem: Value = response.json().await.unwrap();
        let detail = problem["detail"].as_str().unwrap();
        let accepted = detail.split("accepts: ").nth(1).unwrap_or("");
        let names: Vec<&str> = accepted
            .trim_end_matches('.')
            .split(", ")
            .filter(|name| !name.is_empty())
            .collect();
        let documented = documented_parameters(&document, path);
        let mut listed: Vec<&str> = documented.iter().map(String::as_str).collect();
        // A list with no sort key takes `sort` only to refuse it (a search ranks its hits).
        let mut taken = names.clone();
        taken.retain(|name| listed.contains(name) || *name != "sort");
        listed.sort_unstable();
        taken.sort_unstable();
        assert_eq!(taken, listed, "{path}: {item}");
    }
    // Years: as the server takes them.
    for path in ["/v1/observations", "/v1/revenues", "/v1/patents"] {
        let parameters = document["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap();
        let year = parameters.iter().find(|p| p["name"] == "year").unwrap();
        // A comma-separated list of whole years in the calendar's range.
        assert_eq!(year["style"], "form", "{path}");
        assert_eq!(year["explode"], false, "{path}");
        let item = &year["schema"]["items"];
        assert_eq!(
            (item["minimum"].as_i64(), item["maximum"].as_i64()),
            (Some(1900), Some(2100)),
            "{path}"
        );
        for bound in ["from", "to"] {
            let schema = &parameters.iter().find(|p| p["name"] == bound).unwrap()["schema"];
            assert_eq!(
                (schema["minimum"].as_i64(), schema["maximum"].as_i64()),
                (Some(1900), Some(2100))
            );
        }
    }
    // The chart refuses `format`, and does not name it among what it takes.
    let problem = app
        .get_problem(
            "/v1/indicators/rd-expenditure/chart.svg?format=svg",
            StatusCode::BAD_REQUEST,
        )
        .await;
    let detail = &problem.detail;
    let accepted = detail.split("accepts: ").nth(1).unwrap();
    assert!(!accepted.contains("format"), "{detail}");
}
