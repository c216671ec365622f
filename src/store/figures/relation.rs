//! Where a statement reads figures from: the relation `o` of [`push_figures`], the latest
//! state of every figure or a vintage (`as_of`) in two parts, and the vintage a moment reads
//! ([`vintage`]).

use sqlx::{QueryBuilder, Sqlite};

use super::filter::{ObservationFilter, SortExpression};
use super::row::{latest_as_revision, superseded_as_figure};
use super::walk::WALKED_PREDICATE;

/// Where figures are read from, as a relation named `o` with the columns of `observations`
/// plus `position` (source order): the latest state of every figure not retracted, or each
/// figure's last revision recorded by `as_of` (the two [`VintagePart`]s in one), or
/// (`updated_after`, a delta) the latest state of every figure recorded after that moment,
/// retracted or not. All keep a figure's place in source order. The service never asks for
/// `as_of` and `updated_after` together.
pub(super) fn push_figures<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    filter: &'a ObservationFilter,
) {
    match (filter.as_of.as_deref(), filter.updated_after.as_deref()) {
        (_, Some(moment)) => {
            query
                .push(" (SELECT rowid AS position, * FROM observations WHERE recorded_at > ")
                .push_bind(moment)
                .push(") o");
        }
        (None, None) => push_latest_figures(query, None),
        (Some(moment), None) => {
            query.push(" (");
            push_vintage_part_select(query, VintagePart::Unchanged, moment, PartOrder::Range);
            query.push(" UNION ALL ");
            push_vintage_part_select(query, VintagePart::Superseded, moment, PartOrder::Range);
            query.push(") o");
        }
    }
}

/// The latest state of every figure not retracted, as the relation `o` of [`push_figures`],
/// read through `index` if one is named (`INDEXED BY`, with the predicate of such indexes).
pub(super) fn push_latest_figures(query: &mut QueryBuilder<'_, Sqlite>, index: Option<&str>) {
    query.push(" (SELECT rowid AS position, * FROM observations");
    if let Some(index) = index {
        query.push(format_args!(
            " INDEXED BY {index} WHERE retracted = 0 AND {WALKED_PREDICATE}) o"
        ));
    } else {
        query.push(" WHERE retracted = 0) o");
    }
}

/// A vintage (`as_of` a moment before the last revision) in two parts, each read through
/// indexes (migration 0012), which never hold the same figure: together, each figure's last
/// revision recorded by the moment, unless that is a retraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum VintagePart {
    /// The figures not changed since: their latest state, not retracted, recorded by then.
    /// The indexes of `observations` hand them out in every page order.
    Unchanged,
    /// The figures changed since: the revision recorded by then and superseded after, unless
    /// a retraction. Usually few, found through the partial indexes of superseded revisions.
    Superseded,
}

pub(super) const VINTAGE_PARTS: [VintagePart; 2] =
    [VintagePart::Unchanged, VintagePart::Superseded];

/// How a part of a vintage is read: whole (a count, the facets), or as a page in order of its
/// first sort key (source order for none).
#[derive(Debug, Clone, Copy)]
pub(super) enum PartOrder {
    Range,
    Page(Option<SortExpression>),
}

/// The `SELECT` of one part of the vintage at `moment`, its columns those of
/// [`revision_as_figure`](super::row::revision_as_figure). The figures changed since are read
/// through the index of `observation_revisions` (0012) that holds them as a range of
/// `superseded_at` (`sort` a range) or hands them out in page order: without statistics,
/// SQLite would rather walk every revision in `id` order, or sort them all, than walk one of
/// these partial indexes.
fn push_vintage_part_select<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    part: VintagePart,
    moment: &'a str,
    sort: PartOrder,
) {
    match part {
        VintagePart::Unchanged => query
            .push(format_args!(
                "SELECT {} FROM observations WHERE retracted = 0 AND recorded_at <= ",
                latest_as_revision()
            ))
            .push_bind(moment),
        VintagePart::Superseded => {
            let index = match sort {
                PartOrder::Range => "",
                PartOrder::Page(Some(SortExpression::Column(column))) => match column {
                    "o.id" => "_id",
                    "o.period_sort_key" => "_period",
                    "o.value_in_units" => "_value",
                    "o.indicator_id" => "_indicator",
                    "o.region_id" => "_region",
                    _ => "_position",
                },
                PartOrder::Page(_) => "_position",
            };
            query
                .push(format_args!(
                    "SELECT {} FROM observation_revisions v \
                     INDEXED BY observation_revisions_superseded{index} \
                     WHERE v.superseded_at IS NOT NULL AND v.change <> 'retracted' \
                     AND v.superseded_at > ",
                    superseded_as_figure()
                ))
                .push_bind(moment)
                .push(" AND v.recorded_at <= ")
                .push_bind(moment)
        }
    };
}

/// ` AND o.position <= ` the place of the last figure added by the vintage's moment, for
/// either part (a revision recorded by then is of a figure added by then): read in source
/// order, a page ends there instead of walking every figure added since (half the table, on
/// the last page of a vintage halfway through), or every revision they superseded (75 ms for
/// such a page of a million figures, 3 ms bounded), to find that none is left. Read in
/// another order, through an index, SQLite checks the place, which every index entry holds,
/// before reading the figure, and passes those added since unread: `sort=-id` walked 60,000
/// of them for a page of a vintage halfway through a million figures. That check needs the
/// place as a number (`filter.added_through`, found with the vintage): SQLite checks a term
/// holding the bisection only after reading each figure. In source order, a range on the
/// rowid, the bisection does as well when the number is not known.
pub(super) fn push_added_by<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    filter: &'a ObservationFilter,
    moment: &'a str,
    in_source_order: bool,
) {
    query.push(if in_source_order {
        " AND o.position <= "
    } else {
        " AND +o.position <= "
    });
    match filter.added_through {
        Some(place) => {
            query.push_bind(place);
        }
        None => push_added_through(query, moment),
    }
}

/// The place in source order of the last figure added by `moment`, as an expression. Figures
/// are added in the order their imports are recorded and never deleted, so the moment each
/// was added (its first revision's) never falls as its place rises, and the place is found by
/// bisection: 20 or so seeks for a million figures. Each probe takes the first figure at or
/// after a place, so a place no figure holds is no harm.
fn push_added_through<'a>(query: &mut QueryBuilder<'a, Sqlite>, moment: &'a str) {
    let middle = "(low + high + 1) / 2";
    let probe = |query: &mut QueryBuilder<'a, Sqlite>| {
        query
            .push("(SELECT v.recorded_at <= ")
            .push_bind(moment)
            .push(format_args!(
                " FROM observations f \
                 JOIN observation_revisions v ON v.observation_id = f.id AND v.number = 1 \
                 WHERE f.rowid >= {middle} ORDER BY f.rowid LIMIT 1)"
            ));
    };
    query.push(
        "(WITH RECURSIVE probe (low, high) AS (\
         SELECT 0, (SELECT max(rowid) FROM observations) UNION ALL SELECT CASE WHEN ",
    );
    probe(query);
    query.push(format_args!(" THEN {middle} ELSE low END, CASE WHEN "));
    probe(query);
    query.push(format_args!(
        " THEN high ELSE {middle} - 1 END FROM probe WHERE low < high) \
         SELECT max(low) FROM probe)"
    ));
}

/// One part of the vintage at `moment`, as the relation `o`, read as `sort` says.
pub(super) fn push_vintage_part<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    part: VintagePart,
    moment: &'a str,
    sort: PartOrder,
) {
    query.push(" (");
    push_vintage_part_select(query, part, moment, sort);
    query.push(") o");
}

/// The vintage `as_of` reads, as [`vintage`] finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VintageTimes {
    /// The time of the last revision recorded by `as_of` (a revision is stamped with its
    /// import's time, so only import times matter): reading as of it is reading as of
    /// `as_of`. `None`: nothing was recorded by then.
    pub vintage: Option<String>,
    /// The time of the last revision of all: when it is the vintage's, every figure's latest
    /// state is its state then.
    pub latest: Option<String>,
    /// The place in source order of the last figure added by `as_of` (0 for none): what
    /// [`ObservationFilter::added_through`] holds for a page of the vintage.
    pub added_through: i64,
}

/// The vintage `as_of` reads ([`VintageTimes`]): two seeks of
/// `observation_revisions_recorded_at` (migration 0004) and the bisection of
/// [`push_added_through`].
pub async fn vintage<'e>(
    executor: impl sqlx::SqliteExecutor<'e>,
    as_of: &str,
) -> sqlx::Result<VintageTimes> {
    let mut query = QueryBuilder::<Sqlite>::new(
        "SELECT (SELECT max(recorded_at) FROM observation_revisions WHERE recorded_at <= ",
    );
    query
        .push_bind(as_of)
        .push("), (SELECT max(recorded_at) FROM observation_revisions), ");
    push_added_through(&mut query, as_of);
    let (vintage, latest, added_through): (_, _, i64) =
        query.build_query_as().fetch_one(executor).await?;
    Ok(VintageTimes {
        vintage,
        latest,
        added_through,
    })
}
