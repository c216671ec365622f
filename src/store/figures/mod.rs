//! Figure reads: the filters a query gives, keyset pages in any sort order, counts, rows
//! streamed one at a time, and the related figures the analytics read.

use std::sync::LazyLock;

use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};

use crate::domain::figure::column::Kind;
use crate::domain::figure::{FigureRole, Observation, COLUMNS};
use crate::domain::language::Language;

mod count;
mod extent;
mod facets;
mod filter;
mod keyset;
mod margin;
mod presented;
mod relation;
mod row;
mod walk;

pub use count::count_observations;
pub(in crate::store) use count::observation_count_statement;
use extent::push_indicator_extent;
pub use facets::*;
pub use filter::*;
use keyset::push_keyset;
use relation::{
    push_added_by, push_figures, push_latest_figures, push_vintage_part, PartOrder, VintagePart,
    VINTAGE_PARTS,
};
pub use relation::{vintage, VintageTimes};
pub(in crate::store) use row::*;

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
    figures_statement(prefix, "", filter, order, None)
}

/// [`observation_list_statement`] for a filter known to keep `matching` figures (its total):
/// a sorted page of a [`BROAD`] filter walks the sort key's index, one of few sorts them.
/// Each row ends with the data version the statement read (see [`observations_page_read_at`]).
pub fn observation_page_statement<'a>(
    prefix: &str,
    filter: &'a ObservationFilter,
    order: &'a ObservationOrder,
    matching: Option<usize>,
) -> QueryBuilder<'a, Sqlite> {
    static DATA_VERSION: LazyLock<String> =
        LazyLock::new(|| format!(", ({})", super::imports::LAST_IMPORT_ID));
    figures_statement(prefix, &DATA_VERSION, filter, order, matching)
}

/// The figures `filter` keeps in `order`, each row its [`observation_columns`] then `after`.
fn figures_statement<'a>(
    prefix: &str,
    after: &str,
    filter: &'a ObservationFilter,
    order: &'a ObservationOrder,
    matching: Option<usize>,
) -> QueryBuilder<'a, Sqlite> {
    let mut query = QueryBuilder::<Sqlite>::new(format!(
        "{prefix}{}{after}",
        observation_columns(order.language)
    ));
    query.push(" FROM");
    if let (Some(moment), None) = (filter.as_of.as_deref(), &filter.updated_after) {
        push_vintage_page(&mut query, filter, order, moment, matching);
        query.push(OBSERVATION_JOINS);
        // The page's rows, sorted again once joined: a handful.
        push_order(&mut query, order, filter.exchange, Ordering::Page);
        return query;
    }
    // A delta's relation is not an index's: nothing to choose there.
    let mut usage = page_usage(order, matching.filter(|_| filter.updated_after.is_none()));
    let by_indicator = extent::ids_by_indicator(filter, order, usage);
    if let FilterUse::Page { indicator_runs, .. } = &mut usage {
        *indicator_runs |= by_indicator;
    }
    if let Some(year) = spanning_split(filter, usage) {
        push_spanning_split_page(&mut query, filter, order, usage, year);
        query.push(OBSERVATION_JOINS);
        push_order(&mut query, order, filter.exchange, Ordering::Page);
        return query;
    }
    let walked = walk::bounded_walk(filter, order, usage);
    if let FilterUse::Page {
        indicator_by_region,
        ..
    } = &mut usage
    {
        *indicator_by_region = walked.is_some_and(walk::seeks_indicator);
    }
    match walked {
        Some(index) => push_latest_figures(&mut query, Some(index)),
        None => push_figures(&mut query, filter),
    }
    query.push(OBSERVATION_JOINS);
    push_observation_filters(&mut query, filter, usage);
    if by_indicator {
        extent::push_ids_bound(&mut query, filter, order, usage);
    } else {
        push_indicator_extent(&mut query, filter, order, usage);
    }
    let ordering = if order_off_index(filter, order, usage) || by_indicator {
        Ordering::OffIndex
    } else {
        Ordering::Index
    };
    if let Some(keyset) = &order.keyset {
        let off_index = ordering == Ordering::OffIndex;
        push_keyset(&mut query, order, keyset, filter.exchange, off_index);
    }
    let first_descending = matches!(
        usage,
        FilterUse::Page {
            descending: true,
            ..
        }
    );
    presented::push_candidates(&mut query, filter, order, usage, first_descending);
    push_order(&mut query, order, filter.exchange, ordering);
    if let Some(limit) = order.limit {
        query.push(" LIMIT ").push_bind(limit as i64);
    }
    query
}

/// How a page uses its filters: its first sort key, its direction on this page, and whether
/// the filter keeps many figures when its total (`matching`) is known.
fn page_usage(order: &ObservationOrder, matching: Option<usize>) -> FilterUse {
    let before = order.keyset.as_ref().is_some_and(|keyset| keyset.before);
    FilterUse::Page {
        first_key: order.keys.first().map(|(name, _)| *name),
        descending: order
            .keys
            .first()
            .is_some_and(|(_, descending)| *descending != before),
        broad: matching.map(|matching| matching > BROAD),
        indicator_runs: matches!(
            order.keys.as_slice(),
            [("indicator", _)] | [("indicator", false), ("period", true)]
        ),
        indicator_by_region: false,
    }
}

/// Whether a page's order must stay off every index. A printed equivalent or a restatement is
/// found through its link's index (0006), a range (`IS NOT NULL`) that SQLite, without
/// statistics, guesses keeps many figures: so it walked the page's order instead (source
/// order, or the sort key's index), through every figure for the handful there are. When the
/// total says they are few, `+` keeps the order off every index: the links' index finds them,
/// and they are sorted. So with a bound on the amount (`min`, `max`) keeping few figures,
/// sorted by anything but the amount: a range SQLite guesses keeps a quarter of the table, so
/// it walked the page's order, where the amounts' index finds them (large amounts are the
/// recent periods: `min=…&sort=period` read most of a million figures). And a series sorted
/// by amount, or by region then amount.
fn order_off_index(filter: &ObservationFilter, order: &ObservationOrder, usage: FilterUse) -> bool {
    let FilterUse::Page {
        first_key,
        broad: Some(false),
        ..
    } = usage
    else {
        return false;
    };
    let links_asked = filter
        .roles
        .iter()
        .any(|role| matches!(role, FigureRole::Equivalent | FigureRole::Restatement));
    // Money in another currency has its own candidates ([`presented`]).
    let amount_bounded =
        filter.bounds_amount() && filter.exchange.is_none() && first_key != Some("value");
    // A series (indicators and regions named) by amount, or by region then amount
    // (`-region,value`): SQLite walked one region's amounts (0013's or 0018's index in page
    // order, 30,000 of a million figures) checking the indicator, where the series index
    // (0005) finds its few hundred figures to sort. By region alone, the walk in source order
    // reaches a page sooner than the sort.
    let series_by_amount = !filter.indicators.is_empty()
        && !filter.regions.is_empty()
        && matches!(
            order.keys.as_slice(),
            [("value", _), ..] | [("region", _), ("value", _), ..]
        );
    links_asked || amount_bounded || series_by_amount
}

/// What a page's `ORDER BY` names: the sort expressions of `o`, through its indexes or off
/// them (`+`), or the columns `sort_0`, `sort_1`... a vintage's page selects them as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ordering {
    Index,
    OffIndex,
    /// The compound SELECT of a vintage's page: its own columns, unqualified.
    Compound,
    /// Rows of a vintage's page, by the columns it selected.
    Page,
}

/// ` ORDER BY` the page's sort keys, then source order, each in this page's direction.
fn push_order(
    query: &mut QueryBuilder<'_, Sqlite>,
    order: &ObservationOrder,
    exchange: Option<crate::domain::analytics::conversion::Exchange>,
    ordering: Ordering,
) {
    let before = order.keyset.as_ref().is_some_and(|keyset| keyset.before);
    let direction = |descending: bool| if descending != before { "DESC" } else { "ASC" };
    query.push(" ORDER BY ");
    for (index, (name, descending)) in order.keys.iter().enumerate() {
        match ordering {
            Ordering::Index => SortExpression::of(name, exchange).push(query),
            Ordering::OffIndex => {
                query.push("+");
                SortExpression::of(name, exchange).push(query);
            }
            Ordering::Compound => {
                query.push(format_args!("sort_{index}"));
            }
            Ordering::Page => {
                query.push(format_args!("o.sort_{index}"));
            }
        }
        query.push(format_args!(" {}, ", direction(*descending)));
    }
    let position = match ordering {
        Ordering::Index | Ordering::Page => "o.position",
        Ordering::OffIndex => "+o.position",
        Ordering::Compound => "sort_position",
    };
    query.push(format_args!("{position} {}", direction(false)));
}

/// A page of the vintage at `moment` as the relation `o` (with each sort key's value as
/// `sort_0`, `sort_1`..., and `sort_position`): a compound SELECT of its two parts, each
/// filtered, after the cursor and in page order, which SQLite merges (each part read through
/// an index in page order, stopping after a page) and cuts to the page.
fn push_vintage_page<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    filter: &'a ObservationFilter,
    order: &'a ObservationOrder,
    moment: &'a str,
    matching: Option<usize>,
) {
    query.push(" (");
    for (index, part) in VINTAGE_PARTS.into_iter().enumerate() {
        if index > 0 {
            query.push(" UNION ALL ");
        }
        // The unchanged figures are the latest state's, read as their pages are; the figures
        // changed since, through the index of their own in page order.
        let usage = page_usage(order, matching.filter(|_| part == VintagePart::Unchanged));
        push_compound_arm_columns(query, order, filter, order_off_index(filter, order, usage));
        query.push(" FROM");
        let sort = order
            .keys
            .first()
            .map(|(name, _)| SortExpression::of(name, filter.exchange));
        push_vintage_part(query, part, moment, PartOrder::Page(sort));
        query.push(" WHERE 1 = 1");
        push_added_by(query, filter, moment, order.keys.is_empty());
        push_observation_filters(query, filter, usage);
        if let Some(keyset) = &order.keyset {
            push_keyset(query, order, keyset, filter.exchange, false);
        }
    }
    push_compound_end(query, order, filter);
}

/// The columns of one arm of a compound page ([`push_vintage_page`],
/// [`push_spanning_split_page`]): the figure, each sort key's value as `sort_0`, `sort_1`...,
/// and its source position as `sort_position`, which the compound's `ORDER BY` names
/// ([`Ordering::Compound`]). `off_index` keeps the arm's order off every index (`+`).
fn push_compound_arm_columns(
    query: &mut QueryBuilder<'_, Sqlite>,
    order: &ObservationOrder,
    filter: &ObservationFilter,
    off_index: bool,
) {
    let plus = if off_index { "+" } else { "" };
    query.push("SELECT o.*");
    for (key, (name, _)) in order.keys.iter().enumerate() {
        query.push(format_args!(", {plus}"));
        SortExpression::of(name, filter.exchange).push(query);
        query.push(format_args!(" AS sort_{key}"));
    }
    query.push(format_args!(", {plus}o.position AS sort_position"));
}

/// The end of a compound page: its arms merged in page order, cut to the page, as `o`.
fn push_compound_end(
    query: &mut QueryBuilder<'_, Sqlite>,
    order: &ObservationOrder,
    filter: &ObservationFilter,
) {
    push_order(query, order, filter.exchange, Ordering::Compound);
    if let Some(limit) = order.limit {
        query.push(" LIMIT ").push_bind(limit as i64);
    }
    query.push(") o");
}

/// A page by period of a filter split at `year` ([`spanning_split`]) as the relation `o`
/// (with each sort key's value as `sort_0`, `sort_1`..., and `sort_position`): a compound
/// SELECT of the figures whose period starts in `year` or later (a range of the sort key's
/// index, each figure checked) and of those that started before and span into it (the
/// partial index of spanning periods, 0014), each filtered, after the cursor and in page
/// order, which SQLite merges and cuts to the page. The two never hold the same figure: a
/// period's sort key is its start's text, the start year first.
fn push_spanning_split_page<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    filter: &'a ObservationFilter,
    order: &'a ObservationOrder,
    usage: FilterUse,
    year: i32,
) {
    // The years are checked on each row of both parts, never looked up on their index.
    let usage = match usage {
        FilterUse::Page {
            first_key,
            descending,
            indicator_runs,
            indicator_by_region,
            ..
        } => FilterUse::Page {
            first_key,
            descending,
            broad: Some(true),
            indicator_runs,
            indicator_by_region,
        },
        FilterUse::Count => usage,
    };
    let start = format!("{year:04}");
    query.push(" (");
    for spanning in [false, true] {
        if spanning {
            query.push(" UNION ALL ");
        }
        push_compound_arm_columns(query, order, filter, false);
        query.push(" FROM");
        if spanning {
            query
                .push(
                    " (SELECT rowid AS position, * FROM observations \
                     INDEXED BY observations_spanning_period \
                     WHERE retracted = 0 AND period_start_year < period_end_year) o \
                     WHERE o.period_sort_key < ",
                )
                .push_bind(start.clone());
        } else {
            push_figures(query, filter);
            query
                .push(" WHERE o.period_sort_key >= ")
                .push_bind(start.clone());
        }
        push_observation_filters(query, filter, usage);
        if let Some(keyset) = &order.keyset {
            push_keyset(query, order, keyset, filter.exchange, false);
        }
    }
    push_compound_end(query, order, filter);
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
    let (figures, _) = observations_page_read_at(executor, filter, order, matching).await?;
    Ok(figures)
}

/// [`observations_page`], and the data version (the id of the last import) its statement read
/// them at: one statement reads one state of the data, so the two agree without a transaction
/// around them. `None` for an empty page, which reads no version.
pub async fn observations_page_read_at<'e>(
    executor: impl sqlx::SqliteExecutor<'e>,
    filter: &ObservationFilter,
    order: &ObservationOrder,
    matching: Option<usize>,
) -> sqlx::Result<(Vec<Observation>, Option<i64>)> {
    let mut query = observation_page_statement("", filter, order, matching);
    let rows = query.build().fetch_all(executor).await?;
    // Sized once: collected through `Result`, the vector would grow (and copy its figures,
    // a kilobyte each) as it filled.
    let mut figures = Vec::with_capacity(rows.len());
    for row in &rows {
        figures.push(figure_from_row(row)?);
    }
    // The same on every row, after the figure's columns: read once.
    let read_at = match rows.last() {
        Some(row) => Some(row.try_get::<i64, _>(row.len() - 1)?),
        None => None,
    };
    Ok((figures, read_at))
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
