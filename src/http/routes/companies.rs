//! `/v1/companies`: the companies whose milestones the source reports.

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
use crate::service::catalogue::{self, CompanyRow};
use crate::service::figures::ObservationFilter;
use crate::service::presentation::Presentation;
use crate::service::query::params::{CURRENCY, LANG, REGION, SCALE};
use crate::service::query::parse::Accepts;
use crate::service::query::queries::{CatalogueQuery, OneWithFigures};
use crate::service::query::spec::{QuerySpec, Shape, SortSpec};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::list::<CompanyResponse, Companies>(
            "/v1/companies",
            get(list_companies),
            "Companies whose milestones the source reports",
        ),
        Endpoint::one::<CompanyResponse, OneWithFigures>(
            "/v1/companies/{id}",
            get(get_company),
            "One company with its figures",
        ),
    ]
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct CompanyResponse {
    id: String,
    name: String,
    /// The English name, when `name` is in another language (`lang`).
    #[serde(skip_serializing_if = "Option::is_none")]
    name_en: Option<String>,
    /// Where the company is headquartered.
    region: Reference,
    description: String,
    figures: Vec<Observation>,
    links: CompanyLinks,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct CompanyLinks {
    #[serde(rename = "self")]
    self_link: String,
}

/// `/v1/companies`, filtered by region, their figures presented as asked.
struct Companies;

impl Accepts for Companies {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[
            CURRENCY.accept(),
            SCALE.accept(),
            REGION.matching("region.id"),
            LANG.accept(),
        ],
        shape: Shape::Page(&[SortSpec::new("id", "id"), SortSpec::new("name", "name")]),
    };
    type Query = CatalogueQuery;
}

async fn company_response(
    base: &BaseUrl,
    state: &AppState,
    row: CompanyRow,
    regions: &Names,
    presentation: &Presentation,
) -> ApiResult<CompanyResponse> {
    let filter = ObservationFilter {
        companies: vec![row.id.clone()],
        ..Default::default()
    };
    Ok(CompanyResponse {
        figures: presentation.figures(&state.service.pool, &filter).await?,
        region: regions.reference(&row.region_id),
        links: CompanyLinks {
            self_link: base.href(&format!("/v1/companies/{}", row.id)),
        },
        id: row.id,
        name: row.name,
        name_en: row.name_en,
        description: row.description,
    })
}

async fn list_companies(
    State(state): State<AppState>,
    TypedQuery(query): TypedQuery<Companies>,
    base: BaseUrl,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let language = query.list.language;
    let presentation = Presentation::of(&state.service, query.presentation).await?;
    let regions = Names::load(&state.service.pool, Entity::Region, language).await?;
    let mut companies = Vec::new();
    for row in catalogue::companies(&state.service.pool, language).await? {
        companies.push(company_response(&base, &state, row, &regions, &presentation).await?);
    }
    let items = companies;
    respond_in_memory(
        &base,
        &uri,
        &headers,
        &query.list,
        &query.filters,
        "companies",
        items,
    )
}

async fn get_company(
    State(state): State<AppState>,
    Path(id): Path<String>,
    TypedQuery(query): TypedQuery<OneWithFigures>,
    base: BaseUrl,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let language = query.presentation.language;
    let presentation = Presentation::of(&state.service, query.presentation).await?;
    let row = found(
        catalogue::company(&state.service.pool, &id, language).await?,
        Entity::Company,
        &id,
    )?;
    let regions = Names::load(&state.service.pool, Entity::Region, language).await?;
    respond_one(
        &headers,
        query.format,
        language,
        company_response(&base, &state, row, &regions, &presentation).await?,
    )
}
