//! The data layer: every SQL statement of the service lives here. Handlers call these functions
//! and never see SQL. Filters are bound as parameters, never formatted into the statement.

use serde::Serialize;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use crate::model::{
    value_in_units, Observation, Period, PeriodKind, Provenance, Qualifier, Reference, Scale,
    SourceReference, Speaker, Unit,
};

/// Tables whose ids a filter may name; the table name comes from here, never from a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Region,
    Cluster,
    ClusterGroup,
    Company,
    CityPlan,
    Speaker,
    Source,
    Indicator,
    Facility,
    Observation,
}

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

    /// What a person calls one of these, for error messages.
    pub fn noun(self) -> &'static str {
        match self {
            Entity::Region => "region",
            Entity::Cluster => "cluster",
            Entity::ClusterGroup => "cluster group",
            Entity::Company => "company",
            Entity::CityPlan => "city plan",
            Entity::Speaker => "speaker",
            Entity::Source => "source",
            Entity::Indicator => "indicator",
            Entity::Facility => "facility",
            Entity::Observation => "observation",
        }
    }
}

/// Every id of one kind of entity, in id order.
pub async fn ids(pool: &SqlitePool, entity: Entity) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(&format!("SELECT id FROM {} ORDER BY id", entity.table()))
        .fetch_all(pool)
        .await
}

pub async fn exists(pool: &SqlitePool, entity: Entity, id: &str) -> sqlx::Result<bool> {
    let sql = format!(
        "SELECT EXISTS (SELECT 1 FROM {} WHERE id = ?)",
        entity.table()
    );
    sqlx::query_scalar(&sql).bind(id).fetch_one(pool).await
}

/// Which figures to return; every field narrows the result.
#[derive(Debug, Default, Clone)]
pub struct ObservationFilter {
    pub id: Option<String>,
    pub indicator: Option<String>,
    pub region: Option<String>,
    pub cluster: Option<String>,
    pub cluster_group: Option<String>,
    pub company: Option<String>,
    pub city_plan: Option<String>,
    pub speaker: Option<String>,
    pub source: Option<String>,
    pub concept: Option<String>,
    pub unit: Option<Unit>,
    pub qualifier: Option<Qualifier>,
    /// Figures whose period overlaps this calendar year.
    pub year: Option<i32>,
    /// Only figures that belong to some cluster or cluster group.
    pub any_cluster: bool,
}

#[derive(sqlx::FromRow)]
struct ObservationRow {
    id: String,
    indicator_id: String,
    indicator_name: String,
    region_id: String,
    region_name: String,
    cluster_id: Option<String>,
    cluster_group_id: Option<String>,
    company_id: Option<String>,
    city_plan_id: Option<String>,
    value: f64,
    scale: Scale,
    unit: Unit,
    qualifier: Qualifier,
    stated: String,
    period_kind: PeriodKind,
    period_start: Option<String>,
    period_end: Option<String>,
    period_label: String,
    equivalent_of: Option<String>,
    restates: Option<String>,
    source_id: String,
    source_headline: String,
    section: String,
    speaker_id: Option<String>,
    speaker_name: Option<String>,
    speaker_title: Option<String>,
    speaker_organisation: Option<String>,
    cited_source: Option<String>,
    note: Option<String>,
}

impl From<ObservationRow> for Observation {
    fn from(row: ObservationRow) -> Self {
        let speaker = match (
            row.speaker_id,
            row.speaker_name,
            row.speaker_title,
            row.speaker_organisation,
        ) {
            (Some(id), Some(name), Some(title), Some(organisation)) => Some(Speaker {
                id,
                name,
                title,
                organisation,
            }),
            _ => None,
        };
        Observation {
            value_in_units: value_in_units(row.value, row.scale),
            id: row.id,
            indicator: Reference {
                id: row.indicator_id,
                name: row.indicator_name,
            },
            region: Reference {
                id: row.region_id,
                name: row.region_name,
            },
            cluster: row.cluster_id,
            cluster_group: row.cluster_group_id,
            company: row.company_id,
            city_plan: row.city_plan_id,
            value: row.value,
            scale: row.scale,
            unit: row.unit,
            qualifier: row.qualifier,
            stated: row.stated,
            period: Period {
                kind: row.period_kind,
                start: row.period_start,
                end: row.period_end,
                label: row.period_label,
            },
            equivalent_of: row.equivalent_of,
            restates: row.restates,
            provenance: Provenance {
                source: SourceReference {
                    id: row.source_id,
                    headline: row.source_headline,
                },
                section: row.section,
                speaker,
                cited_source: row.cited_source,
            },
            note: row.note,
        }
    }
}

const OBSERVATION_SELECT: &str = "\
SELECT o.id, o.indicator_id, i.name AS indicator_name, o.region_id, r.name AS region_name,
       o.cluster_id, o.cluster_group_id, o.company_id, o.city_plan_id,
       o.value, o.scale, o.unit, o.qualifier, o.stated,
       o.period_kind, o.period_start, o.period_end, o.period_label,
       o.equivalent_of, o.restates, o.source_id, s.headline AS source_headline, o.section,
       o.speaker_id, sp.name AS speaker_name, sp.title AS speaker_title,
       sp.organisation AS speaker_organisation, o.cited_source, o.note
FROM observations o
JOIN indicators i ON i.id = o.indicator_id
JOIN regions r ON r.id = o.region_id
JOIN sources s ON s.id = o.source_id
LEFT JOIN speakers sp ON sp.id = o.speaker_id
WHERE 1 = 1";

/// Figures matching `filter`, in the order the source prints them.
pub async fn observations(
    pool: &SqlitePool,
    filter: &ObservationFilter,
) -> sqlx::Result<Vec<Observation>> {
    let mut query = QueryBuilder::<Sqlite>::new(OBSERVATION_SELECT);
    let equalities = [
        ("o.id", &filter.id),
        ("o.indicator_id", &filter.indicator),
        ("o.region_id", &filter.region),
        ("o.cluster_id", &filter.cluster),
        ("o.cluster_group_id", &filter.cluster_group),
        ("o.company_id", &filter.company),
        ("o.city_plan_id", &filter.city_plan),
        ("o.speaker_id", &filter.speaker),
        ("o.source_id", &filter.source),
        ("i.concept", &filter.concept),
    ];
    for (column, value) in equalities {
        if let Some(value) = value {
            query
                .push(format_args!(" AND {column} = "))
                .push_bind(value.clone());
        }
    }
    if let Some(unit) = filter.unit {
        query.push(" AND o.unit = ").push_bind(unit);
    }
    if let Some(qualifier) = filter.qualifier {
        query.push(" AND o.qualifier = ").push_bind(qualifier);
    }
    if let Some(year) = filter.year {
        // A period overlaps the year when it starts no later and ends no earlier; an open end
        // takes the other end's year, and a period with no year at all never matches.
        query
            .push(" AND CAST(substr(COALESCE(o.period_start, o.period_end), 1, 4) AS INTEGER) <= ")
            .push_bind(year)
            .push(" AND CAST(substr(COALESCE(o.period_end, o.period_start), 1, 4) AS INTEGER) >= ")
            .push_bind(year);
    }
    if filter.any_cluster {
        query.push(" AND (o.cluster_id IS NOT NULL OR o.cluster_group_id IS NOT NULL)");
    }
    query.push(" ORDER BY o.rowid");
    let rows: Vec<ObservationRow> = query.build_query_as().fetch_all(pool).await?;
    Ok(rows.into_iter().map(Observation::from).collect())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RegionRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<String>,
    pub description: String,
}

pub async fn regions(
    pool: &SqlitePool,
    kind: Option<&str>,
    parent: Option<&str>,
) -> sqlx::Result<Vec<RegionRow>> {
    sqlx::query_as(
        "SELECT id, name, kind, parent_id, description FROM regions
         WHERE (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR parent_id = ?2) ORDER BY rowid",
    )
    .bind(kind)
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

pub async fn cluster_groups(
    pool: &SqlitePool,
    region: Option<&str>,
) -> sqlx::Result<Vec<ClusterGroupRow>> {
    sqlx::query_as(
        "SELECT id, name, kind, region_id, description FROM cluster_groups
         WHERE (?1 IS NULL OR region_id = ?1) ORDER BY rowid",
    )
    .bind(region)
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

pub async fn clusters(
    pool: &SqlitePool,
    group: Option<&str>,
    region: Option<&str>,
) -> sqlx::Result<Vec<ClusterRow>> {
    sqlx::query_as(&format!(
        "{CLUSTER_SELECT} WHERE (?1 IS NULL OR c.group_id = ?1) AND (?2 IS NULL OR g.region_id = ?2)
         ORDER BY c.rowid"
    ))
    .bind(group)
    .bind(region)
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

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
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
       (SELECT COUNT(*) FROM observations o WHERE o.indicator_id = i.id) AS observation_count
FROM indicators i";

pub async fn indicators(
    pool: &SqlitePool,
    topic: Option<&str>,
    concept: Option<&str>,
) -> sqlx::Result<Vec<IndicatorRow>> {
    sqlx::query_as(&format!(
        "{INDICATOR_SELECT} WHERE (?1 IS NULL OR i.topic = ?1) AND (?2 IS NULL OR i.concept = ?2)
         ORDER BY i.rowid"
    ))
    .bind(topic)
    .bind(concept)
    .fetch_all(pool)
    .await
}

pub async fn indicator(pool: &SqlitePool, id: &str) -> sqlx::Result<Option<IndicatorRow>> {
    sqlx::query_as(&format!("{INDICATOR_SELECT} WHERE i.id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// The distinct values of an indicator column, to list what a filter accepts.
pub async fn indicator_topics_and_concepts(
    pool: &SqlitePool,
) -> sqlx::Result<(Vec<String>, Vec<String>)> {
    let topics = sqlx::query_scalar("SELECT DISTINCT topic FROM indicators ORDER BY topic")
        .fetch_all(pool)
        .await?;
    let concepts = sqlx::query_scalar("SELECT DISTINCT concept FROM indicators ORDER BY concept")
        .fetch_all(pool)
        .await?;
    Ok((topics, concepts))
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
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
       (SELECT COUNT(*) FROM observations o WHERE o.speaker_id = sp.id) AS figure_count
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
