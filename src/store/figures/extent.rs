//! Bounds on the walk of a broad page past a concept or a topic: where its indicators'
//! figures begin and end, in source order or in id order.

use sqlx::{QueryBuilder, Sqlite};

use super::filter::{push_any_of, FilterUse, ObservationFilter, ObservationOrder};

/// ` AND` bounds on the walk of a broad page, in source order or by id, past a concept or a
/// topic: the first and last place (or id) its indicators' figures hold, each found by one
/// seek per indicator into an index of `(indicator_id, …)` (0005's, 0015). The walk checks
/// each figure against the filter, so without them a page whose figures sit late read every
/// figure before them, and the last page read every figure after (a topic's last page, a
/// concept's figures by id descending: 0.1-0.5 s on a million figures). After a cursor, only
/// the bound that ends the walk: the cursor starts it, and SQLite seeks to one start bound of
/// two, not always the later. The latest state only: a vintage or a delta is read elsewhere.
pub(in crate::store) fn push_indicator_extent<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    filter: &'a ObservationFilter,
    order: &ObservationOrder,
    usage: FilterUse,
) {
    let before = order.keyset.as_ref().is_some_and(|keyset| keyset.before);
    let (walked, held, descending) = match usage {
        FilterUse::Page {
            first_key: None,
            broad: Some(true),
            ..
        } => ("o.position", "x.rowid", before),
        FilterUse::Page {
            first_key: Some("id"),
            broad: Some(true),
            descending,
            ..
        } => ("o.id", "x.id", descending),
        _ => return,
    };
    let latest = filter.as_of.is_none() && filter.updated_after.is_none();
    if !latest || (filter.concepts.is_empty() && filter.topics.is_empty()) {
        return;
    }
    let bounds: &[(&str, &str)] = match (order.keyset.is_some(), descending) {
        (false, _) => &[(">=", "min"), ("<=", "max")],
        (true, false) => &[("<=", "max")],
        (true, true) => &[(">=", "min")],
    };
    for (bound, extreme) in bounds {
        query.push(format_args!(
            " AND {walked} {bound} (SELECT {extreme}((SELECT {extreme}({held}) \
             FROM observations x WHERE x.indicator_id = i.id AND x.retracted = 0)) \
             FROM indicators i WHERE 1 = 1"
        ));
        push_any_of(query, "i.concept", &filter.concepts);
        push_any_of(query, "i.topic", &filter.topics);
        query.push(")");
    }
}
