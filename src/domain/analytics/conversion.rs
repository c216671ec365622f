//! Currency and scale conversion of money figures, at the source's own exchange rate.

use super::derived::bounds_in_units;
use super::exchange_rate::ExchangeRate;
use super::interval::scaled;
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
    let bounds_in_units = bounds_in_units(&figure);
    // The yuan-per-dollar rate lies among those the printed pairs imply: the bounds move to
    // the farthest of them.
    let mut factor = (1.0, 1.0);
    let mut cny_per_usd = None;
    if let Some(target) = currency {
        if target.unit() != figure.unit {
            let Some(rate) = rate else {
                return figure;
            };
            let (least, most) = rate_range(rate);
            (figure.value_in_units, factor) = match target {
                Currency::Usd => (
                    figure.value_in_units / rate.cny_per_usd,
                    (1.0 / most, 1.0 / least),
                ),
                Currency::Cny => (figure.value_in_units * rate.cny_per_usd, (least, most)),
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
    let bounds = scaled(bounds_in_units, factor.0, factor.1);
    figure.set_bounds(bounds.map(|end| significant(end / multiplier(target_scale))));
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

/// The least and most yuan per dollar among the rates the source's printed pairs imply.
fn rate_range(rate: &ExchangeRate) -> (f64, f64) {
    let rates = rate.pairs.iter().map(|pair| pair.cny_per_usd);
    (
        rates.clone().fold(rate.cny_per_usd, f64::min),
        rates.fold(rate.cny_per_usd, f64::max),
    )
}

#[cfg(test)]
mod tests {
    use super::{convert, Currency};
    use crate::domain::analytics::exchange_rate::{ExchangeRate, RatePair};
    use crate::domain::analytics::fixtures::{close, figure, qualified};
    use crate::domain::figure::{Observation, Qualifier, Scale, Unit};

    fn rate(cny_per_usd: f64) -> ExchangeRate {
        ExchangeRate {
            cny_per_usd,
            method: "a test rate".to_owned(),
            pairs: vec![RatePair {
                cny_observation: "a".to_owned(),
                usd_observation: "a-usd".to_owned(),
                cny_per_usd,
            }],
        }
    }

    fn rd_spending() -> Observation {
        figure("rd-expenditure-2024", 510.0, Scale::Billion, Unit::Cny)
    }

    #[test]
    fn yuan_convert_to_dollars_at_the_rate_to_nine_significant_digits() {
        // 510 billion yuan / 7.25 = 70.3448275862 billion dollars, kept to 9 digits.
        let converted = convert(rd_spending(), Some(Currency::Usd), None, Some(&rate(7.25)));
        assert_eq!(converted.unit, Unit::Usd);
        assert_eq!(converted.currency.as_deref(), Some("USD"));
        assert_eq!(converted.scale, Scale::Billion);
        assert_eq!(converted.value, 70.3448276);
        assert_eq!(converted.value_in_units, 70_344_827_600.0);
        assert_eq!(
            converted.qualifier,
            Qualifier::About,
            "a converted amount is as exact as the rate"
        );
        assert_eq!(
            (
                converted.stated_value,
                converted.stated_scale,
                converted.stated_unit
            ),
            (Some(510.0), Some(Scale::Billion), Some(Unit::Cny))
        );
        assert_eq!(converted.cny_per_usd, Some(7.25));
        assert_eq!(converted.rate_method.as_deref(), Some("a test rate"));
    }

    #[test]
    fn dollars_convert_back_to_yuan_and_a_scale_applies_after_the_currency() {
        let dollars = figure("rd-usd", 70.3, Scale::Billion, Unit::Usd);
        let converted = convert(
            dollars,
            Some(Currency::Cny),
            Some(Scale::Trillion),
            Some(&rate(7.25)),
        );
        // 70.3 billion dollars × 7.25 = 509.675 billion yuan = 0.509675 trillion.
        assert_eq!(converted.unit, Unit::Cny);
        assert_eq!(converted.scale, Scale::Trillion);
        assert!(close(converted.value, 0.509675), "{}", converted.value);
        assert_eq!(converted.value_in_units, 509_675_000_000.0);
    }

    #[test]
    fn a_scale_alone_needs_no_rate_and_keeps_the_qualifier() {
        let converted = convert(rd_spending(), None, Some(Scale::Trillion), None);
        assert_eq!((converted.value, converted.unit), (0.51, Unit::Cny));
        assert_eq!(converted.qualifier, Qualifier::Exact);
        assert_eq!(converted.stated_scale, Some(Scale::Billion));
        assert_eq!((converted.cny_per_usd, converted.rate_method), (None, None));
    }

    #[test]
    fn what_cannot_or_need_not_change_is_returned_as_stated() {
        let as_stated = |figure: Observation| (figure.value, figure.scale, figure.unit);
        // Already in yuan and billions.
        let same = convert(
            rd_spending(),
            Some(Currency::Cny),
            Some(Scale::Billion),
            Some(&rate(7.25)),
        );
        assert!(same.stated_value.is_none());
        assert_eq!(as_stated(same), (510.0, Scale::Billion, Unit::Cny));
        // No rate to convert with.
        let unrated = convert(rd_spending(), Some(Currency::Usd), None, None);
        assert!(unrated.stated_value.is_none());
        assert_eq!(as_stated(unrated), (510.0, Scale::Billion, Unit::Cny));
        // Not money.
        let count = figure("journalists", 267.0, Scale::Unit, Unit::Count);
        let count = convert(
            count,
            Some(Currency::Usd),
            Some(Scale::Thousand),
            Some(&rate(7.25)),
        );
        assert!(count.stated_value.is_none());
        assert_eq!(as_stated(count), (267.0, Scale::Unit, Unit::Count));
    }

    #[test]
    fn bounds_convert_with_the_figure_at_the_farthest_rates_the_pairs_imply() {
        // About 510 billion yuan is 505 to 515 billion: 0.505 to 0.515 trillion.
        let about = qualified(rd_spending(), Qualifier::About);
        let trillions = convert(about, None, Some(Scale::Trillion), None);
        assert_eq!(
            (trillions.lower_bound, trillions.upper_bound),
            (Some(0.505), Some(0.515))
        );
        // Exactly 510 billion yuan at rates from 7.2 to 7.3 (median 7.25): 510 / 7.3 to
        // 510 / 7.2 billion dollars, so about 70.34 billion.
        let mut rates = rate(7.25);
        for (id, cny_per_usd) in [("b", 7.2), ("c", 7.3)] {
            rates.pairs.push(RatePair {
                cny_observation: id.to_owned(),
                usd_observation: format!("{id}-usd"),
                cny_per_usd,
            });
        }
        let dollars = convert(rd_spending(), Some(Currency::Usd), None, Some(&rates));
        assert_eq!(dollars.qualifier, Qualifier::About);
        assert_eq!(
            (dollars.lower_bound, dollars.upper_bound),
            (Some(69.8630137), Some(70.8333333))
        );
        assert_eq!(dollars.bounds().qualifier(dollars.value), Qualifier::About);
    }

    #[test]
    fn currencies_are_their_iso_codes() {
        assert_eq!(Currency::parse("USD"), Some(Currency::Usd));
        assert_eq!(Currency::parse("CNY"), Some(Currency::Cny));
        assert_eq!(Currency::parse("usd"), None);
        assert_eq!(Currency::parse("EUR"), None);
    }
}
