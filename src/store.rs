//! The data layer: every SQL statement of the service lives here. Handlers call these functions
//! and never see SQL. Filters are bound as parameters, never formatted into the statement.

use serde::Serialize;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use crate::domain::entity::Entity;
use crate::domain::figure::{
    Change, ImportReference, Observation, Period, PeriodKind, Provenance, Qualifier, Reference,
    Revision, RevisionStamp, Scale, SourceReference, Speaker, Unit,
};

/// The table of each kind of entity; a table name in SQL comes from here, never from a client.
impl Entity {
    fn table(self) -> &'static str {
        match self {
            Entity::Region => "regions",
            Entity::Cluster => "clusters",
            Entity::ClusterGroup => "cluster_groups",
            Entity::Company => "companies",
            Entity::CityPlan => "city_plans",
            Entity::Speaker => "speakers",
            Entity::Source => "sources",
            Entity::Indicator => "indicators",
            Entity::Facility => "facilities",
            Entity::Observation => "observations",
        }
    }
}

/// Every id of one kind of entity, in id order.
pub async fn ids(pool: &SqlitePool, entity: Entity) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(&format!("SELECT id FROM {} ORDER BY id", entity.table()))
        .fetch_all(pool)
        .await
}

pub async fn exists(pool: &SqlitePool, entity: Entity, id: &str) -> sqlx::Result<bool> {
    let sql = format!(
        "SELECT EXISTS (SELECT 1 FROM {} WHERE id = ?)",
        entity.table()
    );
    sqlx::query_scalar(&sql).bind(id).fetch_one(pool).await
}

/// Which figures to return. Every non-empty field narrows the result; several values in one
/// field are alternatives (`region` = guangdong or greater-bay-area).
#[derive(Debug, Default, Clone)]
pub struct ObservationFilter {
    pub ids: Vec<String>,
    pub indicators: Vec<String>,
    pub regions: Vec<String>,
    pub clusters: Vec<String>,
    pub cluster_groups: Vec<String>,
    pub companies: Vec<String>,
    pub city_plans: Vec<String>,
    pub speakers: Vec<String>,
    pub sources: Vec<String>,
    pub concepts: Vec<String>,
    pub topics: Vec<String>,
    pub units: Vec<String>,
    pub qualifiers: Vec<String>,
    /// Figures whose period overlaps any of these calendar years.
    pub years: Vec<i32>,
    /// Figures whose period overlaps `from..=to` (either bound may be open).
    pub from: Option<i32>,
    pub to: Option<i32>,
    /// Bounds on `value_in_units`, inclusive.
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Only figures that belong to some cluster or cluster group.
    pub any_cluster: bool,
    /// Read the figures as they were known at this moment (canonical UTC, see
    /// [`crate::domain::timestamp`]) instead of their latest state.
    pub as_of: Option<String>,
}

/// A sort key of the observation lists, and the SQL expression it orders by.
pub fn observation_sort_column(name: &str) -> Option<&'static str> {
    match name {
        "id" => Some("o.id"),
        "period" => Some("o.period_sort_key"),
        "value" => Some("o.value_in_units"),
        "indicator" => Some("o.indicator_id"),
        "region" => Some("o.region_id"),
        _ => None,
    }
}

/// A keyset position: the sort-key values and rowid of one row, and which side to read.
#[derive(Debug, Clone)]
pub struct Keyset {
    pub values: Vec<serde_json::Value>,
    pub position: i64,
    pub before: bool,
}

/// Sorting and paging of an observation query. Ties always break on source order (rowid).
#[derive(Debug, Clone, Default)]
pub struct ObservationOrder {
    /// (column name as accepted by [`observation_sort_column`], descending)
    pub keys: Vec<(&'static str, bool)>,
    pub keyset: Option<Keyset>,
    pub limit: Option<usize>,
}

fn push_any_of<'a>(query: &mut QueryBuilder<'a, Sqlite>, column: &str, values: &'a [String]) {
    if values.is_empty() {
        return;
    }
    query.push(format_args!(" AND {column} IN ("));
    let mut list = query.separated(", ");
    for value in values {
        list.push_bind(value.as_str());
    }
    query.push(")");
}

/// Figures whose indicator has one of `values` in `column` (concept, topic). A subquery on the
/// small catalogue rather than a join, so figures are still found through an index on
/// `indicator_id` (`indicator` is that column, or `+o.indicator_id` to keep it off the index)
/// and a count needs no join at all.
fn push_indicator_any_of<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    indicator: &str,
    column: &str,
    values: &'a [String],
) {
    if values.is_empty() {
        return;
    }
    query.push(format_args!(
        " AND {indicator} IN (SELECT id FROM indicators WHERE {column} IN ("
    ));
    let mut list = query.separated(", ");
    for value in values {
        list.push_bind(value.as_str());
    }
    query.push("))");
}

/// Which statement filters go into: a count, or a page (in source order or sorted by a key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FilterUse {
    Count,
    Page { sorted: bool },
}

fn push_observation_filters<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    filter: &'a ObservationFilter,
    usage: FilterUse,
) {
    push_any_of(query, "o.id", &filter.ids);
    push_any_of(query, "o.indicator_id", &filter.indicators);
    push_any_of(query, "o.region_id", &filter.regions);
    push_any_of(query, "o.cluster_id", &filter.clusters);
    push_any_of(query, "o.cluster_group_id", &filter.cluster_groups);
    push_any_of(query, "o.company_id", &filter.companies);
    push_any_of(query, "o.city_plan_id", &filter.city_plans);
    push_any_of(query, "o.speaker_id", &filter.speakers);
    push_any_of(query, "o.source_id", &filter.sources);
    push_indicator_any_of(query, "o.indicator_id", "concept", &filter.concepts);
    // Unit, qualifier and topic take one of a handful of words, so a value usually keeps a
    // large share of the figures. A count finds them through their index, and so does a page
    // in source order that the index hands out in that order (unit, qualifier). Any other page
    // checks them on each row while it walks its own order's index, stopping after a page:
    // sorting a large share of the table would cost far more, and SQLite, planning without
    // statistics, would choose that sort. A `+` keeps a column off its index.
    let (unit, qualifier, topic) = match usage {
        FilterUse::Count => ("o.unit", "o.qualifier", "o.indicator_id"),
        FilterUse::Page { sorted: false } => ("o.unit", "o.qualifier", "+o.indicator_id"),
        FilterUse::Page { sorted: true } => ("+o.unit", "+o.qualifier", "+o.indicator_id"),
    };
    push_indicator_any_of(query, topic, "topic", &filter.topics);
    push_any_of(query, unit, &filter.units);
    push_any_of(query, qualifier, &filter.qualifiers);
    // `period_start_year` and `period_end_year` (migration 0005) are the years a period starts
    // and ends; an open end takes the other end's year, and a period with no year has neither.
    if let (Some(first), Some(last)) = (filter.years.iter().min(), filter.years.iter().max()) {
        // A period overlaps a year when it starts no later and ends no earlier; a period with
        // no year at all never matches. Overlapping any of the years, it ends no earlier than
        // the first and starts no later than the last: bounds an index can seek on. Together
        // they keep a year or a few out of decades, which SQLite, planning without statistics,
        // is told with `likelihood` (else it would walk the whole table in page order, looking
        // for them); the years asked for are mostly recent ones, so the end bound is the
        // narrower, and the index on (period_end_year, period_start_year) checks both.
        query
            .push(" AND likelihood(o.period_end_year >= ")
            .push_bind(*first)
            .push(", 0.1) AND likelihood(o.period_start_year <= ")
            .push_bind(*last)
            .push(", 0.5)");
        if filter.years.len() > 1 {
            query.push(" AND (");
            for (index, year) in filter.years.iter().enumerate() {
                if index > 0 {
                    query.push(" OR ");
                }
                query
                    .push("(o.period_start_year <= ")
                    .push_bind(*year)
                    .push(" AND o.period_end_year >= ")
                    .push_bind(*year)
                    .push(")");
            }
            query.push(")");
        }
    }
    if let Some(to) = filter.to {
        query.push(" AND o.period_start_year <= ").push_bind(to);
    }
    if let Some(from) = filter.from {
        query.push(" AND o.period_end_year >= ").push_bind(from);
    }
    if let Some(min) = filter.min {
        query.push(" AND o.value_in_units >= ").push_bind(min);
    }
    if let Some(max) = filter.max {
        query.push(" AND o.value_in_units <= ").push_bind(max);
    }
    if filter.any_cluster {
        query.push(" AND (o.cluster_id IS NOT NULL OR o.cluster_group_id IS NOT NULL)");
    }
}

fn push_value(query: &mut QueryBuilder<'_, Sqlite>, value: &serde_json::Value) {
    match value {
        serde_json::Value::Number(number) => query.push_bind(number.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(text) => query.push_bind(text.clone()),
        other => query.push_bind(other.to_string()),
    };
}

/// A keyset value: a sort key's value, or the row's position (bound as an integer, as rowid is).
enum KeysetValue<'a> {
    Key(&'a serde_json::Value),
    Position(i64),
}

fn push_keyset_value(query: &mut QueryBuilder<'_, Sqlite>, value: &KeysetValue<'_>) {
    match value {
        KeysetValue::Key(value) => push_value(query, value),
        KeysetValue::Position(position) => {
            query.push_bind(*position);
        }
    }
}

/// Rows strictly after (or before) the keyset row in the order `(k1, k2, ..., position)`, so a
/// page deep in the list costs what the first one does:
/// * when every column runs the same way (all ascending, or all descending, on this page) it
///   is one row-value comparison `(k1, ..., position) > (v1, ..., p)`, which SQLite turns into
///   a seek on the sort key's index;
/// * with mixed directions it is the expansion `k1 > v1 OR (k1 = v1 AND k2 < v2) OR ...`,
///   behind a redundant bound `k1 >= v1` that lets the index seek to the first key's value;
///   only rows tied on it are then read and skipped.
fn push_keyset(query: &mut QueryBuilder<'_, Sqlite>, order: &ObservationOrder, keyset: &Keyset) {
    // Each column with whether this page's rows hold greater values in it than the keyset row.
    let columns: Vec<(&str, bool)> = order
        .keys
        .iter()
        .map(|(name, descending)| {
            let column = observation_sort_column(name).unwrap_or("o.id");
            (column, *descending == keyset.before)
        })
        .chain(std::iter::once(("o.position", !keyset.before)))
        .collect();
    let values: Vec<KeysetValue> = keyset
        .values
        .iter()
        .map(KeysetValue::Key)
        .chain(std::iter::once(KeysetValue::Position(keyset.position)))
        .collect();
    let operator = |greater: bool| if greater { ">" } else { "<" };
    let first_greater = columns[0].1;
    if columns.iter().all(|(_, greater)| *greater == first_greater) {
        let names: Vec<&str> = columns.iter().map(|(column, _)| *column).collect();
        query.push(format_args!(
            " AND ({}) {} (",
            names.join(", "),
            operator(first_greater)
        ));
        for (index, value) in values.iter().enumerate() {
            if index > 0 {
                query.push(", ");
            }
            push_keyset_value(query, value);
        }
        query.push(")");
        return;
    }
    query.push(format_args!(
        " AND {} {}= ",
        columns[0].0,
        operator(first_greater)
    ));
    push_keyset_value(query, &values[0]);
    query.push(" AND (");
    for (index, (column, greater)) in columns.iter().enumerate() {
        if index > 0 {
            query.push(" OR ");
        }
        query.push("(");
        for ((tied, _), value) in columns.iter().zip(&values).take(index) {
            query.push(format_args!("{tied} = "));
            push_keyset_value(query, value);
            query.push(" AND ");
        }
        query.push(format_args!("{column} {} ", operator(*greater)));
        push_keyset_value(query, &values[index]);
        query.push(")");
    }
    query.push(")");
}

#[derive(sqlx::FromRow)]
struct ObservationRow {
    id: String,
    indicator_id: String,
    indicator_name: String,
    region_id: String,
    region_name: String,
    cluster_id: Option<String>,
    cluster_group_id: Option<String>,
    company_id: Option<String>,
    city_plan_id: Option<String>,
    value: f64,
    scale: Scale,
    unit: Unit,
    qualifier: Qualifier,
    stated: String,
    period_kind: PeriodKind,
    period_start: Option<String>,
    period_end: Option<String>,
    period_label: String,
    equivalent_of: Option<String>,
    restates: Option<String>,
    source_id: String,
    source_headline: String,
    section: String,
    speaker_id: Option<String>,
    speaker_name: Option<String>,
    speaker_title: Option<String>,
    speaker_organisation: Option<String>,
    cited_source: Option<String>,
    note: Option<String>,
    value_in_units: f64,
    period_sort_key: String,
    position: i64,
    revision: i64,
    recorded_at: String,
}

impl From<ObservationRow> for Observation {
    fn from(row: ObservationRow) -> Self {
        let speaker = match (
            row.speaker_id,
            row.speaker_name,
            row.speaker_title,
            row.speaker_organisation,
        ) {
            (Some(id), Some(name), Some(title), Some(organisation)) => Some(Speaker {
                id,
                name,
                title,
                organisation,
            }),
            _ => None,
        };
        Observation {
            value_in_units: row.value_in_units,
            currency: row.unit.currency_code().map(str::to_owned),
            conversion: None,
            period_sort_key: row.period_sort_key,
            position: row.position,
            id: row.id,
            indicator: Reference {
                id: row.indicator_id,
                name: row.indicator_name,
            },
            region: Reference {
                id: row.region_id,
                name: row.region_name,
            },
            cluster: row.cluster_id,
            cluster_group: row.cluster_group_id,
            company: row.company_id,
            city_plan: row.city_plan_id,
            value: row.value,
            scale: row.scale,
            unit: row.unit,
            qualifier: row.qualifier,
            stated: row.stated,
            period: Period {
                kind: row.period_kind,
                start: row.period_start,
                end: row.period_end,
                label: row.period_label,
            },
            equivalent_of: row.equivalent_of,
            restates: row.restates,
            provenance: Provenance {
                source: SourceReference {
                    id: row.source_id,
                    headline: row.source_headline,
                },
                section: row.section,
                speaker,
                cited_source: row.cited_source,
            },
            note: row.note,
            revision: RevisionStamp {
                number: row.revision,
                recorded_at: row.recorded_at,
            },
        }
    }
}

/// A revision's figure under the column names of `observations`, plus its number and time.
const REVISION_AS_FIGURE: &str = "\
cur.rowid AS position, v.observation_id AS id, v.indicator_id, v.region_id, v.cluster_id,
v.cluster_group_id, v.company_id, v.city_plan_id, v.value, v.scale, v.unit, v.qualifier,
v.stated, v.period_kind, v.period_start, v.period_end, v.period_label, v.equivalent_of,
v.restates, v.source_id, v.section, v.speaker_id, v.cited_source, v.note, v.value_in_units,
v.period_sort_key, v.period_start_year, v.period_end_year, v.number AS revision, v.recorded_at";

/// Where figures are read from, as a relation named `o` with the columns of `observations`
/// plus `position` (source order): the latest state of every figure not retracted, or each
/// figure's last revision recorded by `as_of`. Both keep a figure's place in source order.
fn push_figures<'a>(query: &mut QueryBuilder<'a, Sqlite>, as_of: Option<&'a str>) {
    match as_of {
        None => {
            query.push(" (SELECT rowid AS position, * FROM observations WHERE retracted = 0) o")
        }
        Some(moment) => query
            .push(format_args!(
                " (SELECT {REVISION_AS_FIGURE}
                  FROM observations cur
                  JOIN observation_revisions v ON v.observation_id = cur.id
                  WHERE v.change <> 'retracted' AND v.number = (
                      SELECT max(w.number) FROM observation_revisions w
                      WHERE w.observation_id = cur.id AND w.recorded_at <= "
            ))
            .push_bind(moment)
            .push(")) o"),
    };
}

const OBSERVATION_COLUMNS: &str = "\
SELECT o.id, o.indicator_id, i.name AS indicator_name, o.region_id, r.name AS region_name,
       o.cluster_id, o.cluster_group_id, o.company_id, o.city_plan_id,
       o.value, o.scale, o.unit, o.qualifier, o.stated,
       o.period_kind, o.period_start, o.period_end, o.period_label,
       o.equivalent_of, o.restates, o.source_id, s.headline AS source_headline, o.section,
       o.speaker_id, sp.name AS speaker_name, sp.title AS speaker_title,
       sp.organisation AS speaker_organisation, o.cited_source, o.note,
       CAST(o.value_in_units AS REAL) AS value_in_units, o.period_sort_key, o.position,
       o.revision, o.recorded_at";

const OBSERVATION_JOINS: &str = "
JOIN indicators i ON i.id = o.indicator_id
JOIN regions r ON r.id = o.region_id
JOIN sources s ON s.id = o.source_id
LEFT JOIN speakers sp ON sp.id = o.speaker_id
WHERE 1 = 1";

/// Figures matching `filter`, in the order the source prints them.
pub async fn observations(
    pool: &SqlitePool,
    filter: &ObservationFilter,
) -> sqlx::Result<Vec<Observation>> {
    observations_ordered(pool, filter, &ObservationOrder::default()).await
}

/// The statement of [`observations_ordered`], after `prefix` ("" or "EXPLAIN QUERY PLAN ").
fn observation_list_statement<'a>(
    prefix: &str,
    filter: &'a ObservationFilter,
    order: &'a ObservationOrder,
) -> QueryBuilder<'a, Sqlite> {
    let mut query = QueryBuilder::<Sqlite>::new(format!("{prefix}{OBSERVATION_COLUMNS}"));
    query.push(" FROM");
    push_figures(&mut query, filter.as_of.as_deref());
    query.push(OBSERVATION_JOINS);
    let sorted = !order.keys.is_empty();
    push_observation_filters(&mut query, filter, FilterUse::Page { sorted });
    let before = order.keyset.as_ref().is_some_and(|k| k.before);
    if let Some(keyset) = &order.keyset {
        push_keyset(&mut query, order, keyset);
    }
    query.push(" ORDER BY ");
    for (name, descending) in &order.keys {
        let column = observation_sort_column(name).unwrap_or("o.id");
        let direction = if *descending != before { "DESC" } else { "ASC" };
        query.push(format_args!("{column} {direction}, "));
    }
    query.push(if before {
        "o.position DESC"
    } else {
        "o.position ASC"
    });
    if let Some(limit) = order.limit {
        query.push(" LIMIT ").push_bind(limit as i64);
    }
    query
}

/// The statement of [`count_observations`], after `prefix`. No join: every filter is on the
/// figures themselves, so SQLite can count the entries of one index.
fn observation_count_statement<'a>(
    prefix: &str,
    filter: &'a ObservationFilter,
) -> QueryBuilder<'a, Sqlite> {
    let mut query = QueryBuilder::<Sqlite>::new(format!("{prefix}SELECT COUNT(*) FROM"));
    push_figures(&mut query, filter.as_of.as_deref());
    query.push(" WHERE 1 = 1");
    push_observation_filters(&mut query, filter, FilterUse::Count);
    query
}

/// Figures matching `filter` in `order`: sorted, after or before a keyset row, up to a limit.
/// Rows read backwards (before a keyset) come nearest-first; the caller puts them back in order.
pub async fn observations_ordered<'e>(
    executor: impl sqlx::SqliteExecutor<'e>,
    filter: &ObservationFilter,
    order: &ObservationOrder,
) -> sqlx::Result<Vec<Observation>> {
    let mut query = observation_list_statement("", filter, order);
    let rows: Vec<ObservationRow> = query.build_query_as().fetch_all(executor).await?;
    Ok(rows.into_iter().map(Observation::from).collect())
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
        use futures_util::TryStreamExt;
        self.0
            .build_query_as::<ObservationRow>()
            .fetch(executor)
            .map_ok(Observation::from)
    }
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

/// The two statements behind a page of figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObservationStatement {
    /// The page itself: [`observations_ordered`].
    List,
    /// Its total: [`count_observations`].
    Count,
}

/// How SQLite runs one statement: its SQL and the steps `EXPLAIN QUERY PLAN` reports, each
/// indented under the step it belongs to, as the sqlite3 shell prints them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryPlan {
    pub sql: String,
    pub steps: Vec<String>,
}

impl std::fmt::Display for QueryPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{}", self.sql)?;
        for step in &self.steps {
            writeln!(f, "  {step}")?;
        }
        Ok(())
    }
}

/// The plan of the very statement [`observations_ordered`] or [`count_observations`] runs for
/// `filter` and `order`: what the query-plan test checks, and where to start with a slow query.
pub async fn explain_observations(
    pool: &SqlitePool,
    filter: &ObservationFilter,
    order: &ObservationOrder,
    statement: ObservationStatement,
) -> sqlx::Result<QueryPlan> {
    let query = match statement {
        ObservationStatement::List => observation_list_statement(EXPLAIN, filter, order),
        ObservationStatement::Count => observation_count_statement(EXPLAIN, filter),
    };
    explain(pool, query).await
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
fn related_observations_statement<'a>(
    prefix: &str,
    related: &'a RelatedFigures,
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
    let mut query = QueryBuilder::<Sqlite>::new(format!("{prefix}{OBSERVATION_COLUMNS}"));
    query.push(" FROM");
    push_figures(&mut query, None);
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

/// The figures `related` selects that are not retracted, in the order the source prints them.
pub async fn related_observations(
    pool: &SqlitePool,
    related: &RelatedFigures,
) -> sqlx::Result<Vec<Observation>> {
    let Some(mut query) = related_observations_statement("", related) else {
        return Ok(Vec::new());
    };
    let rows: Vec<ObservationRow> = query.build_query_as().fetch_all(pool).await?;
    Ok(rows.into_iter().map(Observation::from).collect())
}

/// The plan of the statement [`related_observations`] runs; `None` when it runs none.
pub async fn explain_related_observations(
    pool: &SqlitePool,
    related: &RelatedFigures,
) -> sqlx::Result<Option<QueryPlan>> {
    let Some(query) = related_observations_statement(EXPLAIN, related) else {
        return Ok(None);
    };
    explain(pool, query).await.map(Some)
}

/// The prefix that makes a statement report its plan instead of its rows.
const EXPLAIN: &str = "EXPLAIN QUERY PLAN ";

/// Runs `query`, a statement behind [`EXPLAIN`], and reads its plan.
async fn explain(
    pool: &SqlitePool,
    mut query: QueryBuilder<'_, Sqlite>,
) -> sqlx::Result<QueryPlan> {
    let sql = query.sql()[EXPLAIN.len()..].to_owned();
    let rows: Vec<(i64, i64, i64, String)> = query.build_query_as().fetch_all(pool).await?;
    Ok(QueryPlan {
        sql,
        steps: plan_steps(rows),
    })
}

/// The rows of `EXPLAIN QUERY PLAN` as the sqlite3 shell prints them: each step indented
/// under the step it belongs to. Parents are listed before their children, so one pass finds
/// every step's depth; the top steps' parent (0) is no step.
fn plan_steps(rows: Vec<(i64, i64, i64, String)>) -> Vec<String> {
    let mut depths = std::collections::HashMap::new();
    rows.into_iter()
        .map(|(id, parent, _, detail)| {
            let depth = depths.get(&parent).map_or(0, |depth| depth + 1);
            depths.insert(id, depth);
            format!("{}{detail}", "  ".repeat(depth))
        })
        .collect()
}

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

/// The id of the last import; 0 when the data is the migrations' alone. Every import that
/// changes a figure records itself, so this moves exactly when the served data does.
pub async fn last_import_id<'e>(executor: impl sqlx::SqliteExecutor<'e>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM imports")
        .fetch_one(executor)
        .await
}

/// The distinct values of a text column of `indicators` (topics, concepts), for validation.
pub async fn indicator_values(
    pool: &SqlitePool,
    column: IndicatorColumn,
) -> sqlx::Result<Vec<String>> {
    let column = match column {
        IndicatorColumn::Topic => "topic",
        IndicatorColumn::Concept => "concept",
    };
    sqlx::query_scalar(&format!(
        "SELECT DISTINCT {column} FROM indicators ORDER BY {column}"
    ))
    .fetch_all(pool)
    .await
}

#[derive(Debug, Clone, Copy)]
pub enum IndicatorColumn {
    Topic,
    Concept,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RegionRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<String>,
    pub description: String,
}

/// Regions in source order; all of them, or one region's children.
pub async fn regions(pool: &SqlitePool, parent: Option<&str>) -> sqlx::Result<Vec<RegionRow>> {
    sqlx::query_as(
        "SELECT id, name, kind, parent_id, description FROM regions
         WHERE (?1 IS NULL OR parent_id = ?1) ORDER BY rowid",
    )
    .bind(parent)
    .fetch_all(pool)
    .await
}

pub async fn region(pool: &SqlitePool, id: &str) -> sqlx::Result<Option<RegionRow>> {
    sqlx::query_as("SELECT id, name, kind, parent_id, description FROM regions WHERE id = ?")
        .bind(id)
        .fetch_optional(pool)
        .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ClusterGroupRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub region_id: String,
    pub description: String,
}

pub async fn cluster_groups(pool: &SqlitePool) -> sqlx::Result<Vec<ClusterGroupRow>> {
    sqlx::query_as(
        "SELECT id, name, kind, region_id, description FROM cluster_groups ORDER BY rowid",
    )
    .fetch_all(pool)
    .await
}

pub async fn cluster_group(pool: &SqlitePool, id: &str) -> sqlx::Result<Option<ClusterGroupRow>> {
    sqlx::query_as("SELECT id, name, kind, region_id, description FROM cluster_groups WHERE id = ?")
        .bind(id)
        .fetch_optional(pool)
        .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ClusterRow {
    pub id: String,
    pub name: String,
    pub group_id: String,
    pub region_id: String,
    pub reached_year: Option<i64>,
    pub description: String,
}

const CLUSTER_SELECT: &str = "\
SELECT c.id, c.name, c.group_id, g.region_id, c.reached_year, c.description
FROM clusters c JOIN cluster_groups g ON g.id = c.group_id";

/// Clusters in source order; all of them, or one group's.
pub async fn clusters(pool: &SqlitePool, group: Option<&str>) -> sqlx::Result<Vec<ClusterRow>> {
    sqlx::query_as(&format!(
        "{CLUSTER_SELECT} WHERE (?1 IS NULL OR c.group_id = ?1) ORDER BY c.rowid"
    ))
    .bind(group)
    .fetch_all(pool)
    .await
}

pub async fn cluster(pool: &SqlitePool, id: &str) -> sqlx::Result<Option<ClusterRow>> {
    sqlx::query_as(&format!("{CLUSTER_SELECT} WHERE c.id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CityPlanRow {
    pub id: String,
    pub region_id: String,
    pub speaker_id: String,
    pub source_id: String,
    pub summary: String,
}

pub async fn city_plans(pool: &SqlitePool) -> sqlx::Result<Vec<CityPlanRow>> {
    sqlx::query_as(
        "SELECT id, region_id, speaker_id, source_id, summary FROM city_plans ORDER BY rowid",
    )
    .fetch_all(pool)
    .await
}

pub async fn city_plan(pool: &SqlitePool, id: &str) -> sqlx::Result<Option<CityPlanRow>> {
    sqlx::query_as(
        "SELECT id, region_id, speaker_id, source_id, summary FROM city_plans WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// The cluster groups each city plan names, as (city plan id, cluster group id) pairs.
pub async fn city_plan_cluster_groups(pool: &SqlitePool) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "SELECT city_plan_id, cluster_group_id FROM city_plan_cluster_groups ORDER BY rowid",
    )
    .fetch_all(pool)
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct IndicatorRow {
    pub id: String,
    pub name: String,
    pub topic: String,
    pub concept: String,
    pub measure: String,
    pub unit: Unit,
    pub description: String,
    pub observation_count: i64,
}

const INDICATOR_SELECT: &str = "\
SELECT i.id, i.name, i.topic, i.concept, i.measure, i.unit, i.description,
       (SELECT COUNT(*) FROM observations o
        WHERE o.indicator_id = i.id AND o.retracted = 0) AS observation_count
FROM indicators i";

pub async fn indicators(pool: &SqlitePool) -> sqlx::Result<Vec<IndicatorRow>> {
    sqlx::query_as(&format!("{INDICATOR_SELECT} ORDER BY i.rowid"))
        .fetch_all(pool)
        .await
}

pub async fn indicator(pool: &SqlitePool, id: &str) -> sqlx::Result<Option<IndicatorRow>> {
    sqlx::query_as(&format!("{INDICATOR_SELECT} WHERE i.id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SourceRow {
    pub id: String,
    pub publication: String,
    pub page: String,
    pub headline: String,
    pub byline: Option<String>,
    pub published: String,
    pub document: String,
    pub description: String,
}

const SOURCE_SELECT: &str =
    "SELECT id, publication, page, headline, byline, published, document, description FROM sources";

pub async fn sources(pool: &SqlitePool) -> sqlx::Result<Vec<SourceRow>> {
    sqlx::query_as(&format!("{SOURCE_SELECT} ORDER BY rowid"))
        .fetch_all(pool)
        .await
}

pub async fn source(pool: &SqlitePool, id: &str) -> sqlx::Result<Option<SourceRow>> {
    sqlx::query_as(&format!("{SOURCE_SELECT} WHERE id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SpeakerRow {
    pub id: String,
    pub name: String,
    pub title: String,
    pub organisation: String,
    pub region_id: String,
    pub figure_count: i64,
}

const SPEAKER_SELECT: &str = "\
SELECT sp.id, sp.name, sp.title, sp.organisation, sp.region_id,
       (SELECT COUNT(*) FROM observations o
        WHERE o.speaker_id = sp.id AND o.retracted = 0) AS figure_count
FROM speakers sp";

pub async fn speakers(pool: &SqlitePool) -> sqlx::Result<Vec<SpeakerRow>> {
    sqlx::query_as(&format!("{SPEAKER_SELECT} ORDER BY sp.rowid"))
        .fetch_all(pool)
        .await
}

pub async fn speaker(pool: &SqlitePool, id: &str) -> sqlx::Result<Option<SpeakerRow>> {
    sqlx::query_as(&format!("{SPEAKER_SELECT} WHERE sp.id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CompanyRow {
    pub id: String,
    pub name: String,
    pub region_id: String,
    pub description: String,
}

pub async fn companies(pool: &SqlitePool) -> sqlx::Result<Vec<CompanyRow>> {
    sqlx::query_as("SELECT id, name, region_id, description FROM companies ORDER BY rowid")
        .fetch_all(pool)
        .await
}

pub async fn company(pool: &SqlitePool, id: &str) -> sqlx::Result<Option<CompanyRow>> {
    sqlx::query_as("SELECT id, name, region_id, description FROM companies WHERE id = ?")
        .bind(id)
        .fetch_optional(pool)
        .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FacilityRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub region_id: String,
    pub source_id: String,
    pub speaker_id: Option<String>,
    pub description: String,
}

const FACILITY_SELECT: &str =
    "SELECT id, name, kind, region_id, source_id, speaker_id, description FROM facilities";

pub async fn facilities(pool: &SqlitePool) -> sqlx::Result<Vec<FacilityRow>> {
    sqlx::query_as(&format!("{FACILITY_SELECT} ORDER BY rowid"))
        .fetch_all(pool)
        .await
}

pub async fn facility(pool: &SqlitePool, id: &str) -> sqlx::Result<Option<FacilityRow>> {
    sqlx::query_as(&format!("{FACILITY_SELECT} WHERE id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// Names of every entity that other resources refer to by id, so that responses can carry
/// `{id, name}` references without a join per field.
pub async fn names(pool: &SqlitePool, entity: Entity) -> sqlx::Result<Vec<Reference>> {
    let sql = match entity {
        Entity::CityPlan => {
            "SELECT p.id, r.name FROM city_plans p JOIN regions r ON r.id = p.region_id".to_owned()
        }
        Entity::Source => "SELECT id, headline AS name FROM sources".to_owned(),
        other => format!("SELECT id, name FROM {}", other.table()),
    };
    let rows: Vec<(String, String)> = sqlx::query_as(&sql).fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| Reference { id, name })
        .collect())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SearchHit {
    pub kind: String,
    pub ref_id: String,
    pub title: String,
    pub snippet: String,
    pub rank: f64,
}

/// Ranked full-text hits for an FTS5 query (built by the caller from words only).
pub async fn search(pool: &SqlitePool, fts_query: &str) -> sqlx::Result<Vec<SearchHit>> {
    sqlx::query_as(
        "SELECT kind, ref_id,
                highlight(search_index, 2, '<mark>', '</mark>') AS title,
                snippet(search_index, 3, '<mark>', '</mark>', '…', 16) AS snippet,
                rank
         FROM search_index WHERE search_index MATCH ? ORDER BY rank, kind, ref_id",
    )
    .bind(fts_query)
    .fetch_all(pool)
    .await
}

// ---- Writes: only `import` (and migrations) change data, always through a new revision. ----

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

/// What an import validates against: every id a figure may refer to, and each indicator's unit.
#[derive(Debug, Default)]
pub struct Catalogue {
    pub indicators: std::collections::HashMap<String, String>,
    pub regions: std::collections::HashSet<String>,
    pub clusters: std::collections::HashSet<String>,
    pub cluster_groups: std::collections::HashSet<String>,
    pub companies: std::collections::HashSet<String>,
    pub city_plans: std::collections::HashSet<String>,
    pub sources: std::collections::HashSet<String>,
    pub speakers: std::collections::HashSet<String>,
}

pub async fn catalogue(pool: &SqlitePool) -> sqlx::Result<Catalogue> {
    let set = |entity| async move {
        ids(pool, entity)
            .await
            .map(|ids| ids.into_iter().collect::<std::collections::HashSet<_>>())
    };
    let indicators: Vec<(String, String)> = sqlx::query_as("SELECT id, unit FROM indicators")
        .fetch_all(pool)
        .await?;
    Ok(Catalogue {
        indicators: indicators.into_iter().collect(),
        regions: set(Entity::Region).await?,
        clusters: set(Entity::Cluster).await?,
        cluster_groups: set(Entity::ClusterGroup).await?,
        companies: set(Entity::Company).await?,
        city_plans: set(Entity::CityPlan).await?,
        sources: set(Entity::Source).await?,
        speakers: set(Entity::Speaker).await?,
    })
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

// ---- Synthetic data: `generate` adds its own catalogue beside the article's. ----

/// An indicator of the catalogue, as `generate` defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorDefinition {
    pub id: String,
    pub name: String,
    pub topic: String,
    pub concept: String,
    pub measure: String,
    pub unit: String,
    pub description: String,
}

/// The entities synthetic figures refer to: their source, their regions (parents first) and
/// their indicators. Imports never create entities, so `generate` adds these first.
#[derive(Debug, Clone)]
pub struct SyntheticCatalogue {
    pub source: SourceRow,
    pub regions: Vec<RegionRow>,
    pub indicators: Vec<IndicatorDefinition>,
}

/// How many entities [`add_synthetic_catalogue`] added (0 each when all were there).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CatalogueAdded {
    pub sources: u64,
    pub regions: u64,
    pub indicators: u64,
}

/// Adds the synthetic catalogue's missing entities, with their search entries, in one
/// transaction. Entities already stored (by id) are left as they are, so a second run adds
/// nothing. Touches no figure.
pub async fn add_synthetic_catalogue(
    pool: &SqlitePool,
    catalogue: &SyntheticCatalogue,
) -> sqlx::Result<CatalogueAdded> {
    let mut added = CatalogueAdded::default();
    let mut tx = pool.begin().await?;
    let source = &catalogue.source;
    added.sources = sqlx::query(
        "INSERT INTO sources (id, publication, page, headline, byline, published, document,
                              description)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&source.id)
    .bind(&source.publication)
    .bind(&source.page)
    .bind(&source.headline)
    .bind(&source.byline)
    .bind(&source.published)
    .bind(&source.document)
    .bind(&source.description)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    for region in &catalogue.regions {
        let inserted = sqlx::query(
            "INSERT INTO regions (id, name, kind, parent_id, description) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&region.id)
        .bind(&region.name)
        .bind(&region.kind)
        .bind(&region.parent_id)
        .bind(&region.description)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted > 0 {
            add_search_entry(
                &mut tx,
                "region",
                &region.id,
                &region.name,
                &region.description,
            )
            .await?;
        }
        added.regions += inserted;
    }
    for indicator in &catalogue.indicators {
        let inserted = sqlx::query(
            "INSERT INTO indicators (id, name, topic, concept, measure, unit, description)
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&indicator.id)
        .bind(&indicator.name)
        .bind(&indicator.topic)
        .bind(&indicator.concept)
        .bind(&indicator.measure)
        .bind(&indicator.unit)
        .bind(&indicator.description)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted > 0 {
            let (id, name) = (&indicator.id, &indicator.name);
            add_search_entry(&mut tx, "indicator", id, name, &indicator.description).await?;
        }
        added.indicators += inserted;
    }
    tx.commit().await?;
    Ok(added)
}

/// Makes a newly added entity findable by `/v1/search`, as migration 0003 did the article's.
async fn add_search_entry(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    kind: &str,
    id: &str,
    title: &str,
    body: &str,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO search_index (kind, ref_id, title, body) VALUES (?, ?, ?, ?)")
        .bind(kind)
        .bind(id)
        .bind(title)
        .bind(body)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// How many figures, retracted or not, name `source_id` as their source.
pub async fn figure_count_of_source(pool: &SqlitePool, source_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM observations WHERE source_id = ?")
        .bind(source_id)
        .fetch_one(pool)
        .await
}

/// The file names of recorded imports that start with `prefix`, in the order recorded.
pub async fn import_files_starting_with(
    pool: &SqlitePool,
    prefix: &str,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT file FROM imports WHERE substr(file, 1, length(?1)) = ?1 ORDER BY id",
    )
    .bind(prefix)
    .fetch_all(pool)
    .await
}
