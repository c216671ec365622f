//! The index a broad page walks when the filter bounds a column the walk would otherwise
//! check on each figure's row: the sort key's index with that column appended (migration
//! 0020), named with `INDEXED BY`, so the bound is checked on the index entry and only the
//! figures kept are read.

use super::filter::{FilterUse, ObservationFilter, ObservationOrder};

/// An index a page names (`INDEXED BY`), partial on a predicate only such a page states:
/// without statistics SQLite judges an index by its columns, and chose these for statements
/// they serve worse (it counted a role's figures off the amounts' one, not off 0017's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct WalkIndex {
    pub name: &'static str,
    /// The index's predicate beside `retracted = 0`, stated by the page that names it.
    pub predicate: &'static str,
}

/// `(value_in_units, period_start_year, period_end_year)`, of the figures with a year (the
/// only ones a year bound keeps): pages by amount bounded by years.
const VALUE_YEARS: WalkIndex = WalkIndex {
    name: "observations_value_years",
    predicate: "period_start_year IS NOT NULL",
};

/// `(indicator_id, period_sort_key DESC, value_in_units)`, of every figure (an amount is
/// never null): pages by indicator then period descending, bounded by amount.
const INDICATOR_PERIOD_DESC_VALUE: WalkIndex = WalkIndex {
    name: "observations_indicator_period_desc_value",
    predicate: "value_in_units IS NOT NULL",
};

/// The index a page of the latest state walks in place of its sort key's own, if a bound of
/// the filter is one the walk checks on every figure (`+column`, [`FilterUse`]): a year bound
/// (`year`, `from`, `to`) on a page by amount, an amount bound (`min`, `max`) on a page by
/// indicator then period descending. Only for a broad filter, which walks; and only where
/// nothing else of the filter chooses the walk (an indicator's or a unit's amounts are read
/// off their own indexes, 0013; money in another currency has its own candidates,
/// `presented`). Each appended column orders ties by itself, so SQLite sorts each run of
/// ties it reads back into source order.
pub(super) fn bounded_walk(
    filter: &ObservationFilter,
    order: &ObservationOrder,
    usage: FilterUse,
) -> Option<WalkIndex> {
    let FilterUse::Page {
        broad: Some(true), ..
    } = usage
    else {
        return None;
    };
    let latest = filter.as_of.is_none() && filter.updated_after.is_none();
    if !latest || filter.exchange.is_some() {
        return None;
    }
    let years_bounded = !filter.years.is_empty() || filter.from.is_some() || filter.to.is_some();
    let amount_bounded = filter.min.is_some() || filter.max.is_some();
    match order.keys.as_slice() {
        [("value", _), ..]
            if years_bounded && filter.indicators.is_empty() && filter.units.is_empty() =>
        {
            Some(VALUE_YEARS)
        }
        [("indicator", false), ("period", true)] if amount_bounded => {
            Some(INDICATOR_PERIOD_DESC_VALUE)
        }
        _ => None,
    }
}
