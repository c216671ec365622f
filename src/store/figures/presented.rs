//! Money compared in another currency, found through indexes: the amounts as presented
//! ([`push_value`](super::filter::push_value)) are rounded after conversion, so no index holds
//! them, but the rounding's error is bounded, so an index of `value_in_units` finds every
//! candidate and the exact amount is computed on those alone.
//!
//! Money in the other currency (`unit` the other currency's) is presented as `value_in_units`
//! converted at a positive rate, `x`, rounded to the digits its `value` states plus one: at
//! least two significant digits for any amount but zero (which stays zero), so the amount
//! presented, `p`, is within 5% of `x`: `|p - x| <= EPSILON * |x|`. Every other figure is
//! presented as its `value_in_units`. So:
//! * A bound on `p` (`min`, `max`, a cursor's value) bounds `x` within [`MARGIN`] of it on the
//!   side that matters: `p >= m` implies `x + EPSILON|x| >= m`, so `x >= m - MARGIN|m|`, and
//!   `p <= m` implies `x <= m + MARGIN|m|`. `x` is `value_in_units` times or divided by the
//!   rate, so the bound converts back to one on `value_in_units`: a range on its index.
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
//!
//! `MARGIN` is `2 EPSILON / (1 - EPSILON)` (0.105...) rounded up, which covers both signs and
//! the floating-point rounding of the conversion.

use sqlx::{QueryBuilder, Sqlite};

use crate::domain::analytics::conversion::{Currency, Exchange};
use crate::domain::figure::column::Word;
use crate::domain::figure::Unit;

use super::filter::{push_observation_filters, FilterUse};
use super::keyset::push_keyset;
use super::{push_figures, ObservationFilter, ObservationOrder};

/// How far a converted amount may be from the amount presented, relatively.
#[cfg(test)]
pub(super) const EPSILON: f64 = 0.05;

/// How far a bound on a presented amount reaches on `value_in_units`, relatively (see the
/// module's documentation).
pub(super) const MARGIN: f64 = 0.11;

/// The `value_in_units` of money in the other currency that converts to `amount`.
fn units_of(exchange: Exchange, amount: f64) -> f64 {
    match exchange.to {
        Currency::Usd => amount * exchange.cny_per_usd,
        Currency::Cny => amount / exchange.cny_per_usd,
    }
}

/// The `value_in_units` below which no figure presents `min` or more, whatever its unit.
pub(super) fn units_at_least(exchange: Exchange, min: f64) -> f64 {
    min.min(units_of(exchange, min - MARGIN * min.abs()))
}

/// The `value_in_units` above which no figure presents `max` or less, whatever its unit.
pub(super) fn units_at_most(exchange: Exchange, max: f64) -> f64 {
    max.max(units_of(exchange, max + MARGIN * max.abs()))
}

/// One group of figures: those of one unit, and how far their presented amounts stray from
/// their `value_in_units` in order (the margin: none but for money in the other currency).
/// Every unit is a group of its own, so each is a range of 0013's `(unit, value_in_units)`.
#[derive(Clone, Copy)]
struct Group {
    unit: &'static str,
    margin: f64,
}

/// A page sorted first by the amount presented in a currency: restricts it to the candidates
/// of each unit (`o.position IN (...)`), found on 0013's index of `(unit, value_in_units)`.
/// `descending` is the direction this page reads the first key in. Nothing is pushed when
/// there is no such sort or no limit.
pub(super) fn push_candidates<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    filter: &'a ObservationFilter,
    order: &'a ObservationOrder,
    usage: FilterUse,
    descending: bool,
) {
    let (Some(exchange), Some(("value", _)), Some(limit)) =
        (filter.exchange, order.keys.first().copied(), order.limit)
    else {
        return;
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
    if few && narrowed_by_an_index(filter) {
        return;
    }
    let other = exchange.to.other().unit().word();
    let groups = <Unit as Word>::WORDS
        .iter()
        .copied()
        // A `unit` filter leaves the other units out.
        .filter(|unit| filter.units.is_empty() || filter.units.iter().any(|kept| kept == unit))
        .map(|unit| Group {
            unit,
            margin: if unit == other { MARGIN } else { 0.0 },
        });
    query.push(" AND o.position IN (");
    for (index, group) in groups.enumerate() {
        if index > 0 {
            query.push(" UNION ALL ");
        }
        push_group(
            query, filter, order, usage, descending, exchange, limit, group,
        );
    }
    query.push(")");
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
    descending: bool,
    exchange: Exchange,
    limit: usize,
    group: Group,
) {
    let (direction, bound, last, sign, none) = if descending {
        ("DESC", ">=", "min", "-", "9e999")
    } else {
        ("ASC", "<=", "max", "+", "-9e999")
    };
    query.push("SELECT o.position FROM");
    push_group_figures(query, filter, order, usage, descending, exchange, group);
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
    push_group_figures(query, filter, order, usage, descending, exchange, group);
    query.push(format_args!(
        " ORDER BY o.value_in_units {direction} LIMIT "
    ));
    query.push_bind(limit as i64);
    query.push(format_args!(") t), {none})"));
}

/// `o` and the conditions of one group's figures: its unit, the filter, the cursor, and the
/// cursor's value as a bound on `value_in_units` (where its index seeks).
fn push_group_figures<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    filter: &'a ObservationFilter,
    order: &'a ObservationOrder,
    usage: FilterUse,
    descending: bool,
    exchange: Exchange,
    group: Group,
) {
    push_figures(query, filter);
    query.push(format_args!(" WHERE o.unit = '{}'", group.unit));
    push_observation_filters(query, filter, usage);
    let Some(keyset) = &order.keyset else {
        return;
    };
    push_keyset(query, order, keyset, filter.exchange, false);
    let Some(value) = keyset.values.first().and_then(serde_json::Value::as_f64) else {
        return;
    };
    // This page's figures present no more than the cursor's value (descending), or no less.
    let units = match (group.margin > 0.0, descending) {
        (false, _) => value,
        (true, true) => units_of(exchange, value + MARGIN * value.abs()),
        (true, false) => units_of(exchange, value - MARGIN * value.abs()),
    };
    let operator = if descending { "<=" } else { ">=" };
    query
        .push(format_args!(" AND o.value_in_units {operator} "))
        .push_bind(units);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_margin_covers_the_rounding_both_ways() {
        let needed = 2.0 * EPSILON / (1.0 - EPSILON);
        assert!(MARGIN > needed, "{MARGIN} <= {needed}");
    }

    #[test]
    fn bounds_reach_the_converted_money_on_either_side() {
        let usd = Exchange {
            to: Currency::Usd,
            cny_per_usd: 7.0,
        };
        // 100 USD: 700 CNY, less the margin; a negative bound reaches further down too.
        assert_eq!(units_at_least(usd, 100.0), 100.0);
        assert!((units_at_least(usd, -100.0) - -777.0).abs() < 1e-9);
        assert!((units_at_most(usd, 100.0) - 777.0).abs() < 1e-9);
        let cny = Exchange {
            to: Currency::Cny,
            cny_per_usd: 7.0,
        };
        assert!((units_at_least(cny, 700.0) - 89.0).abs() < 1e-9);
        assert_eq!(units_at_most(cny, 700.0), 700.0);
    }
}
