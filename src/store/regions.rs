//! The region hierarchy: containment (each region's `parent_id`: the region that contains it)
//! and grouping membership (`region_members`: the Greater Bay Area's eleven, which it does not
//! contain), and the walk through both that finds every region inside another, as `within=`
//! and a region's `regions_within` read it.

use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use super::catalogue::name;
use crate::domain::figure::Reference;
use crate::domain::language::Language;

/// The regions named in the list between its two parts and every region inside them, as a
/// relation `inside (id)`: each one's children (`parent_id`), their children, and a
/// grouping's members (`region_members`, migration 0009) with what is inside those. `UNION`
/// keeps each region once, so the walk ends whatever the rows.
const REGIONS_INSIDE: [&str; 2] = [
    "WITH RECURSIVE inside (id) AS (SELECT id FROM regions WHERE id IN (",
    ") UNION SELECT r.id FROM regions r JOIN inside ON r.parent_id = inside.id \
     UNION SELECT m.member_id FROM region_members m JOIN inside ON m.region_id = inside.id)",
];

/// Figures of a region `within` names or of one inside it ([`REGIONS_INSIDE`]), by `region`
/// (`o.region_id`, or `+o.region_id` where a page keeps it off its index). The walk reads the
/// small region table once per statement; the figures are then found through the region
/// index, region by region, as `region=` finds them.
pub(super) fn push_within<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    region: &str,
    within: &'a [String],
) {
    if within.is_empty() {
        return;
    }
    query
        .push(format_args!(" AND {region} IN ("))
        .push(REGIONS_INSIDE[0]);
    let mut list = query.separated(", ");
    for region in within {
        list.push_bind(region.as_str());
    }
    query
        .push(REGIONS_INSIDE[1])
        .push(" SELECT id FROM inside)");
}

/// The members of a grouping region (the Greater Bay Area's eleven), in the order listed.
pub async fn region_members(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Vec<Reference>> {
    references(
        pool,
        &format!(
            "SELECT r.id, {} FROM region_members m JOIN regions r ON r.id = m.member_id
             WHERE m.region_id = ? ORDER BY m.rowid",
            name(language, "r.")
        ),
        id,
    )
    .await
}

/// The groupings a region is a member of.
pub async fn region_memberships(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Vec<Reference>> {
    references(
        pool,
        &format!(
            "SELECT r.id, {} FROM region_members m JOIN regions r ON r.id = m.region_id
             WHERE m.member_id = ? ORDER BY m.rowid",
            name(language, "r.")
        ),
        id,
    )
    .await
}

/// Every region inside a region (children, theirs, a grouping's members and theirs), as
/// `within=` reaches them; the region itself left out. In source order.
pub async fn regions_inside(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Vec<Reference>> {
    let [start, end] = REGIONS_INSIDE;
    references(
        pool,
        &format!(
            "{start}?{end}
             SELECT r.id, {} FROM regions r WHERE r.id IN (SELECT id FROM inside) AND r.id <> ?1
             ORDER BY r.rowid",
            name(language, "r.")
        ),
        id,
    )
    .await
}

/// `{id, name}` references from a statement that selects id, name and name_en of one id.
async fn references(pool: &SqlitePool, sql: &str, id: &str) -> sqlx::Result<Vec<Reference>> {
    let rows: Vec<(String, String, Option<String>)> =
        sqlx::query_as(sql).bind(id).fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, _)| Reference { id, name })
        .collect())
}
