//! `/v1/consistency`, `/v1/derived` and `/v1/exchange-rate`: the source checked against
//! itself, the figures it implies without stating, and the yuan-dollar rate it implies.

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Json;
use sqlx::SqlitePool;

use super::{list_query, respond_in_memory, respond_one, to_values, Endpoint};
use crate::analytics::{
    consistency_report, exchange_rate, implied_figures, ConsistencyReport, DerivedFigure,
    ExchangeRate, GroupMembers,
};
use crate::error::{ApiError, ApiResult};
use crate::query::{ListSpec, SortSpec};
use crate::store::{self, ObservationFilter};
use crate::AppState;

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::one::<ConsistencyReport>(
            "/v1/consistency",
            get(get_consistency),
            "Every claim of the source that its other figures can check, with the arithmetic and a verdict",
        ),
        Endpoint::list::<DerivedFigure>(
            "/v1/derived",
            get(list_derived),
            "Figures the source implies but does not state, each with its formula",
            &DERIVED,
        ),
        Endpoint::one::<ExchangeRate>(
            "/v1/exchange-rate",
            get(get_exchange_rate),
            "The yuan-dollar rate the source's printed equivalents imply, and the pairs behind it",
        ),
    ]
}

const DERIVED: ListSpec = ListSpec {
    filters: &[],
    sorts: &[SortSpec::new("id", "id")],
    paginated: true,
};

/// The report for the data in `pool`; shared with the `check` command.
pub async fn load_report(pool: &SqlitePool) -> sqlx::Result<ConsistencyReport> {
    let figures = store::observations(pool, &ObservationFilter::default()).await?;
    let mut groups: Vec<GroupMembers> = Vec::new();
    for group in store::cluster_groups(pool).await? {
        let clusters = store::clusters(pool, Some(&group.id)).await?;
        groups.push(GroupMembers {
            members: clusters.iter().map(|c| c.id.clone()).collect(),
            reached: clusters
                .iter()
                .map(|c| (c.id.clone(), c.reached_year))
                .collect(),
            group: group.id,
        });
    }
    Ok(consistency_report(&figures, &groups))
}

async fn get_consistency(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Json<ConsistencyReport>> {
    respond_one(&uri, &headers, load_report(&state.pool).await?)
}

async fn list_derived(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let query = list_query(&state.pool, &uri, &DERIVED).await?;
    let figures = store::observations(&state.pool, &ObservationFilter::default()).await?;
    let items = to_values(implied_figures(&figures));
    respond_in_memory(&uri, &headers, &query, &DERIVED, "derived", items)
}

async fn get_exchange_rate(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Json<ExchangeRate>> {
    let figures = store::observations(&state.pool, &ObservationFilter::default()).await?;
    let rate = exchange_rate(&figures).ok_or(ApiError::NotFound {
        resource: "exchange rate",
        id: "cny-usd".to_owned(),
    })?;
    respond_one(&uri, &headers, rate)
}
