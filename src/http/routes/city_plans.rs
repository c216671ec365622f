//! `/v1/city-plans`: what Guangzhou, Shenzhen and Maoming plan, as their leaders stated it.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use serde::Serialize;

use super::clusters::{cluster_group_response, ClusterGroupResponse};
use super::{found, respond_in_memory, respond_one, Names};
use crate::domain::entity::Entity;
use crate::domain::figure::{Observation, Reference, Speaker};
use crate::error::ApiResult;
use crate::http::base_url::BaseUrl;
use crate::http::endpoint::Endpoint;
use crate::http::extract::TypedQuery;
use crate::http::state::AppState;
use crate::service::catalogue::{self, CityPlanRow};
use crate::service::figures::ObservationFilter;
use crate::service::presentation::Presentation;
use crate::service::query::params::{CITY, CURRENCY, LANG, SCALE, SPEAKER};
use crate::service::query::parse::Accepts;
use crate::service::query::queries::{CatalogueQuery, OneWithFigures};
use crate::service::query::spec::{QuerySpec, Shape, SortSpec};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::list::<CityPlanResponse, CityPlans>(
            "/v1/city-plans",
            get(list_city_plans),
            "City plans of Guangzhou, Shenzhen and Maoming, with their figures",
        ),
        Endpoint::one::<CityPlanResponse, OneWithFigures>(
            "/v1/city-plans/{city}",
            get(get_city_plan),
            "One city plan",
        ),
    ]
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct CityPlanResponse {
    id: String,
    /// Its name, in the language asked (`lang`): in English its city's ("Guangzhou city
    /// plan"), in Chinese the plan's own ("广州市“12218”现代化产业体系").
    name: String,
    /// The English name, when `name` is in another language.
    #[serde(skip_serializing_if = "Option::is_none")]
    name_en: Option<String>,
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

/// `/v1/city-plans`, filtered by city and speaker, their figures presented as asked.
struct CityPlans;

impl Accepts for CityPlans {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[
            CURRENCY.accept(),
            SCALE.accept(),
            CITY.matching("id"),
            SPEAKER.matching("speaker.id"),
            LANG.accept(),
        ],
        shape: Shape::Page(&[SortSpec::new("id", "id")]),
    };
    type Query = CatalogueQuery;
}

async fn city_plan_response(
    base: &BaseUrl,
    state: &AppState,
    row: CityPlanRow,
    presentation: &Presentation,
) -> ApiResult<CityPlanResponse> {
    let pool = &state.service.pool;
    let language = presentation.language();
    let regions = Names::load(pool, Entity::Region, language).await?;
    let sources = Names::load(pool, Entity::Source, language).await?;
    let speaker = found(
        catalogue::speaker(pool, &row.speaker_id, language).await?,
        Entity::Speaker,
        &row.speaker_id,
    )?;
    let mut cluster_groups = Vec::new();
    for (plan, group) in catalogue::city_plan_cluster_groups(pool).await? {
        if plan == row.id {
            let group = found(
                catalogue::cluster_group(pool, &group, language).await?,
                Entity::ClusterGroup,
                &group,
            )?;
            cluster_groups
                .push(cluster_group_response(base, state, group, &regions, presentation).await?);
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
            self_link: base.href(&format!("/v1/city-plans/{}", row.id)),
            city: base.href(&format!("/v1/regions/{}", row.region_id)),
        },
        id: row.id,
        name: row.name,
        name_en: row.name_en,
        summary: row.summary,
        cluster_groups,
        figures,
    })
}

async fn list_city_plans(
    State(state): State<AppState>,
    TypedQuery(query): TypedQuery<CityPlans>,
    base: BaseUrl,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let presentation = Presentation::of(&state.service, query.presentation).await?;
    let mut plans = Vec::new();
    for row in catalogue::city_plans(&state.service.pool, presentation.language()).await? {
        plans.push(city_plan_response(&base, &state, row, &presentation).await?);
    }
    let items = plans;
    respond_in_memory(
        &base,
        &uri,
        &headers,
        &query.list,
        &query.filters,
        "city-plans",
        items,
    )
}

async fn get_city_plan(
    State(state): State<AppState>,
    Path(city): Path<String>,
    TypedQuery(query): TypedQuery<OneWithFigures>,
    base: BaseUrl,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let language = query.presentation.language;
    let presentation = Presentation::of(&state.service, query.presentation).await?;
    let row = found(
        catalogue::city_plan(&state.service.pool, &city, language).await?,
        Entity::CityPlan,
        &city,
    )?;
    respond_one(
        &headers,
        query.format,
        language,
        city_plan_response(&base, &state, row, &presentation).await?,
    )
}
