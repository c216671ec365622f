//! Catalogue reads: the regions, clusters, cluster groups, city plans, indicators, sources,
//! speakers, companies and facilities that figures refer to, their names, the search index,
//! and the ids an import checks its figures against.

use serde::Serialize;
use sqlx::SqlitePool;

use super::ids;
use crate::domain::entity::Entity;
use crate::domain::figure::{Reference, Unit};

/// The distinct values of a text column of `indicators` (topics, concepts), for validation.
pub async fn indicator_values(
    pool: &SqlitePool,
    column: IndicatorColumn,
) -> sqlx::Result<Vec<String>> {
    let column = match column {
        IndicatorColumn::Topic => "topic",
        IndicatorColumn::Concept => "concept",
    };
    sqlx::query_scalar(&format!(
        "SELECT DISTINCT {column} FROM indicators ORDER BY {column}"
    ))
    .fetch_all(pool)
    .await
}

#[derive(Debug, Clone, Copy)]
pub enum IndicatorColumn {
    Topic,
    Concept,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RegionRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<String>,
    pub description: String,
}

/// Regions in source order; all of them, or one region's children.
pub async fn regions(pool: &SqlitePool, parent: Option<&str>) -> sqlx::Result<Vec<RegionRow>> {
    sqlx::query_as(
        "SELECT id, name, kind, parent_id, description FROM regions
         WHERE (?1 IS NULL OR parent_id = ?1) ORDER BY rowid",
    )
    .bind(parent)
    .fetch_all(pool)
    .await
}

pub async fn region(pool: &SqlitePool, id: &str) -> sqlx::Result<Option<RegionRow>> {
    sqlx::query_as("SELECT id, name, kind, parent_id, description FROM regions WHERE id = ?")
        .bind(id)
        .fetch_optional(pool)
        .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ClusterGroupRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub region_id: String,
    pub description: String,
}

pub async fn cluster_groups(pool: &SqlitePool) -> sqlx::Result<Vec<ClusterGroupRow>> {
    sqlx::query_as(
        "SELECT id, name, kind, region_id, description FROM cluster_groups ORDER BY rowid",
    )
    .fetch_all(pool)
    .await
}

pub async fn cluster_group(pool: &SqlitePool, id: &str) -> sqlx::Result<Option<ClusterGroupRow>> {
    sqlx::query_as("SELECT id, name, kind, region_id, description FROM cluster_groups WHERE id = ?")
        .bind(id)
        .fetch_optional(pool)
        .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ClusterRow {
    pub id: String,
    pub name: String,
    pub group_id: String,
    pub region_id: String,
    pub reached_year: Option<i64>,
    pub description: String,
}

const CLUSTER_SELECT: &str = "\
SELECT c.id, c.name, c.group_id, g.region_id, c.reached_year, c.description
FROM clusters c JOIN cluster_groups g ON g.id = c.group_id";

/// Clusters in source order; all of them, or one group's.
pub async fn clusters(pool: &SqlitePool, group: Option<&str>) -> sqlx::Result<Vec<ClusterRow>> {
    sqlx::query_as(&format!(
        "{CLUSTER_SELECT} WHERE (?1 IS NULL OR c.group_id = ?1) ORDER BY c.rowid"
    ))
    .bind(group)
    .fetch_all(pool)
    .await
}

pub async fn cluster(pool: &SqlitePool, id: &str) -> sqlx::Result<Option<ClusterRow>> {
    sqlx::query_as(&format!("{CLUSTER_SELECT} WHERE c.id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CityPlanRow {
    pub id: String,
    pub region_id: String,
    pub speaker_id: String,
    pub source_id: String,
    pub summary: String,
}

pub async fn city_plans(pool: &SqlitePool) -> sqlx::Result<Vec<CityPlanRow>> {
    sqlx::query_as(
        "SELECT id, region_id, speaker_id, source_id, summary FROM city_plans ORDER BY rowid",
    )
    .fetch_all(pool)
    .await
}

pub async fn city_plan(pool: &SqlitePool, id: &str) -> sqlx::Result<Option<CityPlanRow>> {
    sqlx::query_as(
        "SELECT id, region_id, speaker_id, source_id, summary FROM city_plans WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// The cluster groups each city plan names, as (city plan id, cluster group id) pairs.
pub async fn city_plan_cluster_groups(pool: &SqlitePool) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "SELECT city_plan_id, cluster_group_id FROM city_plan_cluster_groups ORDER BY rowid",
    )
    .fetch_all(pool)
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct IndicatorRow {
    pub id: String,
    pub name: String,
    pub topic: String,
    pub concept: String,
    pub measure: String,
    pub unit: Unit,
    pub description: String,
    pub observation_count: i64,
}

const INDICATOR_SELECT: &str = "\
SELECT i.id, i.name, i.topic, i.concept, i.measure, i.unit, i.description,
       (SELECT COUNT(*) FROM observations o
        WHERE o.indicator_id = i.id AND o.retracted = 0) AS observation_count
FROM indicators i";

pub async fn indicators(pool: &SqlitePool) -> sqlx::Result<Vec<IndicatorRow>> {
    sqlx::query_as(&format!("{INDICATOR_SELECT} ORDER BY i.rowid"))
        .fetch_all(pool)
        .await
}

pub async fn indicator(pool: &SqlitePool, id: &str) -> sqlx::Result<Option<IndicatorRow>> {
    sqlx::query_as(&format!("{INDICATOR_SELECT} WHERE i.id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SourceRow {
    pub id: String,
    pub publication: String,
    pub page: String,
    pub headline: String,
    pub byline: Option<String>,
    pub published: String,
    pub document: String,
    pub description: String,
}

const SOURCE_SELECT: &str =
    "SELECT id, publication, page, headline, byline, published, document, description FROM sources";

pub async fn sources(pool: &SqlitePool) -> sqlx::Result<Vec<SourceRow>> {
    sqlx::query_as(&format!("{SOURCE_SELECT} ORDER BY rowid"))
        .fetch_all(pool)
        .await
}

pub async fn source(pool: &SqlitePool, id: &str) -> sqlx::Result<Option<SourceRow>> {
    sqlx::query_as(&format!("{SOURCE_SELECT} WHERE id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SpeakerRow {
    pub id: String,
    pub name: String,
    pub title: String,
    pub organisation: String,
    pub region_id: String,
    pub figure_count: i64,
}

const SPEAKER_SELECT: &str = "\
SELECT sp.id, sp.name, sp.title, sp.organisation, sp.region_id,
       (SELECT COUNT(*) FROM observations o
        WHERE o.speaker_id = sp.id AND o.retracted = 0) AS figure_count
FROM speakers sp";

pub async fn speakers(pool: &SqlitePool) -> sqlx::Result<Vec<SpeakerRow>> {
    sqlx::query_as(&format!("{SPEAKER_SELECT} ORDER BY sp.rowid"))
        .fetch_all(pool)
        .await
}

pub async fn speaker(pool: &SqlitePool, id: &str) -> sqlx::Result<Option<SpeakerRow>> {
    sqlx::query_as(&format!("{SPEAKER_SELECT} WHERE sp.id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CompanyRow {
    pub id: String,
    pub name: String,
    pub region_id: String,
    pub description: String,
}

pub async fn companies(pool: &SqlitePool) -> sqlx::Result<Vec<CompanyRow>> {
    sqlx::query_as("SELECT id, name, region_id, description FROM companies ORDER BY rowid")
        .fetch_all(pool)
        .await
}

pub async fn company(pool: &SqlitePool, id: &str) -> sqlx::Result<Option<CompanyRow>> {
    sqlx::query_as("SELECT id, name, region_id, description FROM companies WHERE id = ?")
        .bind(id)
        .fetch_optional(pool)
        .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FacilityRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub region_id: String,
    pub source_id: String,
    pub speaker_id: Option<String>,
    pub description: String,
}

const FACILITY_SELECT: &str =
    "SELECT id, name, kind, region_id, source_id, speaker_id, description FROM facilities";

pub async fn facilities(pool: &SqlitePool) -> sqlx::Result<Vec<FacilityRow>> {
    sqlx::query_as(&format!("{FACILITY_SELECT} ORDER BY rowid"))
        .fetch_all(pool)
        .await
}

pub async fn facility(pool: &SqlitePool, id: &str) -> sqlx::Result<Option<FacilityRow>> {
    sqlx::query_as(&format!("{FACILITY_SELECT} WHERE id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// Names of every entity that other resources refer to by id, so that responses can carry
/// `{id, name}` references without a join per field.
pub async fn names(pool: &SqlitePool, entity: Entity) -> sqlx::Result<Vec<Reference>> {
    let sql = match entity {
        Entity::CityPlan => {
            "SELECT p.id, r.name FROM city_plans p JOIN regions r ON r.id = p.region_id".to_owned()
        }
        Entity::Source => "SELECT id, headline AS name FROM sources".to_owned(),
        other => format!("SELECT id, name FROM {}", other.table()),
    };
    let rows: Vec<(String, String)> = sqlx::query_as(&sql).fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| Reference { id, name })
        .collect())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SearchHit {
    pub kind: String,
    pub ref_id: String,
    pub title: String,
    pub snippet: String,
    pub rank: f64,
}

/// Ranked full-text hits for an FTS5 query (built by the caller from words only).
pub async fn search(pool: &SqlitePool, fts_query: &str) -> sqlx::Result<Vec<SearchHit>> {
    sqlx::query_as(
        "SELECT kind, ref_id,
                highlight(search_index, 2, '<mark>', '</mark>') AS title,
                snippet(search_index, 3, '<mark>', '</mark>', '…', 16) AS snippet,
                rank
         FROM search_index WHERE search_index MATCH ? ORDER BY rank, kind, ref_id",
    )
    .bind(fts_query)
    .fetch_all(pool)
    .await
}

/// What an import validates against: every id a figure may refer to, and each indicator's unit.
#[derive(Debug, Default)]
pub struct Catalogue {
    pub indicators: std::collections::HashMap<String, String>,
    pub regions: std::collections::HashSet<String>,
    pub clusters: std::collections::HashSet<String>,
    pub cluster_groups: std::collections::HashSet<String>,
    pub companies: std::collections::HashSet<String>,
    pub city_plans: std::collections::HashSet<String>,
    pub sources: std::collections::HashSet<String>,
    pub speakers: std::collections::HashSet<String>,
}

pub async fn catalogue(pool: &SqlitePool) -> sqlx::Result<Catalogue> {
    let set = |entity| async move {
        ids(pool, entity)
            .await
            .map(|ids| ids.into_iter().collect::<std::collections::HashSet<_>>())
    };
    let indicators: Vec<(String, String)> = sqlx::query_as("SELECT id, unit FROM indicators")
        .fetch_all(pool)
        .await?;
    Ok(Catalogue {
        indicators: indicators.into_iter().collect(),
        regions: set(Entity::Region).await?,
        clusters: set(Entity::Cluster).await?,
        cluster_groups: set(Entity::ClusterGroup).await?,
        companies: set(Entity::Company).await?,
        city_plans: set(Entity::CityPlan).await?,
        sources: set(Entity::Source).await?,
        speakers: set(Entity::Speaker).await?,
    })
}
