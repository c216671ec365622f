//! `/v1/observations`: every figure of the source, filterable, sortable and paged by keyset;
//! `/v1/revenues` and `/v1/patents` are the same figures narrowed to one concept, and
//! `/v1/export` is all of them as flat rows.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Extension;

use super::{found, respond_in_memory, respond_one};
use crate::domain::analytics::transforms::{Transform, Transformed};
use crate::domain::entity::Entity;
use crate::domain::figure::{Observation, Revision};
use crate::error::{ApiError, ApiResult};
use crate::http::base_url::BaseUrl;
use crate::http::endpoint::Endpoint;
use crate::http::export_stream::{export_head, StreamedExport};
use crate::http::extract::TypedQuery;
use crate::http::layers::revalidate::HeadRequest;
use crate::http::render::list::{ListResponder, TOTAL_COUNT_HEADER};
use crate::http::render::negotiate::negotiate;
use crate::http::state::AppState;
use crate::service::analytics::{load_latest, load_transformed};
use crate::service::catalogue;
use crate::service::export::{export_columns, ExportRecord, ExportSelection};
use crate::service::figures::{
    self, figure_page, observation_page, Export, ObservationFilter, Observations, OneFigure,
    Patents, Revenues, Revisions, Series,
};
use crate::service::presentation::Presentation;
use crate::service::query::params::{FACETS, LATEST, TRANSFORM, UPDATED_AFTER};
use crate::service::query::queries::FigureListQuery;
use crate::service::rows::check_fields;
use crate::service::versions;

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::list::<Observation, Observations>(
            "/v1/observations",
            get(list_observations),
            "Every figure, filterable, sortable, paged by cursor",
        ),
        Endpoint::one::<Observation, OneFigure>(
            "/v1/observations/{id}",
            get(get_observation),
            "One figure with its meaning and provenance",
        ),
        Endpoint::list::<Revision, Revisions>(
            "/v1/observations/{id}/revisions",
            get(list_revisions),
            "Every recorded state of one figure: original, corrections, retraction",
        ),
        Endpoint::list::<Observation, Revenues>(
            "/v1/revenues",
            get(list_revenues),
            "Operating-revenue figures",
        ),
        Endpoint::list::<Observation, Patents>(
            "/v1/patents",
            get(list_patents),
            "Invention-patent figures",
        ),
        Endpoint::list::<ExportRecord, Export>(
            "/v1/export",
            get(export_observations),
            "Every figure as one flat row (bulk export)",
        ),
        Endpoint::list::<Observation, Series>(
            "/v1/indicators/{id}/observations",
            get(list_indicator_observations),
            "One indicator's figures",
        ),
    ]
}

const OPERATING_REVENUE: &str = "operating_revenue";
const INVENTION_PATENTS: &str = "invention_patents";
/// A page of the figures `query` selects, or the figures a transform derives from them.
async fn respond_observations(
    state: &AppState,
    base: &BaseUrl,
    uri: &Uri,
    headers: &HeaderMap,
    mut query: FigureListQuery,
    name: &str,
) -> ApiResult<Response> {
    let presentation = Presentation::of(&state.service, query.presentation).await?;
    // The one indicator the request names, if it names one: what a JSON-stat dataset is of.
    let indicator = match query.filter.indicators.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    };
    // Money is compared (min, max, sort=value) in the currency it is shown in.
    query.filter.exchange = presentation.exchange();
    let transform = query.transform.filter(|t| *t != Transform::Level);
    refuse_together(&query, transform)?;
    figures::resolve_updated_after(&state.service.pool, &mut query).await?;
    let responder = || ListResponder {
        base,
        uri,
        headers,
        list: &query.list,
        name,
    };
    if let Some(latest) = query.latest {
        // The last figures of each series are known once the whole filtered table is read:
        // they are paged in memory, as derived figures are, presented as asked.
        let figures = load_latest(
            &state.service.pool,
            &query.filter,
            latest as usize,
            presentation.language(),
        )
        .await?;
        let figures = figures.into_iter().map(|f| presentation.apply(f)).collect();
        return responder()
            .respond_figures(figure_page(&query.list, figures), indicator.as_deref());
    }
    if let Some(transform) = transform {
        // A transform reads the whole filtered series and answers with derived figures, in
        // series order unless sorted, presented as asked.
        let Transformed { figures, notes } = load_transformed(
            &state.service.pool,
            &query.filter,
            transform,
            presentation.language(),
        )
        .await?;
        let figures = figures.into_iter().map(|f| presentation.apply(f)).collect();
        let page = figure_page(&query.list, figures);
        return responder().respond_derived(page, notes, indicator.as_deref());
    }
    let figures = observation_page(
        &state.service,
        &query.filter,
        &query.list,
        &presentation,
        &query.facets,
    )
    .await?;
    responder().respond_faceted(
        figures.page,
        indicator.as_deref(),
        figures.facets,
        figures.retracted,
    )
}

/// Refuses what a list cannot answer together: facets count stored figures, and neither a
/// transform's derived figures nor the last of each series are those; a transform of the
/// last figures of each series would be a transform of a few points.
fn refuse_together(query: &FigureListQuery, transform: Option<Transform>) -> ApiResult<()> {
    let refuse = |name: &str, with: &str, why: &str| {
        Err(ApiError::invalid_parameter(
            name,
            format!("{name}: not with {with}: {why} Ask for one or the other."),
        ))
    };
    if !query.facets.is_empty() && transform.is_some() {
        return refuse(
            FACETS.name(),
            TRANSFORM.name(),
            "facets count stored figures, a transform answers with derived ones.",
        );
    }
    if query.latest.is_some() && transform.is_some() {
        return refuse(
            LATEST.name(),
            TRANSFORM.name(),
            "a transform reads every figure of a series.",
        );
    }
    if query.updated_after.is_some() {
        let delta = |with: &str| {
            refuse(
                UPDATED_AFTER.name(),
                with,
                "a delta lists the stored figures that changed, retractions included.",
            )
        };
        if transform.is_some() {
            return delta(TRANSFORM.name());
        }
        if query.latest.is_some() {
            return delta(LATEST.name());
        }
        if !query.facets.is_empty() {
            return delta(FACETS.name());
        }
    }
    if query.latest.is_some() && !query.facets.is_empty() {
        return refuse(
            FACETS.name(),
            LATEST.name(),
            "facets count every figure the filters keep, not the last of each series.",
        );
    }
    Ok(())
}

async fn list_observations(
    State(state): State<AppState>,
    TypedQuery(query): TypedQuery<Observations>,
    base: BaseUrl,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    respond_observations(&state, &base, &uri, &headers, query, "observations").await
}

async fn get_observation(
    State(state): State<AppState>,
    Path(id): Path<String>,
    TypedQuery(query): TypedQuery<OneFigure>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let language = query.presentation.language;
    let presentation = Presentation::of(&state.service, query.presentation).await?;
    let filter = ObservationFilter {
        ids: vec![id.clone()],
        as_of: query.as_of,
        ..Default::default()
    };
    let figure = figures::observations(&state.service.pool, &filter, language)
        .await?
        .pop();
    if figure.is_none() {
        // Say why a stored figure is missing: not yet recorded at as_of, or retracted.
        match (
            figures::retracted(&state.service.pool, &id).await?,
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
    respond_one(&headers, query.format, language, presentation.apply(figure))
}

/// Every revision of one figure, retracted or not: the history `as_of` reads from.
async fn list_revisions(
    State(state): State<AppState>,
    Path(id): Path<String>,
    TypedQuery(query): TypedQuery<Revisions>,
    base: BaseUrl,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let revisions = figures::revisions(&state.service.pool, &id, query.list.language).await?;
    if revisions.is_empty() {
        return Err(ApiError::NotFound {
            resource: Entity::Observation.noun(),
            id,
        });
    }
    let name = format!("{id}-revisions");
    respond_in_memory(
        &base,
        &uri,
        &headers,
        &query.list,
        &query.filters,
        &name,
        revisions,
    )
}

/// Operating-revenue figures: cluster revenues and the thresholds that define cluster groups,
/// in yuan and in the printed dollar equivalents.
async fn list_revenues(
    State(state): State<AppState>,
    TypedQuery(mut query): TypedQuery<Revenues>,
    base: BaseUrl,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    query.filter.concepts = vec![OPERATING_REVENUE.to_owned()];
    respond_observations(&state, &base, &uri, &headers, query, "revenues").await
}

/// Invention-patent figures: counts granted, their growth and national rank.
async fn list_patents(
    State(state): State<AppState>,
    TypedQuery(mut query): TypedQuery<Patents>,
    base: BaseUrl,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    query.filter.concepts = vec![INVENTION_PATENTS.to_owned()];
    respond_observations(&state, &base, &uri, &headers, query, "patents").await
}

async fn list_indicator_observations(
    State(state): State<AppState>,
    Path(id): Path<String>,
    TypedQuery(mut query): TypedQuery<Series>,
    base: BaseUrl,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    found(
        catalogue::indicator(&state.service.pool, &id, query.list.language).await?,
        Entity::Indicator,
        &id,
    )?;
    let name = format!("{id}-observations");
    query.filter.indicators = vec![id];
    respond_observations(&state, &base, &uri, &headers, query, &name).await
}
/// Every figure (or every one the filters keep), flat, in one response, streamed: a refused
/// query is a problem like any other, and once it is accepted the rows are written as the
/// client reads them, at any size.
async fn export_observations(
    State(state): State<AppState>,
    TypedQuery(query): TypedQuery<Export>,
    head: Option<Extension<HeadRequest>>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let selection = ExportSelection::of(&state.service.pool, query).await?;
    let format = negotiate(&headers, selection.list.format, selection.list.formats)?;
    if let Some(fields) = &selection.list.fields {
        check_fields(fields, &export_columns())?;
    }
    let self_link = uri
        .path_and_query()
        .map_or("/v1/export", |pq| pq.as_str())
        .to_owned();
    if head.is_some() {
        // No body will be sent: no place among the exports, no transaction.
        // What it would hold is counted, so that a client can size the download first.
        let mut snapshot = state.service.pool.begin().await?;
        let data_version = versions::last_import_id(&mut *snapshot).await?;
        let total = figures::count_observations(&mut *snapshot, &selection.filter).await?;
        snapshot.commit().await?;
        let language = selection.list.language;
        let mut head = export_head(data_version, format, language, &self_link);
        head.headers_mut()
            .insert(TOTAL_COUNT_HEADER, HeaderValue::from(total));
        return Ok(head);
    }
    let permit = state
        .exports
        .clone()
        .acquire_owned()
        .await
        .expect("the export permits are never closed");
    let mut snapshot = state.service.pool.begin().await?;
    let data_version = versions::last_import_id(&mut *snapshot).await?;
    Ok(StreamedExport {
        snapshot,
        data_version,
        selection,
        format,
        self_link,
        permit,
    }
    .into_response())
}
