//! D19: a numeric setting outside its sane range (or a --public-url that is no http URL)
//! stops start-up with one line, instead of a server that answers every request 503
//! (`--request-timeout-ms 0`) or never sees an import (`--data-version-poll-ms
//! 18446744073709551615`). Every flag's range is walked by the unit test in
//! `commands/config/tests.rs`; this runs the binary as an operator would.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::BINARY;

/// Starts the binary with `env` and waits up to 10 s for it to exit; a server that starts
/// instead is killed and reported.
fn start_up_with(env: (&str, &str)) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BINARY)
        .args(["--addr", "127.0.0.1:0"])
        .env("DATABASE_URL", dir.path().join("bounds.db"))
        .env(env.0, env.1)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            return (None, String::new());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn out_of_range_settings_stop_start_up_with_one_line() {
    for (variable, value, flag) in [
        ("REQUEST_TIMEOUT_MS", "0", "--request-timeout-ms"),
        (
            "DATA_VERSION_POLL_MS",
            "18446744073709551615",
            "--data-version-poll-ms",
        ),
        ("MAX_IN_FLIGHT", "0", "--max-in-flight"),
    ] {
        let (code, stderr) = start_up_with((variable, value));
        assert_eq!(code, Some(1), "{variable}={value} must stop start-up");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line: {stderr}");
        assert!(
            lines[0].starts_with(&format!("gd-indicators: {flag} ({variable}) is {value}")),
            "{stderr}"
        );
    }
}

#[test]
fn a_public_url_that_is_not_an_http_url_stops_start_up_with_one_line() {
    for value in [
        "stats.example",
        "ftp://stats.example",
        "https://stats.example/gd?x=1",
    ] {
        let (code, stderr) = start_up_with(("PUBLIC_URL", value));
        assert_eq!(code, Some(1), "PUBLIC_URL={value} must stop start-up");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line: {stderr}");
        assert!(
            lines[0].starts_with("gd-indicators: ")
                && lines[0].contains("--public-url")
                && lines[0].contains(value)
                && lines[0].contains("expected an http(s) URL"),
            "{stderr}"
        );
    }
}
