//! Revision reads: every recorded state of a figure, and whether it is retracted.

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};

use super::figures::{decode_figure, observation_columns, revision_as_figure, OBSERVATION_JOINS};
use crate::domain::figure::{Change, ImportReference, Revision};
use crate::domain::language::Language;

/// A revision from a row: its figure's columns, then the change and the import.
fn revision_from_row(row: &SqliteRow) -> sqlx::Result<Revision> {
    let (figure, cells) = decode_figure(row)?;
    let at = cells.index;
    let change: Change = row.try_get(at)?;
    let reason: Option<String> = row.try_get(at + 1)?;
    let import_id: Option<i64> = row.try_get(at + 2)?;
    let import_file: Option<String> = row.try_get(at + 3)?;
    let import_description: Option<String> = row.try_get(at + 4)?;
    let import = match (import_id, import_file) {
        (Some(id), Some(file)) => Some(ImportReference {
            id,
            file,
            description: import_description,
        }),
        _ => None,
    };
    Ok(Revision {
        number: figure.revision,
        change,
        recorded_at: figure.recorded_at.clone(),
        import,
        reason,
        figure,
    })
}

/// Every recorded state of one figure, first to last, names in `language`; empty when no
/// figure has the id.
pub async fn revisions(
    pool: &SqlitePool,
    observation_id: &str,
    language: Language,
) -> sqlx::Result<Vec<Revision>> {
    let sql = format!(
        "{}, o.change, o.reason, o.import_id,
                im.file AS import_file, im.description AS import_description
         FROM (SELECT {}, v.change, v.reason, v.import_id
               FROM observations cur
               JOIN observation_revisions v ON v.observation_id = cur.id
               WHERE cur.id = ?) o
         LEFT JOIN imports im ON im.id = o.import_id
         {OBSERVATION_JOINS}
         ORDER BY o.revision",
        observation_columns(language),
        revision_as_figure()
    );
    let rows = sqlx::query(&sql)
        .bind(observation_id)
        .fetch_all(pool)
        .await?;
    rows.iter().map(revision_from_row).collect()
}

/// Whether the stored figure with this id is retracted; `None` when no figure has the id.
pub async fn retracted(pool: &SqlitePool, observation_id: &str) -> sqlx::Result<Option<bool>> {
    sqlx::query_scalar("SELECT retracted FROM observations WHERE id = ?")
        .bind(observation_id)
        .fetch_optional(pool)
        .await
}

/// The ids of the figures served now, retracted ones left out (those answer 410), in order.
pub async fn standing_ids(pool: &SqlitePool) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT id FROM observations WHERE NOT retracted ORDER BY id")
        .fetch_all(pool)
        .await
}
