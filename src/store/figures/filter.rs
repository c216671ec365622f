//! What a figure query filters on and in which order it reads: the filter, sort keys and the
//! value compared in a currency, pushed into a statement (keyset positions: `keyset.rs`).

use sqlx::{QueryBuilder, Sqlite};

use crate::domain::analytics::conversion::{Currency, Exchange};
use crate::domain::figure::column::Word;
use crate::domain::figure::FigureRole;
use crate::domain::language::Language;
use crate::store::regions::push_within;

use super::margin;

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
    /// With `as_of` resolved to its vintage ([`vintage`](super::vintage)): the place in source
    /// order of the last figure added by then, which a page of the vintage checks on each
    /// index entry before reading its figure. `None`: the statement finds it, at a cost (see
    /// `push_added_by`).
    pub added_through: Option<i64>,
    /// Figures of these regions or of a region inside one of them ([`push_within`]).
    pub within: Vec<String>,
    /// Only the figures whose latest revision was recorded after this moment (canonical
    /// UTC), retracted ones included: a delta for a client that syncs.
    pub updated_after: Option<String>,
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
    [Option<&'a str>; 2],
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
            // Follows from `as_of` and the data, which the totals memo keys on besides.
            added_through: _,
            within,
            updated_after,
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
            [as_of.as_deref(), updated_after.as_deref()],
        )
    }

    /// Whether the filter names indicators through what they measure (`concept`, `topic`).
    pub(in crate::store) fn through_indicator_attributes(&self) -> bool {
        !self.concepts.is_empty() || !self.topics.is_empty()
    }

    /// Whether the filter bounds the amount (`min`, `max`).
    pub(in crate::store) fn bounds_amount(&self) -> bool {
        self.min.is_some() || self.max.is_some()
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
pub(in crate::store) enum SortExpression {
    Column(&'static str),
    Presented(Exchange),
}

impl SortExpression {
    pub(super) fn of(name: &str, exchange: Option<Exchange>) -> SortExpression {
        match (name, exchange) {
            ("value", Some(exchange)) => SortExpression::Presented(exchange),
            _ => SortExpression::Column(observation_sort_column(name).unwrap_or("o.id")),
        }
    }

    pub(super) fn push(self, query: &mut QueryBuilder<'_, Sqlite>) {
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
pub(in crate::store) fn push_value(
    query: &mut QueryBuilder<'_, Sqlite>,
    exchange: Option<Exchange>,
) {
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

pub(in crate::store) fn push_any_of<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    column: &str,
    values: &'a [String],
) {
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
pub(in crate::store) fn push_indicator_any_of<'a>(
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
pub(in crate::store) fn push_roles(
    query: &mut QueryBuilder<'_, Sqlite>,
    indicator: &str,
    roles: &[FigureRole],
) {
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
pub(in crate::store) enum FilterUse {
    Count,
    Page {
        /// The first sort key, if any.
        first_key: Option<&'static str>,
        /// Whether the first sort key runs descending on this page.
        descending: bool,
        /// Whether the filter keeps many figures ([`BROAD`]), when its total is known.
        broad: Option<bool>,
        /// Whether a filter through the indicator (concept, topic) may seek its indicators'
        /// runs of an index: one that hands out the page's whole order (sorted by indicator
        /// alone, 0010, or by indicator then period descending, 0016), or each indicator's
        /// first ids, to be sorted (`extent::ids_by_indicator`).
        indicator_runs: bool,
        /// Whether the page reads its one indicator's figures off the (indicator, region,
        /// period) index in region order (`walk.rs`): the indicator is sought there, not
        /// checked on each row.
        indicator_by_region: bool,
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
    /// whose composite indexes hand out rows in the key's order: in period order (indicator,
    /// region, 0005), in value order (indicator, 0013), in id order (indicator, 0015).
    fn indexable(self, key: Option<&str>) -> bool {
        match self {
            FilterUse::Count => true,
            FilterUse::Page {
                first_key: None, ..
            } => true,
            FilterUse::Page {
                broad: Some(true),
                first_key,
                indicator_by_region,
                ..
            } => {
                key.is_some() && key == first_key
                    || (first_key == Some("period") && matches!(key, Some("indicator" | "region")))
                    || (matches!(first_key, Some("value" | "id")) && key == Some("indicator"))
                    || (indicator_by_region && key == Some("indicator"))
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

/// The year a page by period is split at, if it is: the first year every figure a broad
/// `from` or `year` filter keeps ends in or after, for a page of the latest state sorted by
/// period first (either direction). Such a page is two parts merged in page order: the
/// figures whose period starts in that year or later, a range of the sort key's index where
/// nearly every figure matches, and those that started before and span into it, read off
/// the partial index of spanning periods (migration 0014). Money in another currency keeps
/// its own candidates' plan.
pub(in crate::store) fn spanning_split(
    filter: &ObservationFilter,
    usage: FilterUse,
) -> Option<i32> {
    let by_period = matches!(
        usage,
        FilterUse::Page {
            first_key: Some("period"),
            broad: None | Some(true),
            ..
        }
    );
    let latest = filter.as_of.is_none() && filter.updated_after.is_none();
    if !by_period || !latest || filter.exchange.is_some() {
        return None;
    }
    let first_year = filter.years.iter().min().copied();
    first_year.into_iter().chain(filter.from).max()
}

pub(in crate::store) fn push_observation_filters<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    filter: &'a ObservationFilter,
    usage: FilterUse,
) {
    push_filters_in_roles(query, filter, usage, &filter.roles);
}

/// [`push_observation_filters`], with `roles` for the filter's own.
pub(in crate::store) fn push_filters_in_roles<'a>(
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
    // A broad concept in source order walks the places its figures hold (`extent.rs`), which
    // its indicators' index would hand out in several runs, to be sorted: 30,000 of them for
    // one concept of a million figures.
    let concept = match usage {
        FilterUse::Page {
            first_key: None,
            broad: Some(true),
            ..
        } if filter.as_of.is_none() && filter.updated_after.is_none() => {
            "+o.indicator_id".to_owned()
        }
        // The concept's indicators' runs of an index in page order, read in the key's order
        // (SQLite walks an `IN` list in order), not every indicator's.
        FilterUse::Page {
            indicator_runs: true,
            ..
        } => "o.indicator_id".to_owned(),
        _ => column("o.indicator_id", None),
    };
    push_indicator_any_of(query, &concept, "concept", &filter.concepts);
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
        // Each of the topic's indicators is one run of an index in page order (as a concept's).
        FilterUse::Page {
            indicator_runs: true,
            ..
        } => ("+o.unit", "+o.qualifier", "o.indicator_id"),
        // A unit's figures in value order: its composite index (0013).
        FilterUse::Page {
            first_key: Some("value"),
            ..
        } => ("o.unit", "+o.qualifier", "+o.indicator_id"),
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
    // may start in any earlier year). Descending, it walks the sort key from a bound (below),
    // and so does an ascending page bounded by `to` alone: every figure it keeps starts by
    // then, so the walk meets them first. A page split at a year ([`spanning_split`]) walks
    // the sort key in each part instead.
    let bounded_above_only = filter.years.is_empty() && filter.from.is_none();
    let by_period_ascending = matches!(
        usage,
        FilterUse::Page {
            first_key: Some("period"),
            descending: false,
            ..
        }
    ) && spanning_split(filter, usage).is_none()
        && !bounded_above_only;
    // A page in source order walks the rowids past a broad filter on the years, checking each
    // figure: a year's figures are spread through the table, so a page is a few thousand rows
    // away, where the years' index found all of them (70,000 for two years of a million) and
    // sorted them by rowid.
    let broad_in_source_order = matches!(
        usage,
        FilterUse::Page {
            first_key: None,
            broad: Some(true),
            ..
        }
    );
    let year_column = |name: &'static str| {
        if by_period_ascending {
            name.to_owned()
        } else if broad_in_source_order {
            format!("+{name}")
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
    // walk seeks to instead of reading every later year first. Ascending, with `to` alone, the
    // same bound ends the walk, and names the sort key's index as the one to walk: SQLite
    // found the figures through the years' index and sorted them all when the sort had a
    // second key.
    let latest_start = filter
        .years
        .iter()
        .max()
        .copied()
        .into_iter()
        .chain(filter.to)
        .min();
    let walks_from_bound = match usage {
        FilterUse::Page {
            first_key: Some("period"),
            descending,
            ..
        } => descending || bounded_above_only,
        _ => false,
    };
    if let (Some(year), true) = (latest_start, walks_from_bound) {
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
    // With a currency, a bound on `value_in_units` that the amount's bound implies (whatever
    // the figure's unit, see [`super::margin`]) lets the index find the figures it checks.
    // When the total says they are few, SQLite is told so (`likelihood`): planning without
    // statistics, it guessed a range keeps a quarter of the table and walked the page's
    // order through every figure instead.
    let latest = filter.as_of.is_none() && filter.updated_after.is_none();
    let implied = |query: &mut QueryBuilder<'a, Sqlite>, operator: &str, units: f64| {
        if few {
            query
                .push(format_args!(" AND likelihood({value} {operator} "))
                .push_bind(units)
                .push(", 0.001)");
        } else {
            query
                .push(format_args!(" AND {value} {operator} "))
                .push_bind(units);
        }
    };
    if let Some(min) = filter.min {
        query.push(" AND ");
        push_amount(query, &value);
        query.push(" >= ").push_bind(min);
        if let (Some(exchange), true) = (filter.exchange, latest) {
            implied(query, ">=", margin::units_at_least(exchange, min));
        }
    }
    if let Some(max) = filter.max {
        query.push(" AND ");
        push_amount(query, &value);
        query.push(" <= ").push_bind(max);
        if let (Some(exchange), true) = (filter.exchange, latest) {
            implied(query, "<=", margin::units_at_most(exchange, max));
        }
    }
    if filter.any_cluster {
        query.push(" AND (o.cluster_id IS NOT NULL OR o.cluster_group_id IS NOT NULL)");
    }
}
