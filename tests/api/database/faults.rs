//! Faults during an import: a write that fails part-way (the file-size limit standing in for a
//! full disk) and a kill part-way both leave the database exactly as it was before.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gd_indicators::domain::figure::STORED_COLUMNS;
use gd_indicators::store::database::{migration_state, open_serving, MigrationState};

use super::migrated_database;
use crate::helpers::{command, BINARY};

/// An import that adds `count` figures: big enough to spill to the write-ahead log long
/// before it commits.
fn large_import(dir: &Path, count: usize) -> PathBuf {
    let path = dir.join("large.csv");
    let mut writer = csv::Writer::from_path(&path).unwrap();
    writer.write_record(STORED_COLUMNS).unwrap();
    for index in 0..count {
        let id = format!("synthetic-rd-expenditure-{index}");
        let value = format!("{}", 100 + index % 900);
        let row: Vec<&str> = STORED_COLUMNS
            .iter()
            .map(|column| match *column {
                "id" => id.as_str(),
                "indicator_id" => "rd-expenditure",
                "region_id" => "guangdong",
                "value" => value.as_str(),
                "scale" => "billion",
                "unit" => "cny",
                "qualifier" => "exact",
                "stated" => "a synthetic figure for the fault tests",
                "period_kind" | "period_label" => "year",
                "period_start" | "period_end" => "2024",
                "source_id" => "gdtoday-innovation",
                "section" => "Fault test",
                _ => "",
            })
            .collect();
        writer.write_record(row).unwrap();
    }
    writer.flush().unwrap();
    path
}

/// Everything an import can change, read through a fresh connection (which also recovers the
/// database from whatever the killed or failed writer left behind).
async fn logical_state(database: &Path) -> (MigrationState, String) {
    let pool = open_serving(database.to_str().unwrap())
        .await
        .expect("the database still opens");
    let state = migration_state(&pool).await.unwrap();
    let dump: String = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM observations) || ' figures; ' ||
                (SELECT COUNT(*) FROM observation_revisions) || ' revisions; ' ||
                (SELECT COUNT(*) FROM imports) || ' imports; ' ||
                (SELECT group_concat(id || '=' || value || '@' || revision, ',')
                 FROM (SELECT * FROM observations ORDER BY rowid))",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(check, "ok");
    pool.close().await;
    (state, dump)
}

#[tokio::test]
async fn a_write_failing_part_way_through_an_import_leaves_the_database_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let database = migrated_database(dir.path());
    let before = logical_state(&database).await;
    let file = large_import(dir.path(), 20_000);

    // Files may not grow past 2 MiB (a full disk, to the writer); SIGXFSZ is ignored so the
    // write fails with an error instead of killing the process.
    let script = format!(
        "trap '' XFSZ; ulimit -f 4096; exec '{BINARY}' import '{}' --database-url '{}'",
        file.display(),
        database.display()
    );
    // A shell sets the limit for the binary it then becomes; the tests forbid unsafe code,
    // so no `pre_exec` here.
    let output = Command::new("sh")
        .args(["-c", &script])
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one clear line: {stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");

    assert_eq!(logical_state(&database).await, before);
}

#[tokio::test]
async fn a_kill_part_way_through_an_import_leaves_the_database_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let database = migrated_database(dir.path());
    let before = logical_state(&database).await;
    let file = large_import(dir.path(), 50_000);
    let wal = PathBuf::from(format!("{}-wal", database.display()));

    let mut import = command(&[
        "import",
        file.to_str().unwrap(),
        "--database-url",
        database.to_str().unwrap(),
    ])
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    // Kill it once it is writing: its transaction has spilled pages into the log.
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::fs::metadata(&wal).map_or(0, |m| m.len()) < 1 << 20 {
        assert!(
            import.try_wait().unwrap().is_none(),
            "the import ended before it was killed"
        );
        assert!(
            Instant::now() < deadline,
            "the import never started writing"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    import.kill().unwrap();
    import.wait().unwrap();

    assert_eq!(logical_state(&database).await, before);
}
