//! `/v1/speakers`: the officials and executives the source quotes, with the figures each stated.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use serde::Serialize;

use super::{found, respond_in_memory, respond_one, Names};
use crate::domain::entity::Entity;
use crate::domain::figure::{Observation, Reference};
use crate::error::ApiResult;
use crate::http::base_url::BaseUrl;
use crate::http::endpoint::Endpoint;
use crate::http::extract::TypedQuery;
use crate::http::state::AppState;
use crate::service::catalogue::{self, SpeakerRow};
use crate::service::figures::ObservationFilter;
use crate::service::presentation::Presentation;
use crate::service::query::params::{LANG, REGION};
use crate::service::query::parse::Accepts;
use crate::service::query::queries::{CatalogueQuery, OneWithFigures};
use crate::service::query::spec::{QuerySpec, Shape, SortSpec};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::list::<SpeakerResponse, Speakers>(
            "/v1/speakers",
            get(list_speakers),
            "People the source quotes, with how many figures each stated",
        ),
        Endpoint::one::<SpeakerDetailResponse, OneWithFigures>(
            "/v1/speakers/{id}",
            get(get_speaker),
            "One speaker with the figures they stated",
        ),
    ]
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct SpeakerResponse {
    id: String,
    name: String,
    /// The English name, when `name` is in another language (`lang`).
    #[serde(skip_serializing_if = "Option::is_none")]
    name_en: Option<String>,
    title: String,
    organisation: String,
    region: Reference,
    /// How many figures the source attributes to this person.
    figure_count: i64,
    links: SpeakerLinks,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct SpeakerLinks {
    #[serde(rename = "self")]
    self_link: String,
    observations: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct SpeakerDetailResponse {
    #[serde(flatten)]
    speaker: SpeakerResponse,
    figures: Vec<Observation>,
}

/// `/v1/speakers`, filtered by region.
struct Speakers;

impl Accepts for Speakers {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[REGION.matching("region.id"), LANG.accept()],
        shape: Shape::Page(&[
            SortSpec::new("id", "id"),
            SortSpec::new("name", "name"),
            SortSpec::new("figure_count", "figure_count"),
        ]),
    };
    type Query = CatalogueQuery;
}

fn speaker_response(base: &BaseUrl, row: SpeakerRow, regions: &Names) -> SpeakerResponse {
    SpeakerResponse {
        region: regions.reference(&row.region_id),
        links: SpeakerLinks {
            self_link: base.href(&format!("/v1/speakers/{}", row.id)),
            observations: base.href(&format!("/v1/observations?speaker={}", row.id)),
        },
        id: row.id,
        name: row.name,
        name_en: row.name_en,
        title: row.title,
        organisation: row.organisation,
        figure_count: row.figure_count,
    }
}

async fn list_speakers(
    State(state): State<AppState>,
    TypedQuery(query): TypedQuery<Speakers>,
    base: BaseUrl,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let language = query.list.language;
    let regions = Names::load(&state.service.pool, Entity::Region, language).await?;
    let rows = catalogue::speakers(&state.service.pool, language).await?;
    let items: Vec<_> = rows
        .into_iter()
        .map(|row| speaker_response(&base, row, &regions))
        .collect();
    respond_in_memory(
        &base,
        &uri,
        &headers,
        &query.list,
        &query.filters,
        "speakers",
        items,
    )
}

async fn get_speaker(
    State(state): State<AppState>,
    Path(id): Path<String>,
    TypedQuery(query): TypedQuery<OneWithFigures>,
    base: BaseUrl,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let language = query.presentation.language;
    let presentation = Presentation::of(&state.service, query.presentation).await?;
    let row = found(
        catalogue::speaker(&state.service.pool, &id, language).await?,
        Entity::Speaker,
        &id,
    )?;
    let regions = Names::load(&state.service.pool, Entity::Region, language).await?;
    let filter = ObservationFilter {
        speakers: vec![id],
        ..Default::default()
    };
    let figures = presentation.figures(&state.service.pool, &filter).await?;
    respond_one(
        &headers,
        query.format,
        language,
        SpeakerDetailResponse {
            speaker: speaker_response(&base, row, &regions),
            figures,
        },
    )
}
