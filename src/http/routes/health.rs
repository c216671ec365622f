//! Liveness and readiness probes for load balancers and orchestrators.

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Json;
use serde_json::json;

use crate::error::{ApiError, ApiResult};
use crate::http::endpoint::Endpoint;
use crate::http::extract::TypedQuery;
use crate::http::render::negotiate::negotiate;
use crate::http::state::AppState;
use crate::service::query::params::Format;
use crate::service::query::queries::Document;
use crate::service::versions::{migration_count, migration_state, MigrationState};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::object::<Document>("/healthz", get(get_health), "Liveness: the process answers"),
        Endpoint::object::<Document>(
            "/readyz",
            get(get_readiness),
            "Readiness: the database answers and holds this build's migrations (503 if not)",
        ),
    ]
}

/// Probes describe this instant: no cache may keep them.
const NO_STORE: [(header::HeaderName, &str); 1] = [(header::CACHE_CONTROL, "no-store")];

/// The process is up and answering; says nothing about the database.
async fn get_health(
    TypedQuery(query): TypedQuery<Document>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    negotiate(&headers, query.format, Format::ONE)?;
    Ok((NO_STORE, Json(json!({ "status": "ok" }))))
}

/// The database answers and holds exactly this binary's migrations.
async fn get_readiness(
    State(state): State<AppState>,
    TypedQuery(query): TypedQuery<Document>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    negotiate(&headers, query.format, Format::ONE)?;
    let migrations = migration_state(&state.service.pool)
        .await
        .map_err(|error| ApiError::NotReady(format!("the database does not answer: {error}")))?;
    match migrations {
        MigrationState::Current => Ok((
            NO_STORE,
            Json(json!({
                "status": "ready",
                "migrations": migration_count(),
                // The last import this server has seen (0: the migrations' data alone).
                "data_version": state.service.data_version.get(),
            })),
        )),
        MigrationState::Behind { pending } => Err(ApiError::NotReady(format!(
            "{pending} migration(s) of this build are not applied yet"
        ))),
        MigrationState::Foreign(reason) => Err(ApiError::NotReady(format!(
            "the database does not match this build: {reason}"
        ))),
    }
}
