//! `/v1/sources`: the stories the figures were read from, with a citation for each.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use serde::Serialize;

use super::{found, respond_in_memory, respond_one};
use crate::domain::entity::Entity;
use crate::domain::figure::Observation;
use crate::error::ApiResult;
use crate::http::base_url::BaseUrl;
use crate::http::endpoint::Endpoint;
use crate::http::extract::TypedQuery;
use crate::http::state::AppState;
use crate::service::catalogue::{self, SourceRow};
use crate::service::figures::ObservationFilter;
use crate::service::presentation::Presentation;
use crate::service::query::params::LANG;
use crate::service::query::parse::Accepts;
use crate::service::query::queries::{CatalogueQuery, OneWithFigures};
use crate::service::query::spec::{QuerySpec, Shape, SortSpec};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::list::<SourceResponse, Sources>(
            "/v1/sources",
            get(list_sources),
            "The stories the figures come from, with citations",
        ),
        Endpoint::one::<SourceDetailResponse, OneWithFigures>(
            "/v1/sources/{id}",
            get(get_source),
            "One story with its sections and figures",
        ),
    ]
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct SourceResponse {
    #[serde(flatten)]
    source: SourceRow,
    /// A ready-made reference to cite the story by.
    citation: String,
    links: SourceLinks,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct SourceLinks {
    #[serde(rename = "self")]
    self_link: String,
    observations: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct SourceDetailResponse {
    #[serde(flatten)]
    source: SourceResponse,
    /// The parts of the story that figures were taken from, in the order they appear.
    sections: Vec<String>,
    figures: Vec<Observation>,
}

/// `/v1/sources`: sorted and paged only.
struct Sources;

impl Accepts for Sources {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[LANG.accept()],
        shape: Shape::Page(&[
            SortSpec::new("id", "id"),
            SortSpec::new("headline", "headline"),
        ]),
    };
    type Query = CatalogueQuery;
}

/// The story's reference: its byline, headline, paper, page and month. A story is cited by
/// the title it was printed with; a translated headline follows it in brackets.
fn citation(source: &SourceRow) -> String {
    let author = source
        .byline
        .as_deref()
        .map(|byline| format!("{byline}. "))
        .unwrap_or_default();
    let title = match &source.headline_en {
        Some(printed) => format!("\"{printed}\" [{}]", source.headline),
        None => format!("\"{}\"", source.headline),
    };
    format!(
        "{author}{title}. {}, {}, {}.",
        source.publication, source.page, source.published
    )
}

fn source_response(base: &BaseUrl, row: SourceRow) -> SourceResponse {
    SourceResponse {
        citation: citation(&row),
        links: SourceLinks {
            self_link: base.href(&format!("/v1/sources/{}", row.id)),
            observations: base.href(&format!("/v1/observations?source={}", row.id)),
        },
        source: row,
    }
}

async fn list_sources(
    State(state): State<AppState>,
    TypedQuery(query): TypedQuery<Sources>,
    base: BaseUrl,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let rows = catalogue::sources(&state.service.pool, query.list.language).await?;
    let items: Vec<_> = rows
        .into_iter()
        .map(|row| source_response(&base, row))
        .collect();
    respond_in_memory(
        &base,
        &uri,
        &headers,
        &query.list,
        &query.filters,
        "sources",
        items,
    )
}

async fn get_source(
    State(state): State<AppState>,
    Path(id): Path<String>,
    TypedQuery(query): TypedQuery<OneWithFigures>,
    base: BaseUrl,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let language = query.presentation.language;
    let presentation = Presentation::of(&state.service, query.presentation).await?;
    let row = found(
        catalogue::source(&state.service.pool, &id, language).await?,
        Entity::Source,
        &id,
    )?;
    let filter = ObservationFilter {
        sources: vec![id],
        ..Default::default()
    };
    let figures = presentation.figures(&state.service.pool, &filter).await?;
    let mut sections: Vec<String> = Vec::new();
    for figure in &figures {
        if !sections.contains(&figure.section) {
            sections.push(figure.section.clone());
        }
    }
    respond_one(
        &headers,
        query.format,
        language,
        SourceDetailResponse {
            source: source_response(&base, row),
            sections,
            figures,
        },
    )
}
