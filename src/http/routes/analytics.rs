//! `/v1/consistency`, `/v1/derived` and `/v1/exchange-rate`: the source checked against
//! itself, the figures it implies without stating, and the yuan-dollar rate it implies.

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;

use super::respond_one;
use crate::domain::analytics::consistency::ConsistencyReport;
use crate::domain::analytics::exchange_rate::ExchangeRate;
use crate::domain::figure::Observation;
use crate::domain::language::Language;
use crate::error::{ApiError, ApiResult};
use crate::http::base_url::BaseUrl;
use crate::http::endpoint::Endpoint;
use crate::http::extract::TypedQuery;
use crate::http::render::list::ListResponder;
use crate::http::state::AppState;
use crate::service::analytics::{current_exchange_rate, load_derived, load_report};
use crate::service::figures::figure_page;
use crate::service::presentation::Presentation;
use crate::service::query::params::{CURRENCY, LANG, SCALE};
use crate::service::query::parse::Accepts;
use crate::service::query::queries::{FigureListQuery, One};
use crate::service::query::spec::{QuerySpec, Shape, SortSpec};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::one::<ConsistencyReport, One>(
            "/v1/consistency",
            get(get_consistency),
            "Every claim of the source that its other figures can check, with the arithmetic and a verdict",
        ),
        Endpoint::list::<Observation, Derived>(
            "/v1/derived",
            get(list_derived),
            "Figures the source implies but does not state, each with its formula",
        ),
        Endpoint::one::<ExchangeRate, One>(
            "/v1/exchange-rate",
            get(get_exchange_rate),
            "The yuan-dollar rate the source's printed equivalents imply, and the pairs behind it",
        ),
    ]
}

/// `/v1/derived`: presented as asked, sorted and paged.
struct Derived;

impl Accepts for Derived {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[CURRENCY.accept(), SCALE.accept(), LANG.accept()],
        shape: Shape::MixedFigures(&[SortSpec::new("id", "id")]),
    };
    type Query = FigureListQuery;
}

async fn get_consistency(
    State(state): State<AppState>,
    TypedQuery(query): TypedQuery<One>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let report = load_report(&state.service.pool).await?;
    // English prose about figures by id, whatever language is asked for: it says so.
    respond_one(&headers, query.format, Language::En, report)
}

async fn list_derived(
    State(state): State<AppState>,
    TypedQuery(query): TypedQuery<Derived>,
    base: BaseUrl,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let presentation = Presentation::of(&state.service, query.presentation).await?;
    let figures = load_derived(&state.service.pool, presentation.language())
        .await?
        .into_iter()
        .map(|figure| presentation.apply(figure))
        .collect();
    ListResponder {
        base: &base,
        uri: &uri,
        headers: &headers,
        list: &query.list,
        name: "derived",
    }
    .respond_figures(figure_page(&query.list, figures), None)
}

async fn get_exchange_rate(
    State(state): State<AppState>,
    TypedQuery(query): TypedQuery<One>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let rate = current_exchange_rate(&state.service)
        .await?
        .ok_or(ApiError::NotFound {
            resource: "exchange rate",
            id: "cny-usd".to_owned(),
        })?;
    // Numbers and figure ids, described in English whatever language is asked for.
    respond_one(&headers, query.format, Language::En, rate)
}
