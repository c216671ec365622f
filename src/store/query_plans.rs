//! How SQLite runs the statements behind a page of figures (`EXPLAIN QUERY PLAN`): what the
//! query-plan test checks, and where to start with a slow query.

use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use super::figures::{
    facet_statement, observation_count_statement, observation_list_statement,
    observation_page_statement, related_observations_statement, Facet, ObservationFilter,
    ObservationOrder, RelatedFigures,
};
use crate::domain::language::Language;

/// The two statements behind a page of figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObservationStatement {
    /// The page itself: [`observations_ordered`](super::figures::observations_ordered).
    List,
    /// Its total: [`count_observations`](super::figures::count_observations).
    Count,
}

/// How SQLite runs one statement: its SQL and the steps `EXPLAIN QUERY PLAN` reports, each
/// indented under the step it belongs to, as the sqlite3 shell prints them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryPlan {
    pub sql: String,
    pub steps: Vec<String>,
}

impl std::fmt::Display for QueryPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{}", self.sql)?;
        for step in &self.steps {
            writeln!(f, "  {step}")?;
        }
        Ok(())
    }
}

/// The plan of the very statement [`observations_ordered`] or [`count_observations`] runs for
/// `filter` and `order`: what the query-plan test checks, and where to start with a slow query.
///
/// [`observations_ordered`]: super::figures::observations_ordered
/// [`count_observations`]: super::figures::count_observations
pub async fn explain_observations(
    pool: &SqlitePool,
    filter: &ObservationFilter,
    order: &ObservationOrder,
    statement: ObservationStatement,
) -> sqlx::Result<QueryPlan> {
    let query = match statement {
        ObservationStatement::List => observation_list_statement(EXPLAIN, filter, order),
        ObservationStatement::Count => observation_count_statement(EXPLAIN, filter),
    };
    explain(pool, query).await
}

/// The plan of the page the service reads for a filter whose total is `matching`
/// ([`observation_page_statement`](super::figures::observation_page_statement)).
pub async fn explain_page(
    pool: &SqlitePool,
    filter: &ObservationFilter,
    order: &ObservationOrder,
    matching: usize,
) -> sqlx::Result<QueryPlan> {
    explain(
        pool,
        observation_page_statement(EXPLAIN, filter, order, Some(matching)),
    )
    .await
}

/// The plan of the statement [`related_observations`](super::figures::related_observations)
/// runs; `None` when it runs none.
pub async fn explain_related_observations(
    pool: &SqlitePool,
    related: &RelatedFigures,
) -> sqlx::Result<Option<QueryPlan>> {
    // Names are read alike in either language: the plan is the English one's.
    let Some(query) = related_observations_statement(EXPLAIN, related, Language::En) else {
        return Ok(None);
    };
    explain(pool, query).await.map(Some)
}

/// The plan of the statement [`facet_counts`](super::figures::facet_counts) runs for `facet`
/// of `filter` (but the role's, which is counted as `role=` counts it: see
/// [`explain_observations`]).
pub async fn explain_facet(
    pool: &SqlitePool,
    filter: &ObservationFilter,
    facet: Facet,
) -> sqlx::Result<QueryPlan> {
    // Labels are read alike in either language: the plan is the English one's.
    explain(pool, facet_statement(EXPLAIN, filter, facet, Language::En)).await
}

/// The plans of the statements an import writes with ([`write_statements`]), run on
/// `connection` as its schema stands (in a bulk load, without the secondary indexes).
///
/// [`write_statements`]: super::imports::write_statements
pub async fn explain_import_writes(
    connection: &mut sqlx::SqliteConnection,
) -> sqlx::Result<Vec<QueryPlan>> {
    explain_each(connection, super::imports::write_statements(2)).await
}

/// The plans of the statements an import checks a batch with ([`read_statements`]), run on
/// `connection` as its schema stands (in a bulk load, without the secondary indexes).
///
/// [`read_statements`]: super::imports::read_statements
pub async fn explain_import_reads(
    connection: &mut sqlx::SqliteConnection,
) -> sqlx::Result<Vec<QueryPlan>> {
    explain_each(connection, super::imports::read_statements(2)).await
}

/// The plan of each of `statements`, unbound, run on `connection`.
async fn explain_each(
    connection: &mut sqlx::SqliteConnection,
    statements: Vec<String>,
) -> sqlx::Result<Vec<QueryPlan>> {
    let mut plans = Vec::new();
    for sql in statements {
        let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&format!("{EXPLAIN}{sql}"))
            .fetch_all(&mut *connection)
            .await?;
        plans.push(QueryPlan {
            sql,
            steps: plan_steps(rows),
        });
    }
    Ok(plans)
}

/// The prefix that makes a statement report its plan instead of its rows.
const EXPLAIN: &str = "EXPLAIN QUERY PLAN ";

/// Runs `query`, a statement behind [`EXPLAIN`], and reads its plan.
async fn explain(
    pool: &SqlitePool,
    mut query: QueryBuilder<'_, Sqlite>,
) -> sqlx::Result<QueryPlan> {
    let sql = query.sql()[EXPLAIN.len()..].to_owned();
    let rows: Vec<(i64, i64, i64, String)> = query.build_query_as().fetch_all(pool).await?;
    Ok(QueryPlan {
        sql,
        steps: plan_steps(rows),
    })
}

/// The rows of `EXPLAIN QUERY PLAN` as the sqlite3 shell prints them: each step indented
/// under the step it belongs to. Parents are listed before their children, so one pass finds
/// every step's depth; the top steps' parent (0) is no step.
fn plan_steps(rows: Vec<(i64, i64, i64, String)>) -> Vec<String> {
    let mut depths = std::collections::HashMap::new();
    rows.into_iter()
        .map(|(id, parent, _, detail)| {
            let depth = depths.get(&parent).map_or(0, |depth| depth + 1);
            depths.insert(id, depth);
            format!("{}{detail}", "  ".repeat(depth))
        })
        .collect()
}
