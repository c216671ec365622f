//! Presentation parameters shared by every endpoint that returns figures: `currency` and
//! `scale` re-express money, using the exchange rate the source itself implies.

use serde_json::Value;
use sqlx::SqlitePool;

use crate::analytics::{convert, exchange_rate, Currency, ExchangeRate};
use crate::error::{ApiError, ApiResult};
use crate::model::{Observation, Scale};
use crate::query::{FilterSpec, ListQuery, ListSpec, ParamKind};
use crate::store::{self, ObservationFilter};

/// Presentation, not filters (their path is empty: nothing is filtered by them).
pub const CURRENCY: FilterSpec = FilterSpec::new("currency", ParamKind::Words(&["CNY", "USD"]), "");
pub const SCALE: FilterSpec = FilterSpec::new(
    "scale",
    ParamKind::Words(&["unit", "thousand", "million", "billion", "trillion"]),
    "",
);

/// A single resource that carries figures takes `currency`, `scale` and `format`.
const ONE_WITH_FIGURES: ListSpec = ListSpec {
    filters: &[CURRENCY, SCALE],
    sorts: &[],
    paginated: false,
};

/// Parses a single resource's query (currency, scale, format) and the presentation it asks for.
pub async fn presented_single(
    pool: &SqlitePool,
    uri: &axum::http::Uri,
) -> ApiResult<(ListQuery, Presentation)> {
    let query = ListQuery::parse(uri.path(), uri.query(), &ONE_WITH_FIGURES)?;
    let presentation = Presentation::of(pool, &query).await?;
    Ok((query, presentation))
}

/// How figures are to be presented: the `currency` and `scale` a query asks for, with the
/// source's own exchange rate when a currency is asked for.
pub struct Presentation {
    currency: Option<Currency>,
    scale: Option<Scale>,
    rate: Option<ExchangeRate>,
}

impl Presentation {
    pub async fn of(pool: &SqlitePool, query: &ListQuery) -> ApiResult<Presentation> {
        let word = |name: &str| query.texts(name).and_then(|words| words.first().cloned());
        if query.texts("currency").is_some_and(|c| c.len() > 1)
            || query.texts("scale").is_some_and(|s| s.len() > 1)
        {
            return Err(ApiError::invalid_parameter(
                "currency",
                "currency and scale take one value each.",
            ));
        }
        let currency = word("currency").and_then(|c| Currency::parse(&c));
        let scale =
            word("scale").and_then(|s| serde_json::from_value::<Scale>(Value::String(s)).ok());
        let rate = match currency {
            Some(_) => {
                exchange_rate(&store::observations(pool, &ObservationFilter::default()).await?)
            }
            None => None,
        };
        Ok(Presentation {
            currency,
            scale,
            rate,
        })
    }

    pub fn apply(&self, figure: Observation) -> Observation {
        if self.currency.is_none() && self.scale.is_none() {
            return figure;
        }
        convert(figure, self.currency, self.scale, self.rate.as_ref())
    }

    /// The figures `filter` selects, presented as asked.
    pub async fn figures(
        &self,
        pool: &SqlitePool,
        filter: &ObservationFilter,
    ) -> ApiResult<Vec<Observation>> {
        let figures = store::observations(pool, filter).await?;
        Ok(figures.into_iter().map(|f| self.apply(f)).collect())
    }
}
