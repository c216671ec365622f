//! Opening the SQLite database and bringing its schema to this binary's migrations, safely:
//! a database this binary does not recognise is refused before anything is written to it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqlitePool, SqlitePoolOptions};
use sqlx::ConnectOptions;

/// Schema and article figures, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!();

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("'{0}' is not a SQLite database URL or path")]
    BadDatabaseUrl(String),
    #[error("cannot open database '{location}': {reason}")]
    Open { location: String, reason: String },
    #[error("database '{location}' does not match this build: {reason}; data left untouched")]
    Mismatch { location: String, reason: String },
    #[error("cannot migrate database '{location}': {reason}")]
    Migrate { location: String, reason: String },
    #[error("there is no database at '{0}'")]
    Missing(String),
    #[error("'{0}' is a database in memory, new and empty at every start")]
    InMemory(String),
}

/// How a database's applied migrations compare with the ones embedded in this binary.
#[derive(Debug, PartialEq, Eq)]
pub enum MigrationState {
    /// Every embedded migration is applied, with the same checksum.
    Current,
    /// An empty database, or one lacking only newer migrations: safe to migrate.
    Behind { pending: usize },
    /// Anything else: applied migrations this binary does not know or that differ.
    Foreign(String),
}

/// Accepts `sqlite:` URLs and plain file paths.
pub fn connect_options(database_url: &str) -> Result<SqliteConnectOptions, StartupError> {
    let options = if database_url.starts_with("sqlite:") {
        SqliteConnectOptions::from_str(database_url)
            .map_err(|_| StartupError::BadDatabaseUrl(database_url.to_owned()))?
    } else {
        SqliteConnectOptions::new().filename(database_url)
    };
    Ok(options
        .create_if_missing(true)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        // sqlx hands rows from its SQLite thread to the request one at a time through a
        // channel; room for a whole page (1,000 rows at most) lets the thread read the page
        // without waiting on the request task once per few rows.
        .row_buffer_size(1024))
}

/// The file a database URL or path names; `None` for a database in memory (`sqlite::memory:`,
/// `mode=memory`), which lives only as long as a connection to it.
pub fn database_file(database_url: &str) -> Result<Option<PathBuf>, StartupError> {
    let options = connect_options(database_url)?;
    // As sqlx reads a URL (it keeps no public flag for it): `sqlite:` or `sqlite://`, then
    // `:memory:` or parameters with `mode=memory`.
    let in_memory = database_url
        .strip_prefix("sqlite:")
        .map(|rest| rest.trim_start_matches("//"))
        .is_some_and(|rest| {
            let (database, parameters) = rest.split_once('?').unwrap_or((rest, ""));
            database == ":memory:"
                || form_urlencoded::parse(parameters.as_bytes())
                    .any(|(key, value)| key == "mode" && value == "memory")
        });
    Ok((!in_memory).then(|| options.get_filename().to_owned()))
}

/// Opens the database, refuses one that belongs to another build, applies pending migrations
/// and switches the file to WAL so readers never wait on a writer. A database that does not
/// exist is created.
pub async fn open_and_migrate(database_url: &str) -> Result<SqlitePool, StartupError> {
    migrate_pool(database_url, connect_options(database_url)?).await
}

/// [`open_and_migrate`] through a single connection, for a command that writes alone: no
/// other connection of its own holds the file open, so it may take the file out of WAL for a
/// while (a bulk load, [`super::bulk_load::tune_for_load`]), which SQLite refuses while
/// another connection has it open.
pub async fn open_and_migrate_alone(database_url: &str) -> Result<SqlitePool, StartupError> {
    migrate_pool_of(database_url, connect_options(database_url)?, 1).await
}

/// [`open_and_migrate`] for work on existing data: a database that does not exist, or one in
/// memory, is refused rather than created.
pub async fn open_existing_and_migrate(database_url: &str) -> Result<SqlitePool, StartupError> {
    match database_file(database_url)? {
        None => return Err(StartupError::InMemory(database_url.to_owned())),
        Some(file) if !file.exists() => {
            return Err(StartupError::Missing(file.display().to_string()))
        }
        Some(_) => {}
    }
    // Not created if it vanished since: refused by SQLite instead.
    let options = connect_options(database_url)?.create_if_missing(false);
    migrate_pool(database_url, options).await
}

/// A database in memory, for `serve`: migrated through one connection that is held for as long
/// as the database is served (SQLite drops an in-memory database with its last connection, and
/// a pool closes the connections it leaves idle), and read through a pool of `query_only`
/// connections to the same database (a named, shared-cache one).
pub struct InMemoryDatabase {
    pub pool: SqlitePool,
    keeper: SqliteConnection,
}

impl InMemoryDatabase {
    /// Opens a new database in memory, whatever the in-memory URL given, and migrates it.
    pub async fn open() -> Result<InMemoryDatabase, StartupError> {
        let location = "sqlite::memory:";
        // Each parse names a new database; the options are cloned, never parsed again.
        let options = connect_options(location)?;
        let failed = |error: sqlx::Error| StartupError::Open {
            location: location.to_owned(),
            reason: describe(&error),
        };
        let mut keeper = options.connect().await.map_err(failed)?;
        MIGRATOR
            .run(&mut keeper)
            .await
            .map_err(|error| StartupError::Migrate {
                location: location.to_owned(),
                reason: error.to_string(),
            })?;
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.pragma("query_only", "ON"))
            .await
            .map_err(failed)?;
        Ok(InMemoryDatabase { pool, keeper })
    }

    /// Closes the readers, then the connection that keeps the database: it is gone.
    pub async fn close(self) {
        self.pool.close().await;
        let _ = sqlx::Connection::close(self.keeper).await;
    }
}

async fn migrate_pool(
    database_url: &str,
    options: SqliteConnectOptions,
) -> Result<SqlitePool, StartupError> {
    migrate_pool_of(database_url, options, 8).await
}

async fn migrate_pool_of(
    database_url: &str,
    options: SqliteConnectOptions,
    connections: u32,
) -> Result<SqlitePool, StartupError> {
    let location = database_url.to_owned();
    let pool = SqlitePoolOptions::new()
        .max_connections(connections)
        .connect_with(options)
        .await
        .map_err(|error| StartupError::Open {
            location: location.clone(),
            reason: describe(&error),
        })?;

    // Read-only checks first: nothing is written to a database that fails them.
    match migration_state(&pool).await {
        Ok(MigrationState::Foreign(reason)) => {
            return Err(StartupError::Mismatch { location, reason })
        }
        Ok(_) => {}
        Err(error) => {
            return Err(StartupError::Open {
                location,
                reason: describe(&error),
            })
        }
    }

    MIGRATOR
        .run(&pool)
        .await
        .map_err(|error| StartupError::Migrate {
            location: location.clone(),
            reason: error.to_string(),
        })?;
    sqlx::query("PRAGMA journal_mode = WAL")
        .execute(&pool)
        .await
        .map_err(|error| StartupError::Migrate {
            location,
            reason: describe(&error),
        })?;
    Ok(pool)
}

/// Opens the pool the server reads through: every connection has `query_only` set, so no
/// statement a request could reach can change the data. Call after [`open_and_migrate`].
pub async fn open_serving(database_url: &str) -> Result<SqlitePool, StartupError> {
    let options = connect_options(database_url)?
        .create_if_missing(false)
        .pragma("query_only", "ON");
    SqlitePoolOptions::new()
        .max_connections(8)
        // sqlx pings an idle connection before handing it out, a round trip to its worker
        // thread: a request's every statement paid one more. A connection to a local file
        // does not go stale, and one that fails says so on its next statement.
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .map_err(|error| StartupError::Open {
            location: database_url.to_owned(),
            reason: describe(&error),
        })
}

/// Compares the database's migration history with the embedded migrations, reading only.
pub async fn migration_state(pool: &SqlitePool) -> Result<MigrationState, sqlx::Error> {
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(pool)
            .await?;
    if !tables.iter().any(|name| name == "_sqlx_migrations") {
        return Ok(if tables.is_empty() {
            MigrationState::Behind {
                pending: MIGRATOR.iter().count(),
            }
        } else {
            MigrationState::Foreign(
                "it has tables but no migration history, so it was not created by gd-indicators"
                    .to_owned(),
            )
        });
    }

    let applied: Vec<(i64, Vec<u8>, bool)> =
        sqlx::query_as("SELECT version, checksum, success FROM _sqlx_migrations ORDER BY version")
            .fetch_all(pool)
            .await?;
    let embedded: HashMap<i64, &[u8]> = MIGRATOR
        .iter()
        .map(|migration| (migration.version, migration.checksum.as_ref()))
        .collect();
    for (version, checksum, success) in &applied {
        if !success {
            return Ok(MigrationState::Foreign(format!(
                "migration {version} was left half-applied"
            )));
        }
        match embedded.get(version) {
            None => {
                return Ok(MigrationState::Foreign(format!(
                    "migration {version} is applied but unknown to this binary (a newer build made it?)"
                )))
            }
            Some(expected) if *expected != checksum.as_slice() => {
                return Ok(MigrationState::Foreign(format!(
                    "migration {version} was applied with different contents than this binary's"
                )))
            }
            Some(_) => {}
        }
    }
    let pending = embedded.len() - applied.len();
    Ok(if pending == 0 {
        MigrationState::Current
    } else {
        MigrationState::Behind { pending }
    })
}

/// SQLite's own message, without sqlx's wrapping ("error returned from database: ...").
fn describe(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) => db.message().to_owned(),
        other => other.to_string(),
    }
}
