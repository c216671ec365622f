//! The command line as scripts, test harnesses and operators meet it: addresses by name, the
//! port file and the listening line, a throwaway server in memory, databases that must exist,
//! one set of exit statuses, and each command's own help.

mod addresses;
mod databases;
mod exit_statuses;
mod help;
mod memory;
mod port_file;

use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::command;

/// Runs `gd-indicators ARGS`, which must exit within 10 s: a command line that should be
/// refused but serves instead is killed and reported, not waited on.
fn run_to_exit(args: &[&str]) -> Output {
    let mut child = command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            let output = child.wait_with_output().unwrap();
            panic!("gd-indicators {args:?} did not exit: {output:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// stderr of `output`, which must be one line starting `gd-indicators: ` and holding
/// `expected`; the exit status must be `code`.
fn assert_one_line(output: &Output, code: i32, expected: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {stderr}");
    assert!(lines[0].starts_with("gd-indicators: "), "{stderr}");
    assert!(lines[0].contains(expected), "'{expected}' in: {stderr}");
}
