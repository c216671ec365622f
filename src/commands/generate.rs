//! `gd-indicators generate`: the service's synthetic dataset written into the database, with
//! a bar (or a line per batch) while it runs and a summary at the end.

use super::config::GenerateArgs;
use super::exit::{Exit, Stopped};
use super::progress;
use crate::service;
use crate::store;

/// `gd-indicators generate`: writes the synthetic dataset and prints a summary on stdout. On a
/// terminal a bar shows its progress; elsewhere (a log, CI) stderr gets a line per batch.
/// Synthetic figures from other arguments already there: exit 1, nothing written.
pub async fn generate(args: &GenerateArgs) -> Result<Exit, Stopped> {
    let pool = store::database::open_and_migrate_alone(&args.database.url).await?;
    let bar = progress::bar("generate", "rows");
    let options = service::synthetic::Options {
        observations: args.observations,
        seed: args.seed,
        revisions_percent: args.revisions_percent,
        batch_size: args.batch_size,
    };
    let outcome = service::synthetic::generate(&pool, &options, &mut |report| {
        if bar.is_hidden() {
            eprintln!("generate: {}", report.line);
        } else {
            bar.set_length(report.total as u64);
            bar.set_position(report.done as u64);
            bar.set_message(report.line.to_owned());
        }
    })
    .await;
    bar.finish_and_clear();
    pool.close().await;
    match outcome {
        Ok(summary) if summary.imports == 0 => {
            println!(
                "generate: every batch of this run is already recorded; nothing to change \
                 ({} batches)",
                summary.skipped
            );
            Ok(Exit::Done)
        }
        Ok(summary) => {
            let catalogue = summary.catalogue;
            println!(
                "generate: {} added, {} corrected, {} retracted in {} imports ({} batches \
                 already recorded); catalogue: {} source, {} regions, {} indicators added",
                summary.added,
                summary.corrected,
                summary.retracted,
                summary.imports,
                summary.skipped,
                catalogue.sources,
                catalogue.regions,
                catalogue.indicators
            );
            Ok(Exit::Done)
        }
        Err(service::synthetic::GenerateFailure::Refused(message)) => {
            eprintln!("gd-indicators: generate refused: {message}; nothing was written");
            Ok(Exit::Refused)
        }
        Err(service::synthetic::GenerateFailure::Failed(message)) => {
            Err(Stopped::failed(format!("generate: {message}")))
        }
    }
}
