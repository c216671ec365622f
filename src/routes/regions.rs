//! `/v1/regions`: Guangdong, its cities, the Greater Bay Area, Hengqin and China as a whole.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::{found, known_id, list, one_of, Names};
use crate::error::ApiResult;
use crate::extract::ApiQuery;
use crate::model::{ListResponse, Observation, Reference};
use crate::store::{self, Entity, ObservationFilter, RegionRow};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/regions", get(list_regions))
        .route("/v1/regions/{id}", get(get_region))
}

const REGION_KINDS: [&str; 6] = [
    "country",
    "province",
    "megaregion",
    "special_administrative_region",
    "city",
    "cooperation_zone",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionQueryParams {
    kind: Option<String>,
    parent: Option<String>,
}

#[derive(Debug, Serialize)]
struct RegionResponse {
    id: String,
    name: String,
    kind: String,
    parent: Option<Reference>,
    description: String,
    links: RegionLinks,
}

#[derive(Debug, Serialize)]
struct RegionLinks {
    #[serde(rename = "self")]
    self_link: String,
    observations: String,
}

#[derive(Debug, Serialize)]
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
    uri: Uri,
    ApiQuery(params): ApiQuery<RegionQueryParams>,
) -> ApiResult<Json<ListResponse<RegionResponse>>> {
    let kinds: Vec<String> = REGION_KINDS.iter().map(|k| k.to_string()).collect();
    let kind = one_of("kind", params.kind, &kinds)?;
    let parent = known_id(&state.pool, Entity::Region, "parent", params.parent).await?;
    let rows = store::regions(&state.pool, kind.as_deref(), parent.as_deref()).await?;
    let names = Names::load(&state.pool, Entity::Region).await?;
    let data = rows
        .into_iter()
        .map(|row| region_response(row, &names))
        .collect();
    Ok(list(data, &uri))
}

async fn get_region(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<RegionDetailResponse>> {
    let row = found(store::region(&state.pool, &id).await?, Entity::Region, &id)?;
    let names = Names::load(&state.pool, Entity::Region).await?;
    let children = store::regions(&state.pool, None, Some(&id))
        .await?
        .into_iter()
        .map(|child| Reference {
            id: child.id,
            name: child.name,
        })
        .collect();
    let filter = ObservationFilter {
        region: Some(id),
        ..Default::default()
    };
    let figures = store::observations(&state.pool, &filter).await?;
    Ok(Json(RegionDetailResponse {
        region: region_response(row, &names),
        children,
        figures,
    }))
}
