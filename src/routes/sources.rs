//! `/v1/sources`: the stories the figures were read from, with a citation for each.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use super::{found, list, NoQueryParams};
use crate::error::ApiResult;
use crate::extract::ApiQuery;
use crate::model::{ListResponse, Observation};
use crate::store::{self, Entity, ObservationFilter, SourceRow};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/sources", get(list_sources))
        .route("/v1/sources/{id}", get(get_source))
}

#[derive(Debug, Serialize)]
struct SourceResponse {
    #[serde(flatten)]
    source: SourceRow,
    /// A ready-made reference to cite the story by.
    citation: String,
    links: SourceLinks,
}

#[derive(Debug, Serialize)]
struct SourceLinks {
    #[serde(rename = "self")]
    self_link: String,
    observations: String,
}

#[derive(Debug, Serialize)]
struct SourceDetailResponse {
    #[serde(flatten)]
    source: SourceResponse,
    /// The parts of the story that figures were taken from, in the order they appear.
    sections: Vec<String>,
    figures: Vec<Observation>,
}

fn citation(source: &SourceRow) -> String {
    let author = source
        .byline
        .as_deref()
        .map(|byline| format!("{byline}. "))
        .unwrap_or_default();
    format!(
        "{author}\"{}\". {}, {}, {}.",
        source.headline, source.publication, source.page, source.published
    )
}

fn source_response(row: SourceRow) -> SourceResponse {
    SourceResponse {
        citation: citation(&row),
        links: SourceLinks {
            self_link: format!("/v1/sources/{}", row.id),
            observations: format!("/v1/observations?source={}", row.id),
        },
        source: row,
    }
}

async fn list_sources(
    State(state): State<AppState>,
    uri: Uri,
    ApiQuery(NoQueryParams {}): ApiQuery<NoQueryParams>,
) -> ApiResult<Json<ListResponse<SourceResponse>>> {
    let rows = store::sources(&state.pool).await?;
    Ok(list(rows.into_iter().map(source_response).collect(), &uri))
}

async fn get_source(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<SourceDetailResponse>> {
    let row = found(store::source(&state.pool, &id).await?, Entity::Source, &id)?;
    let filter = ObservationFilter {
        source: Some(id),
        ..Default::default()
    };
    let figures = store::observations(&state.pool, &filter).await?;
    let mut sections: Vec<String> = Vec::new();
    for figure in &figures {
        if !sections.contains(&figure.provenance.section) {
            sections.push(figure.provenance.section.clone());
        }
    }
    Ok(Json(SourceDetailResponse {
        source: source_response(row),
        sections,
        figures,
    }))
}
