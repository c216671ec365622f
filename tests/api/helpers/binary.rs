//! The `gd-indicators` binary, run one way by every test: as a command that runs to its end
//! ([`command`], [`run`], and [`TestApp::run`] on an app's database), or as a server
//! ([`Server`]) that is ready once its log says where it listens (no sleeps) and that is
//! stopped when dropped, so a failing test leaves no process behind.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::TestApp;

/// The binary Cargo built for these tests.
pub const BINARY: &str = env!("CARGO_BIN_EXE_gd-indicators");

/// `gd-indicators ARGS`, not yet started: stdin closed (nothing waits on a terminal) and
/// `RUST_LOG` unset (no log the test did not ask for); stdout and stderr as the caller sets
/// them, piped by `output()`.
pub fn command(args: &[&str]) -> Command {
    command_at(Path::new(BINARY), args)
}

/// [`command`] for a copy of the binary at `program`.
pub fn command_at(program: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command
        .args(args)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    command
}

/// Runs `gd-indicators ARGS` to its end.
pub fn run(args: &[&str]) -> Output {
    command(args).output().expect("the binary runs")
}

impl TestApp {
    /// `gd-indicators ARGS --database-url <this app's database>`, as [`command`].
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = command(args);
        command.args(["--database-url", &self.db_url]);
        command
    }

    /// Runs `gd-indicators ARGS` on this app's database, to its end.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("the binary runs")
    }

    /// Runs `gd-indicators generate ARGS` on this app's database; returns once the server has
    /// seen every import it recorded.
    pub async fn generate(&self, args: &[&str]) -> Output {
        let output = self.run(&[&["generate"], args].concat());
        let last: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM imports")
            .fetch_one(&self.pool)
            .await
            .unwrap();
        self.wait_for_data_version(last).await;
        output
    }
}

/// A server's log, line by line.
pub type LogLines = std::io::Lines<BufReader<ChildStdout>>;

/// The binary serving HTTP, started and ready: its log has said where it listens.
pub struct Server {
    child: Child,
    /// Where it listens, `host:port`, as its log says.
    pub address: String,
    /// The log up to the line that says where it listens, that line included.
    pub started: Vec<String>,
    log: Option<LogLines>,
}

impl Server {
    /// `gd-indicators --addr 127.0.0.1:0 ARGS` over `database` (given as `DATABASE_URL`), with
    /// text logs at `info`.
    pub fn start(args: &[&str], database: &Path) -> Server {
        let mut server = command(&["--addr", "127.0.0.1:0"]);
        server.args(args).env("DATABASE_URL", database);
        Server::start_command(server)
    }

    /// Starts `command`, the binary as a server however it is invoked, with its log on a pipe
    /// (at `info` unless the command sets `RUST_LOG`), and waits for the log line that says
    /// where it listens, in text or JSON.
    pub fn start_command(mut command: Command) -> Server {
        let sets_log_level = command
            .get_envs()
            .any(|(name, value)| name == "RUST_LOG" && value.is_some());
        if !sets_log_level {
            command.env("RUST_LOG", "gd_indicators=info");
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let mut log = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut started = Vec::new();
        let address = loop {
            let line = log
                .next()
                .expect("the server logs where it listens before it exits")
                .expect("a log line");
            let address = listening_address(&line);
            started.push(line);
            if let Some(address) = address {
                break address;
            }
        };
        Server {
            child,
            address,
            started,
            log: Some(log),
        }
    }

    /// `http://host:port`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The rest of the log, as the server writes it.
    pub fn log(&mut self) -> &mut LogLines {
        self.log.as_mut().expect("the log is read by this test")
    }

    /// Reads the log on a thread from now on, so that a full pipe never blocks the server.
    pub fn drain_log(&mut self) {
        let log = self.log.take().expect("the log is still here");
        std::thread::spawn(move || log.for_each(drop));
    }

    /// Sends SIGTERM and waits, at most 10 s, for the server to exit; returns its exit code.
    pub fn terminate(&mut self) -> Option<i32> {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(exit) = self.child.try_wait().unwrap() {
                return exit.code();
            }
            assert!(
                Instant::now() < deadline,
                "the server did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    /// A server a test did not stop (it failed first) is killed, not left running.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The address of `gd-indicators listening on http://ADDRESS`, in a text or a JSON log line.
fn listening_address(line: &str) -> Option<String> {
    let rest = line.split("listening on http://").nth(1)?;
    let address: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '"')
        .collect();
    Some(address)
}

/// A minimal blocking HTTP/1.1 GET, for tests without a runtime.
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
