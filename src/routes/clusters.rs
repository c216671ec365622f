//! `/v1/clusters` and `/v1/cluster-groups`: the trillion-yuan industrial clusters, the strategic
//! industry clusters, the city and agricultural clusters, each with its figures.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::{found, known_id, list, Names};
use crate::error::ApiResult;
use crate::extract::ApiQuery;
use crate::model::{ListResponse, Observation, Reference};
use crate::store::{self, ClusterGroupRow, ClusterRow, Entity, ObservationFilter};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/clusters", get(list_clusters))
        .route("/v1/clusters/{id}", get(get_cluster))
        .route("/v1/cluster-groups", get(list_cluster_groups))
        .route("/v1/cluster-groups/{id}", get(get_cluster_group))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClusterQueryParams {
    group: Option<String>,
    region: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClusterGroupQueryParams {
    region: Option<String>,
}

#[derive(Debug, Serialize)]
struct ClusterResponse {
    id: String,
    name: String,
    description: String,
    group: Reference,
    region: Reference,
    /// The year the cluster reached its group's threshold, where the source says.
    reached_year: Option<i64>,
    figures: Vec<Observation>,
    links: ClusterLinks,
}

#[derive(Debug, Serialize)]
struct ClusterLinks {
    #[serde(rename = "self")]
    self_link: String,
    group: String,
}

#[derive(Debug, Serialize)]
pub(super) struct ClusterGroupResponse {
    id: String,
    name: String,
    kind: String,
    description: String,
    region: Reference,
    clusters: Vec<Reference>,
    /// Figures of the group as a whole and of its member clusters.
    figures: Vec<Observation>,
    links: ClusterGroupLinks,
}

#[derive(Debug, Serialize)]
struct ClusterGroupLinks {
    #[serde(rename = "self")]
    self_link: String,
    clusters: String,
}

fn cluster_response(
    row: ClusterRow,
    groups: &Names,
    regions: &Names,
    figures: Vec<Observation>,
) -> ClusterResponse {
    ClusterResponse {
        group: groups.reference(&row.group_id),
        region: regions.reference(&row.region_id),
        links: ClusterLinks {
            self_link: format!("/v1/clusters/{}", row.id),
            group: format!("/v1/cluster-groups/{}", row.group_id),
        },
        id: row.id,
        name: row.name,
        description: row.description,
        reached_year: row.reached_year,
        figures,
    }
}

async fn list_clusters(
    State(state): State<AppState>,
    uri: Uri,
    ApiQuery(params): ApiQuery<ClusterQueryParams>,
) -> ApiResult<Json<ListResponse<ClusterResponse>>> {
    let pool = &state.pool;
    let group = known_id(pool, Entity::ClusterGroup, "group", params.group).await?;
    let region = known_id(pool, Entity::Region, "region", params.region).await?;
    let rows = store::clusters(pool, group.as_deref(), region.as_deref()).await?;
    let groups = Names::load(pool, Entity::ClusterGroup).await?;
    let regions = Names::load(pool, Entity::Region).await?;
    // One query for every cluster's figures, shared out below.
    let mut figures_by_cluster: HashMap<String, Vec<Observation>> = HashMap::new();
    let all_cluster_figures = ObservationFilter {
        any_cluster: true,
        ..Default::default()
    };
    for figure in store::observations(pool, &all_cluster_figures).await? {
        if let Some(cluster) = figure.cluster.clone() {
            figures_by_cluster.entry(cluster).or_default().push(figure);
        }
    }
    let data = rows
        .into_iter()
        .map(|row| {
            let figures = figures_by_cluster.remove(&row.id).unwrap_or_default();
            cluster_response(row, &groups, &regions, figures)
        })
        .collect();
    Ok(list(data, &uri))
}

async fn get_cluster(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<ClusterResponse>> {
    let pool = &state.pool;
    let row = found(store::cluster(pool, &id).await?, Entity::Cluster, &id)?;
    let groups = Names::load(pool, Entity::ClusterGroup).await?;
    let regions = Names::load(pool, Entity::Region).await?;
    let filter = ObservationFilter {
        cluster: Some(id),
        ..Default::default()
    };
    let figures = store::observations(pool, &filter).await?;
    Ok(Json(cluster_response(row, &groups, &regions, figures)))
}

/// A group with its member clusters and figures.
pub(super) async fn cluster_group_response(
    state: &AppState,
    row: ClusterGroupRow,
    regions: &Names,
) -> ApiResult<ClusterGroupResponse> {
    let clusters = store::clusters(&state.pool, Some(&row.id), None)
        .await?
        .into_iter()
        .map(|cluster| Reference {
            id: cluster.id,
            name: cluster.name,
        })
        .collect();
    let filter = ObservationFilter {
        cluster_group: Some(row.id.clone()),
        ..Default::default()
    };
    let figures = store::observations(&state.pool, &filter).await?;
    Ok(ClusterGroupResponse {
        region: regions.reference(&row.region_id),
        links: ClusterGroupLinks {
            self_link: format!("/v1/cluster-groups/{}", row.id),
            clusters: format!("/v1/clusters?group={}", row.id),
        },
        id: row.id,
        name: row.name,
        kind: row.kind,
        description: row.description,
        clusters,
        figures,
    })
}

async fn list_cluster_groups(
    State(state): State<AppState>,
    uri: Uri,
    ApiQuery(params): ApiQuery<ClusterGroupQueryParams>,
) -> ApiResult<Json<ListResponse<ClusterGroupResponse>>> {
    let region = known_id(&state.pool, Entity::Region, "region", params.region).await?;
    let regions = Names::load(&state.pool, Entity::Region).await?;
    let mut data = Vec::new();
    for row in store::cluster_groups(&state.pool, region.as_deref()).await? {
        data.push(cluster_group_response(&state, row, &regions).await?);
    }
    Ok(list(data, &uri))
}

async fn get_cluster_group(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<ClusterGroupResponse>> {
    let row = found(
        store::cluster_group(&state.pool, &id).await?,
        Entity::ClusterGroup,
        &id,
    )?;
    let regions = Names::load(&state.pool, Entity::Region).await?;
    Ok(Json(cluster_group_response(&state, row, &regions).await?))
}
