//! `/v1/speakers`: the officials and executives the source quotes, with the figures each stated.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use super::{found, list, Names, NoQueryParams};
use crate::error::ApiResult;
use crate::extract::ApiQuery;
use crate::model::{ListResponse, Observation, Reference};
use crate::store::{self, Entity, ObservationFilter, SpeakerRow};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/speakers", get(list_speakers))
        .route("/v1/speakers/{id}", get(get_speaker))
}

#[derive(Debug, Serialize)]
struct SpeakerResponse {
    id: String,
    name: String,
    title: String,
    organisation: String,
    region: Reference,
    /// How many figures the source attributes to this person.
    figure_count: i64,
    links: SpeakerLinks,
}

#[derive(Debug, Serialize)]
struct SpeakerLinks {
    #[serde(rename = "self")]
    self_link: String,
    observations: String,
}

#[derive(Debug, Serialize)]
struct SpeakerDetailResponse {
    #[serde(flatten)]
    speaker: SpeakerResponse,
    figures: Vec<Observation>,
}

fn speaker_response(row: SpeakerRow, regions: &Names) -> SpeakerResponse {
    SpeakerResponse {
        region: regions.reference(&row.region_id),
        links: SpeakerLinks {
            self_link: format!("/v1/speakers/{}", row.id),
            observations: format!("/v1/observations?speaker={}", row.id),
        },
        id: row.id,
        name: row.name,
        title: row.title,
        organisation: row.organisation,
        figure_count: row.figure_count,
    }
}

async fn list_speakers(
    State(state): State<AppState>,
    uri: Uri,
    ApiQuery(NoQueryParams {}): ApiQuery<NoQueryParams>,
) -> ApiResult<Json<ListResponse<SpeakerResponse>>> {
    let regions = Names::load(&state.pool, Entity::Region).await?;
    let rows = store::speakers(&state.pool).await?;
    let data = rows
        .into_iter()
        .map(|row| speaker_response(row, &regions))
        .collect();
    Ok(list(data, &uri))
}

async fn get_speaker(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<SpeakerDetailResponse>> {
    let row = found(
        store::speaker(&state.pool, &id).await?,
        Entity::Speaker,
        &id,
    )?;
    let regions = Names::load(&state.pool, Entity::Region).await?;
    let filter = ObservationFilter {
        speaker: Some(id),
        ..Default::default()
    };
    let figures = store::observations(&state.pool, &filter).await?;
    Ok(Json(SpeakerDetailResponse {
        speaker: speaker_response(row, &regions),
        figures,
    }))
}
