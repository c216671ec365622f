//! How the server opens the database: WAL, foreign keys, a busy timeout, and a pool that cannot write.

use crate::helpers::TestApp;

#[tokio::test]
async fn the_database_runs_in_wal_with_foreign_keys_and_a_busy_timeout() {
    let app = TestApp::spawn().await;
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(journal, "wal", "readers never wait on an import");
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(foreign_keys, 1);
    let busy_timeout: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(busy_timeout >= 1000, "{busy_timeout}");
}

#[tokio::test]
async fn the_pool_the_server_reads_through_cannot_write() {
    let app = TestApp::spawn().await;
    let attempt = sqlx::query("DELETE FROM observations")
        .execute(&app.pool)
        .await;
    let message = attempt.expect_err("writes are refused").to_string();
    assert!(message.contains("readonly"), "{message}");
    let figures = app.get_list("/v1/observations").await;
    assert_eq!(figures.len(), crate::helpers::live_seed_figures().len());
}
