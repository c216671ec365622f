//! gd-indicators: the economic figures of China Daily's "GD Today" page on Guangdong, served
//! as a JSON REST API from an embedded SQLite database.
//!
//! `main.rs` only parses the configuration and calls [`run`]; tests build the very same
//! router with [`app`] and serve it on an ephemeral port.

pub mod config;
pub mod domain;
pub mod error;
pub mod export;
pub mod http;
pub mod progress;
pub mod service;
pub mod store;

use std::future::Future;

use tokio::net::TcpListener;

pub use config::{Command, Config, ExportArgs, GenerateArgs, ImportArgs, LogFormat};
pub use http::settings::HttpSettings;
pub use http::{app, serve};

/// Opens and migrates the database, binds the address and serves until Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> Result<(), String> {
    let settings = config.http_settings()?;
    // Migrations need a writer; serving needs none, so the writer is closed before serving.
    let migrated = store::database::open_and_migrate(&config.database_url)
        .await
        .map_err(|error| error.to_string())?;
    migrated.close().await;
    let pool = store::database::open_serving(&config.database_url)
        .await
        .map_err(|error| error.to_string())?;
    let app = app(pool.clone(), &settings).await?;
    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|error| format!("cannot listen on {}: {error}", config.addr))?;
    let bound = listener
        .local_addr()
        .map_err(|error| format!("cannot read the bound address: {error}"))?;
    tracing::info!(addr = %bound, database = %config.database_url, "gd-indicators listening on http://{bound}");
    serve(listener, app, shutdown_signal())
        .await
        .map_err(|error| format!("server error: {error}"))?;
    pool.close().await;
    tracing::info!("shut down cleanly");
    Ok(())
}

/// `gd-indicators check`: prints the consistency report; `Ok(false)` when a claim is
/// inconsistent.
pub async fn check(config: Config) -> Result<bool, String> {
    let pool = store::database::open_and_migrate(&config.database_url)
        .await
        .map_err(|error| error.to_string())?;
    let report = service::analytics::load_report(&pool)
        .await
        .map_err(|error| format!("cannot read the data: {error}"))?;
    pool.close().await;
    print!("{}", domain::analytics::report_text::report_text(&report));
    Ok(report.summary.inconsistent == 0)
}

/// `gd-indicators migrate`: creates or migrates the database, and closes it cleanly (no WAL
/// left behind), so the file can be copied as a snapshot.
pub async fn migrate(config: &Config) -> Result<(), String> {
    let pool = store::database::open_and_migrate(&config.database_url)
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
    let spinner = progress::spinner("import");
    spinner.set_message(format!("reading {shown}"));
    let text = std::fs::read_to_string(&args.file)
        .map_err(|error| format!("cannot read '{shown}': {error}"))?;
    let pool = store::database::open_and_migrate(&config.database_url)
        .await
        .map_err(|error| error.to_string())?;
    let file_name = args
        .file
        .file_name()
        .map_or(shown.clone(), |name| name.to_string_lossy().into_owned());
    let outcome = service::import::import_reporting(
        &pool,
        &file_name,
        &text,
        args.description.as_deref(),
        args.dry_run,
        &mut |stage| match stage {
            service::import::ImportProgress::Checking { rows } => {
                spinner.set_message(format!("checking {rows} rows of {shown}"))
            }
            service::import::ImportProgress::Writing { done, total } => {
                spinner.set_message(format!("writing {done}/{total} changes"))
            }
        },
    )
    .await;
    spinner.finish_and_clear();
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
                    service::import::ImportCounts::of(&plan.changes, plan.unchanged)
                ),
            }
            Ok(ImportOutcome::Done)
        }
        Err(service::import::ImportFailure::Invalid(errors)) => {
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
        Err(service::import::ImportFailure::Failed(message)) => Err(format!("{shown}: {message}")),
    }
}

/// How `generate` ended, for its exit status.
pub enum GenerateOutcome {
    Done,
    /// Refused before writing anything: synthetic figures from other arguments are there.
    Refused,
}

/// `gd-indicators generate`: writes the synthetic dataset and prints a summary on stdout. On a
/// terminal a bar shows its progress; elsewhere (a log, CI) stderr gets a line per batch.
pub async fn generate(config: &Config, args: &GenerateArgs) -> Result<GenerateOutcome, String> {
    let pool = store::database::open_and_migrate(&config.database_url)
        .await
        .map_err(|error| error.to_string())?;
    let bar = progress::bar("generate", "rows");
    let options = service::synthetic::Options {
        observations: args.observations,
        seed: args.seed,
        revisions_percent: args.revisions_percent,
        batch_size: args.batch_size,
    };
    let outcome = service::synthetic::generate(&pool, &options, &mut |report| {
        if bar.is_hidden() {
            eprintln!("generate: {}", report.line);
        } else {
            bar.set_length(report.total as u64);
            bar.set_position(report.done as u64);
            bar.set_message(report.line.to_owned());
        }
    })
    .await;
    bar.finish_and_clear();
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
        Err(service::synthetic::GenerateFailure::Refused(message)) => {
            eprintln!("gd-indicators: generate refused: {message}; nothing was written");
            Ok(GenerateOutcome::Refused)
        }
        Err(service::synthetic::GenerateFailure::Failed(message)) => {
            Err(format!("generate: {message}"))
        }
    }
}

/// `gd-indicators export`: streams the figures to `--output` or standard output; says what it
/// wrote on stdout when that is free (the output is a file).
pub async fn export(config: &Config, args: &ExportArgs) -> Result<(), String> {
    let pool = store::database::open_and_migrate(&config.database_url)
        .await
        .map_err(|error| error.to_string())?;
    let progress = progress::bar("export", "figures");
    let outcome = export::export(&pool, args, &progress).await;
    progress.finish_and_clear();
    pool.close().await;
    let summary = outcome.map_err(|message| format!("export: {message}"))?;
    if let Some(file) = &summary.file {
        let format = match summary.format {
            service::import::read::FileFormat::Csv => "CSV",
            service::import::read::FileFormat::Json => "JSON",
        };
        println!(
            "{}: {} figures written as {format}",
            file.display(),
            summary.figures
        );
    }
    Ok(())
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

/// Listens for Ctrl-C or, on Unix, SIGTERM (what container orchestrators send) from the moment
/// it is called, and completes when one arrives. The handlers are installed here rather than
/// when the future is first polled: until then a SIGTERM would still kill the process outright
/// (an export would leave its temporary file behind).
pub(crate) fn termination_requested() -> impl Future<Output = ()> + Send {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            tokio::select! {
                () = received(interrupt) => {},
                () = received(terminate) => {},
            }
        }
    }
    #[cfg(not(unix))]
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Completes when `signal` arrives; never, when its handler could not be installed.
#[cfg(unix)]
async fn received(signal: std::io::Result<tokio::signal::unix::Signal>) {
    match signal {
        Ok(mut signal) => {
            signal.recv().await;
        }
        Err(_) => std::future::pending::<()>().await,
    }
}

/// [`termination_requested`], said in the log: the server then finishes in-flight requests.
async fn shutdown_signal() {
    termination_requested().await;
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
