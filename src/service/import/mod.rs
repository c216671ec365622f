//! `gd-indicators import FILE`: adds, corrects and retracts figures from a CSV or JSON file
//! shaped like `seed/observations.csv` or the bulk export (`/v1/export`).
//!
//! The whole file is read and checked before anything is written; every problem is reported
//! with its line and column. Only a clean file is applied, in one transaction, each change as a
//! new revision (see migration 0004): nothing is overwritten.
//!
//! A row whose `id` is new adds a figure; a row whose `id` exists corrects it (an identical row
//! changes nothing). An optional `action` column set to `retract` withdraws the figure, and an
//! optional `reason` column says why a figure was corrected or retracted.
//!
//! Rows made by a program rather than read from a file ([`Row::figure`], [`Row::retraction`],
//! as `generate` makes them) go through [`import_rows`]: the same checks, plan and transaction.
//!
//! [`Row::figure`]: crate::service::import::read::Row::figure
//! [`Row::retraction`]: crate::service::import::read::Row::retraction
//! [`import_rows`]: crate::service::import::import_rows

/// One row that adds or corrects a figure, checked.
pub mod check;
/// What a checked file does, row by row.
pub mod plan;
/// A file read into rows, with the place of every cell.
pub mod read;
/// What a valid file would leave wrong: orphaned links, `stated` words of an old value.
pub mod warnings;

use sqlx::SqlitePool;

use crate::domain::figure::column::{Check, Role};
use crate::domain::figure::COLUMNS;
use crate::store;
/// What an import changes and records, as the store writes it: the commands report these.
pub use crate::store::imports::{FigureChange, ImportCounts, ImportReceipt};
use plan::{plan_rows, ImportPlan};
use read::{read_rows, FileFormat, ImportError, Row};

/// Why an import did not happen.
#[derive(Debug)]
pub enum ImportFailure {
    /// The file has problems; nothing was written.
    Invalid(Vec<ImportError>),
    /// The file could not be read, or the database refused the transaction (which then left
    /// nothing behind).
    Failed(String),
}

/// How far an import has got, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportProgress {
    /// The file is read: this many rows, now checked against the catalogue and stored figures.
    Checking { rows: usize },
    /// The file is valid: `done` of `total` changes written, in one transaction that commits
    /// once all are.
    Writing { done: usize, total: usize },
}

/// Reads, checks and (unless `dry_run`) applies `file_name`'s contents in one transaction.
/// The plan carries the [`warnings`](warnings::warnings) of a valid file.
pub async fn import(
    pool: &SqlitePool,
    file_name: &str,
    text: &str,
    description: Option<&str>,
    dry_run: bool,
) -> Result<(ImportPlan, Option<ImportReceipt>), ImportFailure> {
    import_reporting(
        pool,
        file_name,
        text,
        description,
        dry_run,
        false,
        &mut |_| {},
    )
    .await
}

/// [`import`], telling `progress` how far it has got; `strict` refuses a file with warnings
/// as one with errors (nothing is written).
pub async fn import_reporting(
    pool: &SqlitePool,
    file_name: &str,
    text: &str,
    description: Option<&str>,
    dry_run: bool,
    strict: bool,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<(ImportPlan, Option<ImportReceipt>), ImportFailure> {
    let format = FileFormat::of(file_name).ok_or_else(|| {
        ImportFailure::Failed(format!(
            "'{file_name}': name the file .csv or .json so its format is known"
        ))
    })?;
    let rows = read_rows(text, format).map_err(ImportFailure::Invalid)?;
    import_checked(
        pool,
        file_name,
        &rows,
        description,
        dry_run,
        strict,
        progress,
    )
    .await
}

/// Checks and (unless `dry_run`) applies rows already read, or made by a program, in one
/// transaction recorded under `file_name`: what [`import`] does once the file is read.
pub async fn import_rows(
    pool: &SqlitePool,
    file_name: &str,
    rows: &[Row],
    description: Option<&str>,
    dry_run: bool,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<(ImportPlan, Option<ImportReceipt>), ImportFailure> {
    import_checked(pool, file_name, rows, description, dry_run, false, progress).await
}

/// [`import_rows`], `strict` or not.
async fn import_checked(
    pool: &SqlitePool,
    file_name: &str,
    rows: &[Row],
    description: Option<&str>,
    dry_run: bool,
    strict: bool,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<(ImportPlan, Option<ImportReceipt>), ImportFailure> {
    progress(ImportProgress::Checking { rows: rows.len() });
    let database = |problem: sqlx::Error| ImportFailure::Failed(describe(&problem));
    let catalogue = store::catalogue::catalogue(pool).await.map_err(database)?;
    let stored = store::imports::stored_figures(pool, &named_ids(rows))
        .await
        .map_err(database)?;
    let mut plan = plan_rows(rows, &catalogue, &stored).map_err(ImportFailure::Invalid)?;
    let retracting: Vec<&str> = (plan.changes.iter())
        .filter_map(|change| match change {
            FigureChange::Retract { id, .. } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    let linking = store::imports::links_to(pool, &retracting)
        .await
        .map_err(database)?;
    plan.warnings = warnings::warnings(rows, &plan, &stored, &linking);
    if strict && !plan.warnings.is_empty() {
        let refused = plan.warnings.iter().map(|warning| ImportError {
            message: format!("{} (a warning, refused by --strict)", warning.message),
            ..warning.clone()
        });
        return Err(ImportFailure::Invalid(refused.collect()));
    }
    if dry_run || plan.changes.is_empty() {
        // Nothing to record: the data (and its version) stay as they are.
        return Ok((plan, None));
    }
    let receipt = store::imports::apply_import(
        pool,
        file_name,
        description,
        &crate::domain::timestamp::now(),
        &plan.changes,
        plan.unchanged,
        &mut |done| {
            progress(ImportProgress::Writing {
                done,
                total: plan.changes.len(),
            })
        },
    )
    .await
    .map_err(database)?;
    Ok((plan, Some(receipt)))
}

/// Every id the rows name (as a figure or as a figure it points at), to look up the stored
/// figures among them.
fn named_ids(rows: &[Row]) -> Vec<&str> {
    let naming = COLUMNS.iter().filter(|column| {
        matches!(
            column.role,
            Role::Stored(Check::Id) | Role::Stored(Check::Figure)
        )
    });
    let mut ids: Vec<&str> = rows
        .iter()
        .flat_map(|row| naming.clone().map(|column| row.text(column.name)))
        .filter(|id| !id.is_empty())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// SQLite's own words; a full disk reads as such.
fn describe(problem: &sqlx::Error) -> String {
    match problem {
        sqlx::Error::Database(db) => format!(
            "the database refused the import ({}); nothing was written",
            db.message()
        ),
        other => format!("the import failed ({other}); nothing was written"),
    }
}
