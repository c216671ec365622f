//! `gd-indicators export`: the body of `GET /v1/export`, to stdout or a file.

use std::process::{Output, Stdio};

use serde_json::Value;

use super::{body, files_in, text, with_revised_figures, with_synthetic_figures};
use crate::helpers::{Csv, List, TestApp};

#[tokio::test]
async fn export_writes_the_very_body_of_get_v1_export() {
    let app = TestApp::spawn().await;
    with_revised_figures(&app).await;

    for (args, path) in [
        (vec!["export"], "/v1/export?format=csv"),
        (vec!["export", "--format", "csv"], "/v1/export?format=csv"),
        (vec!["export", "--format", "json"], "/v1/export"),
        (
            vec![
                "export",
                "--format",
                "json",
                "--query",
                "source=synthetic&year=2001,2002&sort=-value",
            ],
            "/v1/export?source=synthetic&year=2001,2002&sort=-value",
        ),
        (
            vec!["export", "--query", "region=guangdong&currency=USD"],
            "/v1/export?region=guangdong&currency=USD&format=csv",
        ),
        // A delta, its retractions marked (a last column; meta.retracted).
        (
            vec!["export", "--query", "updated_after=0"],
            "/v1/export?updated_after=0&format=csv",
        ),
        (
            vec!["export", "--format", "json", "--query", "updated_after=2"],
            "/v1/export?updated_after=2",
        ),
    ] {
        let output = app.run(&args);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {output:?}");
        assert_eq!(
            text(&output.stdout),
            text(&body(&app, path).await),
            "{args:?} against GET {path}"
        );
        // Piped: no progress, no escape codes, nothing at all on stderr.
        assert_eq!(text(&output.stderr), "", "{args:?}");
    }
    // The delta marks the generation's retractions, as a sanity check on that comparison.
    let delta = Csv::parse(text(
        &app.run(&["export", "--query", "updated_after=0"]).stdout,
    ));
    assert!(delta.cells("retracted").contains(&"true"));
    assert!(delta.cells("retracted").contains(&"false"));
    // The figures are all there, as a sanity check on the comparison itself.
    let output = app.run(&["export", "--format", "json"]);
    let exported: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM observations WHERE retracted = 0")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(exported["meta"]["total"], stored);
    assert!(stored > 600, "the article's figures and the synthetic ones");
}

#[tokio::test]
async fn an_exported_file_reimports_with_nothing_to_change() {
    let app = TestApp::spawn().await;
    with_revised_figures(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let imports = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM imports")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    let before = imports().await;
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM observations WHERE retracted = 0")
        .fetch_one(&app.pool)
        .await
        .unwrap();

    for (name, format) in [("figures.json", "JSON"), ("figures.csv", "CSV")] {
        let file = dir.path().join(name);
        // The format comes from the extension.
        let output = app.run(&["export", "--output", file.to_str().unwrap()]);
        let stdout = text(&output.stdout);
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        assert!(stdout.contains(&format!("{name}: ")), "{stdout}");
        // Every figure: the whole export, not a well-formed empty one.
        assert!(
            stdout.contains(&format!(" {stored} figures written as {format}")),
            "{stdout}"
        );
        assert_eq!(text(&output.stderr), "");
        let expected = match name {
            "figures.json" => body(&app, "/v1/export").await,
            _ => body(&app, "/v1/export?format=csv").await,
        };
        assert_eq!(std::fs::read(&file).unwrap(), expected, "{name}");
        let written = match format {
            "JSON" => serde_json::from_slice::<List<Value>>(&expected)
                .unwrap()
                .data
                .len(),
            _ => Csv::parse(text(&expected)).rows.len(),
        };
        assert_eq!(written as i64, stored, "{name}");

        let output = app.run(&["import", file.to_str().unwrap()]);
        let stdout = text(&output.stdout);
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        assert!(
            stdout.contains("every figure is already stored as given; nothing to change"),
            "{stdout}"
        );
        assert_eq!(text(&output.stderr), "", "piped: no progress");
    }
    assert_eq!(imports().await, before, "re-importing recorded nothing");
    // Nothing left beside the files: the temporary names were renamed away.
    assert_eq!(files_in(dir.path()), ["figures.csv", "figures.json"]);
}

#[tokio::test]
async fn an_export_whose_reader_stops_early_ends_quietly() {
    let app = TestApp::spawn().await;
    // More than a pipe holds (64 KiB), so the export is still writing when the reader leaves.
    with_synthetic_figures(&app, 2000).await;
    let mut export = app
        .command(&["export"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // What `export | head -c 100` does: read a little, then close the pipe.
    let mut first = [0u8; 100];
    std::io::Read::read_exact(export.stdout.as_mut().unwrap(), &mut first).unwrap();
    assert!(text(&first).starts_with("id,indicator_id,"));
    drop(export.stdout.take());
    let output = export.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        text(&output.stderr),
        "",
        "nothing to say about a closed pipe"
    );
}

#[tokio::test]
async fn piped_commands_draw_no_progress() {
    let app = TestApp::spawn().await;
    let output = app.run(&["generate", "--observations", "300", "--batch-size", "100"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stderr = text(&output.stderr);
    // A plain line per batch for the log (three of figures, one of revisions), no bar.
    assert_eq!(stderr.lines().count(), 4, "{stderr}");
    assert!(stderr.lines().all(|line| line.starts_with("generate: ")));
    for output in [
        output,
        app.run(&["export"]),
        app.run(&["export", "--format", "json", "--output", "-"]),
    ] {
        let stderr = text(&output.stderr);
        assert!(!stderr.contains('\x1b'), "no escape codes: {stderr:?}");
        assert!(!stderr.contains('\r'), "no redrawn lines: {stderr:?}");
    }
}

/// One line on stderr, `gd-indicators: export: ...` with `expected` in it, and exit `code`: 1
/// when the export was refused before it began, 2 when it failed while writing.
fn assert_stopped(output: &Output, code: i32, expected: &str) {
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {stderr}");
    assert!(lines[0].starts_with("gd-indicators: export: "), "{stderr}");
    assert!(lines[0].contains(expected), "'{expected}' in {stderr}");
}

#[tokio::test]
async fn an_export_that_cannot_be_written_says_so_and_leaves_no_file() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();

    let missing = dir.path().join("no-such-dir").join("figures.csv");
    let output = app.run(&["export", "--output", missing.to_str().unwrap()]);
    assert_stopped(
        &output,
        1,
        "no-such-dir/figures.csv': No such file or directory",
    );
    assert!(output.stdout.is_empty());

    let output = app.run(&["export", "--output", dir.path().to_str().unwrap()]);
    assert_stopped(&output, 1, "it is a directory");

    // A device that fills up mid-write: the error is reported, not swallowed.
    let output = app.run(&["export", "--output", "/dev/full"]);
    assert_stopped(&output, 2, "cannot write '/dev/full'");
    let full = std::fs::File::options().write(true).open("/dev/full");
    let output = app
        .command(&["export"])
        .stdout(full.unwrap())
        .output()
        .unwrap();
    assert_stopped(&output, 2, "cannot write standard output");

    // A query the endpoint refuses is refused here too, before any file is made.
    let target = dir.path().join("figures.json");
    let file = target.to_str().unwrap();
    let output = app.run(&["export", "--output", file, "--query", "region=atlantis"]);
    assert_stopped(&output, 1, "there is no region 'atlantis'");
    let output = app.run(&["export", "--output", file, "--query", "colour=red"]);
    assert_stopped(&output, 1, "Unknown parameter 'colour'");
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
}
