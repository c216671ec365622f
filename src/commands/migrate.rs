//! `gd-indicators migrate`: brings a database to this build's schema and data, and nothing
//! else.

use super::config::MigrateArgs;
use super::exit::{Exit, Stopped};
use crate::store;

/// `gd-indicators migrate`: creates or migrates the database, and closes it cleanly (no WAL
/// left behind), so the file can be copied as a snapshot.
pub async fn migrate(args: &MigrateArgs) -> Result<Exit, Stopped> {
    let url = &args.database.url;
    let pool = store::database::open_and_migrate(url).await?;
    pool.close().await;
    println!("{url}: migrated to this build's schema and data");
    Ok(Exit::Done)
}
