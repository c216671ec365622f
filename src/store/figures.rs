//! Figure reads: the filters a query gives, keyset pages in any sort order, counts, rows
//! streamed one at a time, and the related figures the analytics read.

use std::sync::LazyLock;

use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};

use super::regions::push_within;
use crate::domain::analytics::conversion::{Currency, Exchange};
use crate::domain::figure::column::{CellSource, Check, Column, Kind, OwnedCell, Role, Word};
use crate::domain::figure::{FigureRole, Observation, COLUMNS};
use crate::domain::language::Language;

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
    /// Figures in any of these roles ([`push_roles`]).
    pub roles: Vec<FigureRole>,
    /// Figures whose period overlaps any of these calendar years.
    pub years: Vec<i32>,
    /// Figures whose period overlaps `from..=to` (either bound may be open).
    pub from: Option<i32>,
    pub to: Option<i32>,
    /// Bounds on `value_in_units`, inclusive (on the amount presented in the currency of
    /// `exchange`, when there is one).
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// The currency money is presented in, and at what rate (`?currency=`): `min`, `max` and
    /// `sort=value` compare the amounts as presented ([`presented_units`]).
    ///
    /// [`presented_units`]: crate::domain::analytics::conversion::presented_units
    pub exchange: Option<Exchange>,
    /// Only figures that belong to some cluster or cluster group.
    pub any_cluster: bool,
    /// Read the figures as they were known at this moment (canonical UTC, see
    /// [`crate::domain::timestamp`]) instead of their latest state.
    pub as_of: Option<String>,
    /// Figures of these regions or of a region inside one of them ([`push_within`]).
    pub within: Vec<String>,
}

/// A filter's fields as one comparable value: equal filters select the same figures, so the
/// totals memo can key on them. Bounds compare by their bits, which makes equality reflexive
/// and agree with the hash.
type FilterKey<'a> = (
    [&'a [String]; 14],
    &'a [FigureRole],
    &'a [i32],
    [Option<i32>; 2],
    [Option<u64>; 2],
    Option<(Currency, u64)>,
    bool,
    Option<&'a str>,
);

impl ObservationFilter {
    fn key(&self) -> FilterKey<'_> {
        // Taken apart field by field, so a field added to the filter must be added here.
        let ObservationFilter {
            ids,
            indicators,
            regions,
            clusters,
            cluster_groups,
            companies,
            city_plans,
            speakers,
            sources,
            concepts,
            topics,
            units,
            qualifiers,
            roles,
            years,
            from,
            to,
            min,
            max,
            exchange,
            any_cluster,
            as_of,
            within,
        } = self;
        (
            [
                ids,
                indicators,
                regions,
                clusters,
                cluster_groups,
                companies,
                city_plans,
                speakers,
                sources,
                concepts,
                topics,
                units,
                qualifiers,
                within,
            ]
            .map(Vec::as_slice),
            roles,
            years,
            [*from, *to],
            [min.map(f64::to_bits), max.map(f64::to_bits)],
            exchange.map(|e| (e.to, e.cny_per_usd.to_bits())),
            *any_cluster,
            as_of.as_deref(),
        )
    }
}

impl PartialEq for ObservationFilter {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for ObservationFilter {}

impl std::hash::Hash for ObservationFilter {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
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

/// What a sort key orders by in SQL: a column, or for `value` with a currency asked for, the
/// amounts as presented ([`push_value`]).
#[derive(Debug, Clone, Copy)]
enum SortExpression {
    Column(&'static str),
    Presented(Exchange),
}

impl SortExpression {
    fn of(name: &str, exchange: Option<Exchange>) -> SortExpression {
        match (name, exchange) {
            ("value", Some(exchange)) => SortExpression::Presented(exchange),
            _ => SortExpression::Column(observation_sort_column(name).unwrap_or("o.id")),
        }
    }

    fn push(self, query: &mut QueryBuilder<'_, Sqlite>) {
        match self {
            SortExpression::Column(column) => {
                query.push(column);
            }
            SortExpression::Presented(exchange) => push_value(query, Some(exchange)),
        }
    }
}

/// The amount `min`, `max` and `sort=value` compare: `o.value_in_units`, on its index; or,
/// with a currency asked for (`exchange`), each figure's amount as presented in it
/// ([`presented_units`]), which no index holds (the rate changes with the data). Money in the
/// other currency is converted at the bound rate and rounded to the digits its `value` is
/// stated with plus one: `printf('%.14e', value)` writes those digits to 15 and trailing
/// zeros go (as [`stated_digits`] counts them), then `printf('%.*e', digits, amount)` rounds
/// the amount to one more and SQLite reads it back.
///
/// [`presented_units`]: crate::domain::analytics::conversion::presented_units
/// [`stated_digits`]: crate::domain::analytics::numbers::stated_digits
fn push_value(query: &mut QueryBuilder<'_, Sqlite>, exchange: Option<Exchange>) {
    let Some(exchange) = exchange else {
        query.push("o.value_in_units");
        return;
    };
    let operator = match exchange.to {
        Currency::Usd => "/",
        Currency::Cny => "*",
    };
    query
        .push(format_args!(
            "(CASE WHEN o.unit = '{}' THEN CAST(printf('%.*e', \
             length(rtrim(replace(substr(printf('%.14e', abs(o.value)), 1, 16), '.', ''), '0')), \
             o.value_in_units {operator} ",
            exchange.to.other().unit().word()
        ))
        .push_bind(exchange.cny_per_usd)
        .push(") AS REAL) ELSE o.value_in_units END)");
}

/// A keyset position: the sort-key values and rowid of one row, and which side to read.
#[derive(Debug, Clone)]
pub struct Keyset {
    pub values: Vec<serde_json::Value>,
    pub position: i64,
    pub before: bool,
}

/// How the rows of an observation query come back: sorted, paged, and with their names in a
/// language. Ties always break on source order (rowid).
#[derive(Debug, Clone, Default)]
pub struct ObservationOrder {
    /// (column name as accepted by [`observation_sort_column`], descending)
    pub keys: Vec<(&'static str, bool)>,
    pub keyset: Option<Keyset>,
    pub limit: Option<usize>,
    /// The language of the catalogue names the figures carry (the schema's `label` columns).
    pub language: Language,
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

/// Figures in any of `roles`, by the rule of [`FigureRole`] (the `role` column's SQL in the
/// figure schema says it in one expression, which no index serves): a printed equivalent has
/// `equivalent_of`; a restatement, `restates` and not `equivalent_of`; a threshold or a
/// primary figure neither, and its indicator measures a threshold or not. The links are
/// found through their indexes (0006, `x IS NOT NULL` seeks them); the unlinked roles through
/// the indicator (`indicator`: its column, or `+o.indicator_id` to keep it off the index, as a
/// page does when `primary` keeps most of the figures).
fn push_roles(query: &mut QueryBuilder<'_, Sqlite>, indicator: &str, roles: &[FigureRole]) {
    if roles.is_empty() {
        return;
    }
    let mut alternatives: Vec<String> = Vec::new();
    if roles.contains(&FigureRole::Equivalent) {
        alternatives.push("o.equivalent_of IS NOT NULL".to_owned());
    }
    if roles.contains(&FigureRole::Restatement) {
        alternatives.push("(o.equivalent_of IS NULL AND o.restates IS NOT NULL)".to_owned());
    }
    let measure = match (
        roles.contains(&FigureRole::Primary),
        roles.contains(&FigureRole::Threshold),
    ) {
        (true, true) => Some(""),
        (true, false) => Some(" WHERE measure <> 'threshold'"),
        (false, true) => Some(" WHERE measure = 'threshold'"),
        (false, false) => None,
    };
    if let Some(measure) = measure {
        alternatives.push(format!(
            "(o.equivalent_of IS NULL AND o.restates IS NULL \
             AND {indicator} IN (SELECT id FROM indicators{measure}))"
        ));
    }
    query.push(format_args!(" AND ({})", alternatives.join(" OR ")));
}

/// Which statement filters go into: a count, or a page (in source order or sorted by a key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FilterUse {
    Count,
    Page {
        /// The first sort key, if any.
        first_key: Option<&'static str>,
        /// Whether the first sort key runs descending on this page.
        descending: bool,
        /// Whether the filter keeps many figures ([`BROAD`]), when its total is known.
        broad: Option<bool>,
    },
}

/// Figures a filter keeps past which a sorted page walks its sort key's index rather than
/// sorting what the filter's own index finds: the walk reads about a page's worth divided by
/// the share of figures kept, the sort reads every one kept.
pub const BROAD: usize = 10_000;

impl FilterUse {
    /// Whether a filter on `column` (the sort key `key`, if it is one) may use its index in
    /// this statement; unindexable columns are written `+column`. A sorted page of a broad
    /// filter walks the first sort key's index and checks each row, but keeps the filters
    /// whose composite indexes of 0005 hand out rows in period order (indicator, region).
    fn indexable(self, key: Option<&str>) -> bool {
        match self {
            FilterUse::Count => true,
            FilterUse::Page {
                first_key: None, ..
            } => true,
            FilterUse::Page {
                broad: Some(true),
                first_key,
                ..
            } => {
                key.is_some() && key == first_key
                    || (first_key == Some("period") && matches!(key, Some("indicator" | "region")))
            }
            FilterUse::Page { .. } => true,
        }
    }

    /// `column`, or `+column` where [`FilterUse::indexable`] says no.
    fn column(self, column: &'static str, key: Option<&str>) -> String {
        if self.indexable(key) {
            column.to_owned()
        } else {
            format!("+{column}")
        }
    }
}

fn push_observation_filters<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    filter: &'a ObservationFilter,
    usage: FilterUse,
) {
    push_filters_in_roles(query, filter, usage, &filter.roles);
}

/// [`push_observation_filters`], with `roles` for the filter's own.
fn push_filters_in_roles<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    filter: &'a ObservationFilter,
    usage: FilterUse,
    roles: &[FigureRole],
) {
    let column = |name: &'static str, key: Option<&str>| usage.column(name, key);
    push_any_of(query, "o.id", &filter.ids);
    push_any_of(
        query,
        &column("o.indicator_id", Some("indicator")),
        &filter.indicators,
    );
    push_any_of(
        query,
        &column("o.region_id", Some("region")),
        &filter.regions,
    );
    push_within(
        query,
        &column("o.region_id", Some("region")),
        &filter.within,
    );
    push_any_of(query, &column("o.cluster_id", None), &filter.clusters);
    push_any_of(
        query,
        &column("o.cluster_group_id", None),
        &filter.cluster_groups,
    );
    push_any_of(query, &column("o.company_id", None), &filter.companies);
    push_any_of(query, &column("o.city_plan_id", None), &filter.city_plans);
    push_any_of(query, &column("o.speaker_id", None), &filter.speakers);
    push_any_of(query, &column("o.source_id", None), &filter.sources);
    push_indicator_any_of(
        query,
        &column("o.indicator_id", None),
        "concept",
        &filter.concepts,
    );
    // Unit, qualifier and topic take one of a handful of words, so a value usually keeps a
    // large share of the figures. A count finds them through their index, and so does a page
    // in source order that the index hands out in that order (unit, qualifier). A sorted page
    // checks them on each row while it walks its own order's index, stopping after a page
    // (sorting a large share of the table would cost far more, and SQLite, planning without
    // statistics, would choose that sort), unless the filter's total says it keeps few: then
    // its index finds them and they are sorted. A `+` keeps a column off its index.
    let few = matches!(
        usage,
        FilterUse::Page {
            broad: Some(false),
            ..
        }
    );
    let (unit, qualifier, topic) = match usage {
        FilterUse::Count => ("o.unit", "o.qualifier", "o.indicator_id"),
        FilterUse::Page {
            first_key: None, ..
        } => ("o.unit", "o.qualifier", "+o.indicator_id"),
        FilterUse::Page { .. } if few => ("o.unit", "o.qualifier", "o.indicator_id"),
        FilterUse::Page { .. } => ("+o.unit", "+o.qualifier", "+o.indicator_id"),
    };
    push_indicator_any_of(query, topic, "topic", &filter.topics);
    push_any_of(query, unit, &filter.units);
    push_any_of(query, qualifier, &filter.qualifiers);
    // `primary` keeps nearly every figure, as a unit does; the other roles, a handful.
    let role_indicator = match usage {
        FilterUse::Page { .. } if roles.contains(&FigureRole::Primary) => {
            "+o.indicator_id".to_owned()
        }
        _ => column("o.indicator_id", None),
    };
    if roles.len() > 1 && few {
        // Alternatives over several indexes (`OR`) are read by walking every figure: SQLite
        // does not take the links' partial indexes for one term of an `OR`. Few figures, so
        // each role is found through its own index, as a count finds them, by their rowids.
        query.push(" AND o.position IN (");
        for (index, role) in roles.iter().enumerate() {
            if index > 0 {
                query.push(" UNION ALL ");
            }
            query.push("SELECT o.rowid FROM observations o WHERE o.retracted = 0");
            push_roles(query, "o.indicator_id", std::slice::from_ref(role));
        }
        query.push(")");
    } else {
        push_roles(query, &role_indicator, roles);
    }
    // A page by period, ascending, finds a broad year filter's figures through the years'
    // index and sorts them: no bound on the sort key can skip the decades before (a period
    // may start in any earlier year). Descending, it walks the sort key from a bound (below).
    let by_period_ascending = matches!(
        usage,
        FilterUse::Page {
            first_key: Some("period"),
            descending: false,
            ..
        }
    );
    let year_column = |name: &'static str| {
        if by_period_ascending {
            name.to_owned()
        } else {
            column(name, None)
        }
    };
    let (start_year, end_year) = (
        year_column("o.period_start_year"),
        year_column("o.period_end_year"),
    );
    // `period_start_year` and `period_end_year` (migration 0005) are the years a period starts
    // and ends; an open end takes the other end's year, and a period with no year has neither.
    if let (Some(first), Some(last)) = (filter.years.iter().min(), filter.years.iter().max()) {
        // A period overlaps a year when it starts no later and ends no earlier; a period with
        // no year at all never matches. Overlapping any of the years, it ends no earlier than
        // the first and starts no later than the last: bounds an index can seek on. Together
        // they keep a year or a few out of decades, which SQLite, planning without statistics,
        // is told with `likelihood` (else it would walk the whole table in page order, looking
        // for them); the years asked for are mostly recent ones, so the end bound is the
        // narrower, and the index on (period_end_year, period_start_year) checks both. A page
        // that walks its sort key's index past a broad filter checks the years on each row
        // (`+`) and is told nothing: told that they keep few, SQLite sorted every figure.
        if end_year.starts_with('+') {
            query
                .push(format_args!(" AND {end_year} >= "))
                .push_bind(*first)
                .push(format_args!(" AND {start_year} <= "))
                .push_bind(*last);
        } else {
            query
                .push(format_args!(" AND likelihood({end_year} >= "))
                .push_bind(*first)
                .push(format_args!(", 0.1) AND likelihood({start_year} <= "))
                .push_bind(*last)
                .push(", 0.5)");
        }
        if filter.years.len() > 1 {
            query.push(" AND (");
            for (index, year) in filter.years.iter().enumerate() {
                if index > 0 {
                    query.push(" OR ");
                }
                query
                    .push(format_args!("({start_year} <= "))
                    .push_bind(*year)
                    .push(format_args!(" AND {end_year} >= "))
                    .push_bind(*year)
                    .push(")");
            }
            query.push(")");
        }
    }
    if let Some(to) = filter.to {
        query
            .push(format_args!(" AND {start_year} <= "))
            .push_bind(to);
    }
    // A page by period, descending, walks `period_sort_key`'s index (0010). Every figure these
    // filters keep starts by the last year asked for (or by `to`), and its sort key is the text
    // of its start, a four-digit year first: so it sorts before the next year's, a bound the
    // walk seeks to instead of reading every later year first.
    let latest_start = filter
        .years
        .iter()
        .max()
        .copied()
        .into_iter()
        .chain(filter.to)
        .min();
    if let (
        Some(year),
        FilterUse::Page {
            first_key: Some("period"),
            descending: true,
            ..
        },
    ) = (latest_start, usage)
    {
        query
            .push(" AND o.period_sort_key < ")
            .push_bind(format!("{:04}", year.saturating_add(1)));
    }
    if let Some(from) = filter.from {
        query
            .push(format_args!(" AND {end_year} >= "))
            .push_bind(from);
    }
    // The amount `min` and `max` bound: the column (on its index, unless a broad sorted page
    // walks another), or with a currency asked for, the amount as presented ([`push_value`]).
    let value = column("o.value_in_units", Some("value"));
    let push_amount = |query: &mut QueryBuilder<'a, Sqlite>, value: &str| match filter.exchange {
        None => {
            query.push(value);
        }
        exchange => push_value(query, exchange),
    };
    if let Some(min) = filter.min {
        query.push(" AND ");
        push_amount(query, &value);
        query.push(" >= ").push_bind(min);
    }
    if let Some(max) = filter.max {
        query.push(" AND ");
        push_amount(query, &value);
        query.push(" <= ").push_bind(max);
    }
    if filter.any_cluster {
        query.push(" AND (o.cluster_id IS NOT NULL OR o.cluster_group_id IS NOT NULL)");
    }
}

/// A sort key's value, bound as the number or text it is. The service binds only values of
/// their key's type; anything else is bound as NULL, which no row's key compares with, so a
/// page can never be read as its own next one.
fn push_json(query: &mut QueryBuilder<'_, Sqlite>, value: &serde_json::Value) {
    match value {
        serde_json::Value::Number(number) => query.push_bind(number.as_f64()),
        serde_json::Value::String(text) => query.push_bind(text.clone()),
        _ => query.push_bind(None::<f64>),
    };
}

/// A keyset value: a sort key's value, or the row's position (bound as an integer, as rowid is).
enum KeysetValue<'a> {
    Key(&'a serde_json::Value),
    Position(i64),
}

fn push_keyset_value(query: &mut QueryBuilder<'_, Sqlite>, value: &KeysetValue<'_>) {
    match value {
        KeysetValue::Key(value) => push_json(query, value),
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
fn push_keyset(
    query: &mut QueryBuilder<'_, Sqlite>,
    order: &ObservationOrder,
    keyset: &Keyset,
    exchange: Option<Exchange>,
) {
    // Each column with whether this page's rows hold greater values in it than the keyset row.
    let columns: Vec<(SortExpression, bool)> = order
        .keys
        .iter()
        .map(|(name, descending)| {
            (
                SortExpression::of(name, exchange),
                *descending == keyset.before,
            )
        })
        .chain(std::iter::once((
            SortExpression::Column("o.position"),
            !keyset.before,
        )))
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
        query.push(" AND (");
        for (index, (column, _)) in columns.iter().enumerate() {
            if index > 0 {
                query.push(", ");
            }
            column.push(query);
        }
        query.push(format_args!(") {} (", operator(first_greater)));
        for (index, value) in values.iter().enumerate() {
            if index > 0 {
                query.push(", ");
            }
            push_keyset_value(query, value);
        }
        query.push(")");
        return;
    }
    query.push(" AND ");
    columns[0].0.push(query);
    query.push(format_args!(" {}= ", operator(first_greater)));
    push_keyset_value(query, &values[0]);
    query.push(" AND (");
    for (index, (column, greater)) in columns.iter().enumerate() {
        if index > 0 {
            query.push(" OR ");
        }
        query.push("(");
        for ((tied, _), value) in columns.iter().zip(&values).take(index) {
            tied.push(query);
            query.push(" = ");
            push_keyset_value(query, value);
            query.push(" AND ");
        }
        column.push(query);
        query.push(format_args!(" {} ", operator(*greater)));
        push_keyset_value(query, &values[index]);
        query.push(")");
    }
    query.push(")");
}

/// Reads a figure's columns from a row of the store, by position: the columns the store reads
/// ([`Column::is_read`]) in declaration order from `index` on, `null` for the others; or, from
/// a row of [`observation_columns`], its text packed into one value (see there).
pub(super) struct RowCells<'r> {
    row: &'r SqliteRow,
    pub(super) index: usize,
    /// The rest of the packed text of a row of [`observation_columns`].
    packed: Option<&'r str>,
    error: Option<sqlx::Error>,
}

impl<'r> RowCells<'r> {
    /// The cells of a row with a column per value, from its first column on.
    pub(super) fn new(row: &'r SqliteRow) -> Self {
        RowCells {
            row,
            index: 0,
            packed: None,
            error: None,
        }
    }

    /// The cells of a row of [`observation_columns`]: its text packed in the first column, its
    /// numbers one a column after it.
    fn packed(row: &'r SqliteRow) -> sqlx::Result<Self> {
        Ok(RowCells {
            row,
            index: 1,
            packed: Some(row.try_get::<&str, _>(0)?),
            error: None,
        })
    }

    /// The error behind a figure (or record) `from_cells` could not build.
    pub(super) fn take_failure(&mut self) -> sqlx::Error {
        self.error
            .take()
            .unwrap_or_else(|| sqlx::Error::Decode("a figure's column is missing".into()))
    }

    fn decode<T>(&mut self) -> Option<Option<T>>
    where
        T: for<'v> sqlx::Decode<'v, Sqlite> + sqlx::Type<Sqlite>,
    {
        let value = self.row.try_get::<Option<T>, _>(self.index);
        self.index += 1;
        match value {
            Ok(value) => Some(value),
            Err(error) => {
                self.error.get_or_insert(error);
                None
            }
        }
    }

    /// The next text of the packed value: `LENGTH:TEXT`, or `:` for null.
    fn unpack(&mut self) -> Option<Option<&'r str>> {
        let rest = self.packed?;
        let unpacked = rest.split_once(':').and_then(|(length, rest)| {
            if length.is_empty() {
                return Some((None, rest));
            }
            let length: usize = length.parse().ok()?;
            Some((Some(rest.get(..length)?), rest.get(length..)?))
        });
        match unpacked {
            Some((text, rest)) => {
                self.packed = Some(rest);
                Some(text)
            }
            None => {
                self.error.get_or_insert(sqlx::Error::Decode(
                    "a figure's packed text is cut short".into(),
                ));
                self.packed = None;
                None
            }
        }
    }
}

impl CellSource for RowCells<'_> {
    fn read(&mut self, column: &'static Column) -> Option<OwnedCell> {
        if !column.is_read() {
            return Some(OwnedCell::Null);
        }
        Some(match column.kind {
            Kind::Text | Kind::Word if self.packed.is_some() => self
                .unpack()?
                .map_or(OwnedCell::Null, |text| OwnedCell::Text(text.to_owned())),
            Kind::Text | Kind::Word => self
                .decode::<String>()?
                .map_or(OwnedCell::Null, OwnedCell::Text),
            Kind::Number => self
                .decode::<f64>()?
                .map_or(OwnedCell::Null, OwnedCell::Number),
            Kind::Integer | Kind::Boolean => self
                .decode::<i64>()?
                .map_or(OwnedCell::Null, OwnedCell::Integer),
            Kind::TextList => self
                .decode::<String>()?
                .map_or(OwnedCell::Null, OwnedCell::Text),
        })
    }

    fn invalid(&mut self, column: &'static Column, message: String) {
        self.error.get_or_insert(sqlx::Error::ColumnDecode {
            index: column.name.to_owned(),
            source: message.into(),
        });
    }
}

/// A figure from a row of [`observation_columns`] (or of a statement that starts with them);
/// `cells.index` is then the first column after them.
pub(super) fn decode_figure(row: &SqliteRow) -> sqlx::Result<(Observation, RowCells<'_>)> {
    let mut cells = RowCells::packed(row)?;
    let Some(mut figure) = Observation::from_cells(&mut cells) else {
        return Err(cells.take_failure());
    };
    figure.period_sort_key = match cells.unpack() {
        Some(key) => key.unwrap_or_default().to_owned(),
        None => return Err(cells.take_failure()),
    };
    figure.position = cells.row.try_get(cells.index)?;
    cells.index += 1;
    Ok((figure, cells))
}

fn figure_from_row(row: &SqliteRow) -> sqlx::Result<Observation> {
    decode_figure(row).map(|(figure, _)| figure)
}

/// A revision's figure under the column names of `observations` (stored columns by their own
/// names, the figure's id from `observation_id`), plus its position, number and time.
pub(super) fn revision_as_figure() -> &'static str {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        let stored = COLUMNS.iter().filter_map(|column| match column.role {
            Role::Stored(Check::Id) => Some(format!("v.observation_id AS {}", column.name)),
            Role::Stored(_) => Some(format!("v.{}", column.name)),
            _ => None,
        });
        std::iter::once("cur.rowid AS position".to_owned())
            .chain(stored)
            .chain(
                [
                    "v.value_in_units",
                    "v.period_sort_key",
                    "v.period_start_year",
                    "v.period_end_year",
                    "v.number AS revision",
                    "v.recorded_at",
                ]
                .map(str::to_owned),
            )
            .collect::<Vec<_>>()
            .join(", ")
    });
    &SQL
}

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
    push_figures(&mut query, filter.as_of.as_deref());
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
            .filter(|_| filter.as_of.is_none())
            .map(|matching| matching > BROAD),
    };
    push_observation_filters(&mut query, filter, usage);
    if let Some(keyset) = &order.keyset {
        push_keyset(&mut query, order, keyset, filter.exchange);
    }
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
        push_figures(&mut query, filter.as_of.as_deref());
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
        push_figures(&mut query, filter.as_of.as_deref());
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
mod tests {
    use std::hash::BuildHasher;

    use sqlx::{QueryBuilder, Sqlite};

    use super::{push_value, ObservationFilter};
    use crate::domain::analytics::conversion::{presented_units, Currency, Exchange};
    use crate::domain::figure::column::Word;
    use crate::domain::figure::{Observation, Unit};

    /// The SQL of a presented amount computes what the domain does, figure by figure: the
    /// same digits counted, the same rounding (checked on a spread of values, signs, scales
    /// and digit counts, the article's among them).
    #[tokio::test]
    async fn the_sql_of_a_presented_amount_is_the_domains() {
        let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
        let mut values = vec![510.0, 1.0, 1.1, 137.97, 10.0, 100.0, 2.0, 275.86, 0.0, 14.5];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..400 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let digits = (seed % 9) as i32;
            let magnitude = ((seed >> 8) % 16) as i32 - 4;
            let mantissa = (seed >> 16) % 10u64.pow(digits as u32 + 1);
            let sign = if seed & 1 == 0 { 1.0 } else { -1.0 };
            values.push(sign * mantissa as f64 * 10f64.powi(magnitude - digits));
        }
        for to in [Currency::Usd, Currency::Cny] {
            let exchange = Exchange {
                to,
                cny_per_usd: 7.250_054_375_407_815_5,
            };
            for (index, value) in values.iter().enumerate() {
                let unit = [Unit::Cny, Unit::Usd, Unit::Count][index % 3];
                let figure = Observation {
                    value: *value,
                    unit,
                    value_in_units: value * 1e9,
                    ..Observation::default()
                };
                let mut query = QueryBuilder::<Sqlite>::new("SELECT ");
                push_value(&mut query, Some(exchange));
                query
                    .push(" FROM (SELECT ")
                    .push_bind(unit.word())
                    .push(" AS unit, ")
                    .push_bind(figure.value)
                    .push(" AS value, ")
                    .push_bind(figure.value_in_units)
                    .push(" AS value_in_units) o");
                let sql: f64 = query.build_query_scalar().fetch_one(&pool).await.unwrap();
                let rust = presented_units(&figure, Some(exchange));
                assert_eq!(sql, rust, "{value} {unit:?} to {to:?}");
            }
        }
    }

    fn filter(min: Option<f64>) -> ObservationFilter {
        ObservationFilter {
            regions: vec!["guangdong".to_owned()],
            years: vec![2024],
            min,
            ..Default::default()
        }
    }

    #[test]
    fn filters_with_the_same_fields_are_one_key() {
        let hasher = std::collections::hash_map::RandomState::new();
        let (a, b) = (filter(Some(1e12)), filter(Some(1e12)));
        assert_eq!(a, b);
        assert_eq!(hasher.hash_one(&a), hasher.hash_one(&b));
        let nan = filter(Some(f64::NAN));
        assert_eq!(nan, nan.clone(), "a key always equals itself");
    }

    #[test]
    fn filters_that_differ_in_any_field_are_two_keys() {
        let base = filter(Some(1e12));
        assert_ne!(base, filter(Some(2e12)));
        assert_ne!(base, filter(None));
        let other_year = ObservationFilter {
            years: vec![2023],
            ..base.clone()
        };
        assert_ne!(base, other_year);
        // The same words in another field select other figures.
        let as_unit = ObservationFilter {
            regions: Vec::new(),
            units: vec!["guangdong".to_owned()],
            ..base.clone()
        };
        assert_ne!(base, as_unit);
        let at_a_time = ObservationFilter {
            as_of: Some("2025-01-01T00:00:00Z".to_owned()),
            ..base.clone()
        };
        assert_ne!(base, at_a_time);
    }
}
