//! `gd-indicators migrate`: brings a database to this build's schema and data, and nothing
//! else.

use super::config::Config;
use crate::store;

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
