//! The server and its transport under attack (issue 13: D1, D4, D9, D14, D16, D17, D18,
//! D19): each test replays one attack the hardening run found and checks the server's answer.
//! Malformed requests are written on raw TCP; memory and shutdown are measured on the binary.

mod configuration;
mod connections;
mod response_cache;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::helpers::TestApp;

/// The server binary the tests spawn where a process is the point (its memory, its signals,
/// its refusal to start).
pub const BINARY: &str = env!("CARGO_BIN_EXE_gd-indicators");

/// The binary serving a fresh database on a free port, killed when dropped.
pub struct ServerProcess {
    pub child: Child,
    /// `host:port`, from the log.
    pub address: String,
    _dir: tempfile::TempDir,
}

impl ServerProcess {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary with `env` on top of a fresh database and a free port; its log is read
/// (and then drained) on a thread, so the server never waits on a full pipe. Settings go
/// through the environment so that a build without a flag still starts.
pub fn spawn_binary(env: &[(&str, &str)]) -> ServerProcess {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut command = Command::new(BINARY);
    command
        .args(["--addr", "127.0.0.1:0"])
        .env("DATABASE_URL", dir.path().join("server.db"))
        .env("RUST_LOG", "gd_indicators=info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("the binary starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("the server logs before it exits")
            .expect("a log line");
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest
                .split_whitespace()
                .next()
                .expect("an address")
                .to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    ServerProcess {
        child,
        address,
        _dir: dir,
    }
}

/// `host:port` of a `TestApp` address.
pub fn socket_address(address: &str) -> &str {
    address.trim_start_matches("http://")
}

/// Adds `count` synthetic figures with the `generate` command; returns once the server has
/// seen them. 20,000 make an export of about 19 MB of JSON, several times what socket
/// buffers hold.
pub async fn with_synthetic_figures(app: &TestApp, count: usize) {
    let output = Command::new(BINARY)
        .args(["generate", "--observations", &count.to_string()])
        .args(["--batch-size", &(count / 2).max(1).to_string()])
        .args(["--database-url", &app.db_url])
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let last: i64 = sqlx::query_scalar("SELECT max(id) FROM imports")
        .fetch_one(&app.pool)
        .await
        .expect("the imports are recorded");
    app.wait_for_data_version(last).await;
}
