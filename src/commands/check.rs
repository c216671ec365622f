//! `gd-indicators check`: the consistency report as text, with an exit status that says
//! whether every claim is consistent.

use super::config::CheckArgs;
use super::exit::{Exit, Stopped};
use super::open_database;
use crate::domain::analytics::report_text::report_text;
use crate::service;

/// `gd-indicators check`: prints the consistency report; exit 1 when a claim is inconsistent.
pub async fn check(args: &CheckArgs) -> Result<Exit, Stopped> {
    let pool = open_database(&args.database).await?;
    let report = service::analytics::load_report(&pool).await;
    pool.close().await;
    let report =
        report.map_err(|error| Stopped::failed(format!("cannot read the data: {error}")))?;
    print!("{}", report_text(&report));
    Ok(if report.summary.inconsistent == 0 {
        Exit::Done
    } else {
        Exit::Refused
    })
}
