//! Import writes: only `import` (and migrations) change data, always through a new revision;
//! the stored figures an import compares its rows with; and the id of the last import, which
//! is the version of the data.

use std::sync::LazyLock;

use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Arguments, Encode, QueryBuilder, Row, Sqlite, SqliteConnection, SqlitePool, Type};

use super::figures::RowCells;
use super::{bulk_load, placeholder_rows};
use crate::domain::figure::column::{Cell, Check, Column, Role, LIST_SEPARATOR};
use crate::domain::figure::{FigureRecord, COLUMNS, STORED_COLUMNS};
use crate::domain::timestamp;

/// The id of the last import; 0 when the data is the migrations' alone. Every import that
/// changes a figure records itself, so this moves exactly when the served data does.
pub(super) const LAST_IMPORT_ID: &str = "SELECT coalesce(max(id), 0) FROM imports";

/// [`LAST_IMPORT_ID`], read.
pub async fn last_import_id<'e>(executor: impl sqlx::SqliteExecutor<'e>) -> sqlx::Result<i64> {
    sqlx::query_scalar(LAST_IMPORT_ID).fetch_one(executor).await
}

/// Every data version there is: 0 (the data as migrated) and each import's id, in order.
pub async fn versions<'e>(executor: impl sqlx::SqliteExecutor<'e>) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar("SELECT 0 UNION ALL SELECT id FROM imports ORDER BY 1")
        .fetch_all(executor)
        .await
}

/// The moment data version `version` stands for: when import `version` was recorded; for 0
/// (the data as migrated), the last revision recorded by no import (or the start of time, when
/// there is none). `None`: no import has that id.
pub async fn version_recorded_at<'e>(
    executor: impl sqlx::SqliteExecutor<'e>,
    version: i64,
) -> sqlx::Result<Option<String>> {
    if version == 0 {
        return sqlx::query_scalar(
            "SELECT coalesce(max(recorded_at), '') FROM observation_revisions
             WHERE import_id IS NULL",
        )
        .fetch_optional(executor)
        .await;
    }
    sqlx::query_scalar("SELECT recorded_at FROM imports WHERE id = ?")
        .bind(version)
        .fetch_optional(executor)
        .await
}

/// The stored columns but the id, in declaration order (`seed/observations.csv`'s): the
/// columns of `observations` and of `observation_revisions` that every write copies.
fn figure_fields() -> &'static str {
    static FIELDS: LazyLock<String> = LazyLock::new(|| {
        stored_but_id()
            .map(|column| column.name)
            .collect::<Vec<_>>()
            .join(", ")
    });
    &FIELDS
}

/// A placeholder for each of [`figure_fields`].
fn figure_field_placeholders() -> &'static str {
    static PLACEHOLDERS: LazyLock<String> =
        LazyLock::new(|| placeholder_rows("?", stored_but_id().count()));
    &PLACEHOLDERS
}

fn stored_but_id() -> impl Iterator<Item = &'static Column> {
    COLUMNS
        .iter()
        .filter(|column| column.is_stored() && column.role != Role::Stored(Check::Id))
}

/// A statement's values, owned: `sqlx` copies borrowed ones before handing them to SQLite's
/// thread.
type Values = SqliteArguments<'static>;

/// Adds one value: one sqlx cannot encode is an error, as when bound.
fn push<T>(values: &mut Values, value: T) -> sqlx::Result<()>
where
    T: 'static + Encode<'static, Sqlite> + Type<Sqlite>,
{
    values.add(value).map_err(sqlx::Error::Encode)
}

/// Adds the values of [`figure_fields`], in their order.
fn push_fields(values: &mut Values, figure: &FigureRecord) -> sqlx::Result<()> {
    let stored = COLUMNS.iter().filter(|column| column.is_stored());
    for (column, cell) in stored.zip(figure.cells()) {
        if column.role == Role::Stored(Check::Id) {
            continue;
        }
        match cell {
            Cell::Null => push(values, None::<&str>),
            Cell::Text(text) => push(values, text.to_owned()),
            Cell::Word(word) => push(values, word),
            Cell::Number(number) => push(values, number),
            Cell::Integer(integer) => push(values, integer),
            Cell::Boolean(boolean) => push(values, boolean),
            Cell::TextList(texts) => push(values, texts.join(LIST_SEPARATOR)),
        }?;
    }
    Ok(())
}

/// The latest state of a stored figure, retracted or not.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFigure {
    pub record: FigureRecord,
    pub retracted: bool,
}

/// A stored figure from a row of its stored columns (in declaration order) and `retracted`.
fn stored_figure_from_row(row: &SqliteRow) -> sqlx::Result<StoredFigure> {
    let mut cells = RowCells::new(row);
    let Some(record) = FigureRecord::from_cells(&mut cells) else {
        return Err(cells.take_failure());
    };
    let retracted = row.try_get(cells.index)?;
    Ok(StoredFigure { record, retracted })
}

/// The stored figures among `ids`, by id.
pub async fn stored_figures(
    connection: &mut SqliteConnection,
    ids: &[&str],
) -> sqlx::Result<std::collections::HashMap<String, StoredFigure>> {
    let mut found = std::collections::HashMap::new();
    // Well under SQLite's limit of bound parameters per statement.
    for chunk in ids.chunks(500) {
        for row in stored_figures_query(chunk)
            .build()
            .fetch_all(&mut *connection)
            .await?
        {
            let figure = stored_figure_from_row(&row)?;
            found.insert(figure.record.id.clone(), figure);
        }
    }
    Ok(found)
}

/// Selects the stored columns and `retracted` of the figures `ids`.
fn stored_figures_query<'q>(ids: &[&'q str]) -> QueryBuilder<'q, Sqlite> {
    let mut query = QueryBuilder::<Sqlite>::new(format!(
        "SELECT {}, retracted FROM observations WHERE id IN (",
        STORED_COLUMNS.join(", ")
    ));
    let mut list = query.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    query.push(")");
    query
}

/// The printed equivalents (figures with `equivalent_of`) of the figures `ids`, not retracted:
/// (the equivalent's id, the figure it converts).
pub async fn equivalents_of(
    connection: &mut SqliteConnection,
    ids: &[&str],
) -> sqlx::Result<Vec<(String, String)>> {
    figures_linking(connection, EQUIVALENT_OF, ids).await
}

/// The figures not retracted whose `link` names any of `targets`: (the figure's id, the
/// target), in source order, found through the links' partial indexes (0006), which a bulk
/// load keeps ([`bulk_load::LOOKUP_INDEXES`]).
async fn figures_linking(
    connection: &mut SqliteConnection,
    link: &'static str,
    targets: &[&str],
) -> sqlx::Result<Vec<(String, String)>> {
    let mut found = Vec::new();
    // Well under SQLite's limit of bound parameters per statement.
    for chunk in targets.chunks(500) {
        let sql = linking_statement(link, chunk.len());
        let mut query = sqlx::query_as(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        found.extend(query.fetch_all(&mut *connection).await?);
    }
    Ok(found)
}

/// Selects the figures not retracted whose `link` names one of `targets` ids.
fn linking_statement(link: &str, targets: usize) -> String {
    format!(
        "SELECT id, {link} FROM observations WHERE retracted = 0 AND {link} IN ({}) \
         ORDER BY rowid",
        placeholder_rows("?", targets)
    )
}

/// A figure not retracted that points at another (`equivalent_of`, `restates`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureLink {
    pub id: String,
    /// The column that holds the link.
    pub link: &'static str,
    pub target: String,
}

/// The figures not retracted that point at any of `targets`, by either link.
pub async fn links_to(
    connection: &mut SqliteConnection,
    targets: &[&str],
) -> sqlx::Result<Vec<FigureLink>> {
    let mut found = Vec::new();
    for link in LINKS {
        let rows = figures_linking(&mut *connection, link, targets).await?;
        found.extend(
            rows.into_iter()
                .map(|(id, target)| FigureLink { id, link, target }),
        );
    }
    Ok(found)
}

/// The columns by which a figure points at another: a printed equivalent at the figure it
/// converts, and a restatement at the figure it restates.
const LINKS: [&str; 2] = [EQUIVALENT_OF, "restates"];
const EQUIVALENT_OF: &str = "equivalent_of";

/// The statements an import reads the stored figures with while it checks a batch, `rows`
/// ids each: the figures by id, then the figures linking to them by each link. The
/// query-plan test checks that each finds its figures through an index, with the secondary
/// indexes set aside as in a bulk load.
pub fn read_statements(rows: usize) -> Vec<String> {
    let ids = vec![""; rows];
    let mut statements = vec![stored_figures_query(&ids).into_sql()];
    statements.extend(LINKS.map(|link| linking_statement(link, rows)));
    statements
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

/// Applies `changes` in one transaction, every one as a new revision stamped with the import's
/// time: all of them, or (on any error, a full disk included) none. Readers keep reading the previous
/// state until the commit, thanks to WAL. `written` hears how many changes are written so far
/// (uncommitted until this returns).
///
/// An import that adds at least as many figures as the table holds builds the secondary
/// indexes after its rows, in the same transaction ([`bulk_load`]).
pub async fn apply_import(
    pool: &SqlitePool,
    file: &str,
    description: Option<&str>,
    changes: &[FigureChange],
    unchanged: usize,
    written: &mut dyn FnMut(usize),
) -> sqlx::Result<ImportReceipt> {
    let mut tx = pool.begin().await?;
    let receipt = write_import(&mut tx, file, description, changes, unchanged, written).await?;
    tx.commit().await?;
    Ok(receipt)
}

/// [`apply_import`]'s writes, in a transaction the caller holds (and commits or rolls back):
/// one import, recorded with its own time. Several may share a transaction (and a bulk load,
/// [`bulk_load::set_aside`] before the first): each sees the ones before it.
pub async fn write_import(
    tx: &mut SqliteConnection,
    file: &str,
    description: Option<&str>,
    changes: &[FigureChange],
    unchanged: usize,
    written: &mut dyn FnMut(usize),
) -> sqlx::Result<ImportReceipt> {
    let counts = ImportCounts::of(changes, unchanged);
    // A figure may point (equivalent_of, restates) at one added later in the same file.
    sqlx::query("PRAGMA defer_foreign_keys = ON")
        .execute(&mut *tx)
        .await?;
    let import_id: i64 = sqlx::query_scalar(
        "INSERT INTO imports (recorded_at, file, description, added, corrected, retracted, unchanged)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(timestamp::now())
    .bind(file)
    .bind(description)
    .bind(counts.added as i64)
    .bind(counts.corrected as i64)
    .bind(counts.retracted as i64)
    .bind(counts.unchanged as i64)
    .fetch_one(&mut *tx)
    .await?;
    // Stamped now that the insert holds the write lock, and after the import before: a data
    // version is read as its import's time (updated_after), so stamps must rise in the order
    // imports commit, whether two imports overlapped or the clock stepped back.
    let previous: Option<String> =
        sqlx::query_scalar("SELECT max(recorded_at) FROM imports WHERE id < ?")
            .bind(import_id)
            .fetch_one(&mut *tx)
            .await?;
    let recorded_at = &timestamp::now_after(previous.as_deref());
    sqlx::query("UPDATE imports SET recorded_at = ? WHERE id = ?")
        .bind(recorded_at)
        .bind(import_id)
        .execute(&mut *tx)
        .await?;

    let set_aside = if bulk_load::worth_setting_aside(&mut *tx, counts.added).await? {
        Some(bulk_load::set_aside(&mut *tx).await?)
    } else {
        None
    };
    // Additions and corrections go to SQLite many to a statement: one at a time, a
    // million-figure import (`generate`) spends most of its time handing statements over.
    // Changes still apply in file order, a run of one kind at a time.
    let same_kind =
        |a: &FigureChange, b: &FigureChange| std::mem::discriminant(a) == std::mem::discriminant(b);
    let mut done = 0;
    let mut wrote = |rows| {
        done += rows;
        written(done);
    };
    for run in changes.chunk_by(same_kind) {
        match run[0] {
            FigureChange::Add(_) => {
                add_figures(&mut *tx, run, recorded_at, import_id, &mut wrote).await?
            }
            FigureChange::Correct { .. } => {
                for chunk in run.chunks(ROWS_PER_STATEMENT) {
                    correct_figures(&mut *tx, chunk, recorded_at, import_id).await?;
                    wrote(chunk.len());
                }
            }
            FigureChange::Retract { .. } => {
                for chunk in run.chunks(ROWS_PER_STATEMENT) {
                    for change in chunk {
                        if let FigureChange::Retract { id, reason } = change {
                            retract_figure(&mut *tx, id, reason, recorded_at, import_id).await?;
                        }
                    }
                    wrote(chunk.len());
                }
            }
        }
    }
    if let Some(set_aside) = set_aside {
        bulk_load::rebuild(&mut *tx, set_aside).await?;
    }
    Ok(ImportReceipt {
        id: import_id,
        recorded_at: recorded_at.to_owned(),
        counts,
    })
}

/// The statements an import writes with, `rows` changes to each: additions, their first
/// revisions, corrections, and a retraction's two. The query-plan test checks that each finds
/// its figures by key, with the secondary indexes set aside as in a bulk load.
pub fn write_statements(rows: usize) -> Vec<String> {
    vec![
        add_statement(rows),
        first_revisions_statement(rows),
        correction_statement(rows),
        corrected_state_statement(&StateChange::ALL, rows),
        retraction_statement(),
        retracted_state_statement().to_owned(),
    ]
}

/// Changes per statement: at most 27 bound values each, far below SQLite's 32,766.
const ROWS_PER_STATEMENT: usize = 100;

/// Inserts the figures of `run`, a run of additions, each with its first revision (a copy of
/// the figure as stored), [`ROWS_PER_STATEMENT`] to a statement. Each chunk's values are
/// gathered while SQLite writes the chunk before: gathered in turn, SQLite waited for them
/// (the batches of a million generated figures took 18.5 s, 17.5 s overlapped). `wrote`
/// hears each chunk written.
async fn add_figures(
    tx: &mut SqliteConnection,
    run: &[FigureChange],
    recorded_at: &str,
    import_id: i64,
    wrote: &mut dyn FnMut(usize),
) -> sqlx::Result<()> {
    let mut chunks = run
        .chunks(ROWS_PER_STATEMENT)
        .map(|chunk| Additions::of(chunk, recorded_at, import_id));
    let mut next = chunks.next().transpose()?;
    while let Some(additions) = next {
        let rows = additions.rows;
        // In this order: the chunk goes to SQLite's thread, then the next is gathered here
        // (the second future never waits) while SQLite writes.
        let (result, following) = tokio::join!(biased; additions.write(&mut *tx), async {
            chunks.next().transpose()
        });
        result?;
        wrote(rows);
        next = following?;
    }
    Ok(())
}

/// A chunk of additions' two statements, with their values owned: ready to hand over to
/// SQLite's thread without another copy.
struct Additions {
    rows: usize,
    insert: String,
    figures: Values,
    copy: String,
    ids: Values,
}

impl Additions {
    fn of(chunk: &[FigureChange], recorded_at: &str, import_id: i64) -> sqlx::Result<Additions> {
        let added = chunk.iter().filter_map(|change| match change {
            FigureChange::Add(figure) => Some(figure),
            _ => None,
        });
        let (mut figures, mut ids) = (Values::default(), Values::default());
        push(&mut ids, import_id)?;
        let mut rows = 0;
        for figure in added {
            push(&mut figures, figure.id.clone())?;
            push_fields(&mut figures, figure)?;
            push(&mut figures, recorded_at.to_owned())?;
            push(&mut ids, figure.id.clone())?;
            rows += 1;
        }
        Ok(Additions {
            rows,
            insert: add_statement(rows),
            figures,
            copy: first_revisions_statement(rows),
            ids,
        })
    }

    async fn write(self, tx: &mut SqliteConnection) -> sqlx::Result<()> {
        sqlx::query_with(&self.insert, self.figures)
            .execute(&mut *tx)
            .await?;
        sqlx::query_with(&self.copy, self.ids)
            .execute(&mut *tx)
            .await?;
        Ok(())
    }
}

/// Records the new revision of each figure `chunk` corrects, then makes it the figure's
/// latest state (the schema's trigger checks that the revision exists).
async fn correct_figures(
    tx: &mut SqliteConnection,
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
    let insert = correction_statement(corrections.len());
    let mut values = Values::default();
    for (figure, reason) in &corrections {
        push(&mut values, figure.id.clone())?;
        push(&mut values, figure.id.clone())?;
        push(&mut values, recorded_at.to_owned())?;
        push(&mut values, import_id)?;
        push(&mut values, reason.map(str::to_owned))?;
        push_fields(&mut values, figure)?;
    }
    sqlx::query_with(&insert, values).execute(&mut *tx).await?;
    // SQLite rewrites an index entry only when its columns (or its WHERE clause's) are in the
    // SET list: setting every column rewrote every index entry of each corrected figure. Its
    // state is updated by the columns the correction changes, figures that change the same
    // ones to a statement.
    let ids: Vec<&str> = corrections
        .iter()
        .map(|(figure, _)| figure.id.as_str())
        .collect();
    let mut stored = std::collections::HashMap::new();
    for row in stored_figures_query(&ids)
        .build()
        .fetch_all(&mut *tx)
        .await?
    {
        let figure = stored_figure_from_row(&row)?;
        stored.insert(figure.record.id.clone(), figure);
    }
    let mut groups: Vec<(StateChange, Vec<&str>)> = Vec::new();
    for (figure, _) in &corrections {
        let change = StateChange::between(stored.get(&figure.id), figure);
        match groups.iter_mut().find(|(known, _)| *known == change) {
            Some((_, ids)) => ids.push(&figure.id),
            None => groups.push((change, vec![&figure.id])),
        }
    }
    for (change, ids) in groups {
        let update = corrected_state_statement(&change, ids.len());
        let mut statement = sqlx::query(&update);
        for id in ids {
            statement = statement.bind(id);
        }
        statement.execute(&mut *tx).await?;
    }
    Ok(())
}

const _: () = assert!(
    STORED_COLUMNS.len() <= 64,
    "a StateChange holds a bit per field"
);

/// What a correction changes of a figure's latest state: some of [`figure_fields`], and
/// whether it reinstates a retracted figure. The revision and its time always change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct StateChange {
    /// Bit `i`: the `i`-th of [`figure_fields`] changes.
    fields: u64,
    reinstates: bool,
}

impl StateChange {
    /// Every field, and `retracted` set back to 0.
    const ALL: StateChange = StateChange {
        fields: u64::MAX,
        reinstates: true,
    };

    /// From `stored` (the figure's latest state, when there is one) to `figure`.
    fn between(stored: Option<&StoredFigure>, figure: &FigureRecord) -> StateChange {
        let Some(stored) = stored else {
            return StateChange::ALL;
        };
        let stored_columns = COLUMNS.iter().filter(|column| column.is_stored());
        let cells = stored_columns
            .zip(stored.record.cells())
            .zip(figure.cells())
            .filter(|((column, _), _)| column.role != Role::Stored(Check::Id));
        let mut fields = 0;
        for (bit, ((_, before), after)) in cells.enumerate() {
            if !same_cell(&before, &after) {
                fields |= 1 << bit;
            }
        }
        StateChange {
            fields,
            reinstates: stored.retracted,
        }
    }

    /// The names of the fields that change, in [`figure_fields`]' order.
    fn field_names(&self) -> Vec<&'static str> {
        stored_but_id()
            .enumerate()
            .filter(|(bit, _)| self.fields & (1 << bit) != 0)
            .map(|(_, column)| column.name)
            .collect()
    }
}

/// Whether two cells store the same: numbers bit for bit (`-0.0` is not `0.0`).
fn same_cell(a: &Cell<'_>, b: &Cell<'_>) -> bool {
    match (a, b) {
        (Cell::Number(a), Cell::Number(b)) => a.to_bits() == b.to_bits(),
        _ => a == b,
    }
}

/// Withdraws a figure; its retraction's revision keeps the figure's last fields, so the
/// history shows what was withdrawn.
async fn retract_figure(
    tx: &mut SqliteConnection,
    id: &str,
    reason: &str,
    recorded_at: &str,
    import_id: i64,
) -> sqlx::Result<()> {
    sqlx::query(&retraction_statement())
        .bind(recorded_at)
        .bind(import_id)
        .bind(reason)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(retracted_state_statement())
        .bind(recorded_at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Adds `rows` figures, each at revision 1.
fn add_statement(rows: usize) -> String {
    let (fields, placeholders) = (figure_fields(), figure_field_placeholders());
    format!(
        "INSERT INTO observations (id, {fields}, revision, recorded_at, retracted)
         VALUES {}",
        placeholder_rows(&format!("(?, {placeholders}, 1, ?, 0)"), rows)
    )
}

/// Copies `rows` figures just added, by id, as their first revisions.
fn first_revisions_statement(rows: usize) -> String {
    let fields = figure_fields();
    format!(
        "INSERT INTO observation_revisions
             (observation_id, number, change, recorded_at, import_id, reason, {fields})
         SELECT id, revision, 'added', recorded_at, ?, NULL, {fields}
         FROM observations WHERE id IN ({})",
        placeholder_rows("?", rows)
    )
}

/// Records `rows` corrections, each as its figure's next revision.
fn correction_statement(rows: usize) -> String {
    let (fields, placeholders) = (figure_fields(), figure_field_placeholders());
    format!(
        "INSERT INTO observation_revisions
             (observation_id, number, change, recorded_at, import_id, reason, {fields})
         VALUES {}",
        placeholder_rows(
            &format!(
                "(?, (SELECT coalesce(max(number), 0) + 1 FROM observation_revisions
                      WHERE observation_id = ?), 'corrected', ?, ?, ?, {placeholders})"
            ),
            rows
        )
    )
}

/// Makes the correction just recorded of each of `rows` figures its latest state, setting
/// the columns `change` names (the revision's fields are the figure's new ones).
fn corrected_state_statement(change: &StateChange, rows: usize) -> String {
    let mut columns = change.field_names();
    columns.extend(["revision", "recorded_at"]);
    let mut values: Vec<String> = change
        .field_names()
        .iter()
        .map(|f| format!("v.{f}"))
        .collect();
    values.extend(["v.number".to_owned(), "v.recorded_at".to_owned()]);
    if change.reinstates {
        columns.push("retracted");
        values.push("0".to_owned());
    }
    format!(
        "UPDATE observations SET ({}) =
             (SELECT {}
              FROM observation_revisions v
              WHERE v.observation_id = observations.id AND v.number = observations.revision + 1)
         WHERE id IN ({})",
        columns.join(", "),
        values.join(", "),
        placeholder_rows("?", rows)
    )
}

/// Records a retraction as the figure's next revision, with its last fields.
fn retraction_statement() -> String {
    let fields = figure_fields();
    format!(
        "INSERT INTO observation_revisions
             (observation_id, number, change, recorded_at, import_id, reason, {fields})
         SELECT id, revision + 1, 'retracted', ?, ?, ?, {fields}
         FROM observations WHERE id = ?"
    )
}

/// Marks a figure retracted at the revision just recorded.
fn retracted_state_statement() -> &'static str {
    "UPDATE observations SET revision = revision + 1, recorded_at = ?, retracted = 1
     WHERE id = ?"
}
