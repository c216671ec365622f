//! Bounds on the walk of a broad page past a concept or a topic: where its indicators'
//! figures begin and end, in source order or in id order; and, sorted by id alone, how far
//! each indicator's ids are read.

use sqlx::{QueryBuilder, Sqlite};

use super::filter::{
    push_any_of, push_observation_filters, FilterUse, ObservationFilter, ObservationOrder,
};
use super::keyset::{push_json, push_keyset};
use super::relation::push_figures;

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
    if !latest || !filter.through_indicator_attributes() {
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

/// Whether a broad page sorted by id alone past a concept or a topic is found on each of its
/// indicators' ids (0015), within the bound of [`push_ids_bound`], and sorted: its
/// indicators' figures are runs of the id order (an id starts with its indicator's), so a
/// walk of that order read the runs of every other indicator between them (a topic's first
/// page by id descending read 89,000 figures of a million for its 100: 38-65 ms).
pub(in crate::store) fn ids_by_indicator(
    filter: &ObservationFilter,
    order: &ObservationOrder,
    usage: FilterUse,
) -> bool {
    let broad_by_id = matches!(
        usage,
        FilterUse::Page {
            first_key: Some("id"),
            broad: Some(true),
            ..
        }
    );
    broad_by_id
        && matches!(order.keys.as_slice(), [("id", _)])
        && order.limit.is_some_and(|limit| limit > 0)
        && filter.as_of.is_none()
        && filter.updated_after.is_none()
        && filter.indicators.is_empty()
        && filter.through_indicator_attributes()
}

/// ` AND` the ids a page sorted by id alone through its indicators ([`ids_by_indicator`])
/// reads: after the cursor, and up to the nearest of each indicator's `limit`-th id after it
/// (the filter applied): every indicator holding `limit` figures there holds them up to its
/// `limit`-th, so the page's `limit` figures all lie before the nearest such id, and each
/// indicator holds at most `limit` before it. So a few of each indicator's ids are read, off
/// `(indicator_id, id)`, and sorted. No indicator holding `limit`, no bound. In place of
/// [`push_indicator_extent`]'s walk bounds.
pub(in crate::store) fn push_ids_bound<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    filter: &'a ObservationFilter,
    order: &'a ObservationOrder,
    usage: FilterUse,
) {
    let descending = matches!(
        usage,
        FilterUse::Page {
            descending: true,
            ..
        }
    );
    let (bound, nearest, direction, past, none) = if descending {
        (">=", "max", "DESC", "<", "min")
    } else {
        ("<=", "min", "ASC", ">", "max")
    };
    // Ids are unique: the cursor's own bounds the range the index seeks in.
    if let Some(id) = order
        .keyset
        .as_ref()
        .and_then(|keyset| keyset.values.first())
    {
        query.push(format_args!(" AND o.id {past} "));
        push_json(query, id);
    }
    query.push(format_args!(
        " AND o.id {bound} coalesce((SELECT {nearest}((SELECT o.id FROM"
    ));
    push_figures(query, filter);
    query.push(" WHERE o.indicator_id = i.id");
    push_observation_filters(query, filter, FilterUse::Count);
    if let Some(keyset) = &order.keyset {
        push_keyset(query, order, keyset, filter.exchange, false);
    }
    let limit = order.limit.unwrap_or(1).max(1);
    query
        .push(format_args!(" ORDER BY o.id {direction} LIMIT 1 OFFSET "))
        .push_bind((limit - 1) as i64);
    query.push(")) FROM indicators i WHERE 1 = 1");
    push_any_of(query, "i.concept", &filter.concepts);
    push_any_of(query, "i.topic", &filter.topics);
    query.push(format_args!("), (SELECT {none}(id) FROM observations))"));
}
