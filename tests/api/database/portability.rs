//! Issue 13, D21: the database file this binary writes is one every SQLite reads alike, checked
//! with the system's own `sqlite3` (Debian 12's is 3.40; the binary's built-in SQLite is newer).
//!
//! `sqlite3` is found at `$SQLITE3` or in `PATH`. Without one the test is skipped with a
//! message, except under CI (`CI` set), where that is a failure: `.ci/run` installs Debian's
//! `sqlite3`.

use std::path::PathBuf;
use std::process::{Command, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_gd-indicators");

/// The system's `sqlite3`, or `None` (after saying so) when there is none and CI is not set.
fn system_sqlite(test: &str) -> Option<PathBuf> {
    let named = std::env::var_os("SQLITE3").filter(|path| !path.is_empty());
    let found = named.map(PathBuf::from).or_else(|| {
        std::env::split_paths(&std::env::var_os("PATH")?)
            .map(|dir| dir.join("sqlite3"))
            .find(|path| path.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but no sqlite3 was found ($SQLITE3, or in PATH): apt-get install sqlite3"
        );
        eprintln!("SKIPPED {test}: no sqlite3 found ($SQLITE3, or in PATH)");
    }
    found
}

/// D21: a generated database (the article's figures and 20,000 synthetic ones, some corrected)
/// passes the system `sqlite3`'s integrity check. It did not: `value_in_units`, an indexed
/// virtual column, was `round(value * 1e9, 3)`, which SQLite 3.40 and 3.46 compute
/// differently, so 3.40 found "row 9100 missing from index observations_value".
#[test]
fn the_system_sqlite_finds_a_generated_database_intact() {
    let Some(sqlite3) = system_sqlite("the_system_sqlite_finds_a_generated_database_intact") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("generated.db");
    let database = database.to_str().unwrap();
    let generate = Command::new(BINARY)
        .args([
            "generate",
            "--observations",
            "20000",
            "--batch-size",
            "20000",
        ])
        .args(["--database-url", database])
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    assert_eq!(
        generate.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&generate.stderr)
    );
    let version = Command::new(&sqlite3).arg("--version").output().unwrap();
    let check = Command::new(&sqlite3)
        .args([database, "PRAGMA integrity_check;"])
        .stdin(Stdio::null())
        .output()
        .expect("sqlite3 runs");
    let report = String::from_utf8_lossy(&check.stdout);
    assert_eq!(
        report.trim(),
        "ok",
        "sqlite3 {}: {report}{}",
        String::from_utf8_lossy(&version.stdout).trim(),
        String::from_utf8_lossy(&check.stderr)
    );
}
