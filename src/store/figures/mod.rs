//! Figure reads: the filters a query gives, keyset pages in any sort order, counts, rows
//! streamed one at a time, and the related figures the analytics read.

use std::sync::LazyLock;

use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use crate::domain::figure::column::Kind;
use crate::domain::figure::{FigureRole, Observation, COLUMNS};
use crate::domain::language::Language;

mod facets;
mod filter;
mod presented;
mod row;

pub use facets::*;
pub use filter::*;
pub(in crate::store) use row::*;

/// Where figures are read from, as a relation named `o` with the columns of `observations`
/// plus `position` (source order): the latest state of every figure not retracted, or each
/// figure's last revision recorded by `as_of`, or (`updated_after`, a delta) the latest state
/// of every figure recorded after that moment, retracted or not. All keep a figure's place in
/// source order. The service never asks for `as_of` and `updated_after` together.
fn push_figures<'a>(query: &mut QueryBuilder<'a, Sqlite>, filter: &'a ObservationFilter) {
    match (filter.as_of.as_deref(), filter.updated_after.as_deref()) {
        (_, Some(moment)) => query
            .push(" (SELECT rowid AS position, * FROM observations WHERE recorded_at > ")
            .push_bind(moment)
            .push(") o"),
        (None, None) => {
            query.push(" (SELECT rowid AS position, * FROM observations WHERE retracted = 0) o")
        }
        (Some(moment), None) => query
            .push(format_args!(
                " (SELECT {}
                  FROM observations cur
                  JOIN observation_revisions v ON v.observation_id = cur.id
                  WHERE v.change <> 'retracted' AND v.number = (
                      SELECT max(w.number) FROM observation_revisions w
                      WHERE w.observation_id = cur.id AND w.recorded_at <= ",
                revision_as_figure()
            ))
            .push_bind(moment)
            .push(")) o"),
    };
}

/// `SELECT` and every column the store reads of a figure from `o` and the catalogue joined to
/// it ([`OBSERVATION_JOINS`]), names in `language`, in declaration order, then
/// `period_sort_key` and `position`: what [`decode_figure`] reads. The text columns (and
/// `period_sort_key`) come packed into the first value, each as `LENGTH:TEXT` (its length in
/// bytes), or `:` for null; the numbers follow it, one a column, then `position`. sqlx copies
/// every value SQLite hands it, with an allocation or two each, and a row of separate values
/// spent more on those copies than SQLite spent finding it (issue 16).
pub(super) fn observation_columns(language: Language) -> &'static str {
    static SQL: LazyLock<[String; 2]> = LazyLock::new(|| {
        Language::ALL.map(|language| {
            let read = COLUMNS.iter().filter_map(|column| {
                column
                    .read_sql(language)
                    .map(|sql| (column, sql.into_owned()))
            });
            let (texts, numbers): (Vec<_>, Vec<_>) =
                read.partition(|(column, _)| matches!(column.kind, Kind::Text | Kind::Word));
            let packed: Vec<String> = texts
                .into_iter()
                .map(|(_, sql)| sql)
                .chain(["o.period_sort_key".to_owned()])
                .map(|sql| format!("octet_length({sql}), ':', {sql}"))
                .collect();
            let numbers = numbers.into_iter().map(|(_, sql)| sql);
            let columns: Vec<String> = std::iter::once(format!("concat({})", packed.join(", ")))
                .chain(numbers)
                .chain(["o.position".to_owned()])
                .collect();
            format!("SELECT {}", columns.join(", "))
        })
    });
    &SQL[language as usize]
}

/// No filter: every figure's latest state, not retracted.
static NO_FILTER: LazyLock<ObservationFilter> = LazyLock::new(ObservationFilter::default);

pub(super) const OBSERVATION_JOINS: &str = "
JOIN indicators i ON i.id = o.indicator_id
JOIN regions r ON r.id = o.region_id
JOIN sources s ON s.id = o.source_id
LEFT JOIN speakers sp ON sp.id = o.speaker_id
WHERE 1 = 1";

/// Figures matching `filter`, in the order the source prints them, names in `language`.
pub async fn observations(
    pool: &SqlitePool,
    filter: &ObservationFilter,
    language: Language,
) -> sqlx::Result<Vec<Observation>> {
    let order = ObservationOrder {
        language,
        ..ObservationOrder::default()
    };
    observations_ordered(pool, filter, &order).await
}

/// The statement of [`observations_ordered`], after `prefix` ("" or "EXPLAIN QUERY PLAN "):
/// what a page runs, and what the benchmark's floor (`bench/sql.rs`) runs bare.
pub fn observation_list_statement<'a>(
    prefix: &str,
    filter: &'a ObservationFilter,
    order: &'a ObservationOrder,
) -> QueryBuilder<'a, Sqlite> {
    observation_page_statement(prefix, filter, order, None)
}

/// [`observation_list_statement`] for a filter known to keep `matching` figures (its total):
/// a sorted page of a [`BROAD`] filter walks the sort key's index, one of few sorts them.
pub fn observation_page_statement<'a>(
    prefix: &str,
    filter: &'a ObservationFilter,
    order: &'a ObservationOrder,
    matching: Option<usize>,
) -> QueryBuilder<'a, Sqlite> {
    let mut query =
        QueryBuilder::<Sqlite>::new(format!("{prefix}{}", observation_columns(order.language)));
    query.push(" FROM");
    push_figures(&mut query, filter);
    query.push(OBSERVATION_JOINS);
    let before = order.keyset.as_ref().is_some_and(|keyset| keyset.before);
    let usage = FilterUse::Page {
        first_key: order.keys.first().map(|(name, _)| *name),
        descending: order
            .keys
            .first()
            .is_some_and(|(_, descending)| *descending != before),
        // A past vintage's relation is not an index's: nothing to choose there.
        broad: matching
            .filter(|_| filter.as_of.is_none() && filter.updated_after.is_none())
            .map(|matching| matching > BROAD),
    };
    push_observation_filters(&mut query, filter, usage);
    if let Some(keyset) = &order.keyset {
        push_keyset(&mut query, order, keyset, filter.exchange);
    }
    presented::push_candidates(
        &mut query,
        filter,
        order,
        usage,
        order
            .keys
            .first()
            .is_some_and(|(_, descending)| *descending != before),
    );
    // A printed equivalent or a restatement is found through its link's index (0006), a
    // range (`IS NOT NULL`) that SQLite, without statistics, guesses keeps many figures: so it
    // walked the page's order instead (source order, or the sort key's index), through every
    // figure for the handful there are. When the total says they are few, `+` keeps the order
    // off every index: the links' index finds them, and they are sorted.
    let links_asked = filter
        .roles
        .iter()
        .any(|role| matches!(role, FigureRole::Equivalent | FigureRole::Restatement));
    let order_off_index = links_asked
        && matches!(
            usage,
            FilterUse::Page {
                broad: Some(false),
                ..
            }
        );
    let unindexed = if order_off_index { "+" } else { "" };
    query.push(" ORDER BY ");
    for (name, descending) in &order.keys {
        query.push(unindexed);
        SortExpression::of(name, filter.exchange).push(&mut query);
        let direction = if *descending != before { "DESC" } else { "ASC" };
        query.push(format_args!(" {direction}, "));
    }
    query.push(format_args!(
        "{unindexed}o.position {}",
        if before { "DESC" } else { "ASC" }
    ));
    if let Some(limit) = order.limit {
        query.push(" LIMIT ").push_bind(limit as i64);
    }
    query
}

/// The statement of [`count_observations`], after `prefix`. No join: every filter is on the
/// figures themselves, so SQLite can count the entries of one index. Figures of several roles
/// are counted role by role and summed (roles never overlap): each role seeks its own index,
/// where their alternatives together would read every figure.
pub(super) fn observation_count_statement<'a>(
    prefix: &str,
    filter: &'a ObservationFilter,
) -> QueryBuilder<'a, Sqlite> {
    if filter.roles.len() < 2 {
        let mut query = QueryBuilder::<Sqlite>::new(format!("{prefix}SELECT COUNT(*) FROM"));
        push_figures(&mut query, filter);
        query.push(" WHERE 1 = 1");
        push_observation_filters(&mut query, filter, FilterUse::Count);
        return query;
    }
    let mut query = QueryBuilder::<Sqlite>::new(format!("{prefix}SELECT "));
    for (index, role) in filter.roles.iter().enumerate() {
        if index > 0 {
            query.push(" + ");
        }
        query.push("(SELECT COUNT(*) FROM");
        push_figures(&mut query, filter);
        query.push(" WHERE 1 = 1");
        push_filters_in_roles(
            &mut query,
            filter,
            FilterUse::Count,
            std::slice::from_ref(role),
        );
        query.push(")");
    }
    query
}

/// Figures matching `filter` in `order`: sorted, after or before a keyset row, up to a limit.
/// Rows read backwards (before a keyset) come nearest-first; the caller puts them back in order.
pub async fn observations_ordered<'e>(
    executor: impl sqlx::SqliteExecutor<'e>,
    filter: &ObservationFilter,
    order: &ObservationOrder,
) -> sqlx::Result<Vec<Observation>> {
    observations_page(executor, filter, order, None).await
}

/// [`observations_ordered`] for a filter known to keep `matching` figures (see
/// [`observation_page_statement`]).
pub async fn observations_page<'e>(
    executor: impl sqlx::SqliteExecutor<'e>,
    filter: &ObservationFilter,
    order: &ObservationOrder,
    matching: Option<usize>,
) -> sqlx::Result<Vec<Observation>> {
    let mut query = observation_page_statement("", filter, order, matching);
    let rows = query.build().fetch_all(executor).await?;
    rows.iter().map(figure_from_row).collect()
}

/// The statement of [`observations_ordered`], read one figure at a time as a stream, so a
/// whole table can be read (the export, to a file or a client) without holding it.
pub struct ObservationRows<'a>(QueryBuilder<'a, Sqlite>);

impl<'a> ObservationRows<'a> {
    pub fn new(filter: &'a ObservationFilter, order: &'a ObservationOrder) -> Self {
        ObservationRows(observation_list_statement("", filter, order))
    }

    /// The figures, each as SQLite returns it.
    pub fn fetch<'s, 'c: 's>(
        &'s mut self,
        executor: impl sqlx::SqliteExecutor<'c> + 's,
    ) -> impl futures_util::Stream<Item = sqlx::Result<Observation>> + Send + 's {
        use futures_util::StreamExt;
        self.0
            .build()
            .fetch(executor)
            .map(|row| row.and_then(|row| figure_from_row(&row)))
    }
}

/// The vintage `as_of` reads: the time of the last revision recorded by then (a revision is
/// stamped with its import's time, so only import times matter), and the time of the last
/// revision of all. Reading as of the first is reading as of `as_of`; when both are the same,
/// every figure's latest state is its state then. `None` for the first: nothing was recorded
/// by then. Two seeks of `observation_revisions_recorded_at` (migration 0004).
pub async fn vintage<'e>(
    executor: impl sqlx::SqliteExecutor<'e>,
    as_of: &str,
) -> sqlx::Result<(Option<String>, Option<String>)> {
    sqlx::query_as(
        "SELECT (SELECT max(recorded_at) FROM observation_revisions WHERE recorded_at <= ?),
                (SELECT max(recorded_at) FROM observation_revisions)",
    )
    .bind(as_of)
    .fetch_one(executor)
    .await
}

/// The ids of the figures retracted after `moment` (canonical UTC): what a delta marks.
pub async fn retracted_after<'e>(
    executor: impl sqlx::SqliteExecutor<'e>,
    moment: &str,
) -> sqlx::Result<std::collections::HashSet<String>> {
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM observations WHERE retracted = 1 AND recorded_at > ?")
            .bind(moment)
            .fetch_all(executor)
            .await?;
    Ok(ids.into_iter().collect())
}

/// How many figures match `filter`.
pub async fn count_observations<'e>(
    executor: impl sqlx::SqliteExecutor<'e>,
    filter: &ObservationFilter,
) -> sqlx::Result<usize> {
    let mut query = observation_count_statement("", filter);
    let count: i64 = query.build_query_scalar().fetch_one(executor).await?;
    Ok(count as usize)
}

/// Which figures [`related_observations`] reads: figures that point at others, the figures
/// they point at, and figures named outright. What the analytics read, whatever else is stored.
#[derive(Debug, Default, Clone)]
pub struct RelatedFigures {
    /// Printed equivalents (figures with `equivalent_of`) and the figures they convert.
    pub equivalents: bool,
    /// Repeats (figures with `restates`) and the figures they repeat.
    pub restatements: bool,
    /// Figures with these ids.
    pub ids: Vec<String>,
    /// Figures of these indicators.
    pub indicators: Vec<String>,
}

/// The statement of [`related_observations`], after `prefix`; `None` when nothing is asked for.
/// Each part finds its figures through an index (0006 for the links), and the figures are then
/// read by id, so the cost is the figures', not the table's.
pub(super) fn related_observations_statement<'a>(
    prefix: &str,
    related: &'a RelatedFigures,
    language: Language,
) -> Option<QueryBuilder<'a, Sqlite>> {
    let mut parts: Vec<&str> = Vec::new();
    if related.equivalents {
        parts.extend([
            "SELECT id FROM observations WHERE retracted = 0 AND equivalent_of IS NOT NULL",
            "SELECT equivalent_of FROM observations WHERE retracted = 0 AND equivalent_of IS NOT NULL",
        ]);
    }
    if related.restatements {
        parts.extend([
            "SELECT id FROM observations WHERE retracted = 0 AND restates IS NOT NULL",
            "SELECT restates FROM observations WHERE retracted = 0 AND restates IS NOT NULL",
        ]);
    }
    if parts.is_empty() && related.ids.is_empty() && related.indicators.is_empty() {
        return None;
    }
    let mut query =
        QueryBuilder::<Sqlite>::new(format!("{prefix}{}", observation_columns(language)));
    query.push(" FROM");
    push_figures(&mut query, &NO_FILTER);
    query.push(OBSERVATION_JOINS);
    query.push(" AND o.id IN (");
    query.push(parts.join(" UNION ALL "));
    let mut union = !parts.is_empty();
    for (values, select) in [
        (&related.ids, "SELECT id FROM observations WHERE id IN ("),
        (
            &related.indicators,
            "SELECT id FROM observations WHERE retracted = 0 AND indicator_id IN (",
        ),
    ] {
        if values.is_empty() {
            continue;
        }
        if union {
            query.push(" UNION ALL ");
        }
        union = true;
        query.push(select);
        let mut list = query.separated(", ");
        for value in values {
            list.push_bind(value.as_str());
        }
        query.push(")");
    }
    query.push(") ORDER BY o.position");
    Some(query)
}

/// The figures `related` selects that are not retracted, in the order the source prints them,
/// names in `language`.
pub async fn related_observations(
    pool: &SqlitePool,
    related: &RelatedFigures,
    language: Language,
) -> sqlx::Result<Vec<Observation>> {
    let Some(mut query) = related_observations_statement("", related, language) else {
        return Ok(Vec::new());
    };
    let rows = query.build().fetch_all(pool).await?;
    rows.iter().map(figure_from_row).collect()
}

#[cfg(test)]
mod tests;
