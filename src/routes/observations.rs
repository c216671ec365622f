//! `/v1/observations`: every figure of the source, filterable, sortable and paged by keyset;
//! `/v1/revenues` and `/v1/patents` are the same figures narrowed to one concept, and
//! `/v1/export` is all of them as flat rows.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json};
use serde_json::Value;
use sqlx::SqlitePool;

use super::presentation::{Presentation, CURRENCY, SCALE};
use super::{
    check_concepts, found, list_query, respond_formatted, respond_in_memory, to_values, Endpoint,
};
use crate::cache::Totals;
use crate::domain::analytics::transforms::{transform_series, Transform};
use crate::domain::entity::Entity;
use crate::domain::figure::{
    Observation, Period, Provenance, Reference, Revision, RevisionStamp, SourceReference, Speaker,
};
use crate::error::{ApiError, ApiResult};
use crate::export::{export_columns, export_head, ExportRecord, StreamedExport};
use crate::http::HeadRequest;
use crate::query::{
    check_fields, Direction, FilterSpec, ListQuery, ListSpec, Page, ParamKind, SortSpec,
};
use crate::render::{flatten, negotiate, ListResponder};
use crate::store::{
    self,
    figures::{Keyset, ObservationFilter, ObservationOrder},
};
use crate::AppState;

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::list::<Observation>(
            "/v1/observations",
            get(list_observations),
            "Every figure, filterable, sortable, paged by cursor",
            &OBSERVATIONS,
        ),
        Endpoint::one::<Observation>(
            "/v1/observations/{id}",
            get(get_observation),
            "One figure with its meaning and provenance",
        ),
        Endpoint::list::<Revision>(
            "/v1/observations/{id}/revisions",
            get(list_revisions),
            "Every recorded state of one figure: original, corrections, retraction",
            &REVISIONS,
        ),
        Endpoint::list::<Observation>(
            "/v1/revenues",
            get(list_revenues),
            "Operating-revenue figures",
            &REVENUES,
        ),
        Endpoint::list::<Observation>(
            "/v1/patents",
            get(list_patents),
            "Invention-patent figures",
            &PATENTS,
        ),
        Endpoint::list::<ExportRecord>(
            "/v1/export",
            get(export_observations),
            "Every figure as one flat row (bulk export)",
            &EXPORT,
        ),
        Endpoint::list::<Observation>(
            "/v1/indicators/{id}/observations",
            get(list_indicator_observations),
            "One indicator's figures",
            &SERIES,
        ),
    ]
}

pub use crate::domain::figure::{QUALIFIERS, UNITS};
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
const REVISIONS: ListSpec = ListSpec {
    filters: &[],
    sorts: &[SortSpec::new("number", "number")],
    paginated: false,
};
/// One figure: presented as asked, as known at `as_of`.
const ONE_FIGURE: ListSpec = ListSpec {
    filters: &[AS_OF, CURRENCY, SCALE],
    sorts: &[],
    paginated: false,
};

const OPERATING_REVENUE: &str = "operating_revenue";
const INVENTION_PATENTS: &str = "invention_patents";

/// The filter a parsed query describes.
fn observation_filter(query: &ListQuery) -> ObservationFilter {
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
async fn observation_page(
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
    let version = store::imports::last_import_id(&mut *snapshot).await?;
    let counted = (version, format!("{filter:?}"));
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
pub(crate) fn template_observation() -> Observation {
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
        scale: crate::domain::figure::Scale::Unit,
        unit: crate::domain::figure::Unit::Count,
        currency: None,
        value_in_units: 0.0,
        conversion: Some(crate::domain::figure::Conversion {
            stated_value: 0.0,
            stated_scale: crate::domain::figure::Scale::Unit,
            stated_unit: crate::domain::figure::Unit::Count,
            cny_per_usd: None,
            rate_method: None,
        }),
        qualifier: crate::domain::figure::Qualifier::Exact,
        stated: String::new(),
        period: Period {
            kind: crate::domain::figure::PeriodKind::Year,
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

/// Columns of observation lists: every flattened field, whether or not this page has it.
fn observation_columns() -> Vec<String> {
    let value = serde_json::to_value(template_observation()).expect("observations serialise");
    flatten(&value).keys().cloned().collect()
}

async fn respond_observations(
    state: &AppState,
    uri: &Uri,
    headers: &HeaderMap,
    spec: &ListSpec,
    name: &str,
    adjust: impl FnOnce(&mut ObservationFilter),
) -> ApiResult<Response> {
    let query = list_query(&state.pool, uri, spec).await?;
    check_concepts(&state.pool, &query).await?;
    let mut filter = observation_filter(&query);
    adjust(&mut filter);
    let presentation = Presentation::of(state, &query).await?;
    if query.texts("transform").is_some_and(|t| t.len() > 1) {
        return Err(crate::error::ApiError::invalid_parameter(
            "transform",
            "transform: give one of level, change, pct_change, cagr.",
        ));
    }
    if let Some(transform) = query
        .texts("transform")
        .and_then(|t| t.first())
        .and_then(|t| Transform::parse(t))
        .filter(|t| *t != Transform::Level)
    {
        // A transform reads the whole filtered series and answers with derived figures.
        let series: Vec<Observation> = store::figures::observations(&state.pool, &filter)
            .await?
            .into_iter()
            .map(|figure| presentation.apply(figure))
            .collect();
        let derived = to_values(transform_series(&series, transform));
        let unfiltered = ListQuery {
            filters: Default::default(),
            sort: Vec::new(),
            ..query.clone()
        };
        return respond_in_memory(uri, headers, &unfiltered, spec, name, derived);
    }
    let page = observation_page(&state.pool, &state.totals, &filter, &query, &presentation).await?;
    ListResponder {
        uri,
        headers,
        query: &query,
        name,
        columns: observation_columns(),
    }
    .respond(page)
}

async fn list_observations(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    respond_observations(
        &state,
        &uri,
        &headers,
        &OBSERVATIONS,
        "observations",
        |_| {},
    )
    .await
}

async fn get_observation(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Json<Observation>> {
    let query = ListQuery::parse(uri.path(), uri.query(), &ONE_FIGURE)?;
    let presentation = Presentation::of(&state, &query).await?;
    let filter = ObservationFilter {
        ids: vec![id.clone()],
        as_of: query.texts("as_of").and_then(|t| t.first().cloned()),
        ..Default::default()
    };
    let figure = store::figures::observations(&state.pool, &filter)
        .await?
        .pop();
    if figure.is_none() {
        // Say why a stored figure is missing: not yet recorded at as_of, or retracted.
        match (
            store::revisions::retracted(&state.pool, &id).await?,
            &filter.as_of,
        ) {
            (Some(_), Some(as_of)) => {
                return Err(ApiError::NotKnownAt(format!(
                    "The figure '{id}' had not been recorded yet, or was retracted, at {as_of}. \
                     Its history is at /v1/observations/{id}/revisions."
                )))
            }
            (Some(true), None) => {
                return Err(ApiError::Gone(format!(
                    "The figure '{id}' was retracted. Its history, including the retraction \
                     and its reason, is at /v1/observations/{id}/revisions; ?as_of= a time \
                     before the retraction serves it as it was."
                )))
            }
            _ => {}
        }
    }
    let figure = found(figure, Entity::Observation, &id)?;
    respond_formatted(&headers, query.format, presentation.apply(figure))
}

/// Every revision of one figure, retracted or not: the history `as_of` reads from.
async fn list_revisions(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let query = ListQuery::parse(uri.path(), uri.query(), &REVISIONS)?;
    let revisions = store::revisions::revisions(&state.pool, &id).await?;
    if revisions.is_empty() {
        return Err(ApiError::NotFound {
            resource: Entity::Observation.noun(),
            id,
        });
    }
    let name = format!("{id}-revisions");
    respond_in_memory(
        &uri,
        &headers,
        &query,
        &REVISIONS,
        &name,
        to_values(revisions),
    )
}

/// Operating-revenue figures: cluster revenues and the thresholds that define cluster groups,
/// in yuan and in the printed dollar equivalents.
async fn list_revenues(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    respond_observations(&state, &uri, &headers, &REVENUES, "revenues", |filter| {
        filter.concepts = vec![OPERATING_REVENUE.to_owned()];
    })
    .await
}

/// Invention-patent figures: counts granted, their growth and national rank.
async fn list_patents(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    respond_observations(&state, &uri, &headers, &PATENTS, "patents", |filter| {
        filter.concepts = vec![INVENTION_PATENTS.to_owned()];
    })
    .await
}

async fn list_indicator_observations(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    found(
        store::catalogue::indicator(&state.pool, &id).await?,
        Entity::Indicator,
        &id,
    )?;
    let name = format!("{id}-observations");
    respond_observations(&state, &uri, &headers, &SERIES, &name, |filter| {
        filter.indicators = vec![id.clone()];
    })
    .await
}

/// What an export asks for, read from its query as `GET /v1/export` reads it: which figures,
/// in which order, presented how.
pub(crate) struct ExportSelection {
    pub query: ListQuery,
    pub filter: ObservationFilter,
    pub order: ObservationOrder,
    pub presentation: Presentation,
}

/// Parses and checks an export's query (`uri` is `/v1/export?...`): an unknown parameter, id
/// or concept is refused as the endpoint refuses it. `gd-indicators export --query` reads its
/// query here too, so the command and the endpoint select the same figures.
pub(crate) async fn export_selection(pool: &SqlitePool, uri: &Uri) -> ApiResult<ExportSelection> {
    let query = list_query(pool, uri, &EXPORT).await?;
    check_concepts(pool, &query).await?;
    let presentation = Presentation::of(pool, &query).await?;
    let filter = observation_filter(&query);
    let order = ObservationOrder {
        keys: query.sort.iter().map(|k| (k.name, k.descending)).collect(),
        ..Default::default()
    };
    Ok(ExportSelection {
        query,
        filter,
        order,
        presentation,
    })
}

/// Every figure (or every one the filters keep), flat, in one response, streamed: a refused
/// query is a problem like any other, and once it is accepted the rows are written as the
/// client reads them, at any size.
async fn export_observations(
    State(state): State<AppState>,
    head: Option<Extension<HeadRequest>>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let selection = export_selection(&state.pool, &uri).await?;
    let format = negotiate(&headers, selection.query.format, true)?;
    if let Some(fields) = &selection.query.fields {
        check_fields(fields, &export_columns())?;
    }
    let self_link = uri
        .path_and_query()
        .map_or("/v1/export", |pq| pq.as_str())
        .to_owned();
    if head.is_some() {
        // No body will be sent: no place among the exports, no transaction.
        let data_version = store::imports::last_import_id(&state.pool).await?;
        return Ok(export_head(data_version, format, &self_link));
    }
    let permit = state
        .exports
        .clone()
        .acquire_owned()
        .await
        .expect("the export permits are never closed");
    let mut snapshot = state.pool.begin().await?;
    let data_version = store::imports::last_import_id(&mut *snapshot).await?;
    let request_id = headers
        .get("x-request-id")
        .and_then(|id| id.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    Ok(StreamedExport {
        snapshot,
        data_version,
        selection,
        format,
        self_link,
        request_id,
        permit,
    }
    .into_response())
}
