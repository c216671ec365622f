//! Versions of what is served: the data version (the id of the last import), the task that
//! follows it, what is memoised per data version (totals, the exchange rate), and the schema
//! this build's migrations make.
//!
//! The data changes only when an import commits (or a new build migrates, which means a
//! restart). The follower reads the version from the database file itself every `poll`
//! interval, so a writer in another process (the `import` command) is seen too.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use sqlx::SqlitePool;

use crate::domain::analytics::exchange_rate::ExchangeRate;
use crate::domain::entity::Entity;
use crate::domain::language::Language;
use crate::store;
use crate::store::catalogue::IndicatorColumn;
/// How a database's migrations compare with this build's; the readiness probe reports it.
pub use crate::store::database::MigrationState;
use crate::store::figures::{Facet, FacetValue, ObservationFilter};

/// The id of the last import (0: the migrated data alone). Shared by the response cache and
/// the readiness probe.
#[derive(Debug)]
pub struct DataVersion(AtomicI64);

impl DataVersion {
    pub fn new(version: i64) -> DataVersion {
        DataVersion(AtomicI64::new(version))
    }

    pub fn get(&self) -> i64 {
        self.0.load(Ordering::Acquire)
    }

    /// Sets the version; returns the one it replaces.
    pub fn swap(&self, version: i64) -> i64 {
        self.0.swap(version, Ordering::AcqRel)
    }
}

/// Totals of observation queries, by data version and filter: counted once, then reused by
/// every page of the query. Entries of an old version are never asked for again and age out.
pub type Totals = quick_cache::sync::Cache<(i64, ObservationFilter), usize>;

/// Facet counts of observation queries, by data version, filter, facet and the language of
/// their labels: counted once, then reused by every page (and sort) of the query.
pub type FacetMemo =
    quick_cache::sync::Cache<(i64, ObservationFilter, Facet, Language), Arc<Vec<FacetValue>>>;

/// How many facets' counts are kept (a value list each: tens of values, or a few hundred).
pub const FACETS_KEPT: usize = 2_000;

/// How many distinct filters' totals are kept (a few dozen bytes each).
pub const TOTALS_KEPT: usize = 10_000;

/// The exchange rate the source implies, by data version: every `?currency=` request converts
/// with it, and only an import changes it. `None`: no printed pair to derive it from.
pub type ExchangeRates = quick_cache::sync::Cache<i64, Option<ExchangeRate>>;

/// A list of the values a query may name: the ids of one kind of entity, or the indicators'
/// concepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vocabulary {
    Ids(Entity),
    Concepts,
}

/// Each vocabulary's values by data version, in the order a refusal lists them: a query that
/// names known ids is checked without a statement. No import removes an entity or a concept,
/// so a value missing from the list of the version the server last saw is read again before
/// it is refused: an import may have added it since (see [`Vocabularies::of`]).
pub struct Vocabularies(quick_cache::sync::Cache<(i64, Vocabulary), Arc<Vec<String>>>);

/// Vocabularies kept: every one, for the current data version and the one before.
const VOCABULARIES_KEPT: usize = 2 * (Entity::ALL.len() + 1);

impl Vocabularies {
    pub fn new() -> Vocabularies {
        Vocabularies(quick_cache::sync::Cache::new(VOCABULARIES_KEPT))
    }

    /// `vocabulary`'s values at data version `version`, read from `pool` unless memoised.
    pub async fn of(
        &self,
        pool: &SqlitePool,
        version: i64,
        vocabulary: Vocabulary,
    ) -> sqlx::Result<Arc<Vec<String>>> {
        self.0
            .get_or_insert_async(&(version, vocabulary), async {
                Ok(Arc::new(vocabulary_values(pool, vocabulary).await?))
            })
            .await
    }
}

impl Default for Vocabularies {
    fn default() -> Vocabularies {
        Vocabularies::new()
    }
}

/// The vocabularies a server keeps, at the data version it last saw: what a query's values are
/// checked against first.
#[derive(Clone, Copy)]
pub struct KnownValues<'a> {
    pub vocabularies: &'a Vocabularies,
    pub version: i64,
}

/// `vocabulary`'s values as `pool` has them now, in order.
pub async fn vocabulary_values(
    pool: &SqlitePool,
    vocabulary: Vocabulary,
) -> sqlx::Result<Vec<String>> {
    match vocabulary {
        Vocabulary::Ids(entity) => store::ids(pool, entity).await,
        Vocabulary::Concepts => {
            store::catalogue::indicator_values(pool, IndicatorColumn::Concept).await
        }
    }
}

/// The id of the last import; 0 when the data is the migrations' alone.
pub async fn last_import_id<'e>(executor: impl sqlx::SqliteExecutor<'e>) -> sqlx::Result<i64> {
    store::imports::last_import_id(executor).await
}

/// What keeps a data version and is told when it moves (the response cache).
pub trait VersionFollower: Send + Sync + 'static {
    fn set_version(&self, version: i64);
}

/// Re-reads the data version every `poll` until `follower` is gone or the pool is closed.
pub async fn follow_data_version<F: VersionFollower>(
    follower: Weak<F>,
    pool: SqlitePool,
    poll: Duration,
) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + poll, poll);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let Some(follower) = follower.upgrade() else {
            return;
        };
        match store::imports::last_import_id(&pool).await {
            Ok(version) => follower.set_version(version),
            Err(sqlx::Error::PoolClosed) => return,
            // A busy or briefly unreadable file: keep serving the version known, retry.
            Err(error) => tracing::warn!(%error, "cannot read the data version"),
        }
    }
}

/// Compares the database's migration history with this build's, reading only.
pub async fn migration_state(pool: &SqlitePool) -> sqlx::Result<MigrationState> {
    store::database::migration_state(pool).await
}

/// How many migrations this build embeds.
pub fn migration_count() -> usize {
    store::database::MIGRATOR.iter().count()
}

/// The version of this build's latest migration: part of what an export's tag names.
pub fn latest_migration() -> Option<i64> {
    store::database::MIGRATOR.iter().map(|m| m.version).max()
}
