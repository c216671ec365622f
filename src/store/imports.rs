//! Import writes: only `import` (and migrations) change data, always through a new revision;
//! the stored figures an import compares its rows with; and the id of the last import, which
//! is the version of the data.

use sqlx::{QueryBuilder, Sqlite, SqlitePool};

/// The id of the last import; 0 when the data is the migrations' alone. Every import that
/// changes a figure records itself, so this moves exactly when the served data does.
pub async fn last_import_id<'e>(executor: impl sqlx::SqliteExecutor<'e>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM imports")
        .fetch_one(executor)
        .await
}

/// A figure's stored fields, as `seed/observations.csv` and `import` files carry them.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FigureRecord {
    pub id: String,
    pub indicator_id: String,
    pub region_id: String,
    pub cluster_id: Option<String>,
    pub cluster_group_id: Option<String>,
    pub company_id: Option<String>,
    pub city_plan_id: Option<String>,
    pub value: f64,
    pub scale: String,
    pub unit: String,
    pub qualifier: String,
    pub stated: String,
    pub period_kind: String,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    pub period_label: String,
    pub equivalent_of: Option<String>,
    pub restates: Option<String>,
    pub source_id: String,
    pub section: String,
    pub speaker_id: Option<String>,
    pub cited_source: Option<String>,
    pub note: Option<String>,
}

/// The columns of [`FigureRecord`] after `id`, in its order (and the seed's).
const FIGURE_FIELDS: &str = "indicator_id, region_id, cluster_id, cluster_group_id, company_id, \
     city_plan_id, value, scale, unit, qualifier, stated, period_kind, period_start, period_end, \
     period_label, equivalent_of, restates, source_id, section, speaker_id, cited_source, note";
const FIGURE_FIELD_PLACEHOLDERS: &str =
    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";

type Statement<'q> = sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>>;

fn bind_fields<'q>(statement: Statement<'q>, figure: &'q FigureRecord) -> Statement<'q> {
    statement
        .bind(&figure.indicator_id)
        .bind(&figure.region_id)
        .bind(&figure.cluster_id)
        .bind(&figure.cluster_group_id)
        .bind(&figure.company_id)
        .bind(&figure.city_plan_id)
        .bind(figure.value)
        .bind(&figure.scale)
        .bind(&figure.unit)
        .bind(&figure.qualifier)
        .bind(&figure.stated)
        .bind(&figure.period_kind)
        .bind(&figure.period_start)
        .bind(&figure.period_end)
        .bind(&figure.period_label)
        .bind(&figure.equivalent_of)
        .bind(&figure.restates)
        .bind(&figure.source_id)
        .bind(&figure.section)
        .bind(&figure.speaker_id)
        .bind(&figure.cited_source)
        .bind(&figure.note)
}

/// The latest state of a stored figure, retracted or not.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFigure {
    pub record: FigureRecord,
    pub retracted: bool,
}

#[derive(sqlx::FromRow)]
struct StoredFigureRow {
    #[sqlx(flatten)]
    record: FigureRecord,
    retracted: bool,
}

/// The stored figures among `ids`, by id.
pub async fn stored_figures(
    pool: &SqlitePool,
    ids: &[&str],
) -> sqlx::Result<std::collections::HashMap<String, StoredFigure>> {
    let mut found = std::collections::HashMap::new();
    // Well under SQLite's limit of bound parameters per statement.
    for chunk in ids.chunks(500) {
        let mut query = QueryBuilder::<Sqlite>::new(format!(
            "SELECT id, {FIGURE_FIELDS}, retracted FROM observations WHERE id IN ("
        ));
        let mut list = query.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        query.push(")");
        let rows: Vec<StoredFigureRow> = query.build_query_as().fetch_all(pool).await?;
        found.extend(rows.into_iter().map(|row| {
            (
                row.record.id.clone(),
                StoredFigure {
                    record: row.record,
                    retracted: row.retracted,
                },
            )
        }));
    }
    Ok(found)
}

/// One change an import makes to one figure.
#[derive(Debug, Clone, PartialEq)]
pub enum FigureChange {
    Add(FigureRecord),
    Correct {
        figure: FigureRecord,
        reason: Option<String>,
    },
    Retract {
        id: String,
        reason: String,
    },
}

/// What an import did, as recorded in `imports`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportCounts {
    pub added: usize,
    pub corrected: usize,
    pub retracted: usize,
    pub unchanged: usize,
}

impl ImportCounts {
    /// What `changes` do, beside `unchanged` rows that change nothing.
    pub fn of(changes: &[FigureChange], unchanged: usize) -> ImportCounts {
        let mut counts = ImportCounts {
            unchanged,
            ..Default::default()
        };
        for change in changes {
            match change {
                FigureChange::Add(_) => counts.added += 1,
                FigureChange::Correct { .. } => counts.corrected += 1,
                FigureChange::Retract { .. } => counts.retracted += 1,
            }
        }
        counts
    }
}

impl std::fmt::Display for ImportCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} added, {} corrected, {} retracted, {} unchanged",
            self.added, self.corrected, self.retracted, self.unchanged
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReceipt {
    pub id: i64,
    pub recorded_at: String,
    pub counts: ImportCounts,
}

/// Applies `changes` in one transaction, every one as a new revision stamped `recorded_at`:
/// all of them, or (on any error, a full disk included) none. Readers keep reading the previous
/// state until the commit, thanks to WAL. `written` hears how many changes are written so far
/// (uncommitted until this returns).
pub async fn apply_import(
    pool: &SqlitePool,
    file: &str,
    description: Option<&str>,
    recorded_at: &str,
    changes: &[FigureChange],
    unchanged: usize,
    written: &mut dyn FnMut(usize),
) -> sqlx::Result<ImportReceipt> {
    let counts = ImportCounts::of(changes, unchanged);
    let mut tx = pool.begin().await?;
    // A figure may point (equivalent_of, restates) at one added later in the same file.
    sqlx::query("PRAGMA defer_foreign_keys = ON")
        .execute(&mut *tx)
        .await?;
    let import_id: i64 = sqlx::query_scalar(
        "INSERT INTO imports (recorded_at, file, description, added, corrected, retracted, unchanged)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(recorded_at)
    .bind(file)
    .bind(description)
    .bind(counts.added as i64)
    .bind(counts.corrected as i64)
    .bind(counts.retracted as i64)
    .bind(counts.unchanged as i64)
    .fetch_one(&mut *tx)
    .await?;

    // Additions and corrections go to SQLite many to a statement: one at a time, a
    // million-figure import (`generate`) spends most of its time handing statements over.
    // Changes still apply in file order, a run of one kind at a time.
    let same_kind =
        |a: &FigureChange, b: &FigureChange| std::mem::discriminant(a) == std::mem::discriminant(b);
    let mut done = 0;
    for run in changes.chunk_by(same_kind) {
        for chunk in run.chunks(ROWS_PER_STATEMENT) {
            match chunk[0] {
                FigureChange::Add(_) => add_figures(&mut tx, chunk, recorded_at, import_id).await?,
                FigureChange::Correct { .. } => {
                    correct_figures(&mut tx, chunk, recorded_at, import_id).await?
                }
                FigureChange::Retract { .. } => {
                    for change in chunk {
                        if let FigureChange::Retract { id, reason } = change {
                            retract_figure(&mut tx, id, reason, recorded_at, import_id).await?;
                        }
                    }
                }
            }
            done += chunk.len();
            written(done);
        }
    }
    tx.commit().await?;
    Ok(ImportReceipt {
        id: import_id,
        recorded_at: recorded_at.to_owned(),
        counts,
    })
}

/// Changes per statement: at most 27 bound values each, far below SQLite's 32,766.
const ROWS_PER_STATEMENT: usize = 100;

/// `row` (a tuple of placeholders) `rows` times, comma-separated.
fn placeholder_rows(row: &str, rows: usize) -> String {
    vec![row; rows].join(", ")
}

/// Inserts the figures of `chunk`'s additions, each with its first revision: a copy of the
/// figure as stored.
async fn add_figures(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    chunk: &[FigureChange],
    recorded_at: &str,
    import_id: i64,
) -> sqlx::Result<()> {
    let figures: Vec<&FigureRecord> = chunk
        .iter()
        .filter_map(|change| match change {
            FigureChange::Add(figure) => Some(figure),
            _ => None,
        })
        .collect();
    let insert = format!(
        "INSERT INTO observations (id, {FIGURE_FIELDS}, revision, recorded_at, retracted)
         VALUES {}",
        placeholder_rows(
            &format!("(?, {FIGURE_FIELD_PLACEHOLDERS}, 1, ?, 0)"),
            figures.len()
        )
    );
    let mut statement = sqlx::query(&insert);
    for figure in &figures {
        statement = bind_fields(statement.bind(&figure.id), figure).bind(recorded_at);
    }
    statement.execute(&mut **tx).await?;
    let copy = format!(
        "INSERT INTO observation_revisions
             (observation_id, number, change, recorded_at, import_id, reason, {FIGURE_FIELDS})
         SELECT id, revision, 'added', recorded_at, ?, NULL, {FIGURE_FIELDS}
         FROM observations WHERE id IN ({})",
        placeholder_rows("?", figures.len())
    );
    let mut statement = sqlx::query(&copy).bind(import_id);
    for figure in &figures {
        statement = statement.bind(&figure.id);
    }
    statement.execute(&mut **tx).await?;
    Ok(())
}

/// Records the new revision of each figure `chunk` corrects, then makes it the figure's
/// latest state (the schema's trigger checks that the revision exists).
async fn correct_figures(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    chunk: &[FigureChange],
    recorded_at: &str,
    import_id: i64,
) -> sqlx::Result<()> {
    let corrections: Vec<(&FigureRecord, Option<&str>)> = chunk
        .iter()
        .filter_map(|change| match change {
            FigureChange::Correct { figure, reason } => Some((figure, reason.as_deref())),
            _ => None,
        })
        .collect();
    let insert = format!(
        "INSERT INTO observation_revisions
             (observation_id, number, change, recorded_at, import_id, reason, {FIGURE_FIELDS})
         VALUES {}",
        placeholder_rows(
            &format!(
                "(?, (SELECT coalesce(max(number), 0) + 1 FROM observation_revisions
                      WHERE observation_id = ?), 'corrected', ?, ?, ?, {FIGURE_FIELD_PLACEHOLDERS})"
            ),
            corrections.len()
        )
    );
    let mut statement = sqlx::query(&insert);
    for (figure, reason) in &corrections {
        statement = bind_fields(
            statement
                .bind(&figure.id)
                .bind(&figure.id)
                .bind(recorded_at)
                .bind(import_id)
                .bind(*reason),
            figure,
        );
    }
    statement.execute(&mut **tx).await?;
    let update = format!(
        "UPDATE observations SET ({FIGURE_FIELDS}, revision, recorded_at, retracted) =
             (SELECT {FIGURE_FIELDS}, v.number, v.recorded_at, 0
              FROM observation_revisions v
              WHERE v.observation_id = observations.id AND v.number = observations.revision + 1)
         WHERE id IN ({})",
        placeholder_rows("?", corrections.len())
    );
    let mut statement = sqlx::query(&update);
    for (figure, _) in &corrections {
        statement = statement.bind(&figure.id);
    }
    statement.execute(&mut **tx).await?;
    Ok(())
}

/// Withdraws a figure; its retraction's revision keeps the figure's last fields, so the
/// history shows what was withdrawn.
async fn retract_figure(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    id: &str,
    reason: &str,
    recorded_at: &str,
    import_id: i64,
) -> sqlx::Result<()> {
    sqlx::query(&format!(
        "INSERT INTO observation_revisions
             (observation_id, number, change, recorded_at, import_id, reason, {FIGURE_FIELDS})
         SELECT id, revision + 1, 'retracted', ?, ?, ?, {FIGURE_FIELDS}
         FROM observations WHERE id = ?"
    ))
    .bind(recorded_at)
    .bind(import_id)
    .bind(reason)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE observations SET revision = revision + 1, recorded_at = ?, retracted = 1
         WHERE id = ?",
    )
    .bind(recorded_at)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
