//! The figure tables' closed lists (a scale, unit, qualifier, kind of period, kind of change,
//! retracted flag): the schema accepts every word the domain declares and refuses any other,
//! and checks them by comparisons, which cost a write about half of what `IN` lists did
//! (migration 0021).

use std::str::FromStr;

use gd_indicators::domain::figure::column::Word;
use gd_indicators::domain::figure::{PeriodKind, Scale, QUALIFIERS, STORED_COLUMNS, UNITS};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};

use super::migrated_database;

/// The kinds of change a revision records, as `Change` serialises them.
const CHANGES: [&str; 4] = ["original", "added", "corrected", "retracted"];

/// Words no closed list holds: a near miss, another case, and an empty one.
const OUTSIDERS: [&str; 3] = ["bogus", "CNY", ""];

/// A writable connection to a freshly migrated database in `dir`.
async fn migrated(dir: &std::path::Path) -> SqliteConnection {
    let database = migrated_database(dir);
    let options = SqliteConnectOptions::from_str(database.to_str().unwrap()).unwrap();
    SqliteConnection::connect_with(&options).await.unwrap()
}

/// Writes a copy of the article's first figure (or, for `observation_revisions`, a first
/// revision of such a copy) with `column` set to `value`, then rolls it back: the schema's
/// answer, `Err` with SQLite's message when it refuses.
async fn write_with(
    connection: &mut SqliteConnection,
    table: &str,
    column: &str,
    value: &str,
) -> Result<(), String> {
    let figure_columns: Vec<&str> = STORED_COLUMNS
        .iter()
        .copied()
        .filter(|name| *name != "id")
        .collect();
    // The figure's columns, `column` (if it is one of them) replaced by the bound value.
    let copied = || {
        figure_columns
            .iter()
            .map(|name| if *name == column { "?1" } else { name })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let listed = figure_columns.join(", ");
    let (figure, revision) = match table {
        "observations" => (
            format!(
                "INSERT INTO observations (id, {listed}, retracted)
                 SELECT 'closed-list-probe', {}, {}
                 FROM observations ORDER BY rowid LIMIT 1",
                copied(),
                if column == "retracted" { "?1" } else { "0" }
            ),
            None,
        ),
        "observation_revisions" => (
            format!(
                "INSERT INTO observations (id, {listed})
                 SELECT 'closed-list-probe', {listed} FROM observations ORDER BY rowid LIMIT 1"
            ),
            Some(format!(
                "INSERT INTO observation_revisions
                     (observation_id, number, change, recorded_at, {listed})
                 SELECT id, 1, {}, recorded_at, {}
                 FROM observations WHERE id = 'closed-list-probe'",
                if column == "change" { "?1" } else { "'added'" },
                copied()
            )),
        ),
        other => panic!("no closed lists in {other}"),
    };
    let mut tx = connection.begin().await.unwrap();
    let mut written = sqlx::query(&figure).bind(value).execute(&mut *tx).await;
    if let (Ok(_), Some(revision)) = (&written, revision) {
        written = sqlx::query(&revision).bind(value).execute(&mut *tx).await;
    }
    tx.rollback().await.unwrap();
    written.map(drop).map_err(|problem| problem.to_string())
}

#[tokio::test]
async fn the_figure_tables_accept_each_closed_lists_words_and_refuse_any_other() {
    let dir = tempfile::tempdir().unwrap();
    let mut connection = migrated(dir.path()).await;
    let shared: [(&str, &[&str]); 4] = [
        ("scale", Scale::WORDS),
        ("unit", UNITS),
        ("qualifier", QUALIFIERS),
        ("period_kind", PeriodKind::WORDS),
    ];
    let lists = [
        (
            "observations",
            [&shared[..], &[("retracted", &["0", "1"])]].concat(),
        ),
        (
            "observation_revisions",
            [&shared[..], &[("change", &CHANGES)]].concat(),
        ),
    ];
    for (table, columns) in &lists {
        for (column, words) in columns {
            for word in *words {
                let written = write_with(&mut connection, table, column, word).await;
                assert_eq!(written, Ok(()), "{table}.{column} = {word:?}");
            }
            for outsider in OUTSIDERS.iter().chain(if *column == "retracted" {
                &["2", "-1"][..]
            } else {
                &[][..]
            }) {
                let refused = write_with(&mut connection, table, column, outsider).await;
                let message = refused.expect_err(&format!("{table}.{column} = {outsider:?}"));
                assert!(
                    message.contains("CHECK constraint failed"),
                    "{table}.{column} = {outsider:?}: {message}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_figure_tables_check_their_closed_lists_by_comparisons() {
    let dir = tempfile::tempdir().unwrap();
    let mut connection = migrated(dir.path()).await;
    for table in ["observations", "observation_revisions"] {
        let statement: String =
            sqlx::query_scalar("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?")
                .bind(table)
                .fetch_one(&mut connection)
                .await
                .unwrap();
        assert!(
            !statement.contains(" IN ("),
            "{table} still checks a list with IN: {statement}"
        );
        assert!(
            statement.contains("unit = 'cny' OR unit = 'usd'"),
            "{statement}"
        );
    }
}
