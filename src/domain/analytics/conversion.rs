//! Currency and scale conversion of money figures, at the source's own exchange rate.

use super::exchange_rate::ExchangeRate;
use super::numbers::{multiplier, significant};
use crate::domain::figure::{Observation, Qualifier, Scale, Unit};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Currency {
    Cny,
    Usd,
}

impl Currency {
    pub fn parse(code: &str) -> Option<Currency> {
        match code {
            "CNY" => Some(Currency::Cny),
            "USD" => Some(Currency::Usd),
            _ => None,
        }
    }

    fn unit(self) -> Unit {
        match self {
            Currency::Cny => Unit::Cny,
            Currency::Usd => Unit::Usd,
        }
    }
}

/// Re-expresses a money figure in `currency` and `scale` (either optional). Other figures, and
/// money figures when no rate is known, are returned unchanged.
pub fn convert(
    mut figure: Observation,
    currency: Option<Currency>,
    scale: Option<Scale>,
    rate: Option<&ExchangeRate>,
) -> Observation {
    if !matches!(figure.unit, Unit::Cny | Unit::Usd) {
        return figure;
    }
    let stated = (figure.value, figure.scale, figure.unit);
    let mut cny_per_usd = None;
    if let Some(target) = currency {
        if target.unit() != figure.unit {
            let Some(rate) = rate else {
                return figure;
            };
            figure.value_in_units = match target {
                Currency::Usd => figure.value_in_units / rate.cny_per_usd,
                Currency::Cny => figure.value_in_units * rate.cny_per_usd,
            };
            figure.unit = target.unit();
            cny_per_usd = Some(rate.cny_per_usd);
            // A converted amount is only as exact as the rate, which the source rounds.
            if figure.qualifier == Qualifier::Exact {
                figure.qualifier = Qualifier::About;
            }
        }
    }
    figure.value_in_units = significant(figure.value_in_units);
    let target_scale = scale.unwrap_or(figure.scale);
    figure.scale = target_scale;
    figure.value = significant(figure.value_in_units / multiplier(target_scale));
    if (figure.value, figure.scale, figure.unit) == stated {
        return figure;
    }
    figure.currency = Some(figure.unit.currency_code().unwrap_or_default().to_owned());
    figure.stated_value = Some(stated.0);
    figure.stated_scale = Some(stated.1);
    figure.stated_unit = Some(stated.2);
    figure.rate_method = cny_per_usd.and(rate.map(|r| r.method.clone()));
    figure.cny_per_usd = cny_per_usd;
    figure
}
