//! `gd-indicators serve` (and no command at all): opens and migrates the database (or a
//! throwaway one in memory), binds the address, says where it listens, and serves the HTTP app
//! until Ctrl-C or SIGTERM, then lets in-flight requests finish.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use sqlx::SqlitePool;
use tokio::net::TcpListener;

use super::config::{HostPort, ServeArgs};
use super::exit::{Exit, Stopped};
use super::signals::shutdown_signal;
use crate::http::{app, serve};
use crate::store;
use crate::store::database::InMemoryDatabase;

/// The target of the line that says where the server listens: `main` lets it through
/// whatever `RUST_LOG` filters, since scripts and test harnesses wait for it.
pub const LISTENING_TARGET: &str = "gd_indicators::listening";

/// Opens and migrates the database, binds the address and serves until Ctrl-C or SIGTERM.
/// Anything that stops it starting is refused (exit 1); a failure while serving, failed.
pub async fn run(args: ServeArgs) -> Result<Exit, Stopped> {
    let settings = args.http_settings().map_err(Stopped::refused)?;
    let url = args.database.url.as_str();
    if let Some(port_file) = &args.port_file {
        // A file left by an earlier run must not be read as this one's address.
        remove_if_present(port_file).map_err(Stopped::refused)?;
    }
    // The address first: one that cannot be had stops start-up before a database is made.
    // Connections wait in the backlog until the app below is ready.
    let listener = bind(&args.addr).await.map_err(Stopped::refused)?;
    let database = Database::open(url).await?;
    let app = app(database.pool().clone(), &settings)
        .await
        .map_err(Stopped::refused)?;
    let bound = listener
        .local_addr()
        .map_err(|error| Stopped::refused(format!("cannot read the bound address: {error}")))?;
    let _port_file = match &args.port_file {
        Some(path) => Some(PortFile::write(path, bound).map_err(Stopped::refused)?),
        None => None,
    };
    // A name says what it resolved to; an address says itself.
    let requested = (!args.addr.is_ip()).then(|| args.addr.to_string());
    tracing::info!(
        target: LISTENING_TARGET,
        addr = %bound,
        requested = requested.as_deref(),
        database = %url,
        "gd-indicators listening on http://{bound}"
    );
    let served = serve(listener, app, &settings, shutdown_signal()).await;
    database.close().await;
    served.map_err(|error| Stopped::failed(format!("server error: {error}")))?;
    tracing::info!("shut down cleanly");
    Ok(Exit::Done)
}

/// What the server reads: a database file, or a throwaway one in memory.
enum Database {
    File(SqlitePool),
    InMemory(InMemoryDatabase),
}

impl Database {
    async fn open(url: &str) -> Result<Database, Stopped> {
        if store::database::database_file(url)?.is_none() {
            return Ok(Database::InMemory(InMemoryDatabase::open().await?));
        }
        // Migrations need a writer; serving needs none, so the writer is closed before serving.
        let migrated = store::database::open_and_migrate(url).await?;
        migrated.close().await;
        Ok(Database::File(store::database::open_serving(url).await?))
    }

    fn pool(&self) -> &SqlitePool {
        match self {
            Database::File(pool) => pool,
            Database::InMemory(memory) => &memory.pool,
        }
    }

    async fn close(self) {
        match self {
            Database::File(pool) => pool.close().await,
            Database::InMemory(memory) => memory.close().await,
        }
    }
}

/// Binds the first address `addr` resolves to that can be bound.
async fn bind(addr: &HostPort) -> Result<TcpListener, String> {
    let candidates: Vec<SocketAddr> = tokio::net::lookup_host(addr.to_string())
        .await
        .map_err(|error| format!("cannot listen on {addr}: cannot resolve it: {error}"))?
        .collect();
    let mut failures = Vec::new();
    for candidate in &candidates {
        match TcpListener::bind(candidate).await {
            Ok(listener) => return Ok(listener),
            Err(error) if addr.is_ip() => return Err(format!("cannot listen on {addr}: {error}")),
            Err(error) => failures.push(format!("{candidate}: {error}")),
        }
    }
    Err(format!(
        "cannot listen on {addr}: {}",
        if failures.is_empty() {
            "it resolves to no address".to_owned()
        } else {
            failures.join("; ")
        }
    ))
}

/// `--port-file`: the bound address, written once the server is ready and removed when it
/// exits (also when it fails).
struct PortFile(PathBuf);

impl PortFile {
    /// Writes `HOST:PORT` and a newline under a temporary name beside `path`, then renames it:
    /// a script polling for the file never reads half an address.
    fn write(path: &Path, bound: SocketAddr) -> Result<PortFile, String> {
        let shown = path.display();
        let name = path
            .file_name()
            .ok_or_else(|| format!("--port-file: '{shown}' is not a file name"))?;
        let temporary = path.with_file_name(format!(
            ".{}.partial-{}",
            name.to_string_lossy(),
            std::process::id()
        ));
        std::fs::write(&temporary, format!("{bound}\n"))
            .and_then(|()| std::fs::rename(&temporary, path))
            .map_err(|error| {
                let _ = std::fs::remove_file(&temporary);
                format!("--port-file: cannot write '{shown}': {error}")
            })?;
        Ok(PortFile(path.to_owned()))
    }
}

impl Drop for PortFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn remove_if_present(path: &Path) -> Result<(), String> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(format!(
            "--port-file: cannot replace '{}': {error}",
            path.display()
        )),
        _ => Ok(()),
    }
}
