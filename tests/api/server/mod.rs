//! The server and its transport under attack (issue 13: D1, D4, D5, D9, D14, D16, D17, D18,
//! D19): each test replays one attack the hardening run found and checks the server's answer.
//! Malformed requests are written on raw TCP; memory and shutdown are measured on the binary.

mod configuration;
mod connections;
mod exports;
mod protective_headers;
mod request_target;
mod response_cache;
mod statements;
mod vintage_reads;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::TestApp;

/// The server binary the tests spawn where a process is the point (its memory, its signals,
/// its refusal to start).
pub const BINARY: &str = env!("CARGO_BIN_EXE_gd-indicators");

/// The binary serving a fresh database on a free port, killed when dropped.
pub struct ServerProcess {
    pub child: Child,
    /// `host:port`, from the log.
    pub address: String,
    /// Its log lines after the one naming the address, as they arrive.
    pub log: Arc<Mutex<Vec<String>>>,
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
    let log = Arc::new(Mutex::new(Vec::new()));
    let kept = log.clone();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            kept.lock().expect("the log is readable").push(line);
        }
    });
    ServerProcess {
        child,
        address,
        log,
        _dir: dir,
    }
}

/// `host:port` of a `TestApp` address.
pub fn socket_address(address: &str) -> &str {
    address.trim_start_matches("http://")
}

/// Writes `request` as it is on a new connection and reads until the server closes it (at
/// most `wait`); returns what came back, lossily decoded.
pub async fn exchange(address: &str, request: &[u8], wait: Duration) -> String {
    let mut stream = TcpStream::connect(socket_address(address))
        .await
        .expect("the server accepts");
    stream
        .write_all(request)
        .await
        .expect("the request is sent");
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(wait, stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// The value of header `name` in a raw response, if there.
pub fn raw_header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    let head = response.split("\r\n\r\n").next()?;
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// Checks that a raw response is an RFC 9457 problem with `status` and the protective
/// headers every answer carries; returns the problem.
pub fn assert_protected_problem(response: &str, status: u16) -> crate::helpers::Problem {
    let status_line = response.lines().next().unwrap_or_default();
    // HTTP/1.1, or 1.0 in answer to a 1.0 request.
    assert!(
        status_line.starts_with("HTTP/1.") && status_line[8..].starts_with(&format!(" {status} ")),
        "expected {status}: {response}"
    );
    assert_eq!(
        raw_header(response, "content-type"),
        Some("application/problem+json"),
        "{response}"
    );
    assert_protective_headers(response);
    let body = response.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    let problem: crate::helpers::Problem = serde_json::from_str(body).expect("a JSON problem");
    crate::helpers::assert_problem_shape(&problem, reqwest::StatusCode::from_u16(status).unwrap());
    problem
}

/// nosniff, no referrer, and never stored: what every answer carries, refusals included.
pub fn assert_protective_headers(response: &str) {
    assert_eq!(
        raw_header(response, "x-content-type-options"),
        Some("nosniff"),
        "{response}"
    );
    assert_eq!(
        raw_header(response, "referrer-policy"),
        Some("no-referrer"),
        "{response}"
    );
    assert_eq!(
        raw_header(response, "cache-control"),
        Some("no-store"),
        "{response}"
    );
}

/// Adds `count` synthetic figures with the `generate` command; returns once the server has
/// seen them. 20,000 make an export of about 19 MB of JSON, several times what socket
/// buffers hold.
pub async fn with_synthetic_figures(app: &TestApp, count: usize) {
    let batch = (count / 2).max(1).to_string();
    let count = count.to_string();
    let output = app
        .generate(&["--observations", &count, "--batch-size", &batch])
        .await;
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}
