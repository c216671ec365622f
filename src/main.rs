use std::io::IsTerminal;

use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = gd_indicators::Config::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("gd_indicators=info,tower_http=info")),
        )
        // Colour codes only where a person reads them, not in log files and collectors.
        .with_ansi(std::io::stdout().is_terminal())
        .init();
    match gd_indicators::run(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gd-indicators: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
