//! The index a broad page walks when its filter names a column the walk would otherwise
//! check on each figure's row: the sort key's index with that column appended (migration
//! 0020), named with `INDEXED BY`, so the filter is checked on the index entry and only the
//! figures kept are read; or, for one indicator by region then amount, the index that seeks
//! the indicator and hands out its figures in region order (0005).

use super::filter::{FilterUse, ObservationFilter, ObservationOrder};

/// The predicate of 0020's indexes beside `retracted = 0`, which a page naming an index
/// states (0005's, partial on `retracted = 0` alone, are as usable with it). No other statement
/// does: without statistics SQLite judges an index by its columns, and chose 0020's for
/// statements they serve worse (it counted a role's figures off one, not off 0017's). An
/// amount is never null, so the indexes hold every figure not retracted.
pub(super) const WALKED_PREDICATE: &str = "value_in_units IS NOT NULL";

/// `(value_in_units, indicator_id, period_start_year, period_end_year)`: pages by amount
/// through a concept or a topic, or bounded by years.
const VALUE_INDICATOR_YEARS: &str = "observations_value_indicator_years";

/// `(indicator_id, period_sort_key DESC, value_in_units, unit, period_start_year,
/// period_end_year)`: pages by indicator then period descending, bounded by amount or by
/// years, or of some units.
const INDICATOR_PERIOD_DESC_VALUE_UNIT_YEARS: &str =
    "observations_indicator_period_desc_value_unit_years";

/// `(indicator_id, region_id, period_sort_key)` (0005): one indicator's figures by region then
/// amount. Walking 0018's `(region desc, value, unit)` checked the indicator on every figure of
/// the last region (38-81 ms for the GDP series of a million figures); here SQLite seeks the
/// indicator and sorts each region's run by amount ("RIGHT PART OF ORDER BY"): 6-8 ms.
const INDICATOR_REGION_PERIOD: &str = "observations_indicator_region_period";

/// Whether a page walking `index` seeks its indicator on it rather than checking it on each
/// figure's row ([`FilterUse`]'s `indicator_by_region`).
pub(super) fn seeks_indicator(index: &str) -> bool {
    index == INDICATOR_REGION_PERIOD
}

/// The index a page of the latest state walks in place of its sort key's own, if its filter
/// names a column the walk checks on every figure (`+column`, [`FilterUse`]): a page by
/// amount through a concept or a topic or bounded by years (`year`, `from`, `to`); a page by
/// indicator then period descending bounded by amount (`min`, `max`) or by years, or of some
/// units; and a page of one indicator (no region) by region then amount. Only for a broad
/// filter, which walks; and only where nothing else of the filter chooses the walk (an
/// indicator's or a unit's amounts are read off their own indexes, 0013; money in another
/// currency has its own candidates, `presented`). Each appended column orders ties by itself,
/// so SQLite sorts each run of ties it reads back into source order.
pub(super) fn bounded_walk(
    filter: &ObservationFilter,
    order: &ObservationOrder,
    usage: FilterUse,
) -> Option<&'static str> {
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
    match order.keys.as_slice() {
        [("value", _), ..]
            if (years_bounded || filter.through_indicator_attributes())
                && filter.indicators.is_empty()
                && filter.units.is_empty() =>
        {
            Some(VALUE_INDICATOR_YEARS)
        }
        [("indicator", false), ("period", true)]
            if filter.bounds_amount() || years_bounded || !filter.units.is_empty() =>
        {
            Some(INDICATOR_PERIOD_DESC_VALUE_UNIT_YEARS)
        }
        [("region", _), ("value", _), ..]
            if filter.indicators.len() == 1 && filter.regions.is_empty() =>
        {
            Some(INDICATOR_REGION_PERIOD)
        }
        _ => None,
    }
}
