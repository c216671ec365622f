//! Presentation parameters shared by every endpoint that returns figures: `currency` and
//! `scale` re-express money, using the exchange rate the source itself implies; `lang` names
//! the figures' indicator, region, source and speaker in Chinese or English.

use std::future::Future;

use sqlx::SqlitePool;

use super::analytics::{current_exchange_rate, load_exchange_rate};
use super::query::queries::PresentationQuery;
use super::Service;
use crate::domain::analytics::conversion::{convert, Exchange};
use crate::domain::analytics::exchange_rate::ExchangeRate;
use crate::domain::figure::Observation;
use crate::domain::language::Language;
use crate::error::ApiResult;
use crate::store::{self, figures::ObservationFilter};

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
/// source's own exchange rate when a currency is asked for, and the language of their names.
pub struct Presentation {
    asked: PresentationQuery,
    rate: Option<ExchangeRate>,
}

impl Presentation {
    /// The presentation `asked` for, with the rate it needs.
    pub async fn of(
        rates: &impl ExchangeRateSource,
        asked: PresentationQuery,
    ) -> ApiResult<Presentation> {
        let rate = match asked.currency {
            Some(_) => rates.exchange_rate().await?,
            None => None,
        };
        Ok(Presentation { asked, rate })
    }

    /// The currency money is asked for in, at the source's rate: what `min`, `max` and
    /// `sort=value` then compare figures in. `None` when no currency is asked for, or no rate
    /// is known (and figures stay as stated).
    pub fn exchange(&self) -> Option<Exchange> {
        Some(Exchange {
            to: self.asked.currency?,
            cny_per_usd: self.rate.as_ref()?.cny_per_usd,
        })
    }

    /// The language names are read in.
    pub fn language(&self) -> Language {
        self.asked.language
    }

    pub fn apply(&self, figure: Observation) -> Observation {
        let PresentationQuery {
            currency, scale, ..
        } = self.asked;
        if currency.is_none() && scale.is_none() {
            return figure;
        }
        convert(figure, currency, scale, self.rate.as_ref())
    }

    /// The figures `filter` selects, presented as asked.
    pub async fn figures(
        &self,
        pool: &SqlitePool,
        filter: &ObservationFilter,
    ) -> ApiResult<Vec<Observation>> {
        let figures = store::figures::observations(pool, filter, self.language()).await?;
        Ok(figures.into_iter().map(|f| self.apply(f)).collect())
    }
}
