//! `/v1/clusters` and `/v1/cluster-groups`: the trillion-yuan industrial clusters, the strategic
//! industry clusters, the city and agricultural clusters, each with its figures.

use std::collections::HashMap;

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
use crate::service::catalogue::{self, ClusterGroupRow, ClusterRow};
use crate::service::figures::ObservationFilter;
use crate::service::presentation::Presentation;
use crate::service::query::params::{CURRENCY, GROUP, GROUP_KIND, LANG, REGION, SCALE};
use crate::service::query::parse::Accepts;
use crate::service::query::queries::{CatalogueQuery, OneWithFigures};
use crate::service::query::spec::{QuerySpec, Shape, SortSpec};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::list::<ClusterResponse, Clusters>(
            "/v1/clusters",
            get(list_clusters),
            "Named industry clusters, each with its figures",
        ),
        Endpoint::one::<ClusterResponse, OneWithFigures>(
            "/v1/clusters/{id}",
            get(get_cluster),
            "One cluster with its figures",
        ),
        Endpoint::list::<ClusterGroupResponse, ClusterGroups>(
            "/v1/cluster-groups",
            get(list_cluster_groups),
            "Sets of clusters, with their counts, thresholds and members",
        ),
        Endpoint::one::<ClusterGroupResponse, OneWithFigures>(
            "/v1/cluster-groups/{id}",
            get(get_cluster_group),
            "One cluster group",
        ),
    ]
}

/// `/v1/clusters`, filtered by group and region, their figures presented as asked.
struct Clusters;

impl Accepts for Clusters {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[
            CURRENCY.accept(),
            SCALE.accept(),
            GROUP.matching("group.id"),
            REGION.matching("region.id"),
            LANG.accept(),
        ],
        shape: Shape::Page(&[
            SortSpec::new("id", "id"),
            SortSpec::new("name", "name"),
            SortSpec::new("group", "group.id"),
            SortSpec::new("reached_year", "reached_year"),
        ]),
    };
    type Query = CatalogueQuery;
}

/// `/v1/cluster-groups`, filtered by region and kind, their figures presented as asked.
struct ClusterGroups;

impl Accepts for ClusterGroups {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[
            CURRENCY.accept(),
            SCALE.accept(),
            REGION.matching("region.id"),
            GROUP_KIND.matching("kind"),
            LANG.accept(),
        ],
        shape: Shape::Page(&[SortSpec::new("id", "id"), SortSpec::new("name", "name")]),
    };
    type Query = CatalogueQuery;
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct ClusterResponse {
    id: String,
    name: String,
    /// The English name, when `name` is in another language (`lang`).
    #[serde(skip_serializing_if = "Option::is_none")]
    name_en: Option<String>,
    description: String,
    group: Reference,
    region: Reference,
    /// The year the cluster reached its group's threshold, where the source says.
    reached_year: Option<i64>,
    figures: Vec<Observation>,
    links: ClusterLinks,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct ClusterLinks {
    #[serde(rename = "self")]
    self_link: String,
    group: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct ClusterGroupResponse {
    id: String,
    name: String,
    /// The English name, when `name` is in another language (`lang`).
    #[serde(skip_serializing_if = "Option::is_none")]
    name_en: Option<String>,
    kind: String,
    description: String,
    region: Reference,
    clusters: Vec<Reference>,
    /// Figures of the group as a whole and of its member clusters.
    figures: Vec<Observation>,
    links: ClusterGroupLinks,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct ClusterGroupLinks {
    #[serde(rename = "self")]
    self_link: String,
    clusters: String,
}

fn cluster_response(
    base: &BaseUrl,
    row: ClusterRow,
    groups: &Names,
    regions: &Names,
    figures: Vec<Observation>,
) -> ClusterResponse {
    ClusterResponse {
        group: groups.reference(&row.group_id),
        region: regions.reference(&row.region_id),
        links: ClusterLinks {
            self_link: base.href(&format!("/v1/clusters/{}", row.id)),
            group: base.href(&format!("/v1/cluster-groups/{}", row.group_id)),
        },
        id: row.id,
        name: row.name,
        name_en: row.name_en,
        description: row.description,
        reached_year: row.reached_year,
        figures,
    }
}

async fn list_clusters(
    State(state): State<AppState>,
    TypedQuery(query): TypedQuery<Clusters>,
    base: BaseUrl,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let pool = &state.service.pool;
    let language = query.list.language;
    let presentation = Presentation::of(&state.service, query.presentation).await?;
    let rows = catalogue::clusters(pool, None, language).await?;
    let groups = Names::load(pool, Entity::ClusterGroup, language).await?;
    let regions = Names::load(pool, Entity::Region, language).await?;
    // One query for every cluster's figures, shared out below.
    let mut figures_by_cluster: HashMap<String, Vec<Observation>> = HashMap::new();
    let all_cluster_figures = ObservationFilter {
        any_cluster: true,
        ..Default::default()
    };
    for figure in presentation.figures(pool, &all_cluster_figures).await? {
        if let Some(cluster) = figure.cluster_id.clone() {
            figures_by_cluster.entry(cluster).or_default().push(figure);
        }
    }
    let clusters = rows
        .into_iter()
        .map(|row| {
            let figures = figures_by_cluster.remove(&row.id).unwrap_or_default();
            cluster_response(&base, row, &groups, &regions, figures)
        })
        .collect();
    let items = clusters;
    respond_in_memory(
        &base,
        &uri,
        &headers,
        &query.list,
        &query.filters,
        "clusters",
        items,
    )
}

async fn get_cluster(
    State(state): State<AppState>,
    Path(id): Path<String>,
    TypedQuery(query): TypedQuery<OneWithFigures>,
    base: BaseUrl,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let language = query.presentation.language;
    let presentation = Presentation::of(&state.service, query.presentation).await?;
    let pool = &state.service.pool;
    let row = found(
        catalogue::cluster(pool, &id, language).await?,
        Entity::Cluster,
        &id,
    )?;
    let groups = Names::load(pool, Entity::ClusterGroup, language).await?;
    let regions = Names::load(pool, Entity::Region, language).await?;
    let filter = ObservationFilter {
        clusters: vec![id],
        ..Default::default()
    };
    let figures = presentation.figures(pool, &filter).await?;
    respond_one(
        &headers,
        query.format,
        language,
        cluster_response(&base, row, &groups, &regions, figures),
    )
}

/// A group with its member clusters and figures.
pub(super) async fn cluster_group_response(
    base: &BaseUrl,
    state: &AppState,
    row: ClusterGroupRow,
    regions: &Names,
    presentation: &Presentation,
) -> ApiResult<ClusterGroupResponse> {
    let clusters = catalogue::clusters(&state.service.pool, Some(&row.id), presentation.language())
        .await?
        .into_iter()
        .map(|cluster| Reference {
            id: cluster.id,
            name: cluster.name,
        })
        .collect();
    let filter = ObservationFilter {
        cluster_groups: vec![row.id.clone()],
        ..Default::default()
    };
    let figures = presentation.figures(&state.service.pool, &filter).await?;
    Ok(ClusterGroupResponse {
        region: regions.reference(&row.region_id),
        links: ClusterGroupLinks {
            self_link: base.href(&format!("/v1/cluster-groups/{}", row.id)),
            clusters: base.href(&format!("/v1/clusters?group={}", row.id)),
        },
        id: row.id,
        name: row.name,
        name_en: row.name_en,
        kind: row.kind,
        description: row.description,
        clusters,
        figures,
    })
}

async fn list_cluster_groups(
    State(state): State<AppState>,
    TypedQuery(query): TypedQuery<ClusterGroups>,
    base: BaseUrl,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let language = query.list.language;
    let presentation = Presentation::of(&state.service, query.presentation).await?;
    let regions = Names::load(&state.service.pool, Entity::Region, language).await?;
    let mut groups = Vec::new();
    for row in catalogue::cluster_groups(&state.service.pool, language).await? {
        groups.push(cluster_group_response(&base, &state, row, &regions, &presentation).await?);
    }
    let items = groups;
    respond_in_memory(
        &base,
        &uri,
        &headers,
        &query.list,
        &query.filters,
        "cluster-groups",
        items,
    )
}

async fn get_cluster_group(
    State(state): State<AppState>,
    Path(id): Path<String>,
    TypedQuery(query): TypedQuery<OneWithFigures>,
    base: BaseUrl,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let language = query.presentation.language;
    let presentation = Presentation::of(&state.service, query.presentation).await?;
    let row = found(
        catalogue::cluster_group(&state.service.pool, &id, language).await?,
        Entity::ClusterGroup,
        &id,
    )?;
    let regions = Names::load(&state.service.pool, Entity::Region, language).await?;
    respond_one(
        &headers,
        query.format,
        language,
        cluster_group_response(&base, &state, row, &regions, &presentation).await?,
    )
}
