//! `/v1/companies`: the companies whose milestones the source reports.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use super::{found, list, Names, NoQueryParams};
use crate::error::ApiResult;
use crate::extract::ApiQuery;
use crate::model::{ListResponse, Observation, Reference};
use crate::store::{self, CompanyRow, Entity, ObservationFilter};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/companies", get(list_companies))
        .route("/v1/companies/{id}", get(get_company))
}

#[derive(Debug, Serialize)]
struct CompanyResponse {
    id: String,
    name: String,
    /// Where the company is headquartered.
    region: Reference,
    description: String,
    figures: Vec<Observation>,
    links: CompanyLinks,
}

#[derive(Debug, Serialize)]
struct CompanyLinks {
    #[serde(rename = "self")]
    self_link: String,
}

async fn company_response(
    state: &AppState,
    row: CompanyRow,
    regions: &Names,
) -> ApiResult<CompanyResponse> {
    let filter = ObservationFilter {
        company: Some(row.id.clone()),
        ..Default::default()
    };
    Ok(CompanyResponse {
        figures: store::observations(&state.pool, &filter).await?,
        region: regions.reference(&row.region_id),
        links: CompanyLinks {
            self_link: format!("/v1/companies/{}", row.id),
        },
        id: row.id,
        name: row.name,
        description: row.description,
    })
}

async fn list_companies(
    State(state): State<AppState>,
    uri: Uri,
    ApiQuery(NoQueryParams {}): ApiQuery<NoQueryParams>,
) -> ApiResult<Json<ListResponse<CompanyResponse>>> {
    let regions = Names::load(&state.pool, Entity::Region).await?;
    let mut data = Vec::new();
    for row in store::companies(&state.pool).await? {
        data.push(company_response(&state, row, &regions).await?);
    }
    Ok(list(data, &uri))
}

async fn get_company(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<CompanyResponse>> {
    let row = found(
        store::company(&state.pool, &id).await?,
        Entity::Company,
        &id,
    )?;
    let regions = Names::load(&state.pool, Entity::Region).await?;
    Ok(Json(company_response(&state, row, &regions).await?))
}
