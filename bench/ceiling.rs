//! The benchmark's ceiling: a bare axum server that answers every GET with the same bytes,
//! body and headers, read once from files at start-up. Whatever the real service loses
//! against it is the cost of its layers, its routing and its data.
//!
//! `ceiling ADDR BODY_FILE HEADERS_FILE [LAYERS]`: HEADERS_FILE holds the header lines to send,
//! as `curl -D` writes a response's (its status line and the headers hyper writes itself are
//! skipped). `bench/run.sh` runs it twice an endpoint: with the service's headers (the same
//! bytes as the service, against which the benchmark judges it), and with its content type
//! alone ("body only", what the headers cost). Like the service's cache, it clones a header
//! map a response; static header values instead of parsed ones made no difference
//! (2026-12-04: 50.6k-66.9k req/s against 62.4k-67.5k, within a run's noise).
//!
//! With LAYERS = n, the handler is wrapped in the first n production layers
//! (`gd_indicators::http::layers::stack::LAYERS`, innermost first, with the production
//! settings), so the benchmark can price each layer.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::routing::get;
use axum::Router;

/// Headers hyper writes for every response (or a client's connection owns): sending the
/// recorded ones too would repeat them.
const WRITTEN_BY_HYPER: [&str; 5] = [
    "content-length",
    "date",
    "connection",
    "keep-alive",
    "transfer-encoding",
];

/// The header lines of a `curl -D` dump, but for the status line and [`WRITTEN_BY_HYPER`].
fn recorded_headers(dump: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for line in dump.lines().map(str::trim_end) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name: HeaderName = name.parse().expect("a recorded header's name is valid");
        if WRITTEN_BY_HYPER.contains(&name.as_str()) {
            continue;
        }
        let value = HeaderValue::from_str(value.trim()).expect("a recorded header is valid");
        headers.append(name, value);
    }
    headers
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: ceiling ADDR BODY_FILE HEADERS_FILE [LAYERS]";
    let addr = args.next().expect(usage);
    let body = std::fs::read(args.next().expect(usage)).expect("the body file is readable");
    let dump =
        std::fs::read_to_string(args.next().expect(usage)).expect("the headers file is readable");
    let headers = recorded_headers(&dump);
    let layers: usize = args.next().map_or(0, |n| n.parse().expect(usage));
    let body = axum::body::Bytes::from(body);
    let app = Router::new().fallback(get(move || {
        let (headers, body) = (headers.clone(), body.clone());
        async move { (headers, body) }
    }));
    // The request log's cost includes writing it: JSON lines through the same background
    // writer the service uses, to stdout (the benchmark sends it to /dev/null).
    let (writer, _flush_on_exit) =
        gd_indicators::commands::log_writer::log_writer(std::io::stdout())
            .expect("the log's writer starts");
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("gd_indicators=info"))
        .with_writer(writer.clone())
        .json()
        .event_format(gd_indicators::commands::log_line::JsonLines::new())
        .init();
    gd_indicators::http::layers::request_log::write_request_lines_with(Box::new(
        gd_indicators::commands::log_line::JsonRequestLines::new(writer),
    ));
    let metrics = gd_indicators::http::layers::metrics::Metrics::new(&Default::default());
    let settings = gd_indicators::HttpSettings::default();
    let app = gd_indicators::http::layers::stack::wrap(
        app,
        &settings,
        None,
        std::sync::Arc::new(metrics),
        layers,
    );
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .expect("the address is free");
    println!(
        "ceiling listening on http://{}",
        listener.local_addr().unwrap()
    );
    gd_indicators::serve(listener, app, &settings, std::future::pending())
        .await
        .expect("the server runs");
}
