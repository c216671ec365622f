//! The catalogue as the handlers read it: regions (with their hierarchy), clusters, cluster
//! groups, city plans, indicators, sources, speakers, companies, facilities and their names,
//! each in the language asked.
//! Thin over the store: the reads are the store's, passed on so that the HTTP edge never
//! reaches the store itself.

use sqlx::SqlitePool;

use crate::domain::entity::Entity;
use crate::domain::figure::Reference;
use crate::domain::language::Language;
use crate::store::catalogue as store;
/// The catalogue's rows, as the store reads them.
pub use crate::store::catalogue::{
    CityPlanRow, ClusterGroupRow, ClusterRow, CompanyRow, FacilityRow, IndicatorRow, RegionRow,
    SourceRow, SpeakerRow,
};

/// Regions in source order; all of them, or one region's children.
pub async fn regions(
    pool: &SqlitePool,
    parent: Option<&str>,
    language: Language,
) -> sqlx::Result<Vec<RegionRow>> {
    store::regions(pool, parent, language).await
}

pub async fn region(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Option<RegionRow>> {
    store::region(pool, id, language).await
}

pub async fn cluster_groups(
    pool: &SqlitePool,
    language: Language,
) -> sqlx::Result<Vec<ClusterGroupRow>> {
    store::cluster_groups(pool, language).await
}

pub async fn cluster_group(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Option<ClusterGroupRow>> {
    store::cluster_group(pool, id, language).await
}

/// Clusters in source order; all of them, or one group's.
pub async fn clusters(
    pool: &SqlitePool,
    group: Option<&str>,
    language: Language,
) -> sqlx::Result<Vec<ClusterRow>> {
    store::clusters(pool, group, language).await
}

pub async fn cluster(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Option<ClusterRow>> {
    store::cluster(pool, id, language).await
}

pub async fn city_plans(pool: &SqlitePool, language: Language) -> sqlx::Result<Vec<CityPlanRow>> {
    store::city_plans(pool, language).await
}

pub async fn city_plan(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Option<CityPlanRow>> {
    store::city_plan(pool, id, language).await
}

/// The cluster groups each city plan names, as (city plan id, cluster group id) pairs.
pub async fn city_plan_cluster_groups(pool: &SqlitePool) -> sqlx::Result<Vec<(String, String)>> {
    store::city_plan_cluster_groups(pool).await
}

pub async fn indicators(pool: &SqlitePool, language: Language) -> sqlx::Result<Vec<IndicatorRow>> {
    store::indicators(pool, language).await
}

pub async fn indicator(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Option<IndicatorRow>> {
    store::indicator(pool, id, language).await
}

pub async fn sources(pool: &SqlitePool, language: Language) -> sqlx::Result<Vec<SourceRow>> {
    store::sources(pool, language).await
}

pub async fn source(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Option<SourceRow>> {
    store::source(pool, id, language).await
}

pub async fn speakers(pool: &SqlitePool, language: Language) -> sqlx::Result<Vec<SpeakerRow>> {
    store::speakers(pool, language).await
}

pub async fn speaker(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Option<SpeakerRow>> {
    store::speaker(pool, id, language).await
}

pub async fn companies(pool: &SqlitePool, language: Language) -> sqlx::Result<Vec<CompanyRow>> {
    store::companies(pool, language).await
}

pub async fn company(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Option<CompanyRow>> {
    store::company(pool, id, language).await
}

pub async fn facilities(pool: &SqlitePool, language: Language) -> sqlx::Result<Vec<FacilityRow>> {
    store::facilities(pool, language).await
}

pub async fn facility(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Option<FacilityRow>> {
    store::facility(pool, id, language).await
}

/// `{id, name}` references of every entity of one kind, named in `language`.
pub async fn names(
    pool: &SqlitePool,
    entity: Entity,
    language: Language,
) -> sqlx::Result<Vec<Reference>> {
    store::names(pool, entity, language).await
}

/// The members of a grouping region (the Greater Bay Area's eleven).
pub async fn region_members(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Vec<Reference>> {
    crate::store::regions::region_members(pool, id, language).await
}

/// The groupings a region is a member of.
pub async fn region_memberships(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Vec<Reference>> {
    crate::store::regions::region_memberships(pool, id, language).await
}

/// Every region inside a region, as `within=` reaches them, the region itself left out.
pub async fn regions_inside(
    pool: &SqlitePool,
    id: &str,
    language: Language,
) -> sqlx::Result<Vec<Reference>> {
    crate::store::regions::regions_inside(pool, id, language).await
}

/// Up to this many figures, their ids are enumerated; past it the document would carry every
/// one (megabytes at a million figures), so a figure's path takes any id and an unknown one is
/// a 404.
pub const MAX_ENUMERATED_FIGURES: i64 = 1000;

/// What the live database holds that a parameter or a path chooses from: every kind's ids and
/// the indicators' concepts. The OpenAPI document lists them as enumerations, read per
/// request, so that an import's new region is documented as soon as it is served.
#[derive(Debug, Default)]
pub struct Enumerations {
    /// Every kind's ids; figures' only up to [`MAX_ENUMERATED_FIGURES`].
    ids: Vec<(Entity, Vec<String>)>,
    /// The figures not retracted (a retracted one is gone, a 410), up to the same cap: what
    /// a figure's own path takes (its revisions take every figure).
    pub standing_figures: Vec<String>,
    pub concepts: Vec<String>,
    /// The indicators a chart can draw: all but rankings (a position is not a quantity).
    pub chartable: Vec<String>,
    /// The data versions there are, which `updated_after` takes as well as a time.
    pub versions: Vec<String>,
}

impl Enumerations {
    pub async fn load(pool: &SqlitePool) -> sqlx::Result<Enumerations> {
        let enumerate_figures =
            crate::store::count(pool, Entity::Observation).await? <= MAX_ENUMERATED_FIGURES;
        let mut ids = Vec::new();
        for entity in Entity::ALL {
            let of_entity = if entity != Entity::Observation || enumerate_figures {
                crate::store::ids(pool, entity).await?
            } else {
                Vec::new()
            };
            ids.push((entity, of_entity));
        }
        let standing_figures = if enumerate_figures {
            crate::store::revisions::standing_ids(pool).await?
        } else {
            Vec::new()
        };
        let concepts = store::indicator_values(pool, store::IndicatorColumn::Concept).await?;
        let mut chartable: Vec<String> = store::indicators(pool, Language::En)
            .await?
            .into_iter()
            .filter(|indicator| indicator.unit != crate::domain::figure::Unit::Rank)
            .map(|indicator| indicator.id)
            .collect();
        chartable.sort();
        let versions = crate::store::imports::versions(pool)
            .await?
            .into_iter()
            .map(|version| version.to_string())
            .collect();
        Ok(Enumerations {
            ids,
            standing_figures,
            concepts,
            chartable,
            versions,
        })
    }

    /// The ids of `entity`, in order; none when not loaded.
    pub fn ids(&self, entity: Entity) -> &[String] {
        self.ids
            .iter()
            .find(|(of, _)| *of == entity)
            .map_or(&[], |(_, ids)| ids.as_slice())
    }
}
