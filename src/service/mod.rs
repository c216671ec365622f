//! The service: what the HTTP edge and the commands both call. It reads figures and the
//! catalogue through the store, presents and analyses them with the domain, and imports and
//! generates data. It knows no axum or HTTP types, so the two front ends share it without
//! importing each other.

/// The exchange rate, the consistency report and the derived figures, loaded.
pub mod analytics;
/// Regions, clusters, indicators... as the handlers read them.
pub mod catalogue;
/// The bulk export: its record, its selection and its CSV/JSON writer.
pub mod export;
/// The figure lists: what they accept, and a query turned into a page of figures.
pub mod figures;
/// Adding, correcting and retracting figures from a file.
pub mod import;
/// `currency` and `scale`: money re-expressed at the source's own rate.
pub mod presentation;
/// The typed query model: parameters, parsing, cursors, pages.
pub mod query;
/// Items as flat rows: CSV cells and the `fields=` projection.
pub mod rows;
/// The search across the catalogue, in English and Chinese.
pub mod search;
/// The synthetic dataset of `generate`.
pub mod synthetic;
/// The data version and what is memoised per version.
pub mod versions;

use std::sync::Arc;

use sqlx::SqlitePool;
use tokio::sync::Semaphore;

use versions::{
    DataVersion, ExchangeRates, FacetMemo, KnownValues, Totals, Vocabularies, FACETS_KEPT,
    TOTALS_KEPT,
};

/// The pool and what a running server keeps per data version; cloned into every request.
#[derive(Clone)]
pub struct Service {
    pub pool: SqlitePool,
    /// The id of the last import the server has seen; the readiness probe reports it.
    pub data_version: Arc<DataVersion>,
    pub totals: Arc<Totals>,
    /// Facet counts, by data version and filter, as the totals are kept.
    pub facets: Arc<FacetMemo>,
    /// The exchange rate of the data versions lately served (two: the current and the last).
    pub exchange_rates: Arc<ExchangeRates>,
    /// The ids and concepts a query may name, by data version.
    pub vocabularies: Arc<Vocabularies>,
    /// Places for reads of a past vintage: see [`PAST_VINTAGE_READS`].
    pub past_vintage_reads: Arc<Semaphore>,
}

/// Pages of a past vintage (`as_of` before the last import) read at once. A page and its total
/// read through indexes, but its facets may count every figure, for up to the request timeout; the serving pool has 8 connections and the
/// streamed exports hold at most 4, so whatever a client asks for, cheap reads keep
/// connections of their own (issue 13, D5). Further ones wait for a place, within the timeout.
pub const PAST_VINTAGE_READS: usize = 2;

impl Service {
    /// A service over `pool` that follows `data_version` (kept current by its follower task).
    pub fn new(pool: SqlitePool, data_version: Arc<DataVersion>) -> Service {
        Service {
            pool,
            data_version,
            totals: Arc::new(Totals::new(TOTALS_KEPT)),
            facets: Arc::new(FacetMemo::new(FACETS_KEPT)),
            exchange_rates: Arc::new(ExchangeRates::new(2)),
            vocabularies: Arc::new(Vocabularies::new()),
            past_vintage_reads: Arc::new(Semaphore::new(PAST_VINTAGE_READS)),
        }
    }

    /// The vocabularies at the data version the server last saw.
    pub fn known_values(&self) -> KnownValues<'_> {
        KnownValues {
            vocabularies: &self.vocabularies,
            version: self.data_version.get(),
        }
    }
}
