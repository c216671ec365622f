//! `gd-indicators check`: the consistency report as text, with an exit status that says
//! whether every claim is consistent, or (`--accept FILE`) whether every inconsistency is one
//! the file accepts.

use super::config::CheckArgs;
use super::exit::{Exit, Stopped};
use super::open_database;
use crate::domain::analytics::accepted::{judge, AcceptedChecks};
use crate::domain::analytics::report_text::{acceptance_text, report_text};
use crate::service;

/// `gd-indicators check`: prints the consistency report; exit 1 when a claim is inconsistent,
/// or with `--accept`, when one is and the file does not list it.
pub async fn check(args: &CheckArgs) -> Result<Exit, Stopped> {
    // The list is read first: a file that cannot be read is no reason to open the database.
    // A missing or malformed list is an input refused, like import's file: exit 1.
    let accepted = match &args.accept {
        Some(path) => {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .map_err(|error| Stopped::refused(format!("cannot read '{shown}': {error}")))?;
            let list = AcceptedChecks::parse(&text)
                .map_err(|error| Stopped::refused(format!("{shown}: {error}")))?;
            Some((shown, list))
        }
        None => None,
    };
    let pool = open_database(&args.database).await?;
    let report = service::analytics::load_report(&pool).await;
    pool.close().await;
    let report =
        report.map_err(|error| Stopped::failed(format!("cannot read the data: {error}")))?;
    let passes = match accepted {
        None => {
            write_out(&report_text(&report))?;
            report.summary.inconsistent == 0
        }
        Some((file, list)) => {
            let acceptance = judge(&report, &list);
            write_out(&(report_text(&report) + &acceptance_text(&acceptance, &file)))?;
            acceptance.passes()
        }
    };
    Ok(if passes { Exit::Done } else { Exit::Refused })
}

/// Writes the text to standard output. A reader that stops early (`check | head`) is no error:
/// the exit status still says what the check found.
fn write_out(text: &str) -> Result<(), Stopped> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Stopped::failed(format!("cannot write the report: {error}")))
        }
        _ => Ok(()),
    }
}
