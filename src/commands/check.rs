//! `gd-indicators check`: the consistency report as text, with an exit status that says
//! whether every claim is consistent, or (`--accept FILE`) whether every inconsistency is one
//! the file accepts.

use super::config::{CheckArgs, Config};
use crate::domain::analytics::accepted::{judge, AcceptedChecks};
use crate::domain::analytics::report_text::{acceptance_text, report_text};
use crate::service;
use crate::store;

/// `gd-indicators check`: prints the consistency report; `Ok(false)` when a claim is
/// inconsistent, or with `--accept`, when one is and the file does not list it.
pub async fn check(config: &Config, args: &CheckArgs) -> Result<bool, String> {
    // The list is read first: a file that cannot be read is no reason to open the database.
    let accepted = match &args.accept {
        Some(path) => {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .map_err(|error| format!("cannot read '{shown}': {error}"))?;
            let list = AcceptedChecks::parse(&text).map_err(|error| format!("{shown}: {error}"))?;
            Some((shown, list))
        }
        None => None,
    };
    let pool = store::database::open_and_migrate(&config.database_url)
        .await
        .map_err(|error| error.to_string())?;
    let report = service::analytics::load_report(&pool)
        .await
        .map_err(|error| format!("cannot read the data: {error}"))?;
    pool.close().await;
    let Some((file, list)) = accepted else {
        write_out(&report_text(&report))?;
        return Ok(report.summary.inconsistent == 0);
    };
    let acceptance = judge(&report, &list);
    write_out(&(report_text(&report) + &acceptance_text(&acceptance, &file)))?;
    Ok(acceptance.passes())
}

/// Writes the text to standard output. A reader that stops early (`check | head`) is no error:
/// the exit status still says what the check found.
fn write_out(text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write the report: {error}"))
        }
        _ => Ok(()),
    }
}
