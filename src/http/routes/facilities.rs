//! `/v1/facilities`: national laboratories, science facilities and innovation platforms.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Json;
use serde::Serialize;

use super::{found, list_query, respond_in_memory, respond_one, to_values, Names};
use crate::domain::entity::Entity;
use crate::domain::figure::Reference;
use crate::error::ApiResult;
use crate::http::endpoint::Endpoint;
use crate::http::state::AppState;
use crate::service::catalogue::{self, FacilityRow};
use crate::service::query::params::{FilterSpec, ListSpec, ParamKind, SortSpec};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::list::<FacilityResponse>(
            "/v1/facilities",
            get(list_facilities),
            "National laboratories, science facilities and innovation platforms",
            &FACILITIES,
        ),
        Endpoint::one::<FacilityResponse>("/v1/facilities/{id}", get(get_facility), "One facility"),
    ]
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct FacilityResponse {
    id: String,
    name: String,
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

const FACILITIES: ListSpec = ListSpec {
    filters: &[
        FilterSpec::new(
            "kind",
            ParamKind::Words(&[
                "national_laboratory",
                "science_facility",
                "innovation_platform",
            ]),
            "kind",
        ),
        FilterSpec::new("region", ParamKind::Ids(Entity::Region), "region.id"),
    ],
    sorts: &[SortSpec::new("id", "id"), SortSpec::new("name", "name")],
    paginated: true,
};

/// Lookups that turn a facility row's ids into `{id, name}` references.
struct FacilityNames {
    regions: Names,
    sources: Names,
    speakers: Names,
}

impl FacilityNames {
    async fn load(state: &AppState) -> ApiResult<Self> {
        Ok(FacilityNames {
            regions: Names::load(&state.service.pool, Entity::Region).await?,
            sources: Names::load(&state.service.pool, Entity::Source).await?,
            speakers: Names::load(&state.service.pool, Entity::Speaker).await?,
        })
    }

    fn response(&self, row: FacilityRow) -> FacilityResponse {
        FacilityResponse {
            region: self.regions.reference(&row.region_id),
            source: self.sources.reference(&row.source_id),
            speaker: row
                .speaker_id
                .as_deref()
                .map(|id| self.speakers.reference(id)),
            links: FacilityLinks {
                self_link: format!("/v1/facilities/{}", row.id),
            },
            id: row.id,
            name: row.name,
            kind: row.kind,
            description: row.description,
        }
    }
}

async fn list_facilities(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let query = list_query(&state.service.pool, &uri, &FACILITIES).await?;
    let names = FacilityNames::load(&state).await?;
    let rows = catalogue::facilities(&state.service.pool).await?;
    let items = to_values(rows.into_iter().map(|row| names.response(row)).collect());
    respond_in_memory(&uri, &headers, &query, &FACILITIES, "facilities", items)
}

async fn get_facility(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Json<FacilityResponse>> {
    let row = found(
        catalogue::facility(&state.service.pool, &id).await?,
        Entity::Facility,
        &id,
    )?;
    let names = FacilityNames::load(&state).await?;
    respond_one(&uri, &headers, names.response(row))
}
