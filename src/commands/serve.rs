//! `gd-indicators serve` (and no command at all): opens and migrates the database, binds the
//! address and serves the HTTP app until Ctrl-C or SIGTERM, then lets in-flight requests
//! finish.

use tokio::net::TcpListener;

use super::config::Config;
use super::signals::shutdown_signal;
use crate::http::{app, serve};
use crate::store;

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
    serve(listener, app, &settings, shutdown_signal())
        .await
        .map_err(|error| format!("server error: {error}"))?;
    pool.close().await;
    tracing::info!("shut down cleanly");
    Ok(())
}
