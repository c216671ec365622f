//! `/v1/city-plans`: what Guangzhou, Shenzhen and Maoming plan, as their leaders stated it.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Json;
use serde::Serialize;

use super::clusters::{cluster_group_response, ClusterGroupResponse};
use super::{
    found, list_query, presented_single, respond_formatted, respond_in_memory, to_values, Names,
};
use crate::domain::entity::Entity;
use crate::domain::figure::{Observation, Reference, Speaker};
use crate::error::ApiResult;
use crate::http::endpoint::Endpoint;
use crate::http::state::AppState;
use crate::service::catalogue::{self, CityPlanRow};
use crate::service::figures::ObservationFilter;
use crate::service::presentation::{Presentation, CURRENCY, SCALE};
use crate::service::query::params::{FilterSpec, ListSpec, ParamKind, SortSpec};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::list::<CityPlanResponse>(
            "/v1/city-plans",
            get(list_city_plans),
            "City plans of Guangzhou, Shenzhen and Maoming, with their figures",
            &CITY_PLANS,
        ),
        Endpoint::one::<CityPlanResponse>(
            "/v1/city-plans/{city}",
            get(get_city_plan),
            "One city plan",
        ),
    ]
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct CityPlanResponse {
    id: String,
    city: Reference,
    speaker: Speaker,
    source: Reference,
    summary: String,
    cluster_groups: Vec<ClusterGroupResponse>,
    figures: Vec<Observation>,
    links: CityPlanLinks,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct CityPlanLinks {
    #[serde(rename = "self")]
    self_link: String,
    city: String,
}

const CITY_PLANS: ListSpec = ListSpec {
    filters: &[
        CURRENCY,
        SCALE,
        FilterSpec::new("city", ParamKind::Ids(Entity::CityPlan), "id"),
        FilterSpec::new("speaker", ParamKind::Ids(Entity::Speaker), "speaker.id"),
    ],
    sorts: &[SortSpec::new("id", "id")],
    paginated: true,
};

async fn city_plan_response(
    state: &AppState,
    row: CityPlanRow,
    presentation: &Presentation,
) -> ApiResult<CityPlanResponse> {
    let pool = &state.service.pool;
    let regions = Names::load(pool, Entity::Region).await?;
    let sources = Names::load(pool, Entity::Source).await?;
    let speaker = found(
        catalogue::speaker(pool, &row.speaker_id).await?,
        Entity::Speaker,
        &row.speaker_id,
    )?;
    let mut cluster_groups = Vec::new();
    for (plan, group) in catalogue::city_plan_cluster_groups(pool).await? {
        if plan == row.id {
            let group = found(
                catalogue::cluster_group(pool, &group).await?,
                Entity::ClusterGroup,
                &group,
            )?;
            cluster_groups
                .push(cluster_group_response(state, group, &regions, presentation).await?);
        }
    }
    let filter = ObservationFilter {
        city_plans: vec![row.id.clone()],
        ..Default::default()
    };
    let figures = presentation.figures(pool, &filter).await?;
    Ok(CityPlanResponse {
        city: regions.reference(&row.region_id),
        speaker: Speaker {
            id: speaker.id,
            name: speaker.name,
            title: speaker.title,
            organisation: speaker.organisation,
        },
        source: sources.reference(&row.source_id),
        links: CityPlanLinks {
            self_link: format!("/v1/city-plans/{}", row.id),
            city: format!("/v1/regions/{}", row.region_id),
        },
        id: row.id,
        summary: row.summary,
        cluster_groups,
        figures,
    })
}

async fn list_city_plans(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let query = list_query(&state.service.pool, &uri, &CITY_PLANS).await?;
    let presentation = Presentation::of(&state.service, &query).await?;
    let mut plans = Vec::new();
    for row in catalogue::city_plans(&state.service.pool).await? {
        plans.push(city_plan_response(&state, row, &presentation).await?);
    }
    let items = to_values(plans);
    respond_in_memory(&uri, &headers, &query, &CITY_PLANS, "city-plans", items)
}

async fn get_city_plan(
    State(state): State<AppState>,
    Path(city): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Json<CityPlanResponse>> {
    let (query, presentation) = presented_single(&state.service, &uri).await?;
    let row = found(
        catalogue::city_plan(&state.service.pool, &city).await?,
        Entity::CityPlan,
        &city,
    )?;
    respond_formatted(
        &headers,
        query.format,
        city_plan_response(&state, row, &presentation).await?,
    )
}
