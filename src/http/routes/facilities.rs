//! `/v1/facilities`: national laboratories, science facilities and innovation platforms.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use serde::Serialize;

use super::{found, respond_in_memory, respond_one, Names};
use crate::domain::entity::Entity;
use crate::domain::figure::Reference;
use crate::domain::language::Language;
use crate::error::ApiResult;
use crate::http::base_url::BaseUrl;
use crate::http::endpoint::Endpoint;
use crate::http::extract::TypedQuery;
use crate::http::state::AppState;
use crate::service::catalogue::{self, FacilityRow};
use crate::service::query::params::{FACILITY_KIND, LANG, REGION};
use crate::service::query::parse::Accepts;
use crate::service::query::queries::{CatalogueQuery, One};
use crate::service::query::spec::{QuerySpec, Shape, SortSpec};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::list::<FacilityResponse, Facilities>(
            "/v1/facilities",
            get(list_facilities),
            "National laboratories, science facilities and innovation platforms",
        ),
        Endpoint::one::<FacilityResponse, One>(
            "/v1/facilities/{id}",
            get(get_facility),
            "One facility",
        ),
    ]
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct FacilityResponse {
    id: String,
    name: String,
    /// The English name, when `name` is in another language (`lang`).
    #[serde(skip_serializing_if = "Option::is_none")]
    name_en: Option<String>,
    kind: String,
    region: Reference,
    description: String,
    /// The story that names it and who named it there.
    source: Reference,
    speaker: Option<Reference>,
    links: FacilityLinks,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct FacilityLinks {
    #[serde(rename = "self")]
    self_link: String,
}

/// `/v1/facilities`, filtered by kind and region.
struct Facilities;

impl Accepts for Facilities {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[
            FACILITY_KIND.matching("kind"),
            REGION.matching("region.id"),
            LANG.accept(),
        ],
        shape: Shape::Page(&[SortSpec::new("id", "id"), SortSpec::new("name", "name")]),
    };
    type Query = CatalogueQuery;
}

/// Lookups that turn a facility row's ids into `{id, name}` references.
struct FacilityNames {
    regions: Names,
    sources: Names,
    speakers: Names,
}

impl FacilityNames {
    async fn load(state: &AppState, language: Language) -> ApiResult<Self> {
        let pool = &state.service.pool;
        Ok(FacilityNames {
            regions: Names::load(pool, Entity::Region, language).await?,
            sources: Names::load(pool, Entity::Source, language).await?,
            speakers: Names::load(pool, Entity::Speaker, language).await?,
        })
    }

    fn response(&self, base: &BaseUrl, row: FacilityRow) -> FacilityResponse {
        FacilityResponse {
            region: self.regions.reference(&row.region_id),
            source: self.sources.reference(&row.source_id),
            speaker: row
                .speaker_id
                .as_deref()
                .map(|id| self.speakers.reference(id)),
            links: FacilityLinks {
                self_link: base.href(&format!("/v1/facilities/{}", row.id)),
            },
            id: row.id,
            name: row.name,
            name_en: row.name_en,
            kind: row.kind,
            description: row.description,
        }
    }
}

async fn list_facilities(
    State(state): State<AppState>,
    TypedQuery(query): TypedQuery<Facilities>,
    base: BaseUrl,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let language = query.list.language;
    let names = FacilityNames::load(&state, language).await?;
    let rows = catalogue::facilities(&state.service.pool, language).await?;
    let items: Vec<_> = rows
        .into_iter()
        .map(|row| names.response(&base, row))
        .collect();
    respond_in_memory(
        &base,
        &uri,
        &headers,
        &query.list,
        &query.filters,
        "facilities",
        items,
    )
}

async fn get_facility(
    State(state): State<AppState>,
    Path(id): Path<String>,
    TypedQuery(query): TypedQuery<One>,
    base: BaseUrl,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let language = query.presentation.language;
    let row = found(
        catalogue::facility(&state.service.pool, &id, language).await?,
        Entity::Facility,
        &id,
    )?;
    let names = FacilityNames::load(&state, language).await?;
    respond_one(&headers, query.format, language, names.response(&base, row))
}
