//! The command line: each command's flags (each with an environment-variable fallback), the
//! checks that refuse a bad value at start-up in one line, and `serve` as what runs when no
//! command is named.

use std::ffi::OsString;
use std::fmt;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use axum::http::HeaderValue;
use clap::{Parser, Subcommand};

use crate::http::base_url::{parse_public_url, BaseUrl};
use crate::http::export_stream::STREAMED_EXPORTS;
use crate::http::settings::HttpSettings;

/// The heading of `serve`'s limits and tuning in `--help`, below where it listens and what it
/// serves.
const TUNING: &str = "Limits and tuning";

/// Serve Guangdong's economic indicators (China Daily, GD Today) as a JSON REST API.
///
/// With no command, gd-indicators serves: `gd-indicators --addr 0.0.0.0:8080` is
/// `gd-indicators serve --addr 0.0.0.0:8080`. A command's options follow its name
/// (`gd-indicators import --database-url gd.db fix.csv`); `gd-indicators COMMAND --help` lists
/// them.
///
/// Exit status, for every command: 0 done; 1 refused, nothing done (a wrong flag or argument,
/// a missing or refused input file, a missing database or one of another build; `check`: a
/// claim is inconsistent; `healthcheck`: not ready); 2 failed while working (the database or
/// the disk failed; what was begun is undone).
#[derive(Debug, Clone, Parser)]
#[command(
    name = "gd-indicators",
    version,
    subcommand_value_name = "COMMAND",
    override_usage = "gd-indicators [COMMAND] [OPTIONS]"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The command `args` (the program's name first) ask for; `serve` when they name none, so that
/// `cargo run --release` serves and `serve`'s options may stand alone.
///
/// `serve` is put in front of the options rather than declaring them the top level's own too:
/// those would be read (their environment variables as well) and checked whatever the command,
/// so `MAX_CONNECTIONS=x gd-indicators import ...` would fail, and the top level's `--help`
/// would repeat `serve`'s.
pub fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Command, clap::Error> {
    let mut args: Vec<OsString> = args.into_iter().collect();
    let serves = match args.get(1).map(|first| first.to_str()) {
        None => true,
        // A word is a command, or a misspelt one that clap suggests a command for.
        Some(Some(first)) => {
            first.starts_with('-') && !matches!(first, "-h" | "--help" | "-V" | "--version")
        }
        Some(None) => false,
    };
    if serves {
        args.insert(args.len().min(1), OsString::from("serve"));
    }
    Cli::try_parse_from(args).map(|cli| cli.command)
}

/// What the command line asks for: a command to run, or an exit right away (after `--help`,
/// `--version`, or a usage error, which has been printed).
pub fn parse_command_line() -> Result<Command, std::process::ExitCode> {
    match parse_args(std::env::args_os()) {
        Ok(command) => Ok(command),
        // --help and --version: clap's text on stdout, exit 0.
        Err(error) if !error.use_stderr() => {
            let _ = error.print();
            Err(std::process::ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("gd-indicators: {}", usage_error_line(&error));
            Err(super::exit::Exit::Refused.into())
        }
    }
}

/// A usage error as one line: clap's message and tips without its usage block, then where the
/// flags are listed (clap's own report spans five lines and exits 2, the code for a failure).
pub fn usage_error_line(error: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    use clap::CommandFactory;
    // A command named after options: `gd-indicators --database-url gd.db import fix.csv`.
    if let Some(ContextValue::String(word)) = error.get(ContextKind::InvalidArg) {
        if Cli::command().find_subcommand(word).is_some() {
            return format!(
                "'{word}' comes after options: a command's options follow its name; see \
                 'gd-indicators {word} --help'"
            );
        }
    }
    let rendered = error.render().to_string();
    let mut parts: Vec<String> = Vec::new();
    let mut command = None;
    let mut in_usage = false;
    for line in rendered.lines() {
        let line = line.trim();
        if let Some(usage) = line.strip_prefix("Usage:") {
            // "gd-indicators import [OPTIONS] <FILE>": the command is the words before the
            // first placeholder or flag.
            let words: Vec<&str> = usage
                .split_whitespace()
                .take_while(|word| !word.starts_with(['[', '<', '-']))
                .collect();
            command.get_or_insert(words.join(" "));
            in_usage = true;
            continue;
        }
        if line.is_empty() {
            in_usage = false;
            continue;
        }
        if in_usage || line.starts_with("For more information") {
            continue;
        }
        let line = line.strip_prefix("error: ").unwrap_or(line);
        // A list clap puts below its heading ("...were not provided:") joins it.
        match parts.last_mut() {
            Some(heading) if heading.ends_with(':') => {
                heading.push(' ');
                heading.push_str(line);
            }
            _ => parts.push(line.to_owned()),
        }
    }
    let mut message = parts.join("; ");
    if let Some(command) = command.filter(|command| !command.is_empty()) {
        message.push_str(&format!("; see '{command} --help'"));
    }
    message
}

#[derive(Debug, Clone, PartialEq, Subcommand)]
pub enum Command {
    /// Serve the API (what runs when no command is given).
    ///
    /// Migrates the database first, then serves the API, its documentation at /docs/, the
    /// dashboard at / and metrics at /metrics until Ctrl-C or SIGTERM. Once it listens it
    /// prints `gd-indicators listening on http://HOST:PORT` on stdout, as a log line in
    /// --log-format, whatever RUST_LOG says, and writes HOST:PORT to --port-file if given.
    /// Exits 0 after Ctrl-C or SIGTERM, 1 when it cannot start (one line on stderr), 2 when it
    /// fails while serving.
    Serve(ServeArgs),
    /// Create or migrate the database, then exit.
    ///
    /// Brings the database to this build's schema and data. Serving does this too; run it
    /// alone to prepare a database file (a read-only snapshot, say). Exits 1 when the database
    /// cannot be opened or migrated, or belongs to another build.
    Migrate(MigrateArgs),
    /// Add, correct or retract figures from a CSV or JSON file.
    ///
    /// The file is shaped like seed/observations.csv or the bulk export (/v1/export, or
    /// `gd-indicators export`). The whole file is checked first and every problem reported
    /// with its line and column; a clean file is applied in one transaction, each change as a
    /// new revision. On a terminal a spinner shows how far it has got. Exits 1 when the file
    /// is missing or refused, or the database is missing (see --create); 2 when the database
    /// fails while the import is written (nothing is kept).
    Import(ImportArgs),
    /// Check the data against itself and print the consistency report.
    ///
    /// Exits 1 when a claim is inconsistent beyond its tolerance (with --accept, one the list
    /// does not name), the --accept list is missing or malformed, or the database is missing
    /// (see --create); 2 when the data cannot be read.
    Check(CheckArgs),
    /// Ask a running server at --addr whether it is ready (GET /readyz).
    ///
    /// Exits 0 when it is, 1 when not (or no server answers, or a flag is wrong: Docker
    /// reserves exit status 2 in health checks). For container health checks, where images have
    /// no curl.
    Healthcheck(HealthcheckArgs),
    /// Write a large synthetic dataset beside the article's figures.
    ///
    /// For trying the API at scale: 31 provincial-level regions, 320 indicators, monthly and
    /// annual figures over 1995-2024, then corrections and retractions as revisions. Not real
    /// data: every id starts with `synthetic-` and every figure names the source `synthetic`.
    /// The same arguments give the same figures. The figures go through the import path in
    /// batches, each recorded in `imports`, the figures' and then the corrections' in one
    /// transaction (all or nothing). A batch already recorded by a run with the same
    /// arguments is skipped, so a second run adds nothing. On a terminal a bar shows the
    /// progress; otherwise stderr gets a line per batch. A summary goes to stdout. Exits 1
    /// when the database holds synthetic figures made with other arguments (nothing is
    /// written), 2 when the database fails.
    Generate(GenerateArgs),
    /// Write the figures as CSV or JSON, to standard output or a file.
    ///
    /// The output is the very bytes `GET /v1/export` answers with (same columns, same order,
    /// same JSON envelope), so it re-imports as it is. Rows are streamed from the database, so
    /// memory stays flat however many figures there are. A file is written under a temporary
    /// name beside it and renamed when complete: on an error, Ctrl-C or SIGTERM nothing is
    /// left under its name (a file already there stays as it was). On a terminal a bar shows
    /// the progress. Exits 1 when the query is refused, the output cannot be created or the
    /// database is missing (see --create); 2 when the export fails while it is written (the
    /// database or the output fails, or it is interrupted).
    Export(ExportArgs),
}

/// `--database-url`, for every command that opens the database; each command says in its
/// `--help` what it does with it.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct DatabaseArgs {
    /// The SQLite database: a `sqlite:` URL or a file path.
    #[arg(
        id = "database_url",
        long = "database-url",
        env = "DATABASE_URL",
        default_value = "sqlite:gd-indicators.db",
        value_name = "URL"
    )]
    pub url: String,
}

/// The database of a command that works on existing data: a database that does not exist is
/// refused rather than created, unless `--create`.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct ExistingDatabaseArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Create and migrate the database when it does not exist. Without it a missing database
    /// is refused (exit 1), so that a mistyped --database-url cannot work on a new, pristine
    /// file no server reads.
    #[arg(long)]
    pub create: bool,
}

impl ExistingDatabaseArgs {
    pub fn url(&self) -> &str {
        &self.database.url
    }
}

/// `HOST:PORT`: an IP address (IPv6 in brackets) or a host name, and a port. Checked when the
/// flag is read; a name is resolved when the address is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPort {
    /// As given, brackets included.
    host: String,
    pub port: u16,
}

impl FromStr for HostPort {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let expected = "expected HOST:PORT, like 127.0.0.1:8080, localhost:8080 or [::1]:8080";
        let Some((host, port)) = text.rsplit_once(':') else {
            return Err(format!("{expected}; there is no port"));
        };
        let port = port
            .parse::<u16>()
            .map_err(|_| format!("{expected}; '{port}' is not a port (0 to 65535)"))?;
        let valid = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            Some(v6) => v6.parse::<std::net::Ipv6Addr>().is_ok(),
            None if host.contains(':') => {
                return Err(format!("{expected}; an IPv6 address goes in brackets"))
            }
            None => {
                !host.is_empty()
                    && host
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_')
            }
        };
        if !valid {
            return Err(format!("{expected}; '{host}' is not a host"));
        }
        Ok(HostPort {
            host: host.to_owned(),
            port,
        })
    }
}

impl fmt::Display for HostPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

impl HostPort {
    /// Whether the host is an IP address rather than a name to resolve.
    pub fn is_ip(&self) -> bool {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        host.parse::<std::net::IpAddr>().is_ok()
    }
}

/// `serve`'s flags, also taken with no command at all.
#[derive(Debug, Clone, PartialEq, clap::Args)]
#[command(mut_arg("database_url", |arg| arg.help(
    "The database to serve: a `sqlite:` URL or a file path, created and migrated when absent. \
     `sqlite::memory:` serves a throwaway copy of the article's data from memory"
)))]
pub struct ServeArgs {
    /// Address to listen on, HOST:PORT. A host name is resolved and the first of its addresses
    /// that can be bound is used; port 0 picks a free port (the listening line and --port-file
    /// say which).
    #[arg(
        long,
        env = "ADDR",
        default_value = "127.0.0.1:8080",
        value_name = "HOST:PORT"
    )]
    pub addr: HostPort,

    /// Once the server is ready, write the address it listens on (HOST:PORT and a newline) to
    /// this file, for scripts and test harnesses that start it on port 0; the file is removed
    /// when the server exits.
    #[arg(long, env = "PORT_FILE", value_name = "FILE")]
    pub port_file: Option<PathBuf>,

    #[command(flatten)]
    pub database: DatabaseArgs,

    /// Where clients reach the API, an http(s) URL with an optional path prefix and no query
    /// (https://stats.example/gd): every link the API serves (links.*, the Link header)
    /// starts with it. Unset: each request's Host, over http (or with --trust-forwarded, what
    /// the proxy forwards).
    #[arg(long, env = "PUBLIC_URL", value_name = "URL", value_parser = public_url)]
    pub public_url: Option<BaseUrl>,

    /// Behind a reverse proxy that sets them: build links from X-Forwarded-Proto and
    /// X-Forwarded-Host. Off by default, as any client can send them.
    #[arg(long, env = "TRUST_FORWARDED")]
    pub trust_forwarded: bool,

    /// Log lines as text or as JSON objects.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Seconds clients and proxies may reuse a successful response (Cache-Control max-age).
    #[arg(long, env = "CACHE_MAX_AGE", help_heading = TUNING, default_value_t = HttpSettings::default().cache_max_age_seconds.into())]
    pub cache_max_age: u64,

    /// Origins browsers may read responses from, comma-separated; empty allows any origin
    /// (the data is public).
    #[arg(long, env = "CORS_ALLOW_ORIGINS", help_heading = TUNING, value_delimiter = ',')]
    pub cors_allow_origins: Vec<String>,

    /// Longest query string accepted, in bytes; longer is a 414.
    #[arg(long, env = "MAX_QUERY_BYTES", help_heading = TUNING, default_value_t = HttpSettings::default().max_query_bytes as u64)]
    pub max_query_bytes: u64,

    /// Longest path accepted, in bytes; longer is a 414.
    #[arg(long, env = "MAX_PATH_BYTES", help_heading = TUNING, default_value_t = HttpSettings::default().max_path_bytes as u64)]
    pub max_path_bytes: u64,

    /// Requests served at once; past it requests are shed with 503 and Retry-After.
    #[arg(long, env = "MAX_IN_FLIGHT", help_heading = TUNING, default_value_t = HttpSettings::default().max_in_flight as u64)]
    pub max_in_flight: u64,

    /// Milliseconds a request may take before it is abandoned with a 503.
    #[arg(long, env = "REQUEST_TIMEOUT_MS", help_heading = TUNING, default_value_t = HttpSettings::default().request_timeout.as_millis() as u64)]
    pub request_timeout_ms: u64,

    /// Milliseconds past which a request (until its status and headers) is logged as a slow
    /// request, a warning with its id, route and latency.
    #[arg(long, env = "SLOW_REQUEST_MS", help_heading = TUNING, default_value_t = HttpSettings::default().slow_request.as_millis() as u64)]
    pub slow_request_ms: u64,

    /// Requests per second one client (IP address) may make on average; past it, 429 with
    /// Retry-After. 0 turns per-client limiting off.
    #[arg(long, env = "RATE_LIMIT_PER_SECOND", help_heading = TUNING, default_value_t = HttpSettings::default().rate_limit_per_second.into())]
    pub rate_limit_per_second: u64,

    /// Requests one client may make at once above its average rate.
    #[arg(long, env = "RATE_LIMIT_BURST", help_heading = TUNING, default_value_t = HttpSettings::default().rate_limit_burst.into())]
    pub rate_limit_burst: u64,

    /// Also hold loopback clients to the per-client limits, the request rate and
    /// --exports-per-client (off by default: local tools and tests).
    #[arg(long, env = "RATE_LIMIT_LOOPBACK", help_heading = TUNING)]
    pub rate_limit_loopback: bool,

    /// Memory for rendered responses kept to answer repeated requests without the database,
    /// in MiB; 0 turns the response cache off.
    #[arg(long, env = "RESPONSE_CACHE_MIB", help_heading = TUNING, default_value_t = HttpSettings::default().response_cache_bytes >> 20)]
    pub response_cache_mib: u64,

    /// Milliseconds between checks for new data (an import, maybe by another process); the
    /// longest an import stays unseen.
    #[arg(long, env = "DATA_VERSION_POLL_MS", help_heading = TUNING, default_value_t = HttpSettings::default().data_version_poll.as_millis() as u64)]
    pub data_version_poll_ms: u64,

    /// Milliseconds a client has to send a request's headers, from connecting or from the end
    /// of its previous response (so also how long an idle keep-alive connection stays open);
    /// past it the connection is closed.
    #[arg(long, env = "HEADER_READ_TIMEOUT_MS", help_heading = TUNING, default_value_t = HttpSettings::default().header_read_timeout.as_millis() as u64)]
    pub header_read_timeout_ms: u64,

    /// Largest request head (request line and headers), in bytes; larger is a 431.
    #[arg(long, env = "MAX_HEADER_BYTES", help_heading = TUNING, default_value_t = HttpSettings::default().max_header_bytes as u64)]
    pub max_header_bytes: u64,

    /// Connections open at once; past it, new connections wait in the listen backlog until
    /// one closes. Keep it below the open-file limit (ulimit -n).
    #[arg(long, env = "MAX_CONNECTIONS", help_heading = TUNING, default_value_t = HttpSettings::default().max_connections as u64)]
    pub max_connections: u64,

    /// Milliseconds a response may wait for its client to take any of its bytes; past it the
    /// connection is closed.
    #[arg(long, env = "SEND_TIMEOUT_MS", help_heading = TUNING, default_value_t = HttpSettings::default().send_timeout.as_millis() as u64)]
    pub send_timeout_ms: u64,

    /// Milliseconds the requests in flight at Ctrl-C or SIGTERM have to finish; then the
    /// connections still open are closed and the server exits.
    #[arg(long, env = "SHUTDOWN_GRACE_MS", help_heading = TUNING, default_value_t = HttpSettings::default().shutdown_grace.as_millis() as u64)]
    pub shutdown_grace_ms: u64,

    /// Bulk exports one client (IP address) may stream at once, of the 4 that stream at
    /// once; past it, 429. Loopback clients are exempt unless --rate-limit-loopback.
    #[arg(long, env = "EXPORTS_PER_CLIENT", help_heading = TUNING, default_value_t = HttpSettings::default().exports_per_client as u64)]
    pub exports_per_client: u64,

    /// Slowest an export's client may read, in bytes a second (before compression) over
    /// each 30 s of its reading; below it the export is cut off. 0: no minimum.
    #[arg(long, env = "EXPORT_MIN_BYTES_PER_SECOND", help_heading = TUNING, default_value_t = HttpSettings::default().export_min_bytes_per_second)]
    pub export_min_bytes_per_second: u64,

    /// Longest an export may take, in seconds; then it is cut off.
    #[arg(long, env = "EXPORT_MAX_SECONDS", help_heading = TUNING, default_value_t = HttpSettings::default().export_max_duration.as_secs())]
    pub export_max_seconds: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
#[command(mut_arg("database_url", |arg| arg.help(
    "The database to create or bring to this build's schema and data: a `sqlite:` URL or a \
     file path"
)))]
pub struct MigrateArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
#[command(mut_arg("database_url", |arg| arg.help(
    "The database to check: a `sqlite:` URL or a file path; it must exist, unless --create"
)))]
pub struct CheckArgs {
    #[command(flatten)]
    pub database: ExistingDatabaseArgs,
    /// Inconsistencies known and accepted: a file of check ids, one per line (the `id:` of
    /// each block of the report), `#` starting a comment. The check then fails only on an
    /// inconsistency the file does not list. The repository lists the article's own two in
    /// seed/accepted-inconsistencies.txt.
    #[arg(long, value_name = "FILE")]
    pub accept: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct HealthcheckArgs {
    /// The server to ask, HOST:PORT; a host name is resolved and its addresses tried in turn.
    /// An unspecified address (0.0.0.0, [::]) is asked on loopback, so the server's own ADDR
    /// works unchanged.
    #[arg(
        long,
        env = "ADDR",
        default_value = "127.0.0.1:8080",
        value_name = "HOST:PORT"
    )]
    pub addr: HostPort,
}

#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
#[command(mut_arg("database_url", |arg| arg.help(
    "The database to import into: a `sqlite:` URL or a file path; it must exist, unless --create"
)))]
pub struct ImportArgs {
    /// The file to import: .csv (with a header row) or .json (an array of objects, or the
    /// export's {"data": [...]}). Columns: those of seed/observations.csv; optional `action`
    /// (empty, or `retract`) and `reason` (why a figure is corrected or retracted, required
    /// for a retraction). The export's derived columns are ignored.
    pub file: std::path::PathBuf,
    #[command(flatten)]
    pub database: ExistingDatabaseArgs,
    /// A note stored with the import: where the corrections come from.
    #[arg(long)]
    pub description: Option<String>,
    /// Check the file and report what it would change, without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Refuse the file, writing nothing, when it would leave something wrong that is not an
    /// error in the file: a printed equivalent or a repeat pointing at a retracted figure (an
    /// orphan), or a corrected value whose `stated` words still print the old one. Without
    /// it, these are warnings on stderr.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
#[command(mut_arg("database_url", |arg| arg.help(
    "The database to export from: a `sqlite:` URL or a file path; it must exist, unless --create"
)))]
pub struct ExportArgs {
    #[command(flatten)]
    pub database: ExistingDatabaseArgs,
    /// Format to write. Default: from the --output file's extension (.csv or .json), else csv.
    #[arg(long, value_enum)]
    pub format: Option<crate::service::import::read::FileFormat>,
    /// File to write; `-` (the default) writes to standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// The figures to export, as the query string of `GET /v1/export` selects them: filters,
    /// `sort`, `currency` and `scale` (e.g. 'region=guangdong&year=2023,2024&sort=-value').
    /// Default: every figure, in source order. A currency-converted export does not re-import.
    #[arg(long, value_name = "QUERY")]
    pub query: Option<String>,
}

#[derive(Debug, Clone, PartialEq, clap::Args)]
#[command(mut_arg("database_url", |arg| arg.help(
    "The database to write the synthetic figures into: a `sqlite:` URL or a file path, created \
     and migrated when absent"
)))]
pub struct GenerateArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Figures to write (the first N of a fixed sequence: subject by subject, region by
    /// region), at most 1190400.
    #[arg(long, env = "GENERATE_OBSERVATIONS", default_value_t = 1_000_000, value_parser = observation_count)]
    pub observations: usize,
    /// Seed of the pseudo-random numbers: the same seed and arguments give the same figures.
    #[arg(long, env = "GENERATE_SEED", default_value_t = 1)]
    pub seed: u64,
    /// Percentage of the figures the second pass corrects (revision 2, with a reason); it
    /// also retracts one figure in 10,000. 0 writes first revisions only.
    #[arg(long, env = "GENERATE_REVISIONS_PERCENT", default_value_t = 3.0, value_parser = percentage)]
    pub revisions_percent: f64,
    /// Figures per import: each batch is one transaction, recorded in `imports`; at most
    /// 1190400.
    #[arg(long, env = "GENERATE_BATCH_SIZE", default_value_t = 50_000, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=crate::service::synthetic::catalogue::MAX_OBSERVATIONS as u64))]
    pub batch_size: usize,
}

fn public_url(text: &str) -> Result<BaseUrl, String> {
    parse_public_url(text)
}

fn observation_count(text: &str) -> Result<usize, String> {
    let most = crate::service::synthetic::catalogue::MAX_OBSERVATIONS;
    match text.parse::<usize>() {
        Ok(count) if (1..=most).contains(&count) => Ok(count),
        _ => Err(format!("expected a whole number from 1 to {most}")),
    }
}

fn percentage(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(percent) if (0.0..=100.0).contains(&percent) => Ok(percent),
        _ => Err("expected a number from 0 to 100".to_owned()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per event, for log collectors.
    Json,
}

/// Every numeric server option, how to read it, and the range it accepts. A value outside
/// it stops start-up with one line naming the flag: a 0 ms timeout (every request a 503) or a
/// poll every 584 million years (no import ever seen) is a typo, not a setting.
type NumericOption = (&'static str, fn(&ServeArgs) -> u64, RangeInclusive<u64>);

// A table, one option a line: rustfmt would spread the longer rows over five.
#[rustfmt::skip]
const NUMERIC_OPTIONS: &[NumericOption] = &[
    // A year: longer would outlive any data version.
    ("cache-max-age", |c| c.cache_max_age, 0..=31_536_000),
    // hyper refuses a request target past 64 KiB itself.
    ("max-query-bytes", |c| c.max_query_bytes, 256..=65_536),
    ("max-path-bytes", |c| c.max_path_bytes, 256..=16_384),
    ("max-in-flight", |c| c.max_in_flight, 1..=65_536),
    ("request-timeout-ms", |c| c.request_timeout_ms, 100..=600_000),
    // As long as the longest request timeout: no request that answers is slower.
    ("slow-request-ms", |c| c.slow_request_ms, 1..=600_000),
    ("rate-limit-per-second", |c| c.rate_limit_per_second, 0..=1_000_000),
    ("rate-limit-burst", |c| c.rate_limit_burst, 1..=1_000_000),
    ("response-cache-mib", |c| c.response_cache_mib, 0..=16_384),
    ("data-version-poll-ms", |c| c.data_version_poll_ms, 10..=60_000),
    ("header-read-timeout-ms", |c| c.header_read_timeout_ms, 100..=300_000),
    // hyper reads at most about 400 KiB of head.
    ("max-header-bytes", |c| c.max_header_bytes, 4_096..=262_144),
    ("max-connections", |c| c.max_connections, 1..=65_536),
    ("send-timeout-ms", |c| c.send_timeout_ms, 1_000..=600_000),
    ("shutdown-grace-ms", |c| c.shutdown_grace_ms, 0..=600_000),
    ("exports-per-client", |c| c.exports_per_client, 1..=STREAMED_EXPORTS as u64),
    ("export-min-bytes-per-second", |c| c.export_min_bytes_per_second, 0..=1 << 30),
    ("export-max-seconds", |c| c.export_max_seconds, 10..=86_400),
];

/// `value` of `--flag`, refused in one line when outside `range`.
fn bounded(flag: &str, value: u64, range: &RangeInclusive<u64>) -> Result<u64, String> {
    if range.contains(&value) {
        return Ok(value);
    }
    let env = flag.to_ascii_uppercase().replace('-', "_");
    Err(format!(
        "--{flag} ({env}) is {value}; it must be from {} to {}",
        range.start(),
        range.end()
    ))
}

impl ServeArgs {
    /// The HTTP settings, with each origin checked and each number bounded, so that a typo
    /// fails start-up.
    pub fn http_settings(&self) -> Result<HttpSettings, String> {
        for (flag, value, range) in NUMERIC_OPTIONS {
            bounded(flag, value(self), range)?;
        }
        let cors_allow_origins = self
            .cors_allow_origins
            .iter()
            .filter(|origin| !origin.trim().is_empty())
            .map(|origin| {
                let origin = origin.trim();
                if !(origin.starts_with("http://") || origin.starts_with("https://")) {
                    return Err(format!(
                        "--cors-allow-origins: '{origin}' is not an origin like https://example.org"
                    ));
                }
                HeaderValue::from_str(origin)
                    .map_err(|_| format!("--cors-allow-origins: '{origin}' is not a valid origin"))
            })
            .collect::<Result<_, _>>()?;
        // Every number is within its range (above), so these conversions are exact.
        let narrow = |value: u64| u32::try_from(value).unwrap_or(u32::MAX);
        Ok(HttpSettings {
            cache_max_age_seconds: narrow(self.cache_max_age),
            cors_allow_origins,
            public_url: self.public_url.clone(),
            trust_forwarded: self.trust_forwarded,
            max_query_bytes: self.max_query_bytes as usize,
            max_path_bytes: self.max_path_bytes as usize,
            max_in_flight: self.max_in_flight as usize,
            request_timeout: Duration::from_millis(self.request_timeout_ms),
            slow_request: Duration::from_millis(self.slow_request_ms),
            rate_limit_per_second: narrow(self.rate_limit_per_second),
            rate_limit_burst: narrow(self.rate_limit_burst),
            rate_limit_loopback: self.rate_limit_loopback,
            response_cache_bytes: self.response_cache_mib << 20,
            data_version_poll: Duration::from_millis(self.data_version_poll_ms),
            header_read_timeout: Duration::from_millis(self.header_read_timeout_ms),
            max_header_bytes: self.max_header_bytes as usize,
            max_connections: self.max_connections as usize,
            send_timeout: Duration::from_millis(self.send_timeout_ms),
            shutdown_grace: Duration::from_millis(self.shutdown_grace_ms),
            exports_per_client: self.exports_per_client as usize,
            export_min_bytes_per_second: self.export_min_bytes_per_second,
            export_max_duration: Duration::from_secs(self.export_max_seconds),
            ..HttpSettings::default()
        })
    }
}

#[cfg(test)]
mod tests;
