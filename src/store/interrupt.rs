//! Reads SQLite abandons when their request does (issue 13, D5). sqlx runs a statement on its
//! connection's own thread and, once its future is dropped, lets it run to its end: a count or
//! a sort over a million figures produces no row to notice the drop by, and held one of the
//! pool's connections for seconds after the request had timed out. A connection taken here
//! carries a progress handler (sqlx's safe `set_progress_handler`, SQLite's
//! `sqlite3_progress_handler`) that interrupts whatever it runs once the taker is gone.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use sqlx::pool::PoolConnection;
use sqlx::{Sqlite, SqliteConnection, SqlitePool};

/// SQLite virtual-machine steps between two looks at whether the read was abandoned: a few
/// microseconds of work, so an abandoned statement stops at once, for an atomic load each time.
const STEPS_BETWEEN_CHECKS: i32 = 10_000;

/// A pooled connection whose statements are interrupted once this is dropped before
/// [`release`](InterruptibleConnection::release): a request that timed out, or whose client
/// left, stops reading at once and gives its connection back. Use it without a transaction:
/// an interrupted ROLLBACK would leave one open on a pooled connection.
pub struct InterruptibleConnection {
    connection: Option<PoolConnection<Sqlite>>,
    abandoned: Arc<AtomicBool>,
}

impl InterruptibleConnection {
    /// A connection of `pool`, armed.
    pub async fn acquire(pool: &SqlitePool) -> sqlx::Result<InterruptibleConnection> {
        let mut connection = pool.acquire().await?;
        let abandoned = Arc::new(AtomicBool::new(false));
        let seen = abandoned.clone();
        connection
            .lock_handle()
            .await?
            .set_progress_handler(STEPS_BETWEEN_CHECKS, move || !seen.load(Ordering::Relaxed));
        Ok(InterruptibleConnection {
            connection: Some(connection),
            abandoned,
        })
    }

    /// The connection to run statements on.
    pub fn connection(&mut self) -> &mut SqliteConnection {
        self.connection
            .as_mut()
            .expect("the connection is held until released or dropped")
    }

    /// Disarms the connection and gives it back to the pool.
    pub async fn release(mut self) -> sqlx::Result<()> {
        if let Some(mut connection) = self.connection.take() {
            connection.lock_handle().await?.remove_progress_handler();
        }
        Ok(())
    }
}

impl Drop for InterruptibleConnection {
    fn drop(&mut self) {
        let Some(mut connection) = self.connection.take() else {
            return;
        };
        // Abandoned: whatever runs on the connection stops at its next check. It goes back to
        // the pool once that statement has ended and the handler is off, so that the next
        // request's statements are not interrupted in its place.
        self.abandoned.store(true, Ordering::Relaxed);
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            // No runtime to wait on: close the connection rather than pool it armed.
            connection.close_on_drop();
            return;
        };
        runtime.spawn(async move {
            let reset = match connection.lock_handle().await {
                Ok(mut handle) => {
                    handle.remove_progress_handler();
                    Ok(())
                }
                Err(error) => Err(error),
            };
            if let Err(error) = reset {
                tracing::warn!(%error, "an abandoned read's connection could not be reset");
                connection.close_on_drop();
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    /// A statement that takes seconds: a count to a billion.
    const SLOW: &str = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n \
                        WHERE i < 1000000000) SELECT count(*) FROM n";

    #[tokio::test]
    async fn an_abandoned_statement_is_interrupted_and_its_connection_serves_again() {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        let mut read = InterruptibleConnection::acquire(&pool).await.unwrap();
        let started = Instant::now();
        let abandoned = tokio::time::timeout(
            Duration::from_millis(100),
            sqlx::query_scalar::<_, i64>(SLOW).fetch_one(read.connection()),
        )
        .await;
        assert!(abandoned.is_err(), "the count is still running at 100 ms");
        drop(read);
        // The pool's one connection comes back once the count has stopped, long before it
        // would have ended, and it is disarmed: its next statement runs.
        let mut next = tokio::time::timeout(Duration::from_secs(2), pool.acquire())
            .await
            .expect("the connection comes back at once")
            .unwrap();
        assert!(started.elapsed() < Duration::from_secs(2));
        let one: i64 = sqlx::query_scalar("SELECT 1")
            .fetch_one(&mut *next)
            .await
            .unwrap();
        assert_eq!(one, 1);
    }

    #[tokio::test]
    async fn a_released_connection_runs_its_next_statements_to_the_end() {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        let mut read = InterruptibleConnection::acquire(&pool).await.unwrap();
        let one: i64 = sqlx::query_scalar("SELECT 1")
            .fetch_one(read.connection())
            .await
            .unwrap();
        assert_eq!(one, 1);
        read.release().await.unwrap();
        let count: i64 = sqlx::query_scalar(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) \
             SELECT count(*) FROM n",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(count, 100_000);
    }
}
