//! How many figures a filter keeps: one statement, counted on the figures' indexes without a join.

use sqlx::{QueryBuilder, Sqlite};

use crate::domain::figure::FigureRole;

use super::filter::{
    push_filters_in_roles, push_observation_filters, FilterUse, ObservationFilter,
};
use super::relation::{push_figures, push_vintage_part, PartOrder, VintagePart, VINTAGE_PARTS};

/// How many figures match `filter`.
pub async fn count_observations<'e>(
    executor: impl sqlx::SqliteExecutor<'e>,
    filter: &ObservationFilter,
) -> sqlx::Result<usize> {
    let mut query = observation_count_statement("", filter);
    let count: i64 = query.build_query_scalar().fetch_one(executor).await?;
    Ok(count as usize)
}

/// The statement of [`count_observations`], after `prefix`. No join: every filter is on the
/// figures themselves, so SQLite can count the entries of one index. Figures of several roles
/// are counted role by role and summed (roles never overlap): each role seeks its own index,
/// where their alternatives together would read every figure. A vintage is counted part by
/// part ([`VintagePart`]), each through its own indexes, and summed likewise.
pub(in crate::store) fn observation_count_statement<'a>(
    prefix: &str,
    filter: &'a ObservationFilter,
) -> QueryBuilder<'a, Sqlite> {
    let vintage = match (filter.as_of.as_deref(), &filter.updated_after) {
        (Some(moment), None) => Some(moment),
        _ => None,
    };
    let push_relation = |query: &mut QueryBuilder<'a, Sqlite>, part: VintagePart| match vintage {
        Some(moment) => push_vintage_part(query, part, moment, PartOrder::Range),
        None => push_figures(query, filter),
    };
    let parts: &[VintagePart] = match vintage {
        Some(_) => &VINTAGE_PARTS,
        // One relation, whichever `push_figures` reads.
        None => &[VintagePart::Unchanged],
    };
    if filter.roles.len() < 2 && parts.len() == 1 {
        let mut query = QueryBuilder::<Sqlite>::new(format!("{prefix}SELECT COUNT(*) FROM"));
        push_relation(&mut query, parts[0]);
        query.push(" WHERE 1 = 1");
        push_observation_filters(&mut query, filter, FilterUse::Count);
        return query;
    }
    let role_groups: Vec<&[FigureRole]> = if filter.roles.len() < 2 {
        vec![&filter.roles]
    } else {
        filter.roles.iter().map(std::slice::from_ref).collect()
    };
    let mut query = QueryBuilder::<Sqlite>::new(format!("{prefix}SELECT "));
    let mut terms = 0;
    for part in parts {
        for roles in &role_groups {
            if terms > 0 {
                query.push(" + ");
            }
            terms += 1;
            query.push("(SELECT COUNT(*) FROM");
            push_relation(&mut query, *part);
            query.push(" WHERE 1 = 1");
            push_filters_in_roles(&mut query, filter, FilterUse::Count, roles);
            query.push(")");
        }
    }
    query
}
