//! A failure is logged once, with the request id the client received: a database error (in
//! the real binary's JSON log) and a panic (through the production layers) each give exactly
//! one error line carrying the `x-request-id` of their 500, and what the client is told stays
//! generic. A slow request is one warning naming it, and so is an export cut off after its
//! response has left. A cache hit, answered above the request's span, is still one line with
//! every field.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::routing::get;
use axum::Router;
use gd_indicators::http::layers::{metrics::Metrics, request_log, stack};
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{header, TestApp};
use crate::server::{socket_address, with_synthetic_figures};

const BINARY: &str = env!("CARGO_BIN_EXE_gd-indicators");

/// Whether a log line names the request: in its span (events logged while the request is
/// handled) or in its fields (the request's own line).
fn names_request(line: &Value, request_id: &str) -> bool {
    line["span"]["request_id"] == request_id || line["fields"]["request_id"] == request_id
}

/// The lines of `lines` that name the request and are at `level`.
fn lines_at<'a>(lines: &'a [Value], request_id: &str, level: &str) -> Vec<&'a Value> {
    lines
        .iter()
        .filter(|line| names_request(line, request_id) && line["level"] == level)
        .collect()
}

/// The request's own line: the one whose fields carry its id. There is exactly one.
fn request_line<'a>(lines: &'a [Value], request_id: &str) -> &'a Value {
    let own: Vec<&Value> = lines
        .iter()
        .filter(|line| line["fields"]["request_id"] == request_id)
        .collect();
    assert_eq!(own.len(), 1, "one request line for {request_id}: {own:#?}");
    own[0]
}

/// The 500 of `response`, checked: problem+json with a detail that asks for the request id,
/// and not a word of `secret`. Returns the request id it carries.
async fn generic_500(response: reqwest::Response, secret: &str) -> String {
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let request_id = header(&response, "x-request-id");
    assert!(!request_id.is_empty(), "a 500 carries its request id");
    let body = response.text().await.unwrap();
    let problem: Value = serde_json::from_str(&body).expect("a problem+json body");
    assert!(
        problem["detail"].as_str().unwrap().contains("x-request-id"),
        "{problem}"
    );
    assert!(
        !body.contains(secret),
        "the cause leaked to the client: {body}"
    );
    request_id
}

/// The binary serving a database on a free port with `--log-format json`; its log lines are
/// read as they come. Killed when dropped.
struct LoggingServer {
    child: Child,
    address: String,
    incoming: mpsc::Receiver<String>,
    lines: Vec<Value>,
}

impl LoggingServer {
    fn start(database: &Path) -> LoggingServer {
        let mut child = Command::new(BINARY)
            .args(["--addr", "127.0.0.1:0", "--log-format", "json"])
            .args(["--database-url", database.to_str().unwrap()])
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let stdout = child.stdout.take().unwrap();
        let (sender, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = LoggingServer {
            child,
            address: String::new(),
            incoming,
            lines: Vec::new(),
        };
        let listening = server.wait_for(|line| line["fields"]["addr"].is_string());
        server.address = format!("http://{}", listening["fields"]["addr"].as_str().unwrap());
        server
    }

    /// Reads log lines until one satisfies `wanted` (at most 10 s), and returns it.
    fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(line) = self.lines.iter().find(|line| wanted(line)) {
                return line.clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self
                .incoming
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no such log line yet: {:#?}", self.lines));
            let line = serde_json::from_str(&line)
                .unwrap_or_else(|_| panic!("every log line is a JSON object: {line}"));
            self.lines.push(line);
        }
    }
}

impl Drop for LoggingServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn a_database_error_is_one_error_line_with_the_request_id_of_its_500() {
    use sqlx::Connection;
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("gd-indicators.db");
    let mut server = LoggingServer::start(&database);

    // A second connection takes a table away from under the running server: its next read of
    // it fails in the database.
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&database);
    let mut connection = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    sqlx::query("ALTER TABLE regions RENAME TO regions_moved_away")
        .execute(&mut connection)
        .await
        .unwrap();
    let response = reqwest::get(format!("{}/v1/regions", server.address))
        .await
        .unwrap();
    let request_id = generic_500(response, "regions").await;

    // The request's own line comes last: once it is there, so is everything it logged.
    server.wait_for(|line| line["fields"]["request_id"] == request_id);
    let errors = lines_at(&server.lines, &request_id, "ERROR");
    assert_eq!(
        errors.len(),
        1,
        "one error line for {request_id}: {errors:#?}"
    );
    let error = errors[0];
    assert_eq!(error["span"]["request_id"], request_id, "{error}");
    assert_eq!(
        error["fields"]["message"],
        "database error while serving a request"
    );
    let cause = error["fields"]["error"].as_str().unwrap();
    assert!(cause.contains("no such table: regions"), "{error}");
    // The request's line says it failed, without counting the failure again.
    let line = request_line(&server.lines, &request_id);
    assert_eq!(line["level"], "WARN", "{line}");
    assert_eq!(line["fields"]["status"], 500, "{line}");
    assert_eq!(line["fields"]["route"], "/v1/regions", "{line}");
}

#[tokio::test]
async fn a_cache_hit_is_one_info_line_with_every_field_and_no_span() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = LoggingServer::start(&dir.path().join("gd-indicators.db"));
    let url = format!("{}/v1/clusters?lang=en", server.address);
    let miss = reqwest::get(&url).await.unwrap();
    assert_eq!(header(&miss, "x-cache"), "miss");
    let hit = reqwest::get(&url).await.unwrap();
    assert_eq!(hit.status(), StatusCode::OK);
    assert_eq!(header(&hit, "x-cache"), "hit");
    let request_id = header(&hit, "x-request-id");

    let line = server.wait_for(|line| line["fields"]["request_id"] == request_id);
    assert_eq!(line["level"], "INFO", "{line}");
    assert_eq!(line["target"], "gd_indicators::request", "{line}");
    let fields = &line["fields"];
    assert_eq!(fields["message"], "request", "{line}");
    assert_eq!(fields["method"], "GET", "{line}");
    assert_eq!(fields["uri"], "/v1/clusters?lang=en", "{line}");
    assert_eq!(fields["route"], "/v1/clusters", "{line}");
    assert_eq!(fields["status"], 200, "{line}");
    assert!(fields["latency_ms"].as_f64().unwrap() >= 0.0, "{line}");
    // The line names the request itself; a hit is answered outside any span.
    assert!(line.get("span").is_none(), "{line}");
    assert_eq!(
        lines_at(&server.lines, &request_id, "INFO").len(),
        1,
        "{:#?}",
        server.lines
    );
}

/// Every event of this test binary at warn level and above, written as `--log-format json`
/// writes them, into memory. Installed once, for the whole binary; tests find their lines by
/// request id.
fn captured_logs() -> &'static Mutex<Vec<u8>> {
    static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());
    static INSTALLED: OnceLock<()> = OnceLock::new();
    struct Capture;
    impl Write for Capture {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            LOGS.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    INSTALLED.get_or_init(|| {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("gd_indicators=warn"))
            .with_writer(|| Capture)
            .json()
            .event_format(gd_indicators::commands::log_line::JsonLines::new())
            .try_init()
            .expect("no other test installs a subscriber");
    });
    &LOGS
}

/// The lines captured so far.
fn captured_lines() -> Vec<Value> {
    let logs = captured_logs().lock().unwrap();
    String::from_utf8_lossy(&logs)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON log line"))
        .collect()
}

/// `routes` behind every production layer, served on a free port; its address.
async fn serve_with_production_layers(
    routes: Router,
    settings: gd_indicators::HttpSettings,
) -> String {
    captured_logs();
    // As the real router does, so that the request's line names its route.
    let routes = routes.route_layer(axum::middleware::from_fn(request_log::record_route));
    let metrics = Arc::new(Metrics::new(&Default::default()));
    let app = stack::wrap(routes, &settings, None, metrics, stack::LAYERS.len());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(gd_indicators::serve(
        listener,
        app,
        &settings,
        std::future::pending(),
    ));
    address
}

const PANIC_MESSAGE: &str = "the ledger is under the third floorboard";

async fn panicking_handler() -> &'static str {
    panic!("{PANIC_MESSAGE}")
}

#[tokio::test]
async fn a_panic_is_one_error_line_with_its_message_and_the_request_id_of_its_500() {
    let routes = Router::new().route("/v1/ledger/{year}", get(panicking_handler));
    let address =
        serve_with_production_layers(routes, gd_indicators::HttpSettings::default()).await;

    let response = reqwest::get(format!("{address}/v1/ledger/2024"))
        .await
        .unwrap();
    let request_id = generic_500(response, "floorboard").await;

    // Logged before the response left: every line is in by now.
    let lines = captured_lines();
    let errors = lines_at(&lines, &request_id, "ERROR");
    assert_eq!(
        errors.len(),
        1,
        "one error line for {request_id}: {errors:#?}"
    );
    let panic = errors[0];
    assert_eq!(panic["span"]["request_id"], request_id, "{panic}");
    assert_eq!(panic["fields"]["panic"], PANIC_MESSAGE, "{panic}");
    assert_eq!(panic["fields"]["method"], "GET", "{panic}");
    assert_eq!(panic["fields"]["route"], "/v1/ledger/{year}", "{panic}");
    let line = request_line(&lines, &request_id);
    assert_eq!(line["level"], "WARN", "{line}");
    assert_eq!(line["fields"]["status"], 500, "{line}");
}

#[tokio::test]
async fn a_slow_request_is_one_warning_with_its_id_route_and_latency() {
    let routes = Router::new()
        .route(
            "/v1/slow/{id}",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(60)).await;
                "late"
            }),
        )
        .route("/v1/quick", get(|| async { "soon" }));
    let settings = gd_indicators::HttpSettings {
        slow_request: Duration::from_millis(30),
        ..Default::default()
    };
    let address = serve_with_production_layers(routes, settings).await;

    let slow = reqwest::get(format!("{address}/v1/slow/7")).await.unwrap();
    assert_eq!(slow.status(), StatusCode::OK);
    let slow_id = header(&slow, "x-request-id");
    let quick = reqwest::get(format!("{address}/v1/quick")).await.unwrap();
    let quick_id = header(&quick, "x-request-id");

    let lines = captured_lines();
    let warnings = lines_at(&lines, &slow_id, "WARN");
    assert_eq!(
        warnings.len(),
        1,
        "one warning for {slow_id}: {warnings:#?}"
    );
    let warning = warnings[0];
    assert_eq!(warning["fields"]["message"], "slow request", "{warning}");
    assert_eq!(warning["fields"]["route"], "/v1/slow/{id}", "{warning}");
    assert!(
        warning["fields"]["latency_ms"].as_f64().unwrap() >= 60.0,
        "{warning}"
    );
    assert!(lines_at(&lines, &slow_id, "ERROR").is_empty());
    // A quick request logs nothing at warn level.
    assert!(lines.iter().all(|line| !names_request(line, &quick_id)));
}

/// An export is still being handled after its request's line: the task reading its rows and
/// the watchdog that cuts it off log in the request's span all the same.
#[tokio::test]
async fn an_export_cut_off_after_its_response_left_is_logged_with_its_request_id() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    captured_logs();
    let app = TestApp::spawn_with(gd_indicators::HttpSettings {
        export_min_bytes_per_second: 0,
        export_max_duration: Duration::from_secs(1),
        ..Default::default()
    })
    .await;
    with_synthetic_figures(&app, 20_000).await;

    // A client that takes the head and nothing more: the body fills the buffers, and waits.
    let request_id = "export-read-by-nobody";
    let mut stream = tokio::net::TcpStream::connect(socket_address(&app.address))
        .await
        .unwrap();
    let request =
        format!("GET /v1/export HTTP/1.1\r\nHost: x\r\nx-request-id: {request_id}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    // Reads until the head is whole: its headers grow with every header the API adds.
    let mut head = Vec::new();
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let mut chunk = [0u8; 1024];
        let read = stream.read(&mut chunk).await.unwrap();
        assert!(read > 0, "the connection closed before the head was whole");
        head.extend_from_slice(&chunk[..read]);
    }
    let head = String::from_utf8_lossy(&head);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.contains(request_id), "{head}");

    let deadline = Instant::now() + Duration::from_secs(10);
    let cut = loop {
        let lines = captured_lines();
        let cut = lines.into_iter().find(|line| {
            names_request(line, request_id)
                && line["fields"]["message"]
                    .as_str()
                    .is_some_and(|message| message.contains("cut short"))
        });
        if let Some(cut) = cut {
            break cut;
        }
        assert!(Instant::now() < deadline, "the export was never cut off");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(cut["level"], "WARN", "{cut}");
    assert_eq!(cut["span"]["request_id"], request_id, "{cut}");
    let message = cut["fields"]["message"].as_str().unwrap();
    assert!(message.contains("took longer than 1 s"), "{cut}");
    drop(stream);
}
