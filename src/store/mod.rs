//! The data layer: every SQL statement of the service lives here, one file per aggregate. The
//! service calls these functions and never builds SQL. Filters are bound as parameters, never
//! formatted into the statement.

/// Setting the figure tables' secondary indexes aside while an import loads many figures.
pub mod bulk_load;
/// Regions, clusters, indicators, sources...: the entities figures refer to, and search.
pub mod catalogue;
/// Opening the database and migrating it.
pub mod database;
/// The figures: filters, keyset pages, counts, streamed rows, related figures.
pub mod figures;
/// Writes of an import (each change a revision), and the data version they move.
pub mod imports;
/// Connections whose statements stop when their request is abandoned.
pub mod interrupt;
/// How SQLite runs the figure statements (EXPLAIN QUERY PLAN).
pub mod query_plans;
/// The region hierarchy: parents, memberships, and what lies inside a region.
pub mod regions;
/// Every recorded state of a figure.
pub mod revisions;
/// The catalogue `generate` adds for its synthetic figures.
pub mod synthetic;

use sqlx::SqlitePool;

use crate::domain::entity::Entity;

/// The table of each kind of entity; a table name in SQL comes from here, never from a client.
impl Entity {
    fn table(self) -> &'static str {
        match self {
            Entity::Region => "regions",
            Entity::Cluster => "clusters",
            Entity::ClusterGroup => "cluster_groups",
            Entity::Company => "companies",
            Entity::CityPlan => "city_plans",
            Entity::Speaker => "speakers",
            Entity::Source => "sources",
            Entity::Indicator => "indicators",
            Entity::Facility => "facilities",
            Entity::Observation => "observations",
        }
    }
}

/// `row` (a placeholder, or a tuple of them) `rows` times, comma-separated: a statement's
/// list of bound values.
fn placeholder_rows(row: &str, rows: usize) -> String {
    vec![row; rows].join(", ")
}

/// Every id of one kind of entity, in id order.
pub async fn ids(pool: &SqlitePool, entity: Entity) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(&format!("SELECT id FROM {} ORDER BY id", entity.table()))
        .fetch_all(pool)
        .await
}

/// How many rows one kind has (figures retracted or not).
pub async fn count(pool: &SqlitePool, entity: Entity) -> sqlx::Result<i64> {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {}", entity.table()))
        .fetch_one(pool)
        .await
}
