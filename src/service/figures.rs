//! The figure lists: what `/v1/observations` and its narrower lists (revenues, patents, an
//! indicator's series, the export) and one figure accept, and one page of figures read from
//! the store with a keyset.

use std::collections::HashSet;

use serde_json::Value;
use sqlx::SqlitePool;

use super::presentation::Presentation;
use super::query::cursor::{not_issued, Direction};
use super::query::page::Page;
use super::query::params::Since;
use super::query::params::{
    AS_OF, CITY_PLAN, CLUSTER, CLUSTER_GROUP, COMPANY, CONCEPT, CURRENCY, FACETS, FROM, INDICATOR,
    LANG, LATEST, MAX, MIN, QUALIFIER, REGION, ROLE, SCALE, SOURCE, SPEAKER, TO, TOPIC, TRANSFORM,
    UNIT, UPDATED_AFTER, WITHIN, YEAR,
};
use super::query::parse::{Accepts, ListControls};
use super::query::queries::{CatalogueQuery, FigureListQuery, FigureQuery};
use super::query::spec::{QuerySpec, Shape, SortSpec};
use super::versions::{self, Totals};
use super::Service;
use crate::domain::analytics::conversion::{presented_units, Exchange};
use crate::domain::figure::{Observation, Revision};
use crate::domain::language::Language;
use crate::error::{ApiError, ApiResult};
use crate::store;
/// Which figures a query selects, as the store reads them.
pub use crate::store::figures::ObservationFilter;
pub use crate::store::figures::{Facet, FacetValue};
use crate::store::figures::{Keyset, ObservationOrder};
use crate::store::interrupt::InterruptibleConnection;

/// Sort keys of every observation list; the SQL behind each is in `store`.
const SORTS: &[SortSpec] = &[
    SortSpec::new("id", "id"),
    SortSpec::new("period", "period"),
    SortSpec::new("value", "value_in_units"),
    SortSpec::new("indicator", "indicator.id"),
    SortSpec::new("region", "region.id"),
];

/// Every figure filter, then `extra` (what the list adds), then the presentation. The figure
/// lists apply the filters in SQL, not to rendered items: no path.
macro_rules! all_filters {
    ($($extra:expr),* $(,)?) => {
        &[
            INDICATOR.accept(),
            REGION.accept(),
            CLUSTER.accept(),
            CLUSTER_GROUP.accept(),
            COMPANY.accept(),
            CITY_PLAN.accept(),
            SPEAKER.accept(),
            SOURCE.accept(),
            CONCEPT.accept(),
            TOPIC.accept(),
            UNIT.accept(),
            QUALIFIER.accept(),
            ROLE.accept(),
            YEAR.accept(),
            FROM.accept(),
            TO.accept(),
            MIN.accept(),
            MAX.accept(),
            AS_OF.accept(),
            WITHIN.accept(),
            $($extra,)*
            CURRENCY.accept(),
            SCALE.accept(),
            LANG.accept(),
        ]
    };
}

/// `/v1/observations`: every figure, filtered, paged.
pub struct Observations;

impl Accepts for Observations {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: all_filters![FACETS.accept(), LATEST.accept(), UPDATED_AFTER.accept()],
        shape: Shape::Figures(SORTS),
    };
    type Query = FigureListQuery;
}

/// `/v1/export`: every figure the filters keep, at once.
pub struct Export;

impl Accepts for Export {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: all_filters![UPDATED_AFTER.accept()],
        shape: Shape::All(SORTS),
    };
    type Query = FigureListQuery;
}

/// `/v1/revenues`: the operating-revenue figures.
pub struct Revenues;

impl Accepts for Revenues {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[
            CLUSTER.accept(),
            CLUSTER_GROUP.accept(),
            REGION.accept(),
            YEAR.accept(),
            FROM.accept(),
            TO.accept(),
            UNIT.accept(),
            QUALIFIER.accept(),
            ROLE.accept(),
            MIN.accept(),
            MAX.accept(),
            AS_OF.accept(),
            WITHIN.accept(),
            FACETS.accept(),
            LATEST.accept(),
            CURRENCY.accept(),
            SCALE.accept(),
            LANG.accept(),
        ],
        shape: Shape::MixedFigures(SORTS),
    };
    type Query = FigureListQuery;
}

/// `/v1/patents`: the invention-patent figures.
pub struct Patents;

impl Accepts for Patents {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[
            CLUSTER_GROUP.accept(),
            REGION.accept(),
            YEAR.accept(),
            FROM.accept(),
            TO.accept(),
            ROLE.accept(),
            MIN.accept(),
            MAX.accept(),
            AS_OF.accept(),
            WITHIN.accept(),
            FACETS.accept(),
            LATEST.accept(),
            LANG.accept(),
        ],
        shape: Shape::MixedFigures(SORTS),
    };
    type Query = FigureListQuery;
}

/// `/v1/indicators/{id}/observations`: one indicator's series, transformed if asked.
pub struct Series;

impl Accepts for Series {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[
            REGION.accept(),
            YEAR.accept(),
            FROM.accept(),
            TO.accept(),
            UNIT.accept(),
            QUALIFIER.accept(),
            ROLE.accept(),
            MIN.accept(),
            MAX.accept(),
            AS_OF.accept(),
            WITHIN.accept(),
            FACETS.accept(),
            LATEST.accept(),
            CURRENCY.accept(),
            SCALE.accept(),
            TRANSFORM.accept(),
            LANG.accept(),
        ],
        shape: Shape::Figures(SORTS),
    };
    type Query = FigureListQuery;
}

/// A figure's revisions: all of them, oldest first unless sorted otherwise.
pub struct Revisions;

impl Accepts for Revisions {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[LANG.accept()],
        shape: Shape::All(&[SortSpec::new("number", "number")]),
    };
    type Query = CatalogueQuery;
}

/// One figure: presented as asked, as known at `as_of`.
pub struct OneFigure;

impl Accepts for OneFigure {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[
            AS_OF.accept(),
            CURRENCY.accept(),
            SCALE.accept(),
            LANG.accept(),
        ],
        shape: Shape::One,
    };
    type Query = FigureQuery;
}

/// The value a sort key takes for one figure; it must order as the SQL column does. `value`
/// is the amount as presented in the currency of `exchange`, if one is asked for.
fn sort_value(observation: &Observation, name: &str, exchange: Option<Exchange>) -> Value {
    match name {
        "period" => Value::from(observation.period_sort_key.clone()),
        "value" => Value::from(presented_units(observation, exchange)),
        "indicator" => Value::from(observation.indicator_id.clone()),
        "region" => Value::from(observation.region_id.clone()),
        _ => Value::from(observation.id.clone()),
    }
}

/// Whether a cursor's value for a sort key is of the key's type: a finite number for
/// `value`, text for the others. Only such a value is bound into the keyset's SQL.
fn is_sort_value(name: &str, value: &Value) -> bool {
    match name {
        "value" => value.as_f64().is_some_and(f64::is_finite),
        _ => value.is_string(),
    }
}

/// One page of figures held in memory (derived figures), in the order given unless sorted:
/// sorted, paged and tied as the stored figures are. The figures are presented already, so
/// `value` sorts by the amounts they show.
pub fn figure_page(list: &ListControls, figures: Vec<Observation>) -> Page<Observation> {
    let rows = figures
        .into_iter()
        .enumerate()
        .map(|(position, figure)| {
            let keys = list
                .sort
                .iter()
                .map(|key| sort_value(&figure, key.name, None))
                .collect();
            (figure, keys, position as i64)
        })
        .collect();
    list.page_rows(rows)
}

/// Which state of the figures a read of `as_of` reads.
pub enum Vintage {
    /// Nothing was recorded by then: no figures.
    Nothing,
    /// The latest state: `as_of` is at or after the last revision recorded (or not asked).
    Latest,
    /// The figures as of the last revision recorded by `as_of`, before the last of all.
    Past {
        moment: String,
        /// The place in source order of the last figure added by then.
        added_through: i64,
    },
}

impl Vintage {
    /// Resolves a read's `as_of` to the vintage it reads: only the times revisions were
    /// recorded at (their imports' times) matter, so every `as_of` between two imports reads
    /// one vintage, with one memoised total, and one at or after the last import is the latest
    /// state, read as a page without `as_of` is (issue 13, D5).
    pub async fn of<'e>(
        executor: impl sqlx::SqliteExecutor<'e>,
        as_of: Option<&str>,
    ) -> sqlx::Result<Vintage> {
        let Some(moment) = as_of else {
            return Ok(Vintage::Latest);
        };
        let times = store::figures::vintage(executor, moment).await?;
        Ok(match (times.vintage, times.latest) {
            (None, _) => Vintage::Nothing,
            (Some(vintage), Some(latest)) if vintage == latest => Vintage::Latest,
            (Some(moment), _) => Vintage::Past {
                moment,
                added_through: times.added_through,
            },
        })
    }

    /// The filter that reads this vintage of `filter`'s figures; `None` when there are none.
    pub fn filter(&self, filter: &ObservationFilter) -> Option<ObservationFilter> {
        let (as_of, added_through) = match self {
            Vintage::Nothing => return None,
            Vintage::Latest => (None, None),
            Vintage::Past {
                moment,
                added_through,
            } => (Some(moment.clone()), Some(*added_through)),
        };
        Some(ObservationFilter {
            as_of,
            added_through,
            ..filter.clone()
        })
    }
}

/// How a list's sort and cursor read a page: `limit + 1` rows, the last saying whether there
/// are more, names in `language`.
pub fn page_order(list: &ListControls, language: Language) -> ObservationOrder {
    ObservationOrder {
        keys: list.sort.iter().map(|k| (k.name, k.descending)).collect(),
        keyset: list.cursor.as_ref().map(|cursor| Keyset {
            values: cursor.keys.clone(),
            position: cursor.position,
            before: cursor.direction == Direction::Before,
        }),
        limit: list.limit.map(|limit| limit + 1),
        language,
    }
}

/// Counts of a filter's figures by the values of each facet asked for, in that order.
pub type FacetCounts = Vec<(Facet, std::sync::Arc<Vec<FacetValue>>)>;

/// One page of figures and what is counted and marked beside it.
pub struct FigurePage {
    pub page: Page<Observation>,
    pub facets: FacetCounts,
    /// A delta's (`filter.updated_after`): the ids of the page's figures retracted since,
    /// read with the page; `None` for any other list.
    pub retracted: Option<Vec<String>>,
}

/// One page of figures read from SQLite with a keyset, so deep pages cost what the first does,
/// and the counts of `facets` over every page. `filter.exchange` must be `presentation`'s, so
/// that the page is sorted and bounded by the amounts it shows. `limit=0` reads the total (and
/// the facets) and no figure.
pub async fn observation_page(
    service: &Service,
    filter: &ObservationFilter,
    list: &ListControls,
    presentation: &Presentation,
    facets: &[Facet],
) -> ApiResult<FigurePage> {
    if let Some(cursor) = &list.cursor {
        let typed = list.sort.iter().zip(&cursor.keys);
        if !typed
            .clone()
            .all(|(key, value)| is_sort_value(key.name, value))
        {
            return Err(not_issued());
        }
    }
    let order = page_order(list, presentation.language());
    let rows_wanted = list.limit != Some(0);
    let counted = if rows_wanted && facets.is_empty() {
        counted_query_page(service, filter, &order).await?
    } else {
        None
    };
    let PageRead {
        observations,
        total,
        counts,
        retracted,
    } = match counted {
        Some(read) => read,
        None => read_in_transaction(service, filter, &order, rows_wanted, facets).await?,
    };
    let rows = observations
        .into_iter()
        .map(|observation| {
            let keys = list
                .sort
                .iter()
                .map(|key| sort_value(&observation, key.name, filter.exchange))
                .collect();
            let position = observation.position;
            (presentation.apply(observation), keys, position)
        })
        .collect();
    let reversed = order.keyset.is_some_and(|k| k.before);
    Ok(FigurePage {
        page: list.page_from(rows, total, reversed),
        facets: counts,
        retracted,
    })
}

/// What a page reads: its figures, its total, its facets' counts and, for a delta, which of
/// its figures were retracted since.
struct PageRead {
    observations: Vec<Observation>,
    total: usize,
    counts: FacetCounts,
    retracted: Option<Vec<String>>,
}

/// A page of `filter` in `order` (no figure unless `rows_wanted`), its total and the counts of
/// `facets`, read in one transaction: the vintage, the page, its total and its facets come from
/// the same state of the data, even when an import commits in between.
async fn read_in_transaction(
    service: &Service,
    filter: &ObservationFilter,
    order: &ObservationOrder,
    rows_wanted: bool,
    facets: &[Facet],
) -> ApiResult<PageRead> {
    let mut snapshot = service.pool.begin().await?;
    let vintage = Vintage::of(&mut *snapshot, filter.as_of.as_deref()).await?;
    let read = match (vintage.filter(filter), vintage) {
        (None, _) => {
            snapshot.commit().await?;
            let counts = facets
                .iter()
                .map(|facet| (*facet, Default::default()))
                .collect();
            PageRead {
                observations: Vec::new(),
                total: 0,
                counts,
                retracted: None,
            }
        }
        (Some(past), Vintage::Past { .. }) => {
            snapshot.commit().await?;
            let (observations, total, counts) =
                past_vintage_rows(service, &past, order, rows_wanted, facets).await?;
            PageRead {
                observations,
                total,
                counts,
                retracted: None,
            }
        }
        (Some(latest), _) => {
            // Every page of a query has the same total, and counting a broad filter over a
            // large table costs more than reading a page; so a total is counted once per data
            // version. Counted first, it tells the page how to read (see `observations_page`).
            let version = versions::last_import_id(&mut *snapshot).await?;
            let total = memoised_total(&service.totals, version, &latest, &mut *snapshot).await?;
            let observations = if rows_wanted {
                store::figures::observations_page(&mut *snapshot, &latest, order, Some(total))
                    .await?
            } else {
                Vec::new()
            };
            let counts = memoised_facets(
                service,
                version,
                &latest,
                facets,
                order.language,
                &mut snapshot,
            )
            .await?;
            let mut retracted = None;
            if let Some(moment) = &latest.updated_after {
                let since = store::figures::retracted_after(&mut *snapshot, moment).await?;
                retracted = Some(
                    observations
                        .iter()
                        .filter(|figure| since.contains(&figure.id))
                        .map(|figure| figure.id.clone())
                        .collect(),
                );
            }
            snapshot.commit().await?;
            PageRead {
                observations,
                total,
                counts,
                retracted,
            }
        }
    };
    Ok(read)
}

/// A page of the latest figures of a query whose total is memoised at the data version the
/// server last saw (a later page, or the first again), read with one statement and no
/// transaction: the statement also reads the data version, and when that is the total's, the
/// two are of one state of the data, as in [`read_in_transaction`]. `None` when the total is
/// not memoised, the filter asks for a vintage or a delta, or the statement read another
/// version (an import committed since the server last looked) or no rows.
async fn counted_query_page(
    service: &Service,
    filter: &ObservationFilter,
    order: &ObservationOrder,
) -> sqlx::Result<Option<PageRead>> {
    if filter.as_of.is_some() || filter.updated_after.is_some() {
        return Ok(None);
    }
    let Some(latest) = Vintage::Latest.filter(filter) else {
        return Ok(None);
    };
    let version = service.data_version.get();
    let counted = (version, latest);
    let Some(total) = service.totals.get(&counted) else {
        return Ok(None);
    };
    let (observations, read_at) =
        store::figures::observations_page_read_at(&service.pool, &counted.1, order, Some(total))
            .await?;
    Ok((read_at == Some(version)).then_some(PageRead {
        observations,
        total,
        counts: Vec::new(),
        retracted: None,
    }))
}

/// The counts of `facets` of `filter` at data version `version`, labels in `language`, counted
/// on `connection` unless memoised.
async fn memoised_facets(
    service: &Service,
    version: i64,
    filter: &ObservationFilter,
    facets: &[Facet],
    language: Language,
    connection: &mut sqlx::SqliteConnection,
) -> sqlx::Result<FacetCounts> {
    let mut counts = Vec::new();
    for facet in facets {
        let key = (version, filter.clone(), *facet, language);
        let values = match service.facets.get(&key) {
            Some(values) => values,
            None => {
                let values = std::sync::Arc::new(
                    store::figures::facet_counts(&mut *connection, filter, *facet, language)
                        .await?,
                );
                service.facets.insert(key, values.clone());
                values
            }
        };
        counts.push((*facet, values));
    }
    Ok(counts)
}

/// The total of `filter` at data version `version`, counted on `executor` unless memoised.
async fn memoised_total<'e>(
    totals: &Totals,
    version: i64,
    filter: &ObservationFilter,
    executor: impl sqlx::SqliteExecutor<'e>,
) -> sqlx::Result<usize> {
    let counted = (version, filter.clone());
    if let Some(total) = totals.get(&counted) {
        return Ok(total);
    }
    let total = store::figures::count_observations(executor, filter).await?;
    totals.insert(counted, total);
    Ok(total)
}

/// A page of a past vintage and its total. Both read through indexes (migration 0012), but its
/// facets may count every figure of the vintage: so it waits for one of the few places such
/// reads have, on a connection whose statements stop as soon as
/// the request is abandoned (timed out, or its client gone). Outside a transaction, which an
/// interrupted ROLLBACK could leave open: the data version read before and after tells that
/// no import committed in between, else the read is made again.
async fn past_vintage_rows(
    service: &Service,
    filter: &ObservationFilter,
    order: &ObservationOrder,
    rows_wanted: bool,
    facets: &[Facet],
) -> ApiResult<(Vec<Observation>, usize, FacetCounts)> {
    let _place = service
        .past_vintage_reads
        .acquire()
        .await
        .expect("the places are never closed");
    let mut read = InterruptibleConnection::acquire(&service.pool).await?;
    loop {
        let before = versions::last_import_id(read.connection()).await?;
        // Counted first, as the latest state's total is: it tells the page how to read.
        let total = memoised_total(&service.totals, before, filter, read.connection()).await?;
        let observations = if rows_wanted {
            store::figures::observations_page(read.connection(), filter, order, Some(total)).await?
        } else {
            Vec::new()
        };
        let counts = memoised_facets(
            service,
            before,
            filter,
            facets,
            order.language,
            read.connection(),
        )
        .await?;
        if versions::last_import_id(read.connection()).await? == before {
            read.release().await?;
            return Ok((observations, total, counts));
        }
    }
}

/// Figures matching `filter`, in the order the source prints them, names in `language`.
pub async fn observations(
    pool: &SqlitePool,
    filter: &ObservationFilter,
    language: Language,
) -> sqlx::Result<Vec<Observation>> {
    store::figures::observations(pool, filter, language).await
}

/// How many figures match `filter`.
pub async fn count_observations<'e>(
    executor: impl sqlx::SqliteExecutor<'e>,
    filter: &ObservationFilter,
) -> sqlx::Result<usize> {
    store::figures::count_observations(executor, filter).await
}

/// Every recorded state of one figure, first to last, names in `language`; empty when no
/// figure has the id.
pub async fn revisions(
    pool: &SqlitePool,
    observation_id: &str,
    language: Language,
) -> sqlx::Result<Vec<Revision>> {
    store::revisions::revisions(pool, observation_id, language).await
}

/// Resolves a delta's `updated_after` into the moment its filter reads from
/// (`filter.updated_after`): a time as given, a data version as the time its import was
/// recorded. A version that does not exist, or a delta asked of a past vintage, is a 400.
pub async fn resolve_updated_after(
    pool: &SqlitePool,
    query: &mut FigureListQuery,
) -> ApiResult<()> {
    let Some(since) = &query.updated_after else {
        return Ok(());
    };
    let name = UPDATED_AFTER.name();
    if query.filter.as_of.is_some() {
        return Err(ApiError::invalid_parameter(
            name,
            format!(
                "{name}: not with {}: a delta lists the latest state of what changed, not a \
                 past one. Ask for one or the other.",
                AS_OF.name()
            ),
        ));
    }
    let moment = match since {
        Since::Time(moment) => moment.clone(),
        Since::Version(version) => {
            match store::imports::version_recorded_at(pool, *version).await? {
                Some(moment) => moment,
                None => {
                    let current = versions::last_import_id(pool).await?;
                    return Err(ApiError::invalid_parameter(
                        name,
                        format!(
                            "{name}: there is no data version {version}; the data is at \
                             version {current} (/readyz gives it)."
                        ),
                    ));
                }
            }
        }
    };
    query.filter.updated_after = Some(moment);
    Ok(())
}

/// The ids of the figures retracted after `moment` (canonical UTC): what a delta marks. Read
/// in the transaction the delta's figures are read in, so the marks are of those figures.
pub async fn retracted_after<'e>(
    executor: impl sqlx::SqliteExecutor<'e>,
    moment: &str,
) -> sqlx::Result<HashSet<String>> {
    store::figures::retracted_after(executor, moment).await
}

/// Whether the stored figure with this id is retracted; `None` when no figure has the id.
pub async fn retracted(pool: &SqlitePool, observation_id: &str) -> sqlx::Result<Option<bool>> {
    store::revisions::retracted(pool, observation_id).await
}
