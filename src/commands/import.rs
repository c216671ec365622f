//! `gd-indicators import FILE`: reads a file, hands it to the service's import, and reports
//! what changed or every problem with the file, with a spinner on a terminal.

use super::config::{Config, ImportArgs};
use super::progress;
use crate::service;
use crate::store;

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
    // Read as it is checked: the file is never held whole (see service::import).
    let file = std::fs::File::open(&args.file)
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
