//! The command line: one module per command, each a thin front end over the service (and,
//! for `serve`, the HTTP app). [`run`] dispatches a parsed [`Command`] to its code and turns
//! the outcome into the process's exit status, the same three for every command
//! ([`exit::Exit`]).
//!
//! [`run`]: crate::commands::run
//! [`Command`]: crate::commands::config::Command

/// `check`: the consistency report as text.
pub mod check;
/// The flags and commands, with their environment fallbacks.
pub mod config;
/// The exit statuses every command shares.
pub mod exit;
/// `export`: the figures to a file or standard output.
pub mod export;
/// `generate`: the synthetic dataset.
pub mod generate;
/// `healthcheck`: whether a running server is ready.
pub mod healthcheck;
/// `import`: figures from a file.
pub mod import;
/// The JSON log line, written without a serializer for this crate's own events.
pub mod log_line;
/// Log lines written in batches by a thread of their own.
pub mod log_writer;
/// `migrate`: the database to this build's schema.
pub mod migrate;
/// Bars and spinners on a terminal.
pub mod progress;
/// `serve`: the HTTP app until a termination signal.
pub mod serve;
/// Ctrl-C and SIGTERM.
pub mod signals;

use std::process::ExitCode;

use sqlx::SqlitePool;

use config::{Command, ExistingDatabaseArgs};
use exit::Stopped;

/// Runs `command`. Exit status: 0 done; 1 refused, nothing done (or the answer is no); 2
/// failed while working ([`exit::Exit`]). A command that stops short says why in one line on
/// stderr.
pub async fn run(command: Command) -> ExitCode {
    let outcome = match &command {
        Command::Serve(args) => serve::run(args.clone()).await,
        Command::Migrate(args) => migrate::migrate(args).await,
        Command::Import(args) => import::import(args).await,
        Command::Generate(args) => generate::generate(args).await,
        Command::Export(args) => export::export(args).await,
        Command::Healthcheck(args) => healthcheck::healthcheck(args),
        Command::Check(args) => check::check(args).await,
    };
    match outcome {
        Ok(exit) => exit.into(),
        Err(Stopped { exit, message }) => {
            eprintln!("gd-indicators: {message}");
            exit.into()
        }
    }
}

/// Opens the database a command works on, migrated: one that does not exist is refused,
/// unless `--create` (a mistyped path must not become a new, pristine database).
async fn open_database(database: &ExistingDatabaseArgs) -> Result<SqlitePool, Stopped> {
    let opened = if database.create {
        crate::store::database::open_and_migrate(database.url()).await
    } else {
        crate::store::database::open_existing_and_migrate(database.url()).await
    };
    Ok(opened?)
}
