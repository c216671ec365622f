//! The `gd-indicators` binary: run as a command, or started as a server.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::TestApp;

pub const BINARY: &str = env!("CARGO_BIN_EXE_gd-indicators");

pub type LogLines = std::io::Lines<BufReader<std::process::ChildStdout>>;

/// Starts the binary on a free port over `database` (given as DATABASE_URL) with text logs;
/// returns it, the address its log says it listens on, and the rest of its log.
pub fn start_server(args: &[&str], database: &Path) -> (std::process::Child, String, LogLines) {
    let mut command = Command::new(BINARY);
    command
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .env("DATABASE_URL", database);
    start_logging(command)
}

/// Spawns `command` (a server) with text logs at `info` on a pipe; returns it, the address
/// its log says it listens on, and the rest of its log.
pub fn start_logging(mut command: Command) -> (std::process::Child, String, LogLines) {
    let mut child = command
        .env("RUST_LOG", "gd_indicators=info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("the server logs before it exits")
            .unwrap();
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    (child, address, lines)
}

/// Sends SIGTERM and waits, at most 10 s, for the server to exit; returns its exit code.
pub fn terminate(child: &mut std::process::Child) -> Option<i32> {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            return exit.code();
        }
        assert!(
            Instant::now() < deadline,
            "the server did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A minimal blocking HTTP/1.1 GET, so this test needs no runtime.
pub fn http_get(address: &str, path: &str) -> String {
    http_get_with(address, path, "")
}

/// `http_get` with extra header lines, each ending in CRLF.
pub fn http_get_with(address: &str, path: &str, headers: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\n{headers}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// Runs `gd-indicators generate ARGS` against the app's database; the server sees the result
/// before this returns.
pub async fn generate(app: &TestApp, args: &[&str]) -> Output {
    let output = Command::new(BINARY)
        .arg("generate")
        .args(args)
        .args(["--database-url", &app.db_url])
        .output()
        .unwrap();
    app.wait_for_data_version(last_import(app).await).await;
    output
}

async fn last_import(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM imports")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}
