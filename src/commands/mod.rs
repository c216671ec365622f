//! The command line: one module per command, each a thin front end over the service (and,
//! for `serve`, the HTTP app). [`run`] dispatches a parsed [`Config`] to its command and turns
//! the outcome into the process's exit status.
//!
//! [`run`]: crate::commands::run
//! [`Config`]: crate::commands::config::Config

/// `check`: the consistency report as text.
pub mod check;
/// The flags and commands, with their environment fallbacks.
pub mod config;
/// `export`: the figures to a file or standard output.
pub mod export;
/// `generate`: the synthetic dataset.
pub mod generate;
/// `healthcheck`: whether a running server is ready.
pub mod healthcheck;
/// `import`: figures from a file.
pub mod import;
/// `migrate`: the database to this build's schema.
pub mod migrate;
/// Bars and spinners on a terminal.
pub mod progress;
/// `serve`: the HTTP app until a termination signal.
pub mod serve;
/// Ctrl-C and SIGTERM.
pub mod signals;

use std::process::ExitCode;

use config::{Command, Config};
use generate::GenerateOutcome;
use import::ImportOutcome;

/// Runs the command `config` names (`serve` when none). Exit status: 0 done; 1 refused or
/// not ready (a file with problems, an inconsistent claim, a server that cannot start); 2
/// the work could not be done (a database or file error), as each command documents.
pub async fn run(config: Config) -> ExitCode {
    let outcome = match &config.command {
        Some(Command::Migrate) => migrate::migrate(&config)
            .await
            .map(|()| ExitCode::SUCCESS)
            .map_err(|message| (message, 1)),
        Some(Command::Import(args)) => match import::import(&config, args).await {
            Ok(ImportOutcome::Done) => Ok(ExitCode::SUCCESS),
            Ok(ImportOutcome::Refused) => Ok(ExitCode::from(1)),
            Err(message) => Err((message, 2)),
        },
        Some(Command::Generate(args)) => match generate::generate(&config, args).await {
            Ok(GenerateOutcome::Done) => Ok(ExitCode::SUCCESS),
            Ok(GenerateOutcome::Refused) => Ok(ExitCode::from(1)),
            Err(message) => Err((message, 2)),
        },
        Some(Command::Export(args)) => export::export(&config, args)
            .await
            .map(|()| ExitCode::SUCCESS)
            .map_err(|message| (message, 2)),
        Some(Command::Healthcheck) => healthcheck::healthcheck(&config)
            .map(|()| ExitCode::SUCCESS)
            .map_err(|message| (message, 1)),
        Some(Command::Check(args)) => match check::check(&config, args).await {
            Ok(true) => Ok(ExitCode::SUCCESS),
            Ok(false) => Ok(ExitCode::from(1)),
            Err(message) => Err((message, 2)),
        },
        None | Some(Command::Serve) => serve::run(config)
            .await
            .map(|()| ExitCode::SUCCESS)
            .map_err(|message| (message, 1)),
    };
    outcome.unwrap_or_else(|(message, code)| {
        eprintln!("gd-indicators: {message}");
        ExitCode::from(code)
    })
}
