//! `gd-indicators generate`: a large, realistic, deterministic synthetic dataset, written
//! through the import path real corrections take, beside the article's figures.
//!
//! The data: China's 31 provincial-level regions (real names, sized on their economies), 40
//! subjects each measured 8 ways (320 indicators), monthly and annual figures over 30 years
//! (1995 to 2024). Levels follow a trend with regional drift, national shocks (2009, 2020),
//! seasonality and noise; growth rates, shares, ranks and changes are computed from the levels,
//! so the figures agree with one another. Every id starts with `synthetic-` and every figure
//! names the `synthetic` source; the article's entities and figures are not touched.
//!
//! Same arguments, same figures: the numbers come from SplitMix64 streams keyed by the seed,
//! and only IEEE arithmetic (no libm functions) turns them into values, so every platform
//! computes the same ones.
//!
//! The figures go to [`import_rows_in`] in batches, each one import (recorded in `imports`
//! under a name saying which run and which figures, with its own time); then a second pass
//! corrects `--revisions-percent` of them (revision 2) and retracts one in 10,000. Both passes'
//! batches share one transaction, and one build of the secondary indexes when they at least
//! double the figures ([`bulk_load`]): all of them or none (alone on its file, through a
//! rollback journal rather than the WAL, so its pages are written once). A batch already
//! recorded under its name is skipped, so a second run with the same arguments adds nothing
//! (and a database an older version left half-corrected is finished). Synthetic figures made
//! with other arguments are refused rather than corrected into these.
//!
//! [`import_rows_in`]: crate::service::import::import_rows_in
//! [`bulk_load`]: crate::store::bulk_load

/// Regions, subjects, measures and years; the catalogue entities.
pub mod catalogue;
/// The figures of a run, in order, rendered.
pub mod figures;
/// Which figures the second pass corrects or retracts, and how.
pub mod revisions;
/// Random streams and simulated paths.
pub mod simulate;

use std::time::Instant;

use sqlx::{Connection, SqliteConnection, SqlitePool};

use crate::service::import::{import_rows_in, read::Row, ImportFailure};
use crate::store;
use catalogue::{catalogue, MAX_OBSERVATIONS, MEASURES, SOURCE_ID, SUBJECTS, YEARS};
use figures::{render, Figures};
use revisions::{corrected, Revision, RevisionChoice, CORRECTION_REASONS, RETRACTION_REASON};

/// What a run makes, as the `generate` command's arguments say it (and name its imports).
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Figures to write: the first N of the fixed sequence.
    pub observations: usize,
    /// Seed of the pseudo-random numbers.
    pub seed: u64,
    /// Percentage of the figures the second pass corrects.
    pub revisions_percent: f64,
    /// Figures per import.
    pub batch_size: usize,
}

/// How a run ended.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct GenerateSummary {
    pub catalogue: store::synthetic::CatalogueAdded,
    pub added: usize,
    pub corrected: usize,
    pub retracted: usize,
    /// Imports this run recorded.
    pub imports: usize,
    /// Batches recorded by an earlier run with the same arguments, left alone.
    pub skipped: usize,
}

/// Why a run stopped.
#[derive(Debug)]
pub enum GenerateFailure {
    /// The arguments (from a caller other than the command line, which checks them) or the
    /// database do not allow the run; nothing was written.
    Refused(String),
    /// The database failed; nothing of the run stays, and a rerun starts it again.
    Failed(String),
}

/// The arguments as they name the run's imports.
pub fn run_name(args: &Options) -> String {
    format!(
        "generate --observations {} --seed {} --revisions-percent {} --batch-size {}",
        args.observations, args.seed, args.revisions_percent, args.batch_size
    )
}

/// What `generate` reports after each batch, written or skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchReport<'a> {
    /// Rows of both passes (figures, then corrections and retractions) handled so far.
    pub done: usize,
    /// Rows of both passes in all.
    pub total: usize,
    /// What the batch did, as a line for a log.
    pub line: &'a str,
}

/// Writes the synthetic catalogue, then the figures and their revisions in batches through
/// the import path; `progress` hears of each batch.
pub async fn generate(
    pool: &SqlitePool,
    args: &Options,
    progress: &mut dyn FnMut(BatchReport<'_>),
) -> Result<GenerateSummary, GenerateFailure> {
    let refuse = |message: String| Err(GenerateFailure::Refused(message));
    if args.observations == 0 || args.observations > MAX_OBSERVATIONS {
        return refuse(format!(
            "--observations must be between 1 and {MAX_OBSERVATIONS} (31 regions, {} \
             indicators, {YEARS} years)",
            SUBJECTS.len() * MEASURES.len()
        ));
    }
    if !(0.0..=100.0).contains(&args.revisions_percent) {
        return refuse("--revisions-percent must be between 0 and 100".to_owned());
    }
    if args.batch_size == 0 {
        return refuse("--batch-size must be at least 1".to_owned());
    }
    let run = run_name(args);
    let prefix = format!("{run}: ");
    let recorded = store::synthetic::import_files_starting_with(pool, &prefix)
        .await
        .map_err(database)?;
    let existing = store::synthetic::figure_count_of_source(pool, SOURCE_ID)
        .await
        .map_err(database)?;
    if recorded.is_empty() && existing > 0 {
        return refuse(format!(
            "the database already holds {existing} synthetic figures made with other \
             arguments; generate into a fresh database (--database-url), or repeat the \
             arguments that made them (the `file` of their imports)"
        ));
    }
    let mut summary = GenerateSummary {
        catalogue: store::synthetic::add_synthetic_catalogue(pool, &catalogue())
            .await
            .map_err(database)?,
        ..Default::default()
    };
    let description = format!("Synthetic figures, not real data: gd-indicators {run}");
    let total = args.observations;
    // The second pass's figures, chosen up front so that progress knows every row to come.
    let choice = RevisionChoice::new(args.seed, total, args.revisions_percent);
    let revised: Vec<(usize, Revision)> = (0..total)
        .filter_map(|index| choice.of(index).map(|revision| (index, revision)))
        .collect();
    let run = Run {
        args,
        prefix,
        revised,
    };
    // Read once: the imports check against it, and in the first pass no other connection may
    // read while it writes (a rollback journal locks readers out).
    let entities = store::catalogue::catalogue(pool).await.map_err(database)?;
    let mut batch = Batch {
        catalogue: &entities,
        recorded: &recorded,
        description: &description,
        summary: &mut summary,
        done: 0,
        total: total + run.revised.len(),
    };

    // One connection writes both passes, set up for a load (a larger cache, and the passes
    // through a rollback journal: see `bulk_load::tune_for_load`).
    let mut connection = pool.acquire().await.map_err(database)?;
    let mut tuned = store::bulk_load::tune_for_load(&mut connection)
        .await
        .map_err(database)?;
    let written = both_passes(&mut connection, &mut batch, &run, progress).await;
    let rejoined = store::bulk_load::rejoin_wal(&mut connection, &mut tuned).await;
    written?;
    rejoined.map_err(database)?;
    store::bulk_load::untune(&mut connection, tuned)
        .await
        .map_err(database)?;
    Ok(summary)
}

/// Both passes in one transaction, and one build of the secondary indexes when the figures
/// at least double those stored ([`store::bulk_load`]): the corrections then update rows
/// without touching 40 indexes each. Each batch is still its own import, checked against the
/// batches before it and recorded with its own time. On any failure the transaction rolls
/// back: nothing of the run stays.
async fn both_passes(
    connection: &mut SqliteConnection,
    batch: &mut Batch<'_>,
    run: &Run<'_>,
    progress: &mut dyn FnMut(BatchReport<'_>),
) -> Result<(), GenerateFailure> {
    let to_add: usize = run
        .figure_batches()
        .filter(|(first, last)| !batch.is_recorded(&run.figures_name(*first, *last)))
        .map(|(first, last)| last + 1 - first)
        .sum();
    let mut tx = connection.begin().await.map_err(database)?;
    let set_aside = if store::bulk_load::worth_setting_aside(&mut tx, to_add)
        .await
        .map_err(database)?
    {
        Some(
            store::bulk_load::set_aside(&mut tx)
                .await
                .map_err(database)?,
        )
    } else {
        None
    };
    first_pass(&mut tx, batch, run, progress).await?;
    second_pass(&mut tx, batch, run, progress).await?;
    if let Some(set_aside) = set_aside {
        store::bulk_load::rebuild(&mut tx, set_aside)
            .await
            .map_err(database)?;
    }
    tx.commit().await.map_err(database)?;
    Ok(())
}

/// Pass 1: every figure, added, a batch to an import. Each batch's rows are made on a thread
/// of their own while SQLite writes the batch before: the two take turns otherwise, and
/// making them is a tenth of the pass.
async fn first_pass(
    tx: &mut SqliteConnection,
    batch: &mut Batch<'_>,
    run: &Run<'_>,
    progress: &mut dyn FnMut(BatchReport<'_>),
) -> Result<(), GenerateFailure> {
    let (seed, total) = (run.args.seed, run.args.observations);
    // Each batch's size, and whether to make its rows: one an earlier run recorded is skipped.
    let to_make: Vec<(usize, bool)> = run
        .figure_batches()
        .map(|(first, last)| {
            let recorded = batch.is_recorded(&run.figures_name(first, last));
            (last + 1 - first, !recorded)
        })
        .collect();
    let (made, mut to_write) = tokio::sync::mpsc::channel(1);
    // Ends on its own when the pass stops early: its next send finds no receiver.
    std::thread::spawn(move || {
        let mut figures = Figures::new(seed, total);
        for (size, wanted) in to_make {
            let drafts = figures.by_ref().take(size);
            let rows: Vec<Row> = if wanted {
                drafts
                    .enumerate()
                    .map(|(line, draft)| {
                        Row::figure(line + 1, &render(seed, &draft, draft.raw), None)
                    })
                    .collect()
            } else {
                drafts.for_each(drop);
                Vec::new()
            };
            if made.blocking_send(rows).is_err() {
                break;
            }
        }
    });
    for (first, last) in run.figure_batches() {
        let Some(rows) = to_write.recv().await else {
            return Err(GenerateFailure::Failed(
                "the thread making the figures stopped".to_owned(),
            ));
        };
        batch
            .import(
                tx,
                &run.figures_name(first, last),
                last + 1 - first,
                || rows,
                progress,
                &format!("figures {last}/{total}"),
            )
            .await?;
    }
    Ok(())
}

/// Pass 2: some figures corrected (revision 2), a few retracted.
async fn second_pass(
    tx: &mut SqliteConnection,
    batch: &mut Batch<'_>,
    run: &Run<'_>,
    progress: &mut dyn FnMut(BatchReport<'_>),
) -> Result<(), GenerateFailure> {
    let (args, prefix, revised) = (run.args, &run.prefix, &run.revised);
    let batches = revised.len().div_ceil(args.batch_size);
    let mut figures = Figures::new(args.seed, args.observations);
    for (number, chunk) in revised.chunks(args.batch_size).enumerate() {
        let name = format!("{prefix}revisions {} of {batches}", number + 1);
        let last_index = chunk.last().map_or(0, |(index, _)| *index);
        // The drafts of this chunk's figures, in order (the sequence is read once overall).
        let mut wanted = chunk.iter().peekable();
        let mut drafts = Vec::with_capacity(chunk.len());
        for draft in figures.by_ref() {
            if let Some((index, revision)) = wanted.next_if(|(index, _)| *index == draft.index) {
                debug_assert_eq!(*index, draft.index);
                drafts.push((draft, *revision));
            }
            if draft.index == last_index {
                break;
            }
        }
        let rows = || {
            drafts
                .iter()
                .enumerate()
                .map(|(line, (draft, revision))| {
                    let original = render(args.seed, draft, draft.raw);
                    match revision {
                        Revision::Retract => {
                            Row::retraction(line + 1, &original.id, RETRACTION_REASON)
                        }
                        Revision::Correct => {
                            let reason = CORRECTION_REASONS[draft.index % CORRECTION_REASONS.len()];
                            Row::figure(
                                line + 1,
                                &corrected(args.seed, draft, &original),
                                Some(reason),
                            )
                        }
                    }
                })
                .collect::<Vec<_>>()
        };
        batch
            .import(
                tx,
                &name,
                drafts.len(),
                rows,
                progress,
                &format!("revisions {} of {batches}", number + 1),
            )
            .await?;
    }
    Ok(())
}

/// What both passes work from: the arguments, the start of their imports' names, and the
/// figures the second pass revises (by index in the sequence).
struct Run<'r> {
    args: &'r Options,
    prefix: String,
    revised: Vec<(usize, Revision)>,
}

impl Run<'_> {
    /// The first pass's batches, by their first and last figure (counted from 1).
    fn figure_batches(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let (total, size) = (self.args.observations, self.args.batch_size);
        (0..total)
            .step_by(size)
            .map(move |start| (start + 1, (start + size).min(total)))
    }

    /// The name of the import of the figures `first` to `last`.
    fn figures_name(&self, first: usize, last: usize) -> String {
        let total = self.args.observations;
        format!("{}figures {first}-{last} of {total}", self.prefix)
    }
}

fn database(problem: sqlx::Error) -> GenerateFailure {
    GenerateFailure::Failed(format!("the database failed ({problem})"))
}

/// Imports one batch, unless an earlier run with the same arguments recorded it.
struct Batch<'a> {
    catalogue: &'a store::catalogue::Catalogue,
    recorded: &'a [String],
    description: &'a str,
    summary: &'a mut GenerateSummary,
    /// Rows handled so far and in all, for progress.
    done: usize,
    total: usize,
}

impl Batch<'_> {
    /// Whether an earlier run with the same arguments recorded the import `name`.
    fn is_recorded(&self, name: &str) -> bool {
        self.recorded.iter().any(|file| file == name)
    }

    /// Writes in `tx`, which the caller commits.
    async fn import(
        &mut self,
        tx: &mut SqliteConnection,
        name: &str,
        size: usize,
        rows: impl FnOnce() -> Vec<Row>,
        progress: &mut dyn FnMut(BatchReport<'_>),
        label: &str,
    ) -> Result<(), GenerateFailure> {
        self.done += size;
        let (done, total) = (self.done, self.total);
        let mut report = |line: &str| progress(BatchReport { done, total, line });
        if self.is_recorded(name) {
            self.summary.skipped += 1;
            report(&format!("{label}: already recorded; skipped"));
            return Ok(());
        }
        let started = Instant::now();
        let rows = rows();
        let outcome = import_rows_in(self.catalogue, tx, name, &rows, Some(self.description)).await;
        drop(rows);
        match outcome {
            Ok((_, Some(receipt))) => {
                self.summary.added += receipt.counts.added;
                self.summary.corrected += receipt.counts.corrected;
                self.summary.retracted += receipt.counts.retracted;
                self.summary.imports += 1;
                report(&format!(
                    "{label}: {} (import {}, {:.1} s)",
                    receipt.counts,
                    receipt.id,
                    started.elapsed().as_secs_f64()
                ));
                Ok(())
            }
            Ok((_, None)) => {
                report(&format!(
                    "{label}: every figure already stored as generated"
                ));
                Ok(())
            }
            // Generated rows are valid by construction; a refusal is a bug worth its details.
            Err(ImportFailure::Invalid(errors)) => Err(GenerateFailure::Failed(format!(
                "{name}: the import path refused a generated row ({} problems; first: {})",
                errors.len(),
                errors.first().map(ToString::to_string).unwrap_or_default()
            ))),
            Err(ImportFailure::Failed(message)) => {
                Err(GenerateFailure::Failed(format!("{name}: {message}")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::catalogue::FIGURES_PER_SUBJECT_REGION;
    use super::figures::{grouped, Draft};
    use super::simulate::fifth_root;
    use super::*;
    use crate::domain::figure::column::Word;
    use crate::domain::figure::FigureRecord;

    #[test]
    fn the_sequence_is_the_same_whatever_is_taken() {
        let all: Vec<FigureRecord> = {
            let figures = Figures::new(7, 3_000);
            let seed = figures.seed;
            figures.map(|d| render(seed, &d, d.raw)).collect()
        };
        let prefix: Vec<FigureRecord> = {
            let figures = Figures::new(7, 1_000);
            figures.map(|d| render(7, &d, d.raw)).collect()
        };
        assert_eq!(all.len(), 3_000);
        assert_eq!(&all[..1_000], &prefix[..]);
        let other: Vec<f64> = Figures::new(8, 1_000)
            .map(|d| render(8, &d, d.raw).value)
            .collect();
        assert_ne!(prefix.iter().map(|f| f.value).collect::<Vec<_>>(), other);
        let ids: std::collections::HashSet<&str> = all.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids.len(), all.len(), "ids are unique");
    }

    #[test]
    fn a_series_reads_like_statistics() {
        let figures: Vec<FigureRecord> = {
            let figures = Figures::new(1, FIGURES_PER_SUBJECT_REGION);
            figures.map(|d| render(1, &d, d.raw)).collect()
        };
        let first = &figures[0];
        assert_eq!(first.id, "synthetic-gross-domestic-product-beijing-1995-01");
        assert_eq!(
            (first.period_kind.word(), first.period_label.as_str()),
            ("span", "January 1995")
        );
        assert_eq!((first.scale.word(), first.unit.word()), ("billion", "cny"));
        let year = &figures[12];
        assert_eq!(year.id, "synthetic-gross-domestic-product-beijing-1995");
        assert_eq!(year.period_kind.word(), "year");
        // The year is the sum of its months (each rounded on its own).
        let months: f64 = figures[..12].iter().map(|f| f.value).sum();
        assert!(
            (months - year.value).abs() < 0.1,
            "{months} vs {}",
            year.value
        );
        // Beijing's GDP in 2024 is its share of the national total, near 4.9 trillion.
        let latest = figures
            .iter()
            .find(|f| f.id == "synthetic-gross-domestic-product-beijing-2024")
            .unwrap();
        assert!(
            (2_500.0..8_000.0).contains(&latest.value),
            "{}",
            latest.value
        );
        let rank = figures
            .iter()
            .find(|f| f.indicator_id.ends_with("-national-rank"))
            .unwrap();
        assert!(rank.stated.starts_with("No. ") && rank.stated.ends_with(" of 31"));
    }

    #[test]
    fn the_catalogue_covers_every_figure() {
        let catalogue = catalogue();
        assert_eq!(catalogue.regions.len(), 32);
        assert_eq!(catalogue.indicators.len(), 320);
        assert_eq!(
            MAX_OBSERVATIONS,
            40 * 31 * 960,
            "two monthly measures and six annual ones, 30 years"
        );
        let units: std::collections::HashMap<&str, &str> = catalogue
            .indicators
            .iter()
            .map(|i| (i.id.as_str(), i.unit.as_str()))
            .collect();
        let seed = 3;
        let mut figures = Figures::new(seed, MAX_OBSERVATIONS).step_by(997);
        for draft in figures.by_ref() {
            let figure = render(seed, &draft, draft.raw);
            assert_eq!(
                units[figure.indicator_id.as_str()],
                figure.unit.word(),
                "{figure:?}"
            );
            assert!(figure.value.is_finite(), "{figure:?}");
        }
    }

    #[test]
    fn revisions_change_the_value_and_retractions_are_rare() {
        let choice = RevisionChoice::new(5, 100_000, 3.0);
        let chosen: Vec<Revision> = (0..100_000).filter_map(|i| choice.of(i)).collect();
        let retracted = chosen.iter().filter(|r| **r == Revision::Retract).count();
        assert_eq!(retracted, 10);
        let corrected = chosen.len() - retracted;
        assert!((2_500..3_500).contains(&corrected), "{corrected}");
        for draft in Figures::new(5, 2_000) {
            let original = render(5, &draft, draft.raw);
            assert_ne!(
                corrected_value(&draft, &original),
                original.value,
                "{original:?}"
            );
        }
    }

    fn corrected_value(draft: &Draft, original: &FigureRecord) -> f64 {
        corrected(5, draft, original).value
    }

    #[test]
    fn numbers_read_as_printed() {
        assert_eq!(grouped(1234567.891, 2), "1,234,567.89");
        assert_eq!(grouped(-0.001, 2), "0.00");
        assert_eq!(grouped(-1500.0, 0), "-1,500");
        assert!((fifth_root(32.0) - 2.0).abs() < 1e-12);
        assert!((fifth_root(0.5) - 0.870_550_563_296_124).abs() < 1e-12);
    }
}
