//! Catalogue reads: the regions, clusters, cluster groups, city plans, indicators, sources,
//! speakers, companies and facilities that figures refer to, their names, the search index,
//! and the ids an import checks its figures against.

use serde::Serialize;
use sqlx::SqlitePool;

use super::ids;
use crate::domain::entity::Entity;
use crate::domain::figure::{Reference, Unit};
use crate::domain::language::Language;

/// A catalogue row's name as SQL, in `language`, selected as `field` and `{field}_en`: in
/// English the `english` column, and no `_en` (NULL, left out of the JSON); in Chinese its
/// `chinese` column where it has one, and the English beside it. `alias` prefixes both.
fn named(language: Language, alias: &str, english: &str, chinese: &str, field: &str) -> String {
    match language {
        Language::En => format!("{alias}{english} AS {field}, NULL AS {field}_en"),
        Language::Zh => format!(
            "coalesce({alias}{chinese}, {alias}{english}) AS {field}, \
             {alias}{english} AS {field}_en"
        ),
    }
}

/// [`named`] for the usual `name` and `name_zh`.
pub(super) fn name(language: Language, alias: &str) -> String {
    named(language, alias, "name", "name_zh", "name")
}

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
    /// The English name, when `name` is another language's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub kind: String,
    pub parent_id: Option<String>,
    pub description: String,
}

/// Regions in source order; all of them, or one region's children.
pub async fn regions(
    pool: &SqlitePool,
    parent: Option<&str>,
    language: Language,
) -> sqlx::Result<Vec<RegionRow>> {
    sqlx::query_as(&format!(
        "SELECT id, {}, kind, parent_id, description FROM regions
         WHERE (?1 IS NULL OR parent_id = ?1) ORDER BY rowid",
        name(language, "")
    ))
    .bind(parent)
    .fetch_all(pool)
    .await
}

pub async fn region(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Option<RegionRow>> {
    sqlx::query_as(&format!(
        "SELECT id, {}, kind, parent_id, description FROM regions WHERE id = ?",
        name(language, "")
    ))
    .bind(id)
    .fetch_optional(pool)
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ClusterGroupRow {
    pub id: String,
    pub name: String,
    /// The English name, when `name` is another language's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub kind: String,
    pub region_id: String,
    pub description: String,
}

pub async fn cluster_groups(
    pool: &SqlitePool,
    language: Language,
) -> sqlx::Result<Vec<ClusterGroupRow>> {
    sqlx::query_as(&format!(
        "SELECT id, {}, kind, region_id, description FROM cluster_groups ORDER BY rowid",
        name(language, "")
    ))
    .fetch_all(pool)
    .await
}

pub async fn cluster_group(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Option<ClusterGroupRow>> {
    sqlx::query_as(&format!(
        "SELECT id, {}, kind, region_id, description FROM cluster_groups WHERE id = ?",
        name(language, "")
    ))
    .bind(id)
    .fetch_optional(pool)
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ClusterRow {
    pub id: String,
    pub name: String,
    /// The English name, when `name` is another language's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub group_id: String,
    pub region_id: String,
    pub reached_year: Option<i64>,
    pub description: String,
}

fn cluster_select(language: Language) -> String {
    format!(
        "SELECT c.id, {}, c.group_id, g.region_id, c.reached_year, c.description
         FROM clusters c JOIN cluster_groups g ON g.id = c.group_id",
        name(language, "c.")
    )
}

/// Clusters in source order; all of them, or one group's.
pub async fn clusters(
    pool: &SqlitePool,
    group: Option<&str>,
    language: Language,
) -> sqlx::Result<Vec<ClusterRow>> {
    sqlx::query_as(&format!(
        "{} WHERE (?1 IS NULL OR c.group_id = ?1) ORDER BY c.rowid",
        cluster_select(language)
    ))
    .bind(group)
    .fetch_all(pool)
    .await
}

pub async fn cluster(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Option<ClusterRow>> {
    sqlx::query_as(&format!("{} WHERE c.id = ?", cluster_select(language)))
        .bind(id)
        .fetch_optional(pool)
        .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CityPlanRow {
    pub id: String,
    pub name: String,
    /// The English name, when `name` is another language's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub region_id: String,
    pub speaker_id: String,
    pub source_id: String,
    pub summary: String,
}

/// A city plan's English name: its city's ("Guangzhou city plan"), as the search names it;
/// the plan has no English title of its own.
const CITY_PLAN_NAME: &str = "r.name || ' city plan'";

/// A city plan's name as SQL over the plan `p` and its city `r`, in `language`, selected as
/// `name` and `name_en` (see [`named`]).
fn city_plan_name(language: Language) -> String {
    match language {
        Language::En => format!("{CITY_PLAN_NAME} AS name, NULL AS name_en"),
        Language::Zh => {
            format!("coalesce(p.name_zh, {CITY_PLAN_NAME}) AS name, {CITY_PLAN_NAME} AS name_en")
        }
    }
}

fn city_plan_select(language: Language) -> String {
    format!(
        "SELECT p.id, {}, p.region_id, p.speaker_id, p.source_id, p.summary
         FROM city_plans p JOIN regions r ON r.id = p.region_id",
        city_plan_name(language)
    )
}

pub async fn city_plans(pool: &SqlitePool, language: Language) -> sqlx::Result<Vec<CityPlanRow>> {
    sqlx::query_as(&format!("{} ORDER BY p.rowid", city_plan_select(language)))
        .fetch_all(pool)
        .await
}

pub async fn city_plan(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Option<CityPlanRow>> {
    sqlx::query_as(&format!("{} WHERE p.id = ?", city_plan_select(language)))
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
    /// The English name, when `name` is another language's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub topic: String,
    pub concept: String,
    pub measure: String,
    pub unit: Unit,
    pub description: String,
    pub observation_count: i64,
}

fn indicator_select(language: Language) -> String {
    format!(
        "SELECT i.id, {}, i.topic, i.concept, i.measure, i.unit, i.description,
                (SELECT COUNT(*) FROM observations o
                 WHERE o.indicator_id = i.id AND o.retracted = 0) AS observation_count
         FROM indicators i",
        name(language, "i.")
    )
}

pub async fn indicators(pool: &SqlitePool, language: Language) -> sqlx::Result<Vec<IndicatorRow>> {
    sqlx::query_as(&format!("{} ORDER BY i.rowid", indicator_select(language)))
        .fetch_all(pool)
        .await
}

pub async fn indicator(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Option<IndicatorRow>> {
    sqlx::query_as(&format!("{} WHERE i.id = ?", indicator_select(language)))
        .bind(id)
        .fetch_optional(pool)
        .await
}

// The path of the copy a story was read from (`sources.document`) stays in the table and is
// read by no query: a path on the machine that read the story tells a client nothing.
/// A story the figures were read from, cited by its publication, page, headline, byline and
/// date.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SourceRow {
    pub id: String,
    pub publication: String,
    pub page: String,
    pub headline: String,
    /// The English headline, when `headline` is a translation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline_en: Option<String>,
    pub byline: Option<String>,
    pub published: String,
    pub description: String,
}

fn source_select(language: Language) -> String {
    format!(
        "SELECT id, publication, page, {}, byline, published, description FROM sources",
        named(language, "", "headline", "name_zh", "headline")
    )
}

pub async fn sources(pool: &SqlitePool, language: Language) -> sqlx::Result<Vec<SourceRow>> {
    sqlx::query_as(&format!("{} ORDER BY rowid", source_select(language)))
        .fetch_all(pool)
        .await
}

pub async fn source(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Option<SourceRow>> {
    sqlx::query_as(&format!("{} WHERE id = ?", source_select(language)))
        .bind(id)
        .fetch_optional(pool)
        .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SpeakerRow {
    pub id: String,
    pub name: String,
    /// The English name, when `name` is another language's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub title: String,
    pub organisation: String,
    pub region_id: String,
    pub figure_count: i64,
}

fn speaker_select(language: Language) -> String {
    format!(
        "SELECT sp.id, {}, sp.title, sp.organisation, sp.region_id,
                (SELECT COUNT(*) FROM observations o
                 WHERE o.speaker_id = sp.id AND o.retracted = 0) AS figure_count
         FROM speakers sp",
        name(language, "sp.")
    )
}

pub async fn speakers(pool: &SqlitePool, language: Language) -> sqlx::Result<Vec<SpeakerRow>> {
    sqlx::query_as(&format!("{} ORDER BY sp.rowid", speaker_select(language)))
        .fetch_all(pool)
        .await
}

pub async fn speaker(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Option<SpeakerRow>> {
    sqlx::query_as(&format!("{} WHERE sp.id = ?", speaker_select(language)))
        .bind(id)
        .fetch_optional(pool)
        .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CompanyRow {
    pub id: String,
    pub name: String,
    /// The English name, when `name` is another language's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub region_id: String,
    pub description: String,
}

pub async fn companies(pool: &SqlitePool, language: Language) -> sqlx::Result<Vec<CompanyRow>> {
    sqlx::query_as(&format!(
        "SELECT id, {}, region_id, description FROM companies ORDER BY rowid",
        name(language, "")
    ))
    .fetch_all(pool)
    .await
}

pub async fn company(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Option<CompanyRow>> {
    sqlx::query_as(&format!(
        "SELECT id, {}, region_id, description FROM companies WHERE id = ?",
        name(language, "")
    ))
    .bind(id)
    .fetch_optional(pool)
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FacilityRow {
    pub id: String,
    pub name: String,
    /// The English name, when `name` is another language's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub kind: String,
    pub region_id: String,
    pub source_id: String,
    pub speaker_id: Option<String>,
    pub description: String,
}

fn facility_select(language: Language) -> String {
    format!(
        "SELECT id, {}, kind, region_id, source_id, speaker_id, description FROM facilities",
        name(language, "")
    )
}

pub async fn facilities(pool: &SqlitePool, language: Language) -> sqlx::Result<Vec<FacilityRow>> {
    sqlx::query_as(&format!("{} ORDER BY rowid", facility_select(language)))
        .fetch_all(pool)
        .await
}

pub async fn facility(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Option<FacilityRow>> {
    sqlx::query_as(&format!("{} WHERE id = ?", facility_select(language)))
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// Names of every entity that other resources refer to by id, in `language`, so that
/// responses can carry `{id, name}` references without a join per field. A city plan is
/// named after its city in English ("Guangzhou city plan", as the search names it), by its
/// own Chinese name in Chinese.
pub async fn names(
    pool: &SqlitePool,
    entity: Entity,
    language: Language,
) -> sqlx::Result<Vec<Reference>> {
    let sql = match entity {
        Entity::CityPlan => format!(
            "SELECT p.id, {} FROM city_plans p JOIN regions r ON r.id = p.region_id",
            city_plan_name(language)
        ),
        Entity::Source => format!(
            "SELECT id, {} FROM sources",
            named(language, "", "headline", "name_zh", "name")
        ),
        other => format!("SELECT id, {} FROM {}", name(language, ""), other.table()),
    };
    // The English beside a Chinese name is not needed here: a reference is `{id, name}`.
    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(&sql).fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, _)| Reference { id, name })
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

/// Ranked hits of the Chinese index (trigram, migration 0009) for an FTS5 query whose words
/// are three characters or more (built by the caller from words only).
pub async fn search_chinese(pool: &SqlitePool, fts_query: &str) -> sqlx::Result<Vec<SearchHit>> {
    sqlx::query_as(
        "SELECT kind, ref_id,
                highlight(search_index_zh, 2, '<mark>', '</mark>') AS title,
                snippet(search_index_zh, 3, '<mark>', '</mark>', '…', 16) AS snippet,
                rank
         FROM search_index_zh WHERE search_index_zh MATCH ? ORDER BY rank, kind, ref_id",
    )
    .bind(fts_query)
    .fetch_all(pool)
    .await
}

/// The entries of the Chinese index whose title or body holds every one of `words` (letters
/// and digits only, so never a LIKE wildcard), unmarked and unranked: the caller marks and
/// ranks them. For words shorter than three characters, which have no trigram to look up:
/// FTS5 reads the whole index, a few hundred short rows.
pub async fn search_chinese_containing(
    pool: &SqlitePool,
    words: &[String],
) -> sqlx::Result<Vec<SearchHit>> {
    let mut query = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
        "SELECT kind, ref_id, title, body AS snippet, 0.0 AS rank FROM search_index_zh WHERE 1 = 1",
    );
    for word in words {
        let pattern = format!("%{word}%");
        query
            .push(" AND (title LIKE ")
            .push_bind(pattern.clone())
            .push(" OR body LIKE ")
            .push_bind(pattern)
            .push(")");
    }
    query.build_query_as().fetch_all(pool).await
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
