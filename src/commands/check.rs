//! `gd-indicators check`: the consistency report as text, with an exit status that says
//! whether every claim is consistent.

use super::config::Config;
use crate::domain::analytics::report_text::report_text;
use crate::service;
use crate::store;

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
    print!("{}", report_text(&report));
    Ok(report.summary.inconsistent == 0)
}
