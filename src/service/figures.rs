//! The figure lists: what `/v1/observations` and its narrower lists (revenues, patents, an
//! indicator's series, the export) accept, the filter a parsed query describes, and one page
//! of figures read from the store with a keyset.

use serde_json::Value;
use sqlx::SqlitePool;

use super::presentation::{Presentation, CURRENCY, SCALE};
use super::query::cursor::Direction;
use super::query::page::Page;
use super::query::params::{FilterSpec, ListSpec, ParamKind, SortSpec};
use super::query::parse::ListQuery;
use super::versions::{self, Totals};
use crate::domain::entity::Entity;
use crate::domain::figure::{
    Conversion, Observation, Period, PeriodKind, Provenance, Qualifier, Reference, Revision,
    RevisionStamp, Scale, SourceReference, Speaker, Unit, QUALIFIERS, UNITS,
};
use crate::error::ApiResult;
use crate::store;
/// Which figures a query selects, as the store reads them.
pub use crate::store::figures::ObservationFilter;
use crate::store::figures::{Keyset, ObservationOrder};

pub const TOPICS: &[&str] = &[
    "industry",
    "innovation",
    "greater_bay_area",
    "marine_economy",
    "city_plans",
    "talent",
    "companies",
    "media",
];

/// Observation filters are applied in SQL, not to rendered items: their path stays empty.
const fn filter(name: &'static str, kind: ParamKind) -> FilterSpec {
    FilterSpec {
        name,
        kind,
        path: "",
    }
}

const INDICATOR: FilterSpec = filter("indicator", ParamKind::Ids(Entity::Indicator));
const REGION: FilterSpec = filter("region", ParamKind::Ids(Entity::Region));
const CLUSTER: FilterSpec = filter("cluster", ParamKind::Ids(Entity::Cluster));
const CLUSTER_GROUP: FilterSpec = filter("cluster_group", ParamKind::Ids(Entity::ClusterGroup));
const COMPANY: FilterSpec = filter("company", ParamKind::Ids(Entity::Company));
const CITY_PLAN: FilterSpec = filter("city_plan", ParamKind::Ids(Entity::CityPlan));
const SPEAKER: FilterSpec = filter("speaker", ParamKind::Ids(Entity::Speaker));
const SOURCE: FilterSpec = filter("source", ParamKind::Ids(Entity::Source));
const CONCEPT: FilterSpec = filter("concept", ParamKind::Texts);
const TOPIC: FilterSpec = filter("topic", ParamKind::Words(TOPICS));
const UNIT: FilterSpec = filter("unit", ParamKind::Words(UNITS));
const QUALIFIER: FilterSpec = filter("qualifier", ParamKind::Words(QUALIFIERS));
const YEAR: FilterSpec = filter("year", ParamKind::Years);
const FROM: FilterSpec = filter("from", ParamKind::Year);
const TO: FilterSpec = filter("to", ParamKind::Year);
const MIN: FilterSpec = filter("min", ParamKind::Number);
const MAX: FilterSpec = filter("max", ParamKind::Number);
const AS_OF: FilterSpec = filter("as_of", ParamKind::Time);
const TRANSFORM: FilterSpec = filter(
    "transform",
    ParamKind::Words(&["level", "change", "pct_change", "cagr"]),
);

/// Sort keys of every observation list; the SQL behind each is in `store`.
const SORTS: &[SortSpec] = &[
    SortSpec::new("id", "id"),
    SortSpec::new("period", "period"),
    SortSpec::new("value", "value_in_units"),
    SortSpec::new("indicator", "indicator.id"),
    SortSpec::new("region", "region.id"),
];

const ALL_FILTERS: &[FilterSpec] = &[
    INDICATOR,
    REGION,
    CLUSTER,
    CLUSTER_GROUP,
    COMPANY,
    CITY_PLAN,
    SPEAKER,
    SOURCE,
    CONCEPT,
    TOPIC,
    UNIT,
    QUALIFIER,
    YEAR,
    FROM,
    TO,
    MIN,
    MAX,
    AS_OF,
    CURRENCY,
    SCALE,
];

pub const OBSERVATIONS: ListSpec = ListSpec {
    filters: ALL_FILTERS,
    sorts: SORTS,
    paginated: true,
};
pub const EXPORT: ListSpec = ListSpec {
    filters: ALL_FILTERS,
    sorts: SORTS,
    paginated: false,
};
pub const REVENUES: ListSpec = ListSpec {
    filters: &[
        CLUSTER,
        CLUSTER_GROUP,
        REGION,
        YEAR,
        FROM,
        TO,
        UNIT,
        QUALIFIER,
        MIN,
        MAX,
        AS_OF,
        CURRENCY,
        SCALE,
    ],
    sorts: SORTS,
    paginated: true,
};
pub const PATENTS: ListSpec = ListSpec {
    filters: &[CLUSTER_GROUP, REGION, YEAR, FROM, TO, MIN, MAX, AS_OF],
    sorts: SORTS,
    paginated: true,
};
pub const SERIES: ListSpec = ListSpec {
    filters: &[
        REGION, YEAR, FROM, TO, UNIT, QUALIFIER, MIN, MAX, AS_OF, CURRENCY, SCALE, TRANSFORM,
    ],
    sorts: SORTS,
    paginated: true,
};
/// A figure's revisions: all of them, oldest first unless sorted otherwise.
pub const REVISIONS: ListSpec = ListSpec {
    filters: &[],
    sorts: &[SortSpec::new("number", "number")],
    paginated: false,
};
/// One figure: presented as asked, as known at `as_of`.
pub const ONE_FIGURE: ListSpec = ListSpec {
    filters: &[AS_OF, CURRENCY, SCALE],
    sorts: &[],
    paginated: false,
};

/// The filter a parsed query describes.
pub fn observation_filter(query: &ListQuery) -> ObservationFilter {
    let texts = |name: &str| {
        query
            .texts(name)
            .map(<[String]>::to_vec)
            .unwrap_or_default()
    };
    let bound = |name: &str| query.years(name).and_then(|years| years.first().copied());
    ObservationFilter {
        indicators: texts("indicator"),
        regions: texts("region"),
        clusters: texts("cluster"),
        cluster_groups: texts("cluster_group"),
        companies: texts("company"),
        city_plans: texts("city_plan"),
        speakers: texts("speaker"),
        sources: texts("source"),
        concepts: texts("concept"),
        topics: texts("topic"),
        units: texts("unit"),
        qualifiers: texts("qualifier"),
        years: query.years("year").map(<[i32]>::to_vec).unwrap_or_default(),
        from: bound("from"),
        to: bound("to"),
        min: query.number("min"),
        max: query.number("max"),
        as_of: texts("as_of").pop(),
        ..Default::default()
    }
}

/// The value a sort key takes for one figure; it must order as the SQL column does.
fn sort_value(observation: &Observation, name: &str) -> Value {
    match name {
        "period" => Value::from(observation.period_sort_key.clone()),
        "value" => Value::from(observation.value_in_units),
        "indicator" => Value::from(observation.indicator.id.clone()),
        "region" => Value::from(observation.region.id.clone()),
        _ => Value::from(observation.id.clone()),
    }
}

/// One page of figures read from SQLite with a keyset, so deep pages cost what the first does.
pub async fn observation_page(
    pool: &SqlitePool,
    totals: &Totals,
    filter: &ObservationFilter,
    query: &ListQuery,
    presentation: &Presentation,
) -> ApiResult<Page> {
    let order = ObservationOrder {
        keys: query.sort.iter().map(|k| (k.name, k.descending)).collect(),
        keyset: query.cursor.as_ref().map(|cursor| Keyset {
            values: cursor.keys.clone(),
            position: cursor.position,
            before: cursor.direction == Direction::Before,
        }),
        limit: query.limit.map(|limit| limit + 1),
    };
    // One read transaction: the page and its total come from the same state of the data,
    // even when an import commits in between.
    let mut snapshot = pool.begin().await?;
    let observations = store::figures::observations_ordered(&mut *snapshot, filter, &order).await?;
    // Every page of a query has the same total, and counting a broad filter over a large
    // table costs more than reading a page; so a total is counted once per data version.
    let version = versions::last_import_id(&mut *snapshot).await?;
    let counted = (version, filter.clone());
    let total = match totals.get(&counted) {
        Some(total) => total,
        None => {
            let total = store::figures::count_observations(&mut *snapshot, filter).await?;
            totals.insert(counted, total);
            total
        }
    };
    snapshot.commit().await?;
    let rows = observations
        .into_iter()
        .map(|observation| {
            let keys = query
                .sort
                .iter()
                .map(|key| sort_value(&observation, key.name))
                .collect();
            let position = observation.position;
            let observation = presentation.apply(observation);
            let item = serde_json::to_value(observation).expect("observations serialise");
            (item, keys, position)
        })
        .collect();
    let reversed = order.keyset.is_some_and(|k| k.before);
    Ok(query.page_from(rows, total, reversed))
}

/// An observation with every optional part present, so that its flattened fields are every
/// column an observation list or the export can have.
pub fn template_observation() -> Observation {
    let reference = || Reference {
        id: String::new(),
        name: String::new(),
    };
    Observation {
        id: String::new(),
        indicator: reference(),
        region: reference(),
        cluster: None,
        cluster_group: None,
        company: None,
        city_plan: None,
        value: 0.0,
        scale: Scale::Unit,
        unit: Unit::Count,
        currency: None,
        value_in_units: 0.0,
        conversion: Some(Conversion {
            stated_value: 0.0,
            stated_scale: Scale::Unit,
            stated_unit: Unit::Count,
            cny_per_usd: None,
            rate_method: None,
        }),
        qualifier: Qualifier::Exact,
        stated: String::new(),
        period: Period {
            kind: PeriodKind::Year,
            start: None,
            end: None,
            label: String::new(),
        },
        equivalent_of: None,
        restates: None,
        provenance: Provenance {
            source: SourceReference {
                id: String::new(),
                headline: String::new(),
            },
            section: String::new(),
            speaker: Some(Speaker {
                id: String::new(),
                name: String::new(),
                title: String::new(),
                organisation: String::new(),
            }),
            cited_source: None,
        },
        note: None,
        revision: RevisionStamp {
            number: 0,
            recorded_at: String::new(),
        },
        period_sort_key: String::new(),
        position: 0,
    }
}

/// Figures matching `filter`, in the order the source prints them.
pub async fn observations(
    pool: &SqlitePool,
    filter: &ObservationFilter,
) -> sqlx::Result<Vec<Observation>> {
    store::figures::observations(pool, filter).await
}

/// How many figures match `filter`.
pub async fn count_observations<'e>(
    executor: impl sqlx::SqliteExecutor<'e>,
    filter: &ObservationFilter,
) -> sqlx::Result<usize> {
    store::figures::count_observations(executor, filter).await
}

/// Every recorded state of one figure, first to last; empty when no figure has the id.
pub async fn revisions(pool: &SqlitePool, observation_id: &str) -> sqlx::Result<Vec<Revision>> {
    store::revisions::revisions(pool, observation_id).await
}

/// Whether the stored figure with this id is retracted; `None` when no figure has the id.
pub async fn retracted(pool: &SqlitePool, observation_id: &str) -> sqlx::Result<Option<bool>> {
    store::revisions::retracted(pool, observation_id).await
}
