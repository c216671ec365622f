//! Revision reads: every recorded state of a figure, and whether it is retracted.

use sqlx::SqlitePool;

use super::figures::{ObservationRow, OBSERVATION_COLUMNS, OBSERVATION_JOINS, REVISION_AS_FIGURE};
use crate::domain::figure::{Change, ImportReference, Observation, Revision};

#[derive(sqlx::FromRow)]
struct RevisionRow {
    #[sqlx(flatten)]
    figure: ObservationRow,
    change: Change,
    reason: Option<String>,
    import_id: Option<i64>,
    import_file: Option<String>,
    import_description: Option<String>,
}

/// Every recorded state of one figure, first to last; empty when no figure has the id.
pub async fn revisions(pool: &SqlitePool, observation_id: &str) -> sqlx::Result<Vec<Revision>> {
    let sql = format!(
        "{OBSERVATION_COLUMNS}, o.change, o.reason, o.import_id,
                im.file AS import_file, im.description AS import_description
         FROM (SELECT {REVISION_AS_FIGURE}, v.change, v.reason, v.import_id
               FROM observations cur
               JOIN observation_revisions v ON v.observation_id = cur.id
               WHERE cur.id = ?) o
         LEFT JOIN imports im ON im.id = o.import_id
         {OBSERVATION_JOINS}
         ORDER BY o.revision"
    );
    let rows: Vec<RevisionRow> = sqlx::query_as(&sql)
        .bind(observation_id)
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let import = match (row.import_id, row.import_file) {
                (Some(id), Some(file)) => Some(ImportReference {
                    id,
                    file,
                    description: row.import_description,
                }),
                _ => None,
            };
            let figure = Observation::from(row.figure);
            Revision {
                number: figure.revision.number,
                change: row.change,
                recorded_at: figure.revision.recorded_at.clone(),
                import,
                reason: row.reason,
                figure,
            }
        })
        .collect())
}

/// Whether the stored figure with this id is retracted; `None` when no figure has the id.
pub async fn retracted(pool: &SqlitePool, observation_id: &str) -> sqlx::Result<Option<bool>> {
    sqlx::query_scalar("SELECT retracted FROM observations WHERE id = ?")
        .bind(observation_id)
        .fetch_optional(pool)
        .await
}
