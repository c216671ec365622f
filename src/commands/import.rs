//! `gd-indicators import FILE`: reads a file, hands it to the service's import, and reports
//! what changed or every problem with the file, with a spinner on a terminal.

use super::config::ImportArgs;
use super::exit::{Exit, Stopped};
use super::{open_database, progress};
use crate::service;

/// `gd-indicators import FILE`: prints what changed, or every problem with the file (exit 1,
/// as for a file that cannot be read: nothing is written).
pub async fn import(args: &ImportArgs) -> Result<Exit, Stopped> {
    let shown = args.file.display().to_string();
    let spinner = progress::spinner("import");
    spinner.set_message(format!("reading {shown}"));
    // Read as it is checked: the file is never held whole (see service::import).
    let file = std::fs::File::open(&args.file)
        .map_err(|error| Stopped::refused(format!("cannot read '{shown}': {error}")))?;
    let pool = open_database(&args.database).await?;
    let file_name = args
        .file
        .file_name()
        .map_or(shown.clone(), |name| name.to_string_lossy().into_owned());
    let outcome = service::import::import_reporting(
        &pool,
        &file_name,
        file,
        args.description.as_deref(),
        args.dry_run,
        args.strict,
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
            // The file is valid; what it leaves wrong is said before what it did.
            for warning in &plan.warnings {
                eprintln!("{shown}: warning: {warning}");
            }
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
            Ok(Exit::Done)
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
            Ok(Exit::Refused)
        }
        Err(service::import::ImportFailure::Failed(message)) => {
            Err(Stopped::failed(format!("{shown}: {message}")))
        }
    }
}
