//! `gd-indicators import FILE`: adds, corrects and retracts figures from a CSV or JSON file
//! shaped like `seed/observations.csv` or the bulk export (`/v1/export`).
//!
//! The whole file is read and checked before anything is written; every problem is reported
//! with its line and column. Only a clean file is applied, in one transaction, each change as a
//! new revision (see migration 0004): nothing is overwritten. The file is read as it is
//! checked, a batch of rows at a time, and only the changes are kept: memory follows what a
//! file changes, not its size.
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

use std::borrow::Cow;
use std::io::Read;

use sqlx::{SqliteConnection, SqlitePool};

use crate::domain::figure::column::MAX_TEXT_CHARS;
use crate::store;
use crate::store::catalogue::Catalogue;
/// What an import changes and records, as the store writes it: the commands report these.
pub use crate::store::imports::{FigureChange, ImportCounts, ImportReceipt};
use check::too_long;
use plan::{named_ids, ImportPlan, Planner, ROWS_PER_BATCH};
use read::{json_text, without_bom, CsvRows, FileFormat, ImportError, JsonRows, Row};

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
/// The plan carries the [`warnings`](warnings) of a valid file.
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
        text.as_bytes(),
        description,
        dry_run,
        false,
        &mut |_| {},
    )
    .await
}

/// [`import`] of a file being read from `input` (a file, as the command opens it), telling
/// `progress` how far it has got; `strict` refuses a file with warnings as one with errors
/// (nothing is written). A CSV file is read a row at a time, and only what it changes is kept;
/// a JSON file is held whole while read (its positions are offsets into it), but its objects
/// are read one at a time.
pub async fn import_reporting(
    pool: &SqlitePool,
    file_name: &str,
    mut input: impl Read,
    description: Option<&str>,
    dry_run: bool,
    strict: bool,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<(ImportPlan, Option<ImportReceipt>), ImportFailure> {
    check_description(description)?;
    let format = FileFormat::of_import(file_name)
        .map_err(|problem| ImportFailure::Invalid(vec![problem]))?;
    let unreadable =
        |problem: std::io::Error| ImportFailure::Failed(format!("cannot read it: {problem}"));
    let plan = match format {
        FileFormat::Csv => {
            // The CSV reader buffers its input itself.
            let input = without_bom(input).map_err(unreadable)?;
            let rows = CsvRows::new(input).map_err(ImportFailure::Invalid)?;
            plan_stream(pool, rows.map(|row| row.map(Cow::Owned)), progress).await?
        }
        FileFormat::Json => {
            let mut bytes = Vec::new();
            input.read_to_end(&mut bytes).map_err(unreadable)?;
            let text = json_text(&bytes).map_err(ImportFailure::Invalid)?;
            let rows = JsonRows::new(text).map_err(ImportFailure::Invalid)?;
            plan_stream(pool, rows.map(|row| row.map(Cow::Owned)), progress).await?
        }
    };
    let plan = strictly(plan, strict)?;
    apply(pool, file_name, plan, description, dry_run, progress).await
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
    let plan = plan_stream(
        pool,
        rows.iter().map(|row| Ok(Cow::Borrowed(row))),
        progress,
    )
    .await?;
    apply(pool, file_name, plan, description, dry_run, progress).await
}

/// [`import_rows`] inside a write transaction the caller holds on `tx` (and commits, or
/// drops to roll back): the rows are checked against the figures as `tx` sees them, those of
/// the imports written before in it included, and recorded as one import with its own time.
/// The rows are checked against `catalogue`, read by the caller before: it must not change in
/// `tx` (and no other connection need read while `tx` writes).
pub async fn import_rows_in(
    catalogue: &Catalogue,
    tx: &mut SqliteConnection,
    file_name: &str,
    rows: &[Row],
    description: Option<&str>,
) -> Result<(ImportPlan, Option<ImportReceipt>), ImportFailure> {
    let plan = plan_rows(
        catalogue,
        &mut *tx,
        rows.iter().map(|row| Ok(Cow::Borrowed(row))),
        &mut |_| {},
    )
    .await?;
    if plan.changes.is_empty() {
        return Ok((plan, None));
    }
    let receipt = store::imports::write_import(
        tx,
        file_name,
        description,
        &plan.changes,
        plan.unchanged,
        &mut |_| {},
    )
    .await
    .map_err(database)?;
    Ok((plan, Some(receipt)))
}

/// An import's description is a text like any other: at most [`MAX_TEXT_CHARS`].
fn check_description(description: Option<&str>) -> Result<(), ImportFailure> {
    match description.and_then(|text| too_long(text, MAX_TEXT_CHARS)) {
        Some(message) => Err(ImportFailure::Invalid(vec![ImportError {
            position: read::Position { line: 0, column: 0 },
            field: Some("--description".to_owned()),
            message: format!("--description: {message}"),
        }])),
        None => Ok(()),
    }
}

fn database(problem: sqlx::Error) -> ImportFailure {
    ImportFailure::Failed(describe(&problem))
}

/// [`plan_rows`] against the catalogue and figures as a connection of `pool` reads them.
async fn plan_stream<'r>(
    pool: &SqlitePool,
    rows: impl Iterator<Item = Result<Cow<'r, Row>, Vec<ImportError>>>,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportPlan, ImportFailure> {
    let catalogue = store::catalogue::catalogue(pool).await.map_err(database)?;
    let mut connection = pool.acquire().await.map_err(database)?;
    plan_rows(&catalogue, &mut connection, rows, progress).await
}

/// Checks rows as they come, a batch at a time: each batch's stored figures are looked up
/// together through `connection`, then only what the rows change is kept.
async fn plan_rows<'r>(
    catalogue: &Catalogue,
    connection: &mut SqliteConnection,
    mut rows: impl Iterator<Item = Result<Cow<'r, Row>, Vec<ImportError>>>,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportPlan, ImportFailure> {
    let mut planner = Planner::new(catalogue);
    let mut batch: Vec<Cow<'r, Row>> = Vec::with_capacity(ROWS_PER_BATCH);
    loop {
        batch.clear();
        for row in rows.by_ref() {
            match row {
                Ok(row) => batch.push(row),
                Err(errors) => planner.refuse(errors),
            }
            if batch.len() == ROWS_PER_BATCH {
                break;
            }
        }
        if batch.is_empty() {
            break;
        }
        let named: Vec<&Row> = batch.iter().map(|row| &**row).collect();
        let stored =
            store::imports::stored_figures(&mut *connection, &named_ids(named.iter().copied()))
                .await
                .map_err(database)?;
        for row in &named {
            planner.plan(row, &stored);
        }
        progress(ImportProgress::Checking {
            rows: planner.rows(),
        });
    }
    let stored_equivalents =
        store::imports::equivalents_of(&mut *connection, &planner.not_positive())
            .await
            .map_err(database)?;
    let linking = store::imports::links_to(&mut *connection, &planner.retracting())
        .await
        .map_err(database)?;
    planner
        .finish(&stored_equivalents, &linking)
        .map_err(ImportFailure::Invalid)
}

/// `plan`, unless it is `strict` and the plan has warnings: then they refuse the file as
/// errors would.
fn strictly(plan: ImportPlan, strict: bool) -> Result<ImportPlan, ImportFailure> {
    if strict && !plan.warnings.is_empty() {
        let refused = plan.warnings.iter().map(|warning| ImportError {
            message: format!("{} (a warning, refused by --strict)", warning.message),
            ..warning.clone()
        });
        return Err(ImportFailure::Invalid(refused.collect()));
    }
    Ok(plan)
}

/// Records a valid plan (unless `dry_run`, or it changes nothing) in one transaction.
async fn apply(
    pool: &SqlitePool,
    file_name: &str,
    plan: ImportPlan,
    description: Option<&str>,
    dry_run: bool,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<(ImportPlan, Option<ImportReceipt>), ImportFailure> {
    if dry_run || plan.changes.is_empty() {
        // Nothing to record: the data (and its version) stay as they are.
        return Ok((plan, None));
    }
    let receipt = store::imports::apply_import(
        pool,
        file_name,
        description,
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
