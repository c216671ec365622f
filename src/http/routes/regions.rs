//! `/v1/regions`: China, Guangdong and its cities, the Greater Bay Area and its members,
//! Hengqin; each with its parent (the region that contains it), and one region with its
//! children, its members (a grouping's), what it is a member of, every region inside it, and
//! its figures.

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
use crate::service::catalogue::{self, RegionRow};
use crate::service::figures::ObservationFilter;
use crate::service::presentation::Presentation;
use crate::service::query::params::{LANG, PARENT, REGION_KIND};
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
            "One region with its children, members, the regions inside it, and its figures",
        ),
    ]
}

/// `/v1/regions`, filtered by kind and parent.
struct Regions;

impl Accepts for Regions {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[
            REGION_KIND.matching("kind"),
            PARENT.matching("parent.id"),
            LANG.accept(),
        ],
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
    /// The English name, when `name` is in another language (`lang`).
    #[serde(skip_serializing_if = "Option::is_none")]
    name_en: Option<String>,
    kind: String,
    /// The region that contains it; null for China.
    parent: Option<Reference>,
    description: String,
    links: RegionLinks,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct RegionLinks {
    #[serde(rename = "self")]
    self_link: String,
    /// Its own figures.
    observations: String,
    /// Its figures and those of every region inside it.
    within: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct RegionDetailResponse {
    #[serde(flatten)]
    region: RegionResponse,
    /// The regions it contains directly (whose parent it is).
    children: Vec<Reference>,
    /// For a grouping (the Greater Bay Area): its members, which it does not contain.
    members: Vec<Reference>,
    /// The groupings it is a member of.
    member_of: Vec<Reference>,
    /// Every region inside it: its children and theirs, a grouping's members and theirs.
    /// `within=` this region reads their figures with its own.
    regions_within: Vec<Reference>,
    figures: Vec<Observation>,
}

fn region_response(base: &BaseUrl, row: RegionRow, names: &Names) -> RegionResponse {
    RegionResponse {
        parent: row.parent_id.as_deref().map(|id| names.reference(id)),
        links: RegionLinks {
            self_link: base.href(&format!("/v1/regions/{}", row.id)),
            observations: base.href(&format!("/v1/observations?region={}", row.id)),
            within: base.href(&format!("/v1/observations?within={}", row.id)),
        },
        id: row.id,
        name: row.name,
        name_en: row.name_en,
        kind: row.kind,
        description: row.description,
    }
}

async fn list_regions(
    State(state): State<AppState>,
    TypedQuery(query): TypedQuery<Regions>,
    base: BaseUrl,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let language = query.list.language;
    let rows = catalogue::regions(&state.service.pool, None, language).await?;
    let names = Names::load(&state.service.pool, Entity::Region, language).await?;
    let items: Vec<_> = rows
        .into_iter()
        .map(|row| region_response(&base, row, &names))
        .collect();
    respond_in_memory(
        &base,
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
    base: BaseUrl,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let pool = &state.service.pool;
    let language = query.presentation.language;
    let presentation = Presentation::of(&state.service, query.presentation).await?;
    let row = found(
        catalogue::region(pool, &id, language).await?,
        Entity::Region,
        &id,
    )?;
    let names = Names::load(pool, Entity::Region, language).await?;
    let children = catalogue::regions(pool, Some(&id), language)
        .await?
        .into_iter()
        .map(|child| Reference {
            id: child.id,
            name: child.name,
        })
        .collect();
    let members = catalogue::region_members(pool, &id, language).await?;
    let member_of = catalogue::region_memberships(pool, &id, language).await?;
    let regions_within = catalogue::regions_inside(pool, &id, language).await?;
    let filter = ObservationFilter {
        regions: vec![id],
        ..Default::default()
    };
    let figures = presentation.figures(pool, &filter).await?;
    respond_one(
        &headers,
        query.format,
        language,
        RegionDetailResponse {
            region: region_response(&base, row, &names),
            children,
            members,
            member_of,
            regions_within,
            figures,
        },
    )
}
