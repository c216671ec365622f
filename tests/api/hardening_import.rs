//! Issue 13's import defects: an import refuses what the database or the readers would trip
//! on, says where (line and column) and why, exits 1 for any refused file, writes nothing then,
//! and stays a round trip with what the API writes.

use std::process::{Command, Output, Stdio};

use crate::helpers::TestApp;

const BINARY: &str = env!("CARGO_BIN_EXE_gd-indicators");

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The peak resident memory of `command` (its VmHWM, polled until it exits), in KiB, and its
/// exit status.
fn peak_memory_kib(mut command: Command) -> (u64, Option<i32>) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            return (peak, exit.code());
        }
        if let Ok(text) = std::fs::read_to_string(&status) {
            let high_water = text
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|kib| kib.trim().trim_end_matches("kB").trim().parse().ok());
            peak = peak.max(high_water.unwrap_or(0));
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

/// D12: an import streams its file and keeps what it will change, not the file: importing
/// 100,000 figures that are all stored already (a 41 MB file) costs less memory than twice
/// the file beyond what importing one costs; it used to cost 34 times the file. (The bound is
/// generous: what it costs is mostly fixed, the allocator's and SQLite's.)
#[tokio::test]
async fn an_import_keeps_its_changes_not_its_file() {
    let app = TestApp::spawn().await;
    let generate = Command::new(BINARY)
        .args([
            "generate",
            "--observations",
            "100000",
            "--batch-size",
            "100000",
        ])
        .args(["--database-url", &app.db_url])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(generate.status.code(), Some(0), "{}", stderr(&generate));
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("figures.csv");
    let export = Command::new(BINARY)
        .args(["export", "--database-url", &app.db_url, "--output"])
        .arg(&whole)
        .output()
        .unwrap();
    assert_eq!(export.status.code(), Some(0), "{}", stderr(&export));
    let text = std::fs::read_to_string(&whole).unwrap();
    let one = dir.path().join("one.csv");
    std::fs::write(&one, text.lines().take(2).collect::<Vec<_>>().join("\n")).unwrap();
    let size_kib = text.len() as u64 / 1024;
    drop(text);

    let import = |file: &std::path::Path| {
        let mut command = Command::new(BINARY);
        command
            .arg("import")
            .arg(file)
            .args(["--database-url", &app.db_url]);
        peak_memory_kib(command)
    };
    let (baseline, code) = import(&one);
    assert_eq!(code, Some(0));
    let (peak, code) = import(&whole);
    assert_eq!(code, Some(0));
    assert!(
        peak.saturating_sub(baseline) < 2 * size_kib,
        "importing a {size_kib} KiB file peaked at {peak} KiB, one row at {baseline} KiB"
    );
}
