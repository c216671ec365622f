//! Command-line flags, each with an environment-variable fallback.

use std::net::SocketAddr;

use clap::Parser;

/// Serve Guangdong's economic indicators (China Daily, GD Today) as a JSON REST API.
#[derive(Debug, Clone, Parser)]
#[command(name = "gd-indicators", version, about)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port (the log says which).
    #[arg(long, env = "ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// SQLite database: a `sqlite:` URL or a file path. Created and migrated when absent.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite:gd-indicators.db")]
    pub database_url: String,
}
