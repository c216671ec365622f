//! The HTTP resources, one module each (merged into one router by [`crate::http::router`]),
//! and what their handlers share: answering with a list or a single resource, and the names
//! of what a resource refers to. Each handler receives its typed query from the extractor
//! ([`crate::http::extract`]).

pub mod analytics;
pub mod charts;
pub mod city_plans;
pub mod clusters;
pub mod companies;
pub mod dashboard;
pub mod datapackage;
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
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;
use sqlx::SqlitePool;

use crate::domain::entity::Entity;
use crate::domain::figure::Reference;
use crate::domain::language::Language;
use crate::error::{ApiError, ApiResult};
use crate::http::base_url::BaseUrl;
use crate::http::endpoint::member_names;
use crate::http::render::list::ListResponder;
use crate::http::render::negotiate::{content_language, negotiate};
use crate::service::catalogue;
use crate::service::query::page::{ItemFilter, Page};
use crate::service::query::params::Format;
use crate::service::query::parse::ListControls;
use crate::service::rows::flattened_columns;

/// Filters, sorts and pages a small resource list held in memory, and renders it. `fields=`
/// takes the members of `T` as its schema declares them (the OpenAPI document lists the
/// same), whether or not this answer has them (`name_en` is in Chinese answers only).
fn respond_in_memory<T: serde::Serialize + utoipa::ToSchema>(
    base: &BaseUrl,
    uri: &Uri,
    headers: &HeaderMap,
    list: &ListControls,
    filters: &[ItemFilter],
    name: &str,
    items: Vec<T>,
) -> ApiResult<Response> {
    let items = to_values(items);
    let columns = flattened_columns(&items);
    let members = Some(member_names::<T>());
    respond_paged(
        base, uri, headers, list, filters, name, items, columns, members,
    )
}

/// As [`respond_in_memory`], with the list's columns given (for lists that may be empty),
/// and the members `fields=` takes (`None`: those of the columns).
#[allow(clippy::too_many_arguments)]
fn respond_paged(
    base: &BaseUrl,
    uri: &Uri,
    headers: &HeaderMap,
    list: &ListControls,
    filters: &[ItemFilter],
    name: &str,
    items: Vec<Value>,
    columns: Vec<String>,
    members: Option<Vec<String>>,
) -> ApiResult<Response> {
    let page: Page = list.apply(filters, items);
    ListResponder {
        base,
        uri,
        headers,
        list,
        name,
    }
    .respond(page, columns, members)
}

/// A single resource: JSON only, so an `Accept` or `format` that rules JSON out is refused;
/// its names in `language`, as `Content-Language` says.
fn respond_one<T: serde::Serialize>(
    headers: &HeaderMap,
    format: Option<Format>,
    language: Language,
    resource: T,
) -> ApiResult<Response> {
    negotiate(headers, format, Format::ONE)?;
    Ok(content_language(Json(resource).into_response(), language))
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

/// `{id, name}` references for one kind of entity, in one language, loaded once per request.
struct Names(HashMap<String, String>);

impl Names {
    async fn load(pool: &SqlitePool, entity: Entity, language: Language) -> ApiResult<Self> {
        let names = catalogue::names(pool, entity, language).await?;
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
