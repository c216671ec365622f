//! gd-indicators: the economic figures of China Daily's "GD Today" page on Guangdong, served
//! as a JSON REST API from an embedded SQLite database.
//!
//! `main.rs` only parses the configuration and calls [`run`]; tests build the very same
//! router with [`app`] and serve it on an ephemeral port.

pub mod analytics;
pub mod chart;
pub mod config;
pub mod db;
pub mod error;
pub mod generate;
mod http;
pub mod import;
mod limits;
pub mod model;
mod openapi;
pub mod query;
pub mod render;
mod routes;
pub mod store;
pub mod timestamp;

use std::future::Future;
use std::sync::Arc;

use axum::http::{header, HeaderName, Method, Request, StatusCode};
use axum::middleware;
use axum::Router;
use sqlx::SqlitePool;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub use config::{Command, Config, GenerateArgs, HttpSettings, ImportArgs, LogFormat};
use error::problem_response;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: SqlitePool,
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole HTTP application: routes plus the layers every response goes through.
pub fn app(pool: SqlitePool, settings: &HttpSettings) -> Router {
    let origins = if settings.cors_allow_origins.is_empty() {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(settings.cors_allow_origins.clone())
    };
    let cors = CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::GET, Method::HEAD, Method::OPTIONS])
        .allow_headers([header::IF_NONE_MATCH, header::ACCEPT])
        .expose_headers([REQUEST_ID, header::ETAG, header::LINK]);
    let limits = limits::Limits {
        max_query_bytes: settings.max_query_bytes,
        request_timeout: settings.request_timeout,
        in_flight: Arc::new(Semaphore::new(settings.max_in_flight)),
    };
    let cache_policy = http::CachePolicy {
        max_age_seconds: settings.cache_max_age_seconds,
    };
    let trace = TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
        let request_id = request
            .headers()
            .get(&REQUEST_ID)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("-");
        tracing::info_span!("request", method = %request.method(), uri = %request.uri(), request_id)
    })
    // One line per answered request (status and latency) at the default log level.
    .on_response(DefaultOnResponse::new().level(tracing::Level::INFO));

    let router = routes::router()
        .with_state(AppState { pool })
        // Layers run bottom-up on the way in: the request id exists before the trace span
        // opens, and a panic anywhere below becomes a problem+json 500, not a dropped connection.
        .layer(CatchPanicLayer::custom(|_panic| {
            problem_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The server failed while answering; report it with this response's x-request-id."
                    .to_owned(),
            )
        }))
        // Tag the identity body, compress it, then answer If-None-Match against the tag of
        // the representation actually sent.
        .layer(middleware::from_fn(http::tag_entity))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(
            cache_policy,
            http::revalidate,
        ))
        .layer(middleware::from_fn_with_state(limits, limits::enforce));
    // Over the in-flight cap, so a client past its rate never takes a permit.
    let router = match limits::ClientRateLimit::new(
        settings.rate_limit_per_second,
        settings.rate_limit_burst,
        settings.rate_limit_loopback,
    ) {
        Some(rate) => router.layer(middleware::from_fn_with_state(rate, limits::limit_rate)),
        None => router,
    };
    router
        .layer(cors)
        .layer(middleware::from_fn(limits::security_headers))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(trace)
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// Serves `app` on `listener` until `shutdown` completes, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The peer address is what per-client rate limiting keys on.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Opens and migrates the database, binds the address and serves until Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> Result<(), String> {
    let settings = config.http_settings()?;
    // Migrations need a writer; serving needs none, so the writer is closed before serving.
    let migrated = db::open_and_migrate(&config.database_url)
        .await
        .map_err(|error| error.to_string())?;
    migrated.close().await;
    let pool = db::open_serving(&config.database_url)
        .await
        .map_err(|error| error.to_string())?;
    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|error| format!("cannot listen on {}: {error}", config.addr))?;
    let bound = listener
        .local_addr()
        .map_err(|error| format!("cannot read the bound address: {error}"))?;
    tracing::info!(addr = %bound, database = %config.database_url, "gd-indicators listening on http://{bound}");
    serve(listener, app(pool.clone(), &settings), shutdown_signal())
        .await
        .map_err(|error| format!("server error: {error}"))?;
    pool.close().await;
    tracing::info!("shut down cleanly");
    Ok(())
}

/// `gd-indicators check`: prints the consistency report; `Ok(false)` when a claim is
/// inconsistent.
pub async fn check(config: Config) -> Result<bool, String> {
    let pool = db::open_and_migrate(&config.database_url)
        .await
        .map_err(|error| error.to_string())?;
    let report = routes::analytics::load_report(&pool)
        .await
        .map_err(|error| format!("cannot read the data: {error}"))?;
    pool.close().await;
    print!("{}", analytics::report_text(&report));
    Ok(report.summary.inconsistent == 0)
}

/// `gd-indicators migrate`: creates or migrates the database, and closes it cleanly (no WAL
/// left behind), so the file can be copied as a snapshot.
pub async fn migrate(config: &Config) -> Result<(), String> {
    let pool = db::open_and_migrate(&config.database_url)
        .await
        .map_err(|error| error.to_string())?;
    pool.close().await;
    println!(
        "{}: migrated to this build's schema and data",
        config.database_url
    );
    Ok(())
}

/// How `import` ended, for its exit status.
pub enum ImportOutcome {
    Done,
    /// The file was refused; nothing was written.
    Refused,
}

/// `gd-indicators import FILE`: prints what changed, or every problem with the file.
pub async fn import(config: &Config, args: &ImportArgs) -> Result<ImportOutcome, String> {
    let shown = args.file.display().to_string();
    let text = std::fs::read_to_string(&args.file)
        .map_err(|error| format!("cannot read '{shown}': {error}"))?;
    let pool = db::open_and_migrate(&config.database_url)
        .await
        .map_err(|error| error.to_string())?;
    let file_name = args
        .file
        .file_name()
        .map_or(shown.clone(), |name| name.to_string_lossy().into_owned());
    let outcome = import::import(
        &pool,
        &file_name,
        &text,
        args.description.as_deref(),
        args.dry_run,
    )
    .await;
    pool.close().await;
    match outcome {
        Ok((plan, receipt)) => {
            match receipt {
                Some(receipt) => println!(
                    "{shown}: {} (import {} recorded at {})",
                    receipt.counts, receipt.id, receipt.recorded_at
                ),
                None if !args.dry_run => {
                    println!("{shown}: every figure is already stored as given; nothing to change")
                }
                None => println!(
                    "{shown}: valid; would make {} (dry run: nothing written)",
                    store::ImportCounts::of(&plan.changes, plan.unchanged)
                ),
            }
            Ok(ImportOutcome::Done)
        }
        Err(import::ImportFailure::Invalid(errors)) => {
            // Enough to act on; a wholly wrong file would otherwise print a line per cell.
            const SHOWN: usize = 100;
            for error in errors.iter().take(SHOWN) {
                eprintln!("{shown}: {error}");
            }
            if errors.len() > SHOWN {
                eprintln!("{shown}: ... and {} more", errors.len() - SHOWN);
            }
            eprintln!(
                "gd-indicators: {shown} refused: {} problem{}; nothing was written",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            );
            Ok(ImportOutcome::Refused)
        }
        Err(import::ImportFailure::Failed(message)) => Err(format!("{shown}: {message}")),
    }
}

/// How `generate` ended, for its exit status.
pub enum GenerateOutcome {
    Done,
    /// Refused before writing anything: synthetic figures from other arguments are there.
    Refused,
}

/// `gd-indicators generate`: writes the synthetic dataset, a line per batch on stderr and a
/// summary on stdout.
pub async fn generate(config: &Config, args: &GenerateArgs) -> Result<GenerateOutcome, String> {
    let pool = db::open_and_migrate(&config.database_url)
        .await
        .map_err(|error| error.to_string())?;
    let outcome = generate::generate(&pool, args, &mut |line| eprintln!("generate: {line}")).await;
    pool.close().await;
    match outcome {
        Ok(summary) if summary.imports == 0 => {
            println!(
                "generate: every batch of this run is already recorded; nothing to change \
                 ({} batches)",
                summary.skipped
            );
            Ok(GenerateOutcome::Done)
        }
        Ok(summary) => {
            let catalogue = summary.catalogue;
            println!(
                "generate: {} added, {} corrected, {} retracted in {} imports ({} batches \
                 already recorded); catalogue: {} source, {} regions, {} indicators added",
                summary.added,
                summary.corrected,
                summary.retracted,
                summary.imports,
                summary.skipped,
                catalogue.sources,
                catalogue.regions,
                catalogue.indicators
            );
            Ok(GenerateOutcome::Done)
        }
        Err(generate::GenerateFailure::Refused(message)) => {
            eprintln!("gd-indicators: generate refused: {message}; nothing was written");
            Ok(GenerateOutcome::Refused)
        }
        Err(generate::GenerateFailure::Failed(message)) => Err(format!("generate: {message}")),
    }
}

/// `gd-indicators healthcheck`: whether the server at `config.addr` answers /readyz with 200.
/// A plain HTTP/1.1 exchange over TCP, so no HTTP client is needed in a slim image.
pub fn healthcheck(config: &Config) -> Result<(), String> {
    use std::io::{Read, Write};
    let timeout = std::time::Duration::from_secs(3);
    // A server bound to every interface is asked on loopback.
    let mut address = config.addr;
    if address.ip().is_unspecified() {
        address.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let mut stream = std::net::TcpStream::connect_timeout(&address, timeout)
        .map_err(|error| format!("no server at {address}: {error}"))?;
    stream
        .set_read_timeout(Some(timeout))
        .and_then(|()| {
            write!(
                stream,
                "GET /readyz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
            )
        })
        .map_err(|error| format!("cannot ask {address}: {error}"))?;
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .map_err(|error| format!("no answer from {address}: {error}"))?;
    let status = response.lines().next().unwrap_or_default();
    if status.split_whitespace().nth(1) == Some("200") {
        Ok(())
    } else {
        Err(format!("{address} is not ready: {status}"))
    }
}

/// Completes on Ctrl-C or, on Unix, SIGTERM (what container orchestrators send).
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
