//! `GET /v1/export`, streamed at any size, with a validator of the data version; and
//! `gd-indicators export`: the same bytes, to stdout or a file, that re-import as they are;
//! quiet when piped; and never a half-written file.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::cache::gunzip;
use crate::helpers::{header, TestApp};
use crate::imports::{import_text, run_import_command, seed_csv};

const BINARY: &str = env!("CARGO_BIN_EXE_gd-indicators");

/// Runs `gd-indicators ARGS` against the app's database, stdin closed and output piped.
fn run(app: &TestApp, args: &[&str]) -> Output {
    Command::new(BINARY)
        .args(args)
        .args(["--database-url", &app.db_url])
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

/// Adds synthetic figures, some corrected and one retracted, beside the article's; returns once
/// the server has seen them.
async fn with_revised_figures(app: &TestApp) {
    with_synthetic_figures(app, 600).await;
}

/// Adds `count` synthetic figures, in imports of at least 250; returns once the server has
/// seen them.
async fn with_synthetic_figures(app: &TestApp, count: usize) {
    let batch = (count / 4).max(250).to_string();
    let count = count.to_string();
    let output = run(
        app,
        &["generate", "--observations", &count, "--batch-size", &batch],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let last: i64 = sqlx::query_scalar("SELECT max(id) FROM imports")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    app.wait_for_data_version(last).await;
}

async fn body(app: &TestApp, path: &str) -> Vec<u8> {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    response.bytes().await.unwrap().to_vec()
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("utf-8")
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

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
    ] {
        let output = run(&app, &args);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {output:?}");
        assert_eq!(
            text(&output.stdout),
            text(&body(&app, path).await),
            "{args:?} against GET {path}"
        );
        // Piped: no progress, no escape codes, nothing at all on stderr.
        assert_eq!(text(&output.stderr), "", "{args:?}");
    }
    // The figures are all there, as a sanity check on the comparison itself.
    let output = run(&app, &["export", "--format", "json"]);
    let exported: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM observations WHERE retracted = 0")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(exported["meta"]["total"], stored);
    assert!(stored > 600, "the article's figures and the synthetic ones");
}

#[tokio::test]
async fn the_export_is_streamed_and_tagged_by_the_data_version_without_being_kept() {
    let app = TestApp::spawn().await;
    with_revised_figures(&app).await;
    let version = app.data_version().await;
    let path = "/v1/export?format=csv";

    let first = app.get(path).await;
    assert_eq!(first.status(), StatusCode::OK);
    // Written as it is read: no length announced, chunks instead.
    assert_eq!(header(&first, "content-length"), "");
    assert_eq!(header(&first, "transfer-encoding"), "chunked");
    assert_eq!(
        header(&first, "content-disposition"),
        "attachment; filename=\"gd-indicators-export.csv\""
    );
    assert_eq!(header(&first, "vary"), "accept, accept-encoding");
    assert_eq!(header(&first, "cache-control"), "public, max-age=300");
    assert_eq!(header(&first, "x-cache"), "miss");
    let tag = header(&first, "etag");
    assert!(tag.starts_with(&format!("\"export-v{version}-")), "{tag}");
    let csv = first.bytes().await.unwrap();
    assert!(
        csv.len() > 4 * 64 * 1024,
        "several chunks: {} bytes",
        csv.len()
    );

    // The same request: the same tag and bytes, and still from the database, never kept.
    let again = app.get(path).await;
    assert_eq!(header(&again, "etag"), tag);
    assert_eq!(header(&again, "x-cache"), "miss");
    assert_eq!(again.bytes().await.unwrap(), csv);

    // Revalidation answers from the tag alone.
    let revalidated = app.get_with(path, &[("if-none-match", &tag)]).await;
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&revalidated, "etag"), tag);
    assert!(revalidated.bytes().await.unwrap().is_empty());
    let head = app.head(path).await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(header(&head, "etag"), tag);

    // Another representation, or the same one asked differently, is another entity.
    let json = app.get("/v1/export").await;
    assert_eq!(header(&json, "content-type"), "application/json");
    assert_ne!(header(&json, "etag"), tag);
    let sorted = app.get("/v1/export?format=csv&sort=-value").await;
    assert_ne!(header(&sorted, "etag"), tag);

    // An import moves the data version, and so the tag: the old one matches no more.
    let correction = seed_csv(&[(
        "rd-expenditure-2024",
        &[("value", "514"), ("reason", "test correction")],
    )]);
    import_text(&app, "fix.csv", &correction)
        .await
        .expect("the correction applies");
    let after = app.get_with(path, &[("if-none-match", &tag)]).await;
    assert_eq!(after.status(), StatusCode::OK);
    let new_tag = header(&after, "etag");
    assert!(
        new_tag.starts_with(&format!("\"export-v{}-", app.data_version().await)),
        "{new_tag}"
    );
    assert_ne!(new_tag, tag);
    let corrected = after.text().await.unwrap();
    assert!(
        corrected
            .lines()
            .any(|row| row.starts_with("rd-expenditure-2024,") && row.contains(",514,")),
        "the corrected figure is exported"
    );
}

#[tokio::test]
async fn a_streamed_export_is_compressed_and_revalidated_per_coding() {
    let app = TestApp::spawn().await;
    with_revised_figures(&app).await;
    let identity = app.get("/v1/export").await;
    let identity_tag = header(&identity, "etag");
    let identity = identity.text().await.unwrap();

    let gzip = app
        .get_with("/v1/export", &[("accept-encoding", "gzip")])
        .await;
    assert_eq!(gzip.status(), StatusCode::OK);
    assert_eq!(header(&gzip, "content-encoding"), "gzip");
    assert_eq!(header(&gzip, "content-length"), "");
    let tag = header(&gzip, "etag");
    assert_eq!(
        tag,
        format!("{}-gzip\"", identity_tag.trim_end_matches('"'))
    );
    let compressed = gzip.bytes().await.unwrap();
    assert!(
        compressed.len() < identity.len() / 4,
        "{}",
        compressed.len()
    );
    let mut text = String::new();
    gunzip(&compressed, &mut text);
    assert_eq!(text, identity, "the gzip body is the identity body");

    let revalidated = app
        .get_with(
            "/v1/export",
            &[("accept-encoding", "gzip"), ("if-none-match", &tag)],
        )
        .await;
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    // The gzip tag names the gzip bytes only.
    let plain = app.get_with("/v1/export", &[("if-none-match", &tag)]).await;
    assert_eq!(plain.status(), StatusCode::OK);

    let br = app
        .get_with("/v1/export?format=csv", &[("accept-encoding", "br")])
        .await;
    assert_eq!(header(&br, "content-encoding"), "br");
    assert!(header(&br, "etag").ends_with("-br\""));
}

#[tokio::test]
async fn a_streamed_export_takes_fields_and_refuses_a_bad_query_before_any_byte() {
    let app = TestApp::spawn().await;
    with_revised_figures(&app).await;
    let full = app.get_list("/v1/export").await;
    let projected = app.get_list("/v1/export?fields=value,id").await;
    assert_eq!(projected.len(), full.len());
    for (figure, row) in full.iter().zip(&projected) {
        let expected = serde_json::json!({"value": figure["value"], "id": figure["id"]});
        // In the order asked for.
        assert_eq!(row.to_string(), expected.to_string());
    }
    let csv = text(&body(&app, "/v1/export?fields=value,id&format=csv").await).to_owned();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("value,id"));
    assert_eq!(lines.count(), full.len());

    // Refusals are problems, with nothing streamed.
    let problem = app
        .get_problem("/v1/export?fields=id,colour", StatusCode::BAD_REQUEST)
        .await;
    assert!(problem["detail"].as_str().unwrap().contains("'colour'"));
    app.get_problem_with(
        "/v1/export",
        &[("accept", "application/xml")],
        StatusCode::NOT_ACCEPTABLE,
    )
    .await;
    app.get_problem("/v1/export?limit=5", StatusCode::BAD_REQUEST)
        .await;
}

/// Each streamed export holds a database connection while its client reads, so only a few run
/// at once, and one more waits for a place; a client that leaves frees its place at once.
#[tokio::test]
async fn streamed_exports_are_capped_and_a_client_that_leaves_frees_its_place() {
    // The timeout bounds both the wait that ends in a 503 and the time the stalled exports'
    // places have to come free once their clients leave: generous, for loaded CI machines.
    let app = TestApp::spawn_with(gd_indicators::HttpSettings {
        request_timeout: Duration::from_secs(2),
        ..Default::default()
    })
    .await;
    // About 19 MB of JSON per export: several times what the kernel's socket buffers hold
    // for a client that stops reading (4 MB or so each way here), so a stalled export keeps
    // its place even where the buffers are larger.
    with_synthetic_figures(&app, 20_000).await;
    let mut stalled = Vec::new();
    for _ in 0..gd_indicators::http::export_stream::STREAMED_EXPORTS {
        let response = app.get("/v1/export").await;
        assert_eq!(response.status(), StatusCode::OK);
        stalled.push(response);
    }
    let waited = app.get("/v1/export").await;
    assert_eq!(waited.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(header(&waited, "retry-after"), "1");
    // A HEAD sends no body, so it needs no place: it answers at once, with the same tag.
    let head = app.head("/v1/export").await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(header(&head, "etag"), header(&stalled[0], "etag"));
    // The rest of the API has its connections.
    app.get_list("/v1/regions").await;

    // Once their clients leave, the stalled exports notice and give up their places; how soon
    // depends on the machine, so ask again for a while.
    drop(stalled);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let response = loop {
        let response = app.get("/v1/export").await;
        if response.status() != StatusCode::SERVICE_UNAVAILABLE
            || std::time::Instant::now() > deadline
        {
            break response;
        }
    };
    assert_eq!(response.status(), StatusCode::OK, "the places are free");
    let export: Value = response.json().await.unwrap();
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM observations WHERE retracted = 0")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(export["meta"]["total"], stored);
    assert_eq!(export["data"].as_array().unwrap().len() as i64, stored);
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

    for name in ["figures.json", "figures.csv"] {
        let file = dir.path().join(name);
        // The format comes from the extension.
        let output = run(&app, &["export", "--output", file.to_str().unwrap()]);
        let stdout = text(&output.stdout);
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        assert!(stdout.contains(&format!("{name}: ")), "{stdout}");
        assert!(stdout.contains(" figures written as "), "{stdout}");
        assert_eq!(text(&output.stderr), "");
        let expected = match name {
            "figures.json" => body(&app, "/v1/export").await,
            _ => body(&app, "/v1/export?format=csv").await,
        };
        assert_eq!(std::fs::read(&file).unwrap(), expected, "{name}");

        let output = run_import_command(&file, &app.db_url);
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
    let mut export = Command::new(BINARY)
        .args(["export", "--database-url", &app.db_url])
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
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
    let output = run(
        &app,
        &["generate", "--observations", "300", "--batch-size", "100"],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stderr = text(&output.stderr);
    // A plain line per batch for the log (three of figures, one of revisions), no bar.
    assert_eq!(stderr.lines().count(), 4, "{stderr}");
    assert!(stderr.lines().all(|line| line.starts_with("generate: ")));
    for output in [
        output,
        run(&app, &["export"]),
        run(&app, &["export", "--format", "json", "--output", "-"]),
    ] {
        let stderr = text(&output.stderr);
        assert!(!stderr.contains('\x1b'), "no escape codes: {stderr:?}");
        assert!(!stderr.contains('\r'), "no redrawn lines: {stderr:?}");
    }
}

/// One line on stderr, `gd-indicators: export: ...` with `expected` in it, and exit 2.
fn assert_refused(output: &Output, expected: &str) {
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
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
    let output = run(&app, &["export", "--output", missing.to_str().unwrap()]);
    assert_refused(
        &output,
        "no-such-dir/figures.csv': No such file or directory",
    );
    assert!(output.stdout.is_empty());

    let output = run(&app, &["export", "--output", dir.path().to_str().unwrap()]);
    assert_refused(&output, "it is a directory");

    // A device that fills up mid-write: the error is reported, not swallowed.
    let output = run(&app, &["export", "--output", "/dev/full"]);
    assert_refused(&output, "cannot write '/dev/full'");
    let full = std::fs::File::options().write(true).open("/dev/full");
    let output = Command::new(BINARY)
        .args(["export", "--database-url", &app.db_url])
        .stdout(full.unwrap())
        .output()
        .unwrap();
    assert_refused(&output, "cannot write standard output");

    // A query the endpoint refuses is refused here too, before any file is made.
    let target = dir.path().join("figures.json");
    let file = target.to_str().unwrap();
    let output = run(
        &app,
        &["export", "--output", file, "--query", "region=atlantis"],
    );
    assert_refused(&output, "there is no region 'atlantis'");
    let output = run(&app, &["export", "--output", file, "--query", "colour=red"]);
    assert_refused(&output, "Unknown parameter 'colour'");
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
}
