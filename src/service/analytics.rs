//! The analytics, loaded: each reads the handful of figures its arithmetic needs (the store's
//! related figures), however many are stored, and hands them to the domain's pure functions.
//! Shared by the handlers and the `check` command.

use sqlx::SqlitePool;

use super::Service;
use crate::domain::analytics::consistency::{consistency_report, ConsistencyReport, GroupMembers};
use crate::domain::analytics::exchange_rate::{exchange_rate, ExchangeRate};
use crate::domain::analytics::relations::{
    counts_group_members, implied_figures, relation_figure_ids,
};
use crate::domain::analytics::series::latest_of_each_series;
use crate::domain::analytics::transforms::{transform_series, Transform, Transformed};
use crate::domain::entity::Entity;
use crate::domain::figure::Observation;
use crate::domain::language::Language;
use crate::store::{self, figures::ObservationFilter, figures::RelatedFigures};

/// The source's exchange rate, from the printed equivalents and the figures they convert
/// alone; `None` when there is no such pair.
pub async fn load_exchange_rate(pool: &SqlitePool) -> sqlx::Result<Option<ExchangeRate>> {
    let equivalents = RelatedFigures {
        equivalents: true,
        ..Default::default()
    };
    // The rate reads values only: their names are English, as everywhere by default.
    let figures =
        store::figures::related_observations(pool, &equivalents, Language::default()).await?;
    Ok(exchange_rate(&figures))
}

/// The exchange rate of the data version being served: computed once per version, then every
/// `?currency=` request converts with it at no cost. The version is read first, so the rate
/// is never older than the version it is kept under.
pub async fn current_exchange_rate(service: &Service) -> sqlx::Result<Option<ExchangeRate>> {
    let version = service.data_version.get();
    service
        .exchange_rates
        .get_or_insert_async(&version, load_exchange_rate(&service.pool))
        .await
}

/// The report for the data in `pool`; shared with the `check` command. Reads the figures its
/// checks read: the linked ones, the counts of cluster groups and the relations' figures.
pub async fn load_report(pool: &SqlitePool) -> sqlx::Result<ConsistencyReport> {
    let counts = store::ids(pool, Entity::Indicator)
        .await?
        .into_iter()
        .filter(|id| counts_group_members(id))
        .collect();
    let read = RelatedFigures {
        equivalents: true,
        restatements: true,
        ids: relation_figure_ids(),
        indicators: counts,
    };
    // The report is English prose about figure ids: names in English.
    let figures = store::figures::related_observations(pool, &read, Language::default()).await?;
    let mut groups: Vec<GroupMembers> = Vec::new();
    for group in store::catalogue::cluster_groups(pool, Language::default()).await? {
        let clusters =
            store::catalogue::clusters(pool, Some(&group.id), Language::default()).await?;
        groups.push(GroupMembers {
            members: clusters.iter().map(|c| c.id.clone()).collect(),
            reached: clusters
                .iter()
                .map(|c| (c.id.clone(), c.reached_year))
                .collect(),
            group: group.id,
        });
    }
    Ok(consistency_report(&figures, &groups))
}

/// The figures the source implies but does not state, from the figures the relations name,
/// names in `language`.
pub async fn load_derived(pool: &SqlitePool, language: Language) -> sqlx::Result<Vec<Observation>> {
    let read = RelatedFigures {
        ids: relation_figure_ids(),
        ..Default::default()
    };
    let figures = store::figures::related_observations(pool, &read, language).await?;
    Ok(implied_figures(&figures))
}

/// The last `n` figures of each series among the figures `filter` selects (as stated), in
/// source order, names in `language`: the whole filtered table is read, as a transform reads
/// it, since a series' last figures are known only once all of its figures are.
pub async fn load_latest(
    pool: &SqlitePool,
    filter: &ObservationFilter,
    n: usize,
    language: Language,
) -> sqlx::Result<Vec<Observation>> {
    let figures = store::figures::observations(pool, filter, language).await?;
    Ok(latest_of_each_series(figures, n))
}

/// A transform of every series among the figures `filter` selects (as stated: a presentation
/// applies to the derived figures), names in `language`, with a note for each subject that
/// gave nothing, or less.
pub async fn load_transformed(
    pool: &SqlitePool,
    filter: &ObservationFilter,
    transform: Transform,
    language: Language,
) -> sqlx::Result<Transformed> {
    let figures = store::figures::observations(pool, filter, language).await?;
    Ok(transform_series(&figures, transform))
}
