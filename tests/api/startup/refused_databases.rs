//! A database the binary cannot open or does not recognise stops start-up with one clear line, untouched.

use std::path::Path;

use crate::helpers::run;

/// Runs the binary against `database` on a free port; it must exit on its own with an error.
fn run_expecting_failure(database: &str) -> (i32, String) {
    let output = run(&["--addr", "127.0.0.1:0", "--database-url", database]);
    let stderr = String::from_utf8(output.stderr).expect("utf-8 stderr");
    (output.status.code().unwrap_or(-1), stderr)
}

fn assert_one_clear_line(stderr: &str, expected: &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one line, got: {stderr}");
    assert!(lines[0].starts_with("gd-indicators: "), "{stderr}");
    assert!(lines[0].contains(expected), "'{expected}' in: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_database_that_cannot_be_opened_stops_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir").join("db.sqlite");
    let (code, stderr) = run_expecting_failure(missing.to_str().unwrap());
    assert_ne!(code, 0);
    assert_one_clear_line(&stderr, "cannot open database");
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(
        &path,
        "these are not the pages you are looking for\n".repeat(200),
    )
    .unwrap();
    let before = std::fs::read(&path).unwrap();
    let (code, stderr) = run_expecting_failure(path.to_str().unwrap());
    assert_ne!(code, 0);
    assert_one_clear_line(&stderr, "not a database");
    assert!(
        std::fs::read(&path).unwrap() == before,
        "the file is untouched"
    );
}

/// A database migrated with this binary's migrations, then altered by `tamper`. One connection
/// in rollback-journal mode, so that the file alone is the whole database when it is compared.
async fn migrated_database(dir: &Path, tamper: &str) -> std::path::PathBuf {
    use sqlx::Connection;
    let path = dir.join("gd.db");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let mut connection = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    gd_indicators::store::database::MIGRATOR
        .run(&mut connection)
        .await
        .unwrap();
    sqlx::raw_sql(tamper)
        .execute(&mut connection)
        .await
        .unwrap();
    connection.close().await.unwrap();
    path
}

#[tokio::test]
async fn a_database_from_a_newer_build_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = migrated_database(
        dir.path(),
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99990101000000, 'from the future', 1, x'00', 0)",
    )
    .await;
    let before = std::fs::read(&path).unwrap();
    let (code, stderr) = run_expecting_failure(path.to_str().unwrap());
    assert_ne!(code, 0);
    assert_one_clear_line(&stderr, "migration 99990101000000 is applied but unknown");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file is untouched"
    );
}

#[tokio::test]
async fn a_database_whose_migration_was_edited_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = migrated_database(
        dir.path(),
        "UPDATE _sqlx_migrations SET checksum = x'0badc0de' WHERE version = 1",
    )
    .await;
    let before = std::fs::read(&path).unwrap();
    let (code, stderr) = run_expecting_failure(path.to_str().unwrap());
    assert_ne!(code, 0);
    assert_one_clear_line(&stderr, "migration 1 was applied with different contents");
    assert!(
        std::fs::read(&path).unwrap() == before,
        "the file is untouched"
    );
}

#[tokio::test]
async fn another_applications_database_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    sqlx::query("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let before = std::fs::read(&path).unwrap();
    let (code, stderr) = run_expecting_failure(path.to_str().unwrap());
    assert_ne!(code, 0);
    assert_one_clear_line(&stderr, "not created by gd-indicators");
    assert!(
        std::fs::read(&path).unwrap() == before,
        "the file is untouched"
    );
}
