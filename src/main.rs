//! The binary: parses the configuration, sets up logging, and hands the command to
//! [`gd_indicators::commands::run`], whose exit status it returns.

use std::io::IsTerminal;

use gd_indicators::commands::config::parse_command_line;
use gd_indicators::commands::log_line::JsonRequestLines;
use gd_indicators::commands::log_writer::log_writer;
use gd_indicators::commands::serve::LISTENING_TARGET;
use gd_indicators::http::layers::request_log;
use gd_indicators::{Command, LogFormat};
use tracing_subscriber::EnvFilter;

// A page of figures is thousands of small allocations (values copied out of SQLite, strings,
// JSON maps) made on several threads at once; mimalloc's per-thread heaps serve them without
// the contention of glibc's arenas. With its `override` feature it also serves SQLite's own
// malloc and free (sqlx's copy of every value, freed on another thread), which glibc served.
// Built without transparent huge pages (`no_thp`): with them, memory it frees and takes back
// is faulted in 2 MiB at a time, each zeroed by the kernel (an eighth of `generate`'s time)
// and counted whole in the resident set.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // The command line is read before the runtime starts: --help, --version and a usage
    // error need none.
    let command = match parse_command_line() {
        Ok(command) => command,
        Err(exit) => return exit,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("gd-indicators: cannot start: {error}");
            return std::process::ExitCode::from(1);
        }
    };
    let code = runtime.block_on(run(command));
    // Work still on the blocking pool (a chart render whose request timed out) must not keep
    // the process from exiting once the command is done, after SIGTERM above all.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    code
}

async fn run(command: Command) -> std::process::ExitCode {
    let mut filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("gd_indicators=info,tower_http=info"));
    // The line that says where the server listens is printed whatever RUST_LOG says: scripts
    // and test harnesses wait for it.
    if let Ok(listening) = format!("{LISTENING_TARGET}=info").parse() {
        filter = filter.add_directive(listening);
    }
    // `export` may write its figures to stdout; its log lines must not land among them.
    let logs_to_stderr = matches!(command, Command::Export(_));
    let (log_sink, log_terminal): (Box<dyn std::io::Write + Send>, bool) = if logs_to_stderr {
        (Box::new(std::io::stderr()), std::io::stderr().is_terminal())
    } else {
        (Box::new(std::io::stdout()), std::io::stdout().is_terminal())
    };
    // Lines are handed to a writer thread that writes them in batches: a request never waits
    // on the terminal or the log pipe. Past 32 MiB queued, lines are dropped, not waited for.
    // The guard flushes what is queued when main returns.
    let (writer, _flush_on_exit) = match log_writer(log_sink) {
        Ok(writer) => writer,
        Err(error) => {
            eprintln!("gd-indicators: cannot start the log's writer: {error}");
            return std::process::ExitCode::from(1);
        }
    };
    let request_lines = writer.clone();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    // Only the server logs; the other commands print their outcome.
    let log_format = match &command {
        Command::Serve(args) => args.log_format,
        _ => LogFormat::Text,
    };
    match log_format {
        LogFormat::Json => {
            logs.json()
                .event_format(gd_indicators::commands::log_line::JsonLines::new())
                .init();
            // Each request's line, written as that format writes it, without `tracing`
            // recording its fields.
            request_log::write_request_lines_with(Box::new(JsonRequestLines::new(request_lines)));
        }
        // Colour codes only where a person reads them, not in log files and collectors.
        LogFormat::Text => logs.with_ansi(log_terminal).init(),
    }
    gd_indicators::commands::run(command).await
}
