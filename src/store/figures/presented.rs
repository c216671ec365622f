//! Money compared in another currency, found through indexes: the amounts as presented
//! ([`push_value`](super::filter::push_value)) are rounded after conversion, so no index holds
//! them, but the rounding's error is bounded, so an index of `value_in_units` finds every
//! candidate and the exact amount is computed on those alone.
//!
//! A presented amount strays from its converted `value_in_units` by at most `EPSILON` of it, so
//! a bound on the amount reaches [`MARGIN`] further on `value_in_units`
//! ([`margin`](super::margin)). So:
//! * A page sorted by the presented amount, descending, holds at most `limit` figures of each
//!   unit. Within a unit, let `t` be the `limit`-th largest `value_in_units` that the filter
//!   and the cursor keep: those `limit` figures all present at least `t'(1 - EPSILON)` (`t'`
//!   its converted amount), so every figure of the page's presents at least that much too,
//!   and so has `x >= t' - MARGIN|t'|`, that is `value_in_units >= t - MARGIN|t|`. For any
//!   other unit the margin is zero (`p` is `value_in_units`). Ascending, the same with the
//!   signs turned. The page is then sorted exactly, as before, among these candidates: the
//!   same figures in the same order, and ties (later sort keys, source order) whole.
//! * Each unit is one range of `(unit, value_in_units)` (0013): every unit's candidates are
//!   found by seeks, where one walk of `value_in_units` for all but the other currency read
//!   through the other currency's larger amounts first (1.2 s on a million figures).

use sqlx::{QueryBuilder, Sqlite};

use crate::domain::analytics::conversion::Exchange;
use crate::domain::figure::column::Word;
use crate::domain::figure::Unit;

use super::filter::{push_observation_filters, FilterUse, ObservationFilter, ObservationOrder};
use super::keyset::{push_json, push_keyset};
use super::margin::{units_of, MARGIN};
use super::relation::push_figures;

/// Which figures one group holds: those of a unit, or (within one region) those of every unit
/// but the other currency.
#[derive(Clone, Copy)]
enum Units {
    Is(&'static str),
    AllBut(&'static str),
}

/// One group of figures, and how far their presented amounts stray from their
/// `value_in_units` in order (the margin: none but for money in the other currency). Every
/// unit is a group of its own, so each is a range of 0013's `(unit, value_in_units)`; within
/// one region, two groups (the other currency, the rest) are each a walk of 0018's
/// `(region_id DESC, value_in_units, unit)` within that region.
#[derive(Clone, Copy)]
struct Group {
    units: Units,
    margin: f64,
}

/// Where a page sorted by region, then by the amount presented, starts: the cursor's region,
/// or the first region in page order that holds a figure the filter keeps.
#[derive(Clone, Copy)]
enum FirstRegion<'a> {
    Cursor(&'a serde_json::Value),
    Filtered { descending: bool },
}

/// The page's sort key that is the amount, its direction on this page, and the region its
/// candidates are looked for in (none: among every figure the filter keeps).
#[derive(Clone, Copy)]
struct Amounts<'a> {
    key: usize,
    descending: bool,
    region: Option<FirstRegion<'a>>,
}

/// A page sorted by the amount presented in a currency, first or after the region: restricts
/// it to the candidates of each group (`o.position IN (...)`). `descending` is the direction
/// this page reads the first key in. Nothing is pushed when there is no such sort or no limit.
///
/// Sorted by region first, a page's figures of its first region are found among that
/// region's candidates, as a page sorted by amount is among the file's: of the regions after
/// it, a page holds only what its first region leaves room for, and those are sorted whole
/// (`currency=USD&sort=-region,value` sorted a region's 31,000 figures by the amount as
/// presented, a `printf` each, on every page: 106 ms on a million figures).
pub(super) fn push_candidates<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    filter: &'a ObservationFilter,
    order: &'a ObservationOrder,
    usage: FilterUse,
    descending: bool,
) {
    let (Some(exchange), Some(limit)) = (filter.exchange, order.limit) else {
        return;
    };
    let before = order.keyset.as_ref().is_some_and(|keyset| keyset.before);
    let amounts = match order.keys.as_slice() {
        [("value", _), ..] => Amounts {
            key: 0,
            descending,
            region: None,
        },
        [("region", _), ("value", value_descending), ..] => Amounts {
            key: 1,
            descending: *value_descending != before,
            region: Some(
                match order.keyset.as_ref().map(|keyset| keyset.values.first()) {
                    Some(Some(region)) => FirstRegion::Cursor(region),
                    // A cursor without its keys (the service never makes one): no candidates.
                    Some(None) => return,
                    None => FirstRegion::Filtered { descending },
                },
            ),
        },
        _ => return,
    };
    if limit == 0 || filter.as_of.is_some() || filter.updated_after.is_some() {
        return;
    }
    // A filter on a column of its own index whose total says it keeps few: that index finds
    // them and they are sorted exactly. Each unit's range would repeat the filter per unit,
    // and a unit holding none of its figures, bounded by none of them, would be read whole
    // (0.6-0.9 s for one indicator in one region on a million figures).
    let few = matches!(
        usage,
        FilterUse::Page {
            broad: Some(false),
            ..
        }
    );
    // Sorted by region first, few figures are sorted as they are: each of the five places
    // that name the first region would find them again (5 ms became 58 for `min` in dollars).
    if few && (amounts.region.is_some() || narrowed_by_an_index(filter)) {
        return;
    }
    let other = exchange.to.other().unit().word();
    let groups: Vec<Group> = match amounts.region {
        // A unit absent from the region would be looked for through all of it.
        Some(_) => vec![
            Group {
                units: Units::Is(other),
                margin: MARGIN,
            },
            Group {
                units: Units::AllBut(other),
                margin: 0.0,
            },
        ],
        None => <Unit as Word>::WORDS
            .iter()
            .copied()
            // A `unit` filter leaves the other units out.
            .filter(|unit| filter.units.is_empty() || filter.units.iter().any(|kept| kept == unit))
            .map(|unit| Group {
                units: Units::Is(unit),
                margin: if unit == other { MARGIN } else { 0.0 },
            })
            .collect(),
    };
    query.push(" AND (");
    if let Some(region) = amounts.region {
        // Figures of the regions after the first are not candidates' but sorted whole.
        query.push("o.region_id <> ");
        push_first_region(query, filter, usage, region);
        query.push(" OR ");
    }
    query.push("o.position IN (");
    for (index, group) in groups.into_iter().enumerate() {
        if index > 0 {
            query.push(" UNION ALL ");
        }
        push_group(query, filter, order, usage, exchange, limit, amounts, group);
    }
    query.push("))");
}

/// The region a page sorted by region first starts in ([`FirstRegion`]).
fn push_first_region<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    filter: &'a ObservationFilter,
    usage: FilterUse,
    region: FirstRegion<'a>,
) {
    match region {
        FirstRegion::Cursor(value) => push_json(query, value),
        FirstRegion::Filtered { descending } => {
            query.push("(SELECT o.region_id FROM");
            push_figures(query, filter);
            query.push(" WHERE 1 = 1");
            push_observation_filters(query, filter, usage);
            let direction = if descending { "DESC" } else { "ASC" };
            query.push(format_args!(" ORDER BY o.region_id {direction} LIMIT 1)"));
        }
    }
}

/// Whether the filter names figures by a column with an index of its own (an id, an
/// indicator, a region, a cluster...), not only by a unit, a qualifier, a role, years or
/// amounts.
fn narrowed_by_an_index(filter: &ObservationFilter) -> bool {
    [
        &filter.ids,
        &filter.indicators,
        &filter.regions,
        &filter.within,
        &filter.clusters,
        &filter.cluster_groups,
        &filter.companies,
        &filter.city_plans,
        &filter.speakers,
        &filter.sources,
        &filter.concepts,
        &filter.topics,
    ]
    .iter()
    .any(|values| !values.is_empty())
}

/// The positions of one group's candidates: its figures the filter and cursor keep, from the
/// `limit`-th in `value_in_units` order (or the last, when it keeps fewer), margin included,
/// back to the cursor.
#[allow(clippy::too_many_arguments)]
fn push_group<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    filter: &'a ObservationFilter,
    order: &'a ObservationOrder,
    usage: FilterUse,
    exchange: Exchange,
    limit: usize,
    amounts: Amounts<'a>,
    group: Group,
) {
    let (direction, bound, last, sign, none) = if amounts.descending {
        ("DESC", ">=", "min", "-", "9e999")
    } else {
        ("ASC", "<=", "max", "+", "-9e999")
    };
    query.push("SELECT o.position FROM");
    push_group_figures(query, filter, order, usage, exchange, amounts, group);
    // The last of the group's first `limit` (of all it keeps, when fewer), so the range is
    // bounded by a figure's value and the index seeks to it whatever other bound it has: a
    // range open to infinity when there were fewer, chosen over a `min`, read a whole unit.
    // No figure at all, no candidate.
    query.push(format_args!(
        " AND o.value_in_units {bound} coalesce((SELECT {last}(t.v) {sign} "
    ));
    query.push_bind(group.margin);
    query.push(format_args!(
        " * abs({last}(t.v)) FROM (SELECT o.value_in_units AS v FROM"
    ));
    push_group_figures(query, filter, order, usage, exchange, amounts, group);
    query.push(format_args!(
        " ORDER BY o.value_in_units {direction} LIMIT "
    ));
    query.push_bind(limit as i64);
    query.push(format_args!(") t), {none})"));
}

/// `o` and the conditions of one group's figures: its units (and region), the filter, the
/// cursor, and the cursor's amount as a bound on `value_in_units` (where its index seeks).
fn push_group_figures<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    filter: &'a ObservationFilter,
    order: &'a ObservationOrder,
    usage: FilterUse,
    exchange: Exchange,
    amounts: Amounts<'a>,
    group: Group,
) {
    push_figures(query, filter);
    match group.units {
        Units::Is(unit) => query.push(format_args!(" WHERE o.unit = '{unit}'")),
        Units::AllBut(unit) => query.push(format_args!(" WHERE o.unit <> '{unit}'")),
    };
    if let Some(region) = amounts.region {
        query.push(" AND o.region_id = ");
        push_first_region(query, filter, usage, region);
    }
    push_observation_filters(query, filter, usage);
    let Some(keyset) = &order.keyset else {
        return;
    };
    push_keyset(query, order, keyset, filter.exchange, false);
    let Some(value) = keyset
        .values
        .get(amounts.key)
        .and_then(serde_json::Value::as_f64)
    else {
        return;
    };
    // This page's figures present no more than the cursor's value (descending), or no less:
    // within the cursor's region, where a region-first page's candidates are.
    let units = match (group.margin > 0.0, amounts.descending) {
        (false, _) => value,
        (true, true) => units_of(exchange, value + MARGIN * value.abs()),
        (true, false) => units_of(exchange, value - MARGIN * value.abs()),
    };
    let operator = if amounts.descending { "<=" } else { ">=" };
    query
        .push(format_args!(" AND o.value_in_units {operator} "))
        .push_bind(units);
}
