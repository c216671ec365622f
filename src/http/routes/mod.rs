//! The HTTP resources, one module each (merged into one router by [`crate::http::router`]),
//! and what their handlers share: parsing a list's query, and answering with a list or a
//! single resource. Each module lists its endpoints with the table's types
//! ([`crate::http::endpoint`]).

pub mod analytics;
pub mod charts;
pub mod city_plans;
pub mod clusters;
pub mod companies;
pub mod dashboard;
pub mod facilities;
pub mod health;
pub mod indicators;
pub mod metrics;
pub mod observations;
pub mod regions;
pub mod search;
pub mod sources;
pub mod speakers;

use std::collections::HashMap;

use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::Json;
use serde_json::Value;
use sqlx::SqlitePool;

use crate::domain::entity::Entity;
use crate::domain::figure::Reference;
use crate::error::{ApiError, ApiResult};
use crate::http::render::list::ListResponder;
use crate::http::render::negotiate::negotiate;
use crate::service::catalogue;
use crate::service::presentation::{ExchangeRateSource, Presentation, CURRENCY, SCALE};
use crate::service::query::page::Page;
use crate::service::query::params::{Format, ListSpec};
use crate::service::query::parse::ListQuery;
use crate::service::rows::flattened_columns;

/// Parses a list request's query against `spec` and checks the ids it names.
async fn list_query(pool: &SqlitePool, uri: &Uri, spec: &ListSpec) -> ApiResult<ListQuery> {
    let query = ListQuery::parse(uri.path(), uri.query(), spec)?;
    query.check_ids(pool, spec).await?;
    Ok(query)
}

/// Filters, sorts and pages a small resource list held in memory, and renders it.
fn respond_in_memory(
    uri: &Uri,
    headers: &HeaderMap,
    query: &ListQuery,
    spec: &ListSpec,
    name: &str,
    items: Vec<Value>,
) -> ApiResult<Response> {
    let columns = flattened_columns(&items);
    respond_paged(uri, headers, query, spec, name, items, columns)
}

/// As [`respond_in_memory`], with the list's columns given (for lists that may be empty).
fn respond_paged(
    uri: &Uri,
    headers: &HeaderMap,
    query: &ListQuery,
    spec: &ListSpec,
    name: &str,
    items: Vec<Value>,
    columns: Vec<String>,
) -> ApiResult<Response> {
    let page: Page = query.apply(spec, items);
    ListResponder {
        uri,
        headers,
        query,
        name,
        columns,
    }
    .respond(page)
}

/// What a single resource accepts in its query string: `format=json` and nothing else.
const ONE: ListSpec = ListSpec {
    filters: &[],
    sorts: &[],
    paginated: false,
};

/// A single resource that carries figures takes `currency`, `scale` and `format`.
const ONE_WITH_FIGURES: ListSpec = ListSpec {
    filters: &[CURRENCY, SCALE],
    sorts: &[],
    paginated: false,
};

/// Parses a single resource's query (currency, scale, format) and the presentation it asks for.
async fn presented_single(
    rates: &impl ExchangeRateSource,
    uri: &Uri,
) -> ApiResult<(ListQuery, Presentation)> {
    let query = ListQuery::parse(uri.path(), uri.query(), &ONE_WITH_FIGURES)?;
    let presentation = Presentation::of(rates, &query).await?;
    Ok((query, presentation))
}

/// A single resource: JSON only, so an `Accept` or `format` that rules JSON out is refused,
/// and any other query parameter is a 400 rather than silently ignored.
fn respond_one<T: serde::Serialize>(
    uri: &Uri,
    headers: &HeaderMap,
    resource: T,
) -> ApiResult<Json<T>> {
    let query = ListQuery::parse(uri.path(), uri.query(), &ONE)?;
    respond_formatted(headers, query.format, resource)
}

/// A single resource whose query was already parsed (it takes more than `format`).
fn respond_formatted<T: serde::Serialize>(
    headers: &HeaderMap,
    format: Option<Format>,
    resource: T,
) -> ApiResult<Json<T>> {
    negotiate(headers, format, false)?;
    Ok(Json(resource))
}

fn to_values<T: serde::Serialize>(items: Vec<T>) -> Vec<Value> {
    items
        .into_iter()
        .map(|item| serde_json::to_value(item).expect("resources serialise"))
        .collect()
}

/// A 404 for `id` when the lookup found nothing.
fn found<T>(row: Option<T>, entity: Entity, id: &str) -> ApiResult<T> {
    row.ok_or_else(|| ApiError::NotFound {
        resource: entity.noun(),
        id: id.to_owned(),
    })
}

/// `{id, name}` references for one kind of entity, loaded once per request.
struct Names(HashMap<String, String>);

impl Names {
    async fn load(pool: &SqlitePool, entity: Entity) -> ApiResult<Self> {
        let names = catalogue::names(pool, entity).await?;
        Ok(Names(names.into_iter().map(|r| (r.id, r.name)).collect()))
    }

    fn reference(&self, id: &str) -> Reference {
        Reference {
            id: id.to_owned(),
            // Foreign keys guarantee the name exists; an empty name would show a broken seed.
            name: self.0.get(id).cloned().unwrap_or_default(),
        }
    }
}
