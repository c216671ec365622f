//! `/v1/regions`: Guangdong, its cities, the Greater Bay Area, Hengqin and China as a whole.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Json;
use serde::Serialize;

use super::{found, respond_in_memory, respond_one, to_values, Names};
use crate::domain::entity::Entity;
use crate::domain::figure::{Observation, Reference};
use crate::error::ApiResult;
use crate::http::endpoint::Endpoint;
use crate::http::extract::TypedQuery;
use crate::http::state::AppState;
use crate::service::catalogue::{self, RegionRow};
use crate::service::figures::ObservationFilter;
use crate::service::presentation::Presentation;
use crate::service::query::params::{PARENT, REGION_KIND};
use crate::service::query::parse::Accepts;
use crate::service::query::queries::{CatalogueQuery, OneWithFigures};
use crate::service::query::spec::{QuerySpec, Shape, SortSpec};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::list::<RegionResponse, Regions>(
            "/v1/regions",
            get(list_regions),
            "Regions: China, Guangdong, the Bay Area, cities, Hengqin",
        ),
        Endpoint::one::<RegionDetailResponse, OneWithFigures>(
            "/v1/regions/{id}",
            get(get_region),
            "One region with its children and figures",
        ),
    ]
}

/// `/v1/regions`, filtered by kind and parent.
struct Regions;

impl Accepts for Regions {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[REGION_KIND.matching("kind"), PARENT.matching("parent.id")],
        shape: Shape::Page(&[
            SortSpec::new("id", "id"),
            SortSpec::new("name", "name"),
            SortSpec::new("kind", "kind"),
        ]),
    };
    type Query = CatalogueQuery;
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct RegionResponse {
    id: String,
    name: String,
    kind: String,
    parent: Option<Reference>,
    description: String,
    links: RegionLinks,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct RegionLinks {
    #[serde(rename = "self")]
    self_link: String,
    observations: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct RegionDetailResponse {
    #[serde(flatten)]
    region: RegionResponse,
    children: Vec<Reference>,
    figures: Vec<Observation>,
}

fn region_response(row: RegionRow, names: &Names) -> RegionResponse {
    RegionResponse {
        parent: row.parent_id.as_deref().map(|id| names.reference(id)),
        links: RegionLinks {
            self_link: format!("/v1/regions/{}", row.id),
            observations: format!("/v1/observations?region={}", row.id),
        },
        id: row.id,
        name: row.name,
        kind: row.kind,
        description: row.description,
    }
}

async fn list_regions(
    State(state): State<AppState>,
    TypedQuery(query): TypedQuery<Regions>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let rows = catalogue::regions(&state.service.pool, None).await?;
    let names = Names::load(&state.service.pool, Entity::Region).await?;
    let items = to_values(
        rows.into_iter()
            .map(|row| region_response(row, &names))
            .collect(),
    );
    respond_in_memory(
        &uri,
        &headers,
        &query.list,
        &query.filters,
        "regions",
        items,
    )
}

async fn get_region(
    State(state): State<AppState>,
    Path(id): Path<String>,
    TypedQuery(query): TypedQuery<OneWithFigures>,
    headers: HeaderMap,
) -> ApiResult<Json<RegionDetailResponse>> {
    let presentation = Presentation::of(&state.service, query.presentation).await?;
    let row = found(
        catalogue::region(&state.service.pool, &id).await?,
        Entity::Region,
        &id,
    )?;
    let names = Names::load(&state.service.pool, Entity::Region).await?;
    let children = catalogue::regions(&state.service.pool, Some(&id))
        .await?
        .into_iter()
        .map(|child| Reference {
            id: child.id,
            name: child.name,
        })
        .collect();
    let filter = ObservationFilter {
        regions: vec![id],
        ..Default::default()
    };
    let figures = presentation.figures(&state.service.pool, &filter).await?;
    respond_one(
        &headers,
        query.format,
        RegionDetailResponse {
            region: region_response(row, &names),
            children,
            figures,
        },
    )
}
