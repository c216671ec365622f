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
//! constraints stay: they enforce the data and serve the import's own look-ups by id.

use sqlx::SqliteConnection;

/// The tables whose secondary indexes an import sets aside.
const FIGURE_TABLES: [&str; 2] = ["observations", "observation_revisions"];

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

/// The secondary indexes of the figure tables: made by `CREATE INDEX` (not by a constraint)
/// and not UNIQUE.
pub async fn secondary_indexes(
    connection: &mut SqliteConnection,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "SELECT m.name, m.sql FROM sqlite_master m
         JOIN pragma_index_list(m.tbl_name) l ON l.name = m.name
         WHERE m.type = 'index' AND m.tbl_name IN (?, ?) AND l.origin = 'c' AND l.\"unique\" = 0
         ORDER BY m.rowid",
    )
    .bind(FIGURE_TABLES[0])
    .bind(FIGURE_TABLES[1])
    .fetch_all(connection)
    .await
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

/// Builds again every index [`set_aside`] dropped, from its own statement, in the same
/// transaction.
pub async fn rebuild(connection: &mut SqliteConnection, set_aside: SetAside) -> sqlx::Result<()> {
    for (_, sql) in &set_aside.indexes {
        sqlx::raw_sql(sql).execute(&mut *connection).await?;
    }
    Ok(())
}
