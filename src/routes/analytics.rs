//! `/v1/consistency`, `/v1/derived` and `/v1/exchange-rate`: the source checked against
//! itself, the figures it implies without stating, and the yuan-dollar rate it implies.

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Json;
use sqlx::SqlitePool;

use super::{list_query, respond_in_memory, respond_one, to_values, Endpoint};
use crate::domain::analytics::consistency::{consistency_report, ConsistencyReport, GroupMembers};
use crate::domain::analytics::derived::DerivedFigure;
use crate::domain::analytics::exchange_rate::{exchange_rate, ExchangeRate};
use crate::domain::analytics::relations::{
    counts_group_members, implied_figures, relation_figure_ids,
};
use crate::domain::entity::Entity;
use crate::error::{ApiError, ApiResult};
use crate::query::{ListSpec, SortSpec};
use crate::store::{self, figures::RelatedFigures};
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

/// The source's exchange rate, from the printed equivalents and the figures they convert
/// alone; `None` when there is no such pair.
pub async fn load_exchange_rate(pool: &SqlitePool) -> sqlx::Result<Option<ExchangeRate>> {
    let equivalents = RelatedFigures {
        equivalents: true,
        ..Default::default()
    };
    Ok(exchange_rate(
        &store::figures::related_observations(pool, &equivalents).await?,
    ))
}

/// The exchange rate of the data version being served: computed once per version, then every
/// `?currency=` request converts with it at no cost. The version is read first, so the rate
/// is never older than the version it is kept under.
pub async fn current_exchange_rate(state: &AppState) -> sqlx::Result<Option<ExchangeRate>> {
    let version = state.data_version.get();
    state
        .exchange_rates
        .get_or_insert_async(&version, load_exchange_rate(&state.pool))
        .await
}

/// The report for the data in `pool`; shared with the `check` command. Reads the figures its
/// checks read: the linked ones, the counts of cluster groups and the relations' figures.
pub async fn load_report(pool: &SqlitePool) -> sqlx::Result<ConsistencyReport> {
    let counts = store::ids(pool, Entity::Indicator)
        .await?
        .into_iter()
        .filter(|id| counts_group_members(id))
        .collect();
    let read = RelatedFigures {
        equivalents: true,
        restatements: true,
        ids: relation_figure_ids(),
        indicators: counts,
    };
    let figures = store::figures::related_observations(pool, &read).await?;
    let mut groups: Vec<GroupMembers> = Vec::new();
    for group in store::catalogue::cluster_groups(pool).await? {
        let clusters = store::catalogue::clusters(pool, Some(&group.id)).await?;
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
    let read = RelatedFigures {
        ids: relation_figure_ids(),
        ..Default::default()
    };
    let figures = store::figures::related_observations(&state.pool, &read).await?;
    let items = to_values(implied_figures(&figures));
    respond_in_memory(&uri, &headers, &query, &DERIVED, "derived", items)
}

async fn get_exchange_rate(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Json<ExchangeRate>> {
    let rate = current_exchange_rate(&state)
        .await?
        .ok_or(ApiError::NotFound {
            resource: "exchange rate",
            id: "cny-usd".to_owned(),
        })?;
    respond_one(&uri, &headers, rate)
}
