//! The benchmark's ceiling: a bare axum server that answers every GET with the same bytes and
//! content type, read once from a file at start-up. Whatever the real service loses against
//! it is the cost of its layers, its routing and its data.
//!
//! `ceiling ADDR BODY_FILE CONTENT_TYPE [LAYERS]`: with LAYERS = n, the handler is wrapped in
//! the first n production layers (`gd_indicators::http::layers::stack::LAYERS`, innermost
//! first, with the production settings), so the benchmark can price each layer.

use axum::http::header;
use axum::routing::get;
use axum::Router;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: ceiling ADDR BODY_FILE CONTENT_TYPE [LAYERS]";
    let addr = args.next().expect(usage);
    let body = std::fs::read(args.next().expect(usage)).expect("the body file is readable");
    let content_type = args.next().expect(usage);
    let layers: usize = args.next().map_or(0, |n| n.parse().expect(usage));
    let body = axum::body::Bytes::from(body);
    let app = Router::new().fallback(get(move || {
        let (body, content_type) = (body.clone(), content_type.clone());
        async move { ([(header::CONTENT_TYPE, content_type)], body) }
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
