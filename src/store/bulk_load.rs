//! Loading many figures at once: an import that adds at least as many figures as the table
//! holds (a large file into a fresh database), or imports sharing one transaction that do
//! together (the first pass of `generate`), write faster
//! without the secondary indexes of the figure tables, then builds each index once, sorted,
//! instead of inserting into twenty-odd B-trees row by row.
//!
//! All of it happens inside the import's write transaction: a failure rolls the indexes back
//! with the rows, and a reader (WAL) keeps its snapshot, indexes included, until the commit.
//! The indexes are rebuilt from the SQL SQLite stores for them, so an index any migration adds
//! is set aside and rebuilt with the others. UNIQUE indexes and those of PRIMARY KEY or UNIQUE
//! constraints stay: they enforce the data and serve the import's own look-ups by id. So do
//! the links' partial indexes ([`LOOKUP_INDEXES`]), which serve its look-ups by link.

use sqlx::SqliteConnection;

use super::placeholder_rows;

/// The tables whose secondary indexes an import sets aside.
const FIGURE_TABLES: [&str; 2] = ["observations", "observation_revisions"];

/// Secondary indexes an import reads through while it checks a batch: the figures that
/// link to the batch's (`equivalent_of`, `restates`; migration 0006). Without them each look-up
/// scanned the table, so each batch of a load took longer than the one before (`generate`'s
/// twentieth batch of 50,000, 3.3 s against the first's 1.3). Partial, they hold only linked
/// figures, so keeping them costs a load next to nothing.
pub const LOOKUP_INDEXES: [&str; 2] = ["observations_equivalent_of", "observations_restates"];

/// Additions below this are written through the indexes: rebuilding saves nothing worth the
/// schema change on a small import.
pub const MIN_BULK_ROWS: usize = 10_000;

/// Whether an import adding `added` figures is faster with the indexes built after. Building
/// an index sorts every row the table will then hold; inserting costs each added row a B-tree
/// descent per index, about 2.4 times a sorted build's cost per row (measured on 200,000
/// generated figures), so the build wins once the import about doubles the table.
pub async fn worth_setting_aside(
    connection: &mut SqliteConnection,
    added: usize,
) -> sqlx::Result<bool> {
    if added < MIN_BULK_ROWS {
        return Ok(false);
    }
    // Figures are never deleted (0004's trigger), so the largest rowid counts them, read from
    // the end of the table's B-tree rather than by scanning it.
    let held: i64 = sqlx::query_scalar("SELECT coalesce(max(rowid), 0) FROM observations")
        .fetch_one(&mut *connection)
        .await?;
    Ok(added as i64 >= held)
}

/// Secondary indexes dropped for a load: their names and the statements that made them, in
/// the order they were made.
#[derive(Debug)]
#[must_use = "the indexes are gone until they are rebuilt"]
pub struct SetAside {
    indexes: Vec<(String, String)>,
}

/// The secondary indexes of the figure tables a load sets aside: made by `CREATE INDEX` (not
/// by a constraint), not UNIQUE, and not among the [`LOOKUP_INDEXES`].
pub async fn secondary_indexes(
    connection: &mut SqliteConnection,
) -> sqlx::Result<Vec<(String, String)>> {
    let sql = format!(
        "SELECT m.name, m.sql FROM sqlite_master m
         JOIN pragma_index_list(m.tbl_name) l ON l.name = m.name
         WHERE m.type = 'index' AND m.tbl_name IN ({}) AND l.origin = 'c' AND l.\"unique\" = 0
             AND m.name NOT IN ({})
         ORDER BY m.rowid",
        placeholder_rows("?", FIGURE_TABLES.len()),
        placeholder_rows("?", LOOKUP_INDEXES.len())
    );
    let mut query = sqlx::query_as(&sql);
    for name in FIGURE_TABLES.iter().chain(&LOOKUP_INDEXES) {
        query = query.bind(*name);
    }
    query.fetch_all(connection).await
}

/// Drops the secondary indexes of the figure tables; call inside the import's transaction.
pub async fn set_aside(connection: &mut SqliteConnection) -> sqlx::Result<SetAside> {
    let indexes = secondary_indexes(&mut *connection).await?;
    for (name, _) in &indexes {
        // Names come from sqlite_master, quoted as identifiers.
        let quoted = name.replace('"', "\"\"");
        sqlx::query(&format!("DROP INDEX \"{quoted}\""))
            .execute(&mut *connection)
            .await?;
    }
    Ok(SetAside { indexes })
}

/// How the index builds sort: in pieces of [`BUILD_SORT_KIB`], each sorted by one of
/// [`BUILD_SORT_THREADS`] helper threads while the table is still being read, then merged.
/// SQLite gives its sorter no helper thread while temporary files are held in memory, so the
/// builds put them in files (in the operating system's cache, as a rule; each is deleted once
/// merged). With one thread, a build of every index of a million figures kept one core of two
/// busy and the other idle: 41.4 and 37.6 s, against 26.3 and 26.9 s in 8 MiB pieces on two
/// helper threads (bundled SQLite 3.46, each inside a transaction then rolled back,
/// alternating; 16 MiB pieces took 28.5–31.9 s, 2 MiB 25.1–29.7 s). The load's own writes
/// keep [`LOAD_CACHE_KIB`]: the settings are set back after the builds.
const BUILD_SORT_KIB: i64 = 8_192;

/// Helper threads an index build's sorter may use: see [`BUILD_SORT_KIB`].
const BUILD_SORT_THREADS: i64 = 2;

/// Builds again every index [`set_aside`] dropped, from its own statement, in the same
/// transaction, with the sorter of [`BUILD_SORT_KIB`].
pub async fn rebuild(connection: &mut SqliteConnection, set_aside: SetAside) -> sqlx::Result<()> {
    let before = Settings::change(&mut *connection, &BUILD_SETTINGS).await?;
    let built = build(&mut *connection, &set_aside).await;
    // Set back even after a failure: the connection may go back to a pool.
    let restored = before.set_back(&mut *connection).await;
    built.and(restored)
}

async fn build(connection: &mut SqliteConnection, set_aside: &SetAside) -> sqlx::Result<()> {
    for (_, sql) in &set_aside.indexes {
        sqlx::raw_sql(sql).execute(&mut *connection).await?;
    }
    Ok(())
}

/// A connection's setting `PRAGMA name` (a number).
async fn setting(connection: &mut SqliteConnection, name: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar(&format!("PRAGMA {name}"))
        .fetch_one(connection)
        .await
}

/// `PRAGMA temp_store`'s values for temporary files on disk and in memory.
const TEMP_STORE_FILE: i64 = 1;
const TEMP_STORE_MEMORY: i64 = 2;

/// How the index builds sort ([`BUILD_SORT_KIB`]).
const BUILD_SETTINGS: [(&str, i64); 3] = [
    ("cache_size", -BUILD_SORT_KIB),
    ("temp_store", TEMP_STORE_FILE),
    ("threads", BUILD_SORT_THREADS),
];

/// Some of a connection's settings (`PRAGMA`s holding a number), as they were before a
/// change, to be set back.
#[derive(Debug)]
struct Settings(Vec<(&'static str, i64)>);

impl Settings {
    /// Sets each of `changes` on `connection`; returns the settings as they were.
    async fn change(
        connection: &mut SqliteConnection,
        changes: &[(&'static str, i64)],
    ) -> sqlx::Result<Settings> {
        let mut before = Vec::with_capacity(changes.len());
        for (name, _) in changes {
            before.push((*name, setting(&mut *connection, name).await?));
        }
        Settings::set(&mut *connection, changes).await?;
        Ok(Settings(before))
    }

    async fn set_back(&self, connection: &mut SqliteConnection) -> sqlx::Result<()> {
        Settings::set(connection, &self.0).await
    }

    async fn set(
        connection: &mut SqliteConnection,
        settings: &[(&'static str, i64)],
    ) -> sqlx::Result<()> {
        let statements: Vec<String> = settings
            .iter()
            .map(|(name, value)| format!("PRAGMA {name} = {value}"))
            .collect();
        sqlx::raw_sql(&statements.join("; "))
            .execute(connection)
            .await?;
        Ok(())
    }
}

/// Pages of cache for a load's connection, in KiB (SQLite's default is 2,000): the figure
/// tables' primary keys take each subject's figures at a few hundred places at once; with the
/// default, the load kept reading back pages it had just written, from the file or the WAL
/// (the index builds sort in a smaller one, [`BUILD_SORT_KIB`]). 128 MiB: a million figures
/// then take about 350 MiB of the process's own memory at the peak.
const LOAD_CACHE_KIB: i64 = 131_072;

/// Bytes of the file a load's connection reads through a memory map rather than by copying
/// each page into its cache. Building an index reads the whole table: in the cache, its pages
/// evicted each other, build after build, and each came back as a copy from the operating
/// system's (a million figures: 37 builds, most of them reading a 270 MB table). Mapped, the
/// builds took 22 s instead of 32 (`generate --observations 1000000`, one run after the
/// other). SQLite caps the map at about 2 GB; pages beyond it are read as before. Only reads
/// go through the map: the load still writes with the journal as it did. The mapped pages
/// count in the process's RSS (about 1.3 GB at a million figures) but are the operating
/// system's file cache, given back under memory pressure.
const LOAD_MMAP_BYTES: i64 = 2 << 30;

/// How a load's connection is set ([`tune_for_load`]).
const LOAD_SETTINGS: [(&str, i64); 3] = [
    ("cache_size", -LOAD_CACHE_KIB),
    ("temp_store", TEMP_STORE_MEMORY),
    ("mmap_size", LOAD_MMAP_BYTES),
];

/// How a connection was set before [`tune_for_load`], to be set back by [`untune`].
#[derive(Debug)]
#[must_use = "the connection keeps the load's settings until untuned"]
pub struct Tuned {
    before: Settings,
    /// Whether the file left WAL for a rollback journal: [`rejoin_wal`] puts it back.
    left_wal: bool,
}

/// Sets `connection` up for a load, outside any transaction: a larger cache, reads through a
/// memory map ([`LOAD_MMAP_BYTES`]), temporary B-trees of its statements in memory,
/// and, when no other connection has the file open, a rollback journal instead of the WAL.
///
/// In WAL every page of the load is written twice, to the WAL and at the checkpoint to the
/// file (a million figures, 1.4 GB each time); a rollback journal holds only the pages that
/// existed before, so new pages are written once. It is as all or nothing as the WAL: a
/// failure or a killed process rolls the transaction back (the next connection to open the
/// file plays the journal back). `synchronous` stays as it is (FULL): OFF would spare a sync
/// of the journal and one of the file, and leave a database that a power cut may corrupt.
/// While the journal is in use, readers wait for the commit; the file is put back in WAL,
/// which the server expects, by [`rejoin_wal`]. SQLite refuses to leave WAL while another
/// connection (a server, say) has the file open: the load then stays in WAL.
pub async fn tune_for_load(connection: &mut SqliteConnection) -> sqlx::Result<Tuned> {
    let before = Settings::change(&mut *connection, &LOAD_SETTINGS).await?;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut *connection)
        .await?;
    let left_wal = mode == "wal"
        && match sqlx::query_scalar::<_, String>("PRAGMA journal_mode = DELETE")
            .fetch_one(&mut *connection)
            .await
        {
            Ok(mode) => mode == "delete",
            Err(sqlx::Error::Database(problem)) if problem.code().as_deref() == Some("5") => false,
            Err(other) => return Err(other),
        };
    Ok(Tuned { before, left_wal })
}

/// Puts the file back in WAL if [`tune_for_load`] took it out; outside any transaction.
pub async fn rejoin_wal(connection: &mut SqliteConnection, tuned: &mut Tuned) -> sqlx::Result<()> {
    if tuned.left_wal {
        sqlx::query("PRAGMA journal_mode = WAL")
            .execute(&mut *connection)
            .await?;
        tuned.left_wal = false;
    }
    Ok(())
}

/// Sets back what [`tune_for_load`] changed, WAL included.
pub async fn untune(connection: &mut SqliteConnection, mut tuned: Tuned) -> sqlx::Result<()> {
    rejoin_wal(&mut *connection, &mut tuned).await?;
    tuned.before.set_back(connection).await
}
