//! Presentation parameters shared by every endpoint that returns figures: `currency` and
//! `scale` re-express money, using the exchange rate the source itself implies.

use std::future::Future;

use serde_json::Value;
use sqlx::SqlitePool;

use super::analytics::{current_exchange_rate, load_exchange_rate};
use super::query::params::{FilterSpec, ParamKind};
use super::query::parse::ListQuery;
use super::Service;
use crate::domain::analytics::conversion::{convert, Currency};
use crate::domain::analytics::exchange_rate::ExchangeRate;
use crate::domain::figure::{Observation, Scale};
use crate::error::{ApiError, ApiResult};
use crate::store::{self, figures::ObservationFilter};

/// Presentation, not filters (their path is empty: nothing is filtered by them).
pub const CURRENCY: FilterSpec = FilterSpec::new("currency", ParamKind::Words(&["CNY", "USD"]), "");
pub const SCALE: FilterSpec = FilterSpec::new(
    "scale",
    ParamKind::Words(&["unit", "thousand", "million", "billion", "trillion"]),
    "",
);

/// Where a presentation gets the source's exchange rate: a server's memo of it for the data
/// version served ([`Service`]), or the database (the `export` command runs no server).
pub trait ExchangeRateSource: Sync {
    fn exchange_rate(&self) -> impl Future<Output = sqlx::Result<Option<ExchangeRate>>> + Send;
}

impl ExchangeRateSource for Service {
    fn exchange_rate(&self) -> impl Future<Output = sqlx::Result<Option<ExchangeRate>>> + Send {
        current_exchange_rate(self)
    }
}

impl ExchangeRateSource for SqlitePool {
    fn exchange_rate(&self) -> impl Future<Output = sqlx::Result<Option<ExchangeRate>>> + Send {
        load_exchange_rate(self)
    }
}

/// How figures are to be presented: the `currency` and `scale` a query asks for, with the
/// source's own exchange rate when a currency is asked for.
pub struct Presentation {
    currency: Option<Currency>,
    scale: Option<Scale>,
    rate: Option<ExchangeRate>,
}

impl Presentation {
    pub async fn of(rates: &impl ExchangeRateSource, query: &ListQuery) -> ApiResult<Presentation> {
        let word = |name: &str| query.texts(name).and_then(|words| words.first().cloned());
        // Each takes one value; a second is refused by the name of the one given twice.
        for parameter in [CURRENCY, SCALE] {
            if let (ParamKind::Words(words), Some(given)) =
                (parameter.kind, query.texts(parameter.name))
            {
                if given.len() > 1 {
                    let name = parameter.name;
                    return Err(ApiError::invalid_parameter(
                        name,
                        format!("{name}: give one of {}.", words.join(", ")),
                    ));
                }
            }
        }
        let currency = word("currency").and_then(|c| Currency::parse(&c));
        let scale =
            word("scale").and_then(|s| serde_json::from_value::<Scale>(Value::String(s)).ok());
        let rate = match currency {
            Some(_) => rates.exchange_rate().await?,
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
        let figures = store::figures::observations(pool, filter).await?;
        Ok(figures.into_iter().map(|f| self.apply(f)).collect())
    }
}
