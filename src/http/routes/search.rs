//! `/v1/search`: full-text search (SQLite FTS5) over clusters, indicators, regions, speakers,
//! city plans, companies and facilities, in English and Chinese, ranked, each hit with its
//! name in the language asked, a link and a highlighted snippet.

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use serde::Serialize;

use super::{respond_paged, to_values};
use crate::error::{ApiError, ApiResult};
use crate::http::base_url::BaseUrl;
use crate::http::endpoint::Endpoint;
use crate::http::extract::TypedQuery;
use crate::http::state::AppState;
use crate::service::query::params::{LANG, Q, TYPE};
use crate::service::query::parse::Accepts;
use crate::service::query::queries::SearchQuery;
use crate::service::query::spec::{QuerySpec, Shape};
use crate::service::rows::flattened_columns;
use crate::service::search;

pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::list::<SearchResult, Search>(
        "/v1/search",
        get(search),
        "Full-text search, ranked, with highlighted snippets",
    )]
}

/// Hits come ranked; `type` narrows them. No sort key: relevance is the order.
struct Search;

impl Accepts for Search {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[Q.accept(), TYPE.matching("type"), LANG.accept()],
        shape: Shape::Page(&[]),
    };
    type Query = SearchQuery;
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct SearchResult {
    #[serde(rename = "type")]
    kind: String,
    id: String,
    /// Its name, in the language asked (`lang`).
    name: String,
    /// The name the words matched, in the language they matched in (a Chinese word matches a
    /// Chinese name), with matched words wrapped in `<mark>`…`</mark>`.
    title: String,
    /// A passage of the description around the matches, marked the same way (for a Chinese
    /// match: the Chinese name of what it belongs to).
    snippet: String,
    /// Lower is better: FTS5's bm25; for Chinese words shorter than three characters, the
    /// share of the title they cover, negated.
    rank: f64,
    links: SearchLinks,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct SearchLinks {
    #[serde(rename = "self")]
    self_link: String,
}

fn resource_path(kind: &str) -> &'static str {
    match kind {
        "cluster" => "/v1/clusters",
        "cluster_group" => "/v1/cluster-groups",
        "indicator" => "/v1/indicators",
        "region" => "/v1/regions",
        "speaker" => "/v1/speakers",
        "city_plan" => "/v1/city-plans",
        "company" => "/v1/companies",
        _ => "/v1/facilities",
    }
}

async fn search(
    State(state): State<AppState>,
    TypedQuery(query): TypedQuery<Search>,
    base: BaseUrl,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let q = Q.name();
    let text = query.q.as_deref().ok_or_else(|| {
        ApiError::invalid_parameter(
            q,
            format!("{q}: give the words to search for, e.g. q=robot."),
        )
    })?;
    let hits = search::search(&state.service.pool, text, query.list.language)
        .await?
        .ok_or_else(|| {
            ApiError::invalid_parameter(q, format!("{q}: no letters or digits to search for."))
        })?;
    let results = hits
        .into_iter()
        .map(|search::NamedHit { hit, name }| SearchResult {
            links: SearchLinks {
                self_link: base.href(&format!("{}/{}", resource_path(&hit.kind), hit.ref_id)),
            },
            kind: hit.kind,
            id: hit.ref_id,
            name,
            title: hit.title,
            snippet: hit.snippet,
            rank: hit.rank,
        })
        .collect();
    // Columns come from a template, so that a search with no hits still has its CSV header.
    let template = SearchResult {
        kind: String::new(),
        id: String::new(),
        name: String::new(),
        title: String::new(),
        snippet: String::new(),
        rank: 0.0,
        links: SearchLinks {
            self_link: String::new(),
        },
    };
    let columns = flattened_columns(&to_values(vec![template]));
    let items = to_values(results);
    respond_paged(
        &base,
        &uri,
        &headers,
        &query.list,
        &query.filters,
        "search",
        items,
        columns,
        None,
    )
}
