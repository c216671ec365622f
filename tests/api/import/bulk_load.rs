//! A large import (one that at least doubles the figures) sets the secondary indexes of the
//! figure tables aside inside its transaction and builds them again before it commits: the
//! schema, the figures and the plans afterwards are those of an import written row by row, and
//! a reader meanwhile keeps its indexes.

use gd_indicators::store::bulk_load::{rebuild, secondary_indexes, set_aside, MIN_BULK_ROWS};
use gd_indicators::store::database::open_and_migrate;
use gd_indicators::store::figures::{ObservationFilter, ObservationOrder};
use gd_indicators::store::query_plans::{explain_observations, ObservationStatement};
use sqlx::{Connection, SqlitePool};

use crate::helpers::TestApp;

/// Figures generated in each app: one batch, then corrections and retractions.
const FIGURES: usize = 12_000;

/// The statements of every index of the database, by name.
async fn index_statements(pool: &SqlitePool) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
         ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

/// Each figure of a page as (id, value, revision), in the page's order.
async fn page(app: &TestApp, query: &str) -> Vec<(String, f64, i64)> {
    app.get_figures(&format!("/v1/observations?{query}"))
        .await
        .into_iter()
        .map(|figure| (figure.id, figure.value.f64(), figure.revision.number))
        .collect()
}

#[tokio::test]
async fn a_large_import_builds_the_indexes_after_its_rows_and_serves_the_same_figures() {
    let (bulk, rowwise) = (TestApp::spawn().await, TestApp::spawn().await);
    let schema = index_statements(&bulk.pool).await;
    let figures = FIGURES.to_string();
    // One import of 12,000 figures into a database of the article's: set aside. Batches of
    // 6,000 each stay under MIN_BULK_ROWS, but generate's first pass shares one transaction
    // and one index build among its batches: two imports, the indexes set aside once.
    const { assert!(FIGURES >= MIN_BULK_ROWS && FIGURES / 2 < MIN_BULK_ROWS) };
    for (app, batch) in [(&bulk, FIGURES), (&rowwise, FIGURES / 2)] {
        let output = app
            .generate(&[
                "--observations",
                &figures,
                "--batch-size",
                &batch.to_string(),
            ])
            .await;
        assert!(output.status.success(), "{output:?}");
    }

    assert_eq!(index_statements(&bulk.pool).await, schema);
    let secondary = schema
        .iter()
        .filter(|(name, _)| name.starts_with("observation"));
    assert!(secondary.count() >= 20, "{schema:?}");
    let check: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&bulk.pool)
        .await
        .unwrap();
    assert_eq!(check, ["ok"], "every index holds exactly the table's rows");
    for query in [
        "region=synthetic-beijing&sort=-value&limit=50",
        "indicator=synthetic-gross-domestic-product&sort=period&limit=50",
        "source=synthetic&sort=-period,id&limit=50",
        "from=2020&sort=value&limit=50",
    ] {
        let figures = page(&bulk, query).await;
        assert_eq!(figures.len(), 50, "{query}");
        assert!(figures.iter().any(|(id, ..)| id.starts_with("synthetic-")));
        assert_eq!(figures, page(&rowwise, query).await, "{query}");
    }
    // The corrections (revision 2) went through the rebuilt indexes.
    let revised: i64 = sqlx::query_scalar("SELECT count(*) FROM observations WHERE revision = 2")
        .fetch_one(&bulk.pool)
        .await
        .unwrap();
    assert!(revised > FIGURES as i64 / 50, "{revised}");
}

#[tokio::test]
async fn a_reader_keeps_its_indexes_while_an_import_has_them_set_aside() {
    let app = TestApp::spawn().await;
    let writer = open_and_migrate(&app.db_url).await.unwrap();
    let mut connection = writer.acquire().await.unwrap();
    let filter = ObservationFilter {
        regions: vec!["guangdong".to_owned()],
        ..Default::default()
    };
    let order = ObservationOrder::default();
    let plan = explain_observations(&app.pool, &filter, &order, ObservationStatement::Count)
        .await
        .unwrap();
    let served = page(&app, "region=guangdong&sort=-value").await;
    assert!(!served.is_empty());

    let mut tx = connection.begin().await.unwrap();
    let settings = sorting_settings(&mut tx).await;
    let before = secondary_indexes(&mut tx).await.unwrap();
    let aside = set_aside(&mut tx).await.unwrap();
    assert!(secondary_indexes(&mut tx).await.unwrap().is_empty());
    // The server reads its snapshot: the same plan, through the same index, and the same page.
    let reading = explain_observations(&app.pool, &filter, &order, ObservationStatement::Count)
        .await
        .unwrap();
    assert_eq!(reading, plan);
    assert!(
        plan.steps.iter().any(|step| step.contains("USING")),
        "{plan}"
    );
    assert_eq!(page(&app, "region=guangdong&sort=-value").await, served);
    rebuild(&mut tx, aside).await.unwrap();
    assert_eq!(secondary_indexes(&mut tx).await.unwrap(), before);
    // The builds sort their own way; the connection is left as it was for what follows.
    assert_eq!(sorting_settings(&mut tx).await, settings);
    tx.rollback().await.unwrap();
}

/// The settings of a connection that an index build changes while it sorts.
async fn sorting_settings(connection: &mut sqlx::SqliteConnection) -> [i64; 3] {
    let mut settings = [0; 3];
    for (setting, name) in settings
        .iter_mut()
        .zip(["cache_size", "temp_store", "threads"])
    {
        *setting = sqlx::query_scalar(&format!("PRAGMA {name}"))
            .fetch_one(&mut *connection)
            .await
            .unwrap();
    }
    settings
}

/// Generate writes the batches of both passes in one transaction around one index build: a
/// failure in its last batch, the corrections', leaves no synthetic figure, no import of the
/// run, and every index; the rerun writes it all, each batch its own import with its own time.
#[tokio::test]
async fn a_generate_run_is_all_or_nothing_and_each_batch_its_own_import() {
    let app = TestApp::spawn().await;
    let schema = index_statements(&app.pool).await;
    let figures_before = count(&app, "SELECT count(*) FROM observations").await;
    let imports_before = count(&app, "SELECT count(*) FROM imports").await;
    let args = ["--observations", "12000", "--batch-size", "3000"];
    let writer = open_and_migrate(&app.db_url).await.unwrap();
    // The database refuses the import of the last batch, the corrections'.
    sqlx::raw_sql(
        "CREATE TRIGGER refuse_last_batch BEFORE INSERT ON imports
         WHEN NEW.file LIKE '%: revisions 1 of 1'
         BEGIN SELECT RAISE(ABORT, 'refused for the test'); END",
    )
    .execute(&writer)
    .await
    .unwrap();
    let output = app.generate(&args).await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("refused for the test"));
    assert_eq!(
        count(&app, "SELECT count(*) FROM observations").await,
        figures_before
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM imports").await,
        imports_before
    );
    assert_eq!(index_statements(&app.pool).await, schema);

    sqlx::raw_sql("DROP TRIGGER refuse_last_batch")
        .execute(&writer)
        .await
        .unwrap();
    let output = app.generate(&args).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        count(&app, "SELECT count(*) FROM observations").await,
        figures_before + 12_000
    );
    let batches: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT file, recorded_at, added, corrected FROM imports
         WHERE file LIKE 'generate %' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let added: Vec<i64> = batches.iter().map(|batch| batch.2).collect();
    assert_eq!(added, [3_000, 3_000, 3_000, 3_000, 0]);
    assert!(batches[4].0.ends_with(": revisions 1 of 1"), "{batches:?}");
    assert!(batches[4].3 > 0, "{batches:?}");
    assert!(
        batches.windows(2).all(|pair| pair[0].1 < pair[1].1),
        "{batches:?}"
    );
    assert_eq!(index_statements(&app.pool).await, schema);
    let check: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(check, ["ok"]);
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}
