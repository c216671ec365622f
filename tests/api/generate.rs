//! `gd-indicators generate`: synthetic figures written through the import path beside the
//! article's, the same for the same arguments, revised, served by the filters, and leaving
//! every one of the article's figures and revisions as it was.

use reqwest::StatusCode;

use crate::helpers::{seed_table, Csv, Revision, TestApp};

const ARTICLE_SOURCES: &str = "gdtoday-industry-clusters,gdtoday-innovation,gdtoday-what-they-say";
/// Small enough for a debug build, large enough for several batches and a retraction.
const FIGURES: &str = "5000";

async fn text(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    response.text().await.unwrap()
}

/// Everything the API says about the article's figures: their export, each one's revisions,
/// the report and rate computed from them, and the article's region tree.
async fn article_state(app: &TestApp) -> Vec<String> {
    let mut state = vec![
        text(
            app,
            &format!("/v1/export?format=csv&source={ARTICLE_SOURCES}"),
        )
        .await,
        text(app, "/v1/consistency").await,
        text(app, "/v1/exchange-rate").await,
        text(app, "/v1/regions?parent=china").await,
    ];
    for figure in seed_table("observations") {
        let id = &figure["id"];
        state.push(text(app, &format!("/v1/observations/{id}/revisions")).await);
    }
    state
}

/// The synthetic figures as the export gives them, without the import times.
async fn synthetic_export(app: &TestApp) -> Csv {
    app.get_csv("/v1/export?format=csv&source=synthetic")
        .await
        .without("recorded_at")
}

/// Every revision of every synthetic figure, without its time and import.
async fn synthetic_history(app: &TestApp) -> String {
    sqlx::query_scalar(
        "SELECT group_concat(line, char(10)) FROM (
             SELECT observation_id || ' ' || number || ' ' || change || ' ' || value || ' '
                    || stated || ' ' || coalesce(reason, '-') AS line
             FROM observation_revisions WHERE source_id = 'synthetic'
             ORDER BY observation_id, number)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

#[tokio::test]
async fn generate_writes_revised_synthetic_figures_and_leaves_the_article_as_it_was() {
    let app = TestApp::spawn().await;
    let before = article_state(&app).await;

    let args = [
        "--observations",
        FIGURES,
        "--seed",
        "7",
        "--batch-size",
        "2000",
    ];
    let output = app.generate(&args).await;
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    // A line per batch: three of figures, one of revisions.
    let progress: Vec<&str> = stderr.lines().collect();
    assert_eq!(progress.len(), 4, "{stderr}");
    assert!(progress[0].starts_with("generate: figures 2000/5000: 2000 added"));
    assert!(progress[3].starts_with("generate: revisions 1 of 1: 0 added, "));
    assert!(stdout.contains("5000 added"), "{stdout}");
    assert!(
        stdout.contains("32 regions, 320 indicators added"),
        "{stdout}"
    );

    // Beside the article, not in it.
    assert_eq!(article_state(&app).await, before);

    // Every figure, through the import path: four imports after the migrations' own
    // (seed/imports.csv), one revision each, plus the corrections' and the retraction's.
    let synthetic = "SELECT COUNT(*) FROM observations WHERE source_id = 'synthetic'";
    assert_eq!(count(&app, synthetic).await, 5000);
    let imports = count(&app, "SELECT COUNT(*) FROM imports").await;
    assert_eq!(imports as usize, 4 + seed_table("imports").len());
    let corrected = count(
        &app,
        "SELECT COUNT(*) FROM observation_revisions v JOIN observations o ON o.id = v.observation_id
         WHERE v.change = 'corrected' AND o.source_id = 'synthetic'",
    )
    .await;
    let retracted = count(
        &app,
        "SELECT COUNT(*) FROM observations WHERE retracted = 1 AND source_id = 'synthetic'",
    )
    .await;
    assert!(
        (100..=200).contains(&corrected),
        "about 3% corrected: {corrected}"
    );
    assert_eq!(retracted, 1, "one figure in 10,000, at least one");
    let listed = app
        .get_ok("/v1/observations?source=synthetic&limit=1")
        .await;
    assert_eq!(listed["meta"]["total"], 5000 - retracted);

    // The filters find them: Beijing's GDP in 2024, twelve months and the year.
    let gdp = app
        .get_figures("/v1/observations?indicator=synthetic-gross-domestic-product&region=synthetic-beijing&year=2024")
        .await;
    assert_eq!(gdp.len(), 13);
    assert_eq!(gdp[0].period.label, "January 2024");
    assert_eq!(gdp[0].period.kind, "span");
    assert_eq!(gdp[12].period.kind, "year");
    assert_eq!(
        (
            gdp[12].unit.as_str(),
            gdp[12].scale.as_str(),
            gdp[12].region.name.as_str()
        ),
        ("cny", "billion", "Beijing (synthetic)")
    );
    let months: f64 = gdp[..12].iter().map(|f| f.value.f64()).sum();
    let year = gdp[12].value.f64();
    // The year is the sum of its months, but for corrections (about 1% each).
    assert!((months - year).abs() < 0.03 * year, "{months} vs {year}");
    let regions = app
        .get_list("/v1/regions?parent=synthetic-china&limit=100")
        .await;
    assert_eq!(regions.len(), 31);
    let source = app.get_ok("/v1/sources/synthetic").await;
    assert!(source["headline"]
        .as_str()
        .unwrap()
        .contains("not real data"));

    // A corrected figure has two revisions, and as_of still finds the first.
    let id: String = sqlx::query_scalar(
        "SELECT id FROM observations WHERE revision = 2 AND retracted = 0 AND source_id = 'synthetic'
         ORDER BY rowid LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let revisions: Vec<Revision> = app
        .get_page(&format!("/v1/observations/{id}/revisions"))
        .await
        .data;
    let changes: Vec<&str> = revisions.iter().map(|r| r.change.as_str()).collect();
    assert_eq!(changes, ["added", "corrected"]);
    assert!(!revisions[1].reason.as_deref().unwrap().is_empty());
    let import = revisions[1].import.as_ref().expect("recorded by an import");
    assert!(import.file.ends_with(": revisions 1 of 1"));
    let (first, latest) = (&revisions[0].figure, &revisions[1].figure);
    assert_ne!(first.value, latest.value);
    let served = app.get_figure(&format!("/v1/observations/{id}")).await;
    assert_eq!(&served, latest);
    let then = &revisions[0].recorded_at;
    let then = app
        .get_figure(&format!("/v1/observations/{id}?as_of={then}"))
        .await;
    assert_eq!(&then, first);
    let gone: String = sqlx::query_scalar(
        "SELECT id FROM observations WHERE retracted = 1 AND source_id = 'synthetic'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    app.get_problem(&format!("/v1/observations/{gone}"), StatusCode::GONE)
        .await;

    // Again with the same arguments: every batch is recorded, so nothing changes.
    let exported = synthetic_export(&app).await;
    assert_eq!(
        exported.rows.len() as i64,
        5000 - retracted,
        "every live one"
    );
    let output = app.generate(&args).await;
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("nothing to change"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM imports").await, imports);
    assert_eq!(synthetic_export(&app).await, exported);

    // Other arguments would correct these figures into others: refused, nothing written.
    let output = app
        .generate(&["--observations", FIGURES, "--seed", "8"])
        .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("already holds 5000 synthetic figures made with other arguments"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM imports").await, imports);
    assert_eq!(article_state(&app).await, before);
}

#[tokio::test]
async fn the_same_seed_gives_the_same_figures_whatever_the_batches() {
    let (one, two, other) = tokio::join!(TestApp::spawn(), TestApp::spawn(), TestApp::spawn());
    let seven = ["--observations", FIGURES, "--seed", "7"];
    for (app, args) in [
        (&one, [&seven[..], &["--batch-size", "2000"]].concat()),
        (&two, [&seven[..], &["--batch-size", "5000"]].concat()),
        (&other, vec!["--observations", FIGURES, "--seed", "8"]),
    ] {
        let output = app.generate(&args).await;
        assert_eq!(output.status.code(), Some(0), "{output:?}");
    }
    assert_eq!(synthetic_export(&one).await, synthetic_export(&two).await);
    assert_eq!(synthetic_history(&one).await, synthetic_history(&two).await);
    assert_ne!(synthetic_export(&one).await, synthetic_export(&other).await);
}

/// The schema's indexes and triggers, by name.
async fn schema(pool: &sqlx::SqlitePool) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type IN ('index', 'trigger')
         ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn scalar(pool: &sqlx::SqlitePool, sql: &str) -> String {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// What a failed pass must leave as it was: the schema, the figures and their revisions.
async fn contents(pool: &sqlx::SqlitePool) -> (Vec<(String, String)>, String, String) {
    (
        schema(pool).await,
        scalar(
            pool,
            "SELECT count(*) || ' ' || total(value) FROM observations",
        )
        .await,
        scalar(pool, "SELECT count(*) || '' FROM observation_revisions").await,
    )
}

/// Alone on its file, the first pass writes through a rollback journal rather than the WAL
/// (new pages are written once, not to the WAL and again to the file): still all or
/// nothing. A batch that fails takes the whole pass with it, indexes set aside included, and
/// the file is left in WAL for the server.
#[tokio::test]
async fn a_first_pass_that_fails_leaves_the_database_as_it_was_and_in_wal() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("alone.db");
    let url = file.to_str().unwrap();
    let pool = gd_indicators::store::database::open_and_migrate(url)
        .await
        .unwrap();
    // Two batches, large enough together for the indexes to be set aside; the second refused.
    sqlx::raw_sql(
        "CREATE TRIGGER test_refuses_the_second_batch BEFORE INSERT ON imports
         WHEN NEW.file LIKE '%figures 6001-12000 of 12000'
         BEGIN SELECT RAISE(ABORT, 'the test refuses this batch'); END",
    )
    .execute(&pool)
    .await
    .unwrap();
    let before = contents(&pool).await;
    pool.close().await;

    let run = [
        "generate",
        "--database-url",
        url,
        "--observations",
        "12000",
        "--batch-size",
        "6000",
    ];
    let output = crate::helpers::run(&run);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("the test refuses this batch"), "{stderr}");
    assert!(!dir.path().join("alone.db-journal").exists());

    let pool = gd_indicators::store::database::open_serving(url)
        .await
        .unwrap();
    assert_eq!(scalar(&pool, "PRAGMA journal_mode").await, "wal");
    let after = contents(&pool).await;
    assert_eq!(after, before, "nothing of the first pass stays");
    assert_eq!(scalar(&pool, "PRAGMA integrity_check").await, "ok");
    let imports = scalar(&pool, "SELECT group_concat(file, '|') FROM imports").await;
    assert!(!imports.contains("figures"), "{imports}");
}

/// SQLite leaves WAL only for a connection alone on the file: beside another (a server, say)
/// a load stays in WAL rather than fail; alone, it takes a rollback journal and gives it back.
#[tokio::test]
async fn a_load_takes_a_rollback_journal_only_alone_on_the_file() {
    use gd_indicators::store::bulk_load::{rejoin_wal, tune_for_load, untune};
    let app = TestApp::spawn().await;
    let writer = gd_indicators::store::database::open_and_migrate_alone(&app.db_url)
        .await
        .unwrap();
    let mut connection = writer.acquire().await.unwrap();

    let tuned = tune_for_load(&mut connection).await.unwrap();
    assert_eq!(
        journal_mode(&mut connection).await,
        "wal",
        "the app's pool has it open"
    );
    untune(&mut connection, tuned).await.unwrap();

    app.pool.close().await;
    // A connection the pool was opening as it closed (the server's data-version poll, say)
    // is closed on its own thread a moment later: under a loaded test run (every test of the
    // binary at once on two cores), a second of tries has not always been enough.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let mut tuned = loop {
        let tuned = tune_for_load(&mut connection).await.unwrap();
        if journal_mode(&mut connection).await == "delete" || std::time::Instant::now() > deadline {
            break tuned;
        }
        untune(&mut connection, tuned).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(journal_mode(&mut connection).await, "delete");
    rejoin_wal(&mut connection, &mut tuned).await.unwrap();
    assert_eq!(journal_mode(&mut connection).await, "wal");
    untune(&mut connection, tuned).await.unwrap();
}

/// A load reads the file through a memory map (its index builds read the whole table, again
/// and again), and gives the connection back as it found it.
#[tokio::test]
async fn a_load_reads_through_a_memory_map_and_then_as_before() {
    use gd_indicators::store::bulk_load::{tune_for_load, untune};
    let app = TestApp::spawn().await;
    let mut connection = app.pool.acquire().await.unwrap();
    let before = mmap_size(&mut connection).await;
    let tuned = tune_for_load(&mut connection).await.unwrap();
    // SQLite caps the map (2 GB less 64 KiB by default), so only its order of size is known.
    let during = mmap_size(&mut connection).await;
    assert!(during >= 1 << 30, "mapped {during} bytes");
    untune(&mut connection, tuned).await.unwrap();
    assert_eq!(mmap_size(&mut connection).await, before);
}

async fn mmap_size(connection: &mut sqlx::SqliteConnection) -> i64 {
    sqlx::query_scalar("PRAGMA mmap_size")
        .fetch_one(connection)
        .await
        .unwrap()
}

async fn journal_mode(connection: &mut sqlx::SqliteConnection) -> String {
    sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(connection)
        .await
        .unwrap()
}
