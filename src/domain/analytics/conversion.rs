//! Currency and scale conversion of money figures, at the source's own exchange rate.

use super::derived::bounds_in_units;
use super::exchange_rate::ExchangeRate;
use super::interval::scaled;
use super::numbers::{multiplier, readable_scale, round_to_digits, significant, stated_digits};
use crate::domain::figure::{Observation, Qualifier, Scale, Unit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

    pub fn unit(self) -> Unit {
        match self {
            Currency::Cny => Unit::Cny,
            Currency::Usd => Unit::Usd,
        }
    }

    /// The currency money is converted from when this one is asked for.
    pub fn other(self) -> Currency {
        match self {
            Currency::Cny => Currency::Usd,
            Currency::Usd => Currency::Cny,
        }
    }
}

/// Money asked for in one currency, at the source's rate: what a `?currency=` presentation
/// converts with, and so what `sort=value`, `min` and `max` compare ([`presented_units`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Exchange {
    pub to: Currency,
    pub cny_per_usd: f64,
}

/// Re-expresses a money figure in `currency` and `scale` (either optional). Other figures, and
/// money figures when no rate is known, are returned unchanged.
///
/// A figure whose currency changes is only as exact as the rate, which the source rounds: it
/// becomes `about` (if it was `exact`), its value is rounded to the digits it was stated with
/// plus one ([`presented_units`]), shown at `scale` or else at the largest scale that keeps it
/// at 1 or more, and `conversion.unrounded_value` keeps it unrounded. A change of scale alone
/// is exact and rounds nothing.
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
    let target = currency.filter(|target| target.unit() != figure.unit);
    // The yuan-per-dollar rate lies among those the printed pairs imply: the bounds move to
    // the farthest of them.
    let mut factor = (1.0, 1.0);
    let mut cny_per_usd = None;
    let target_scale = match target {
        Some(target) => {
            let Some(rate) = rate else {
                return figure;
            };
            let (least, most) = rate_range(rate);
            factor = match target {
                Currency::Usd => (1.0 / most, 1.0 / least),
                Currency::Cny => (least, most),
            };
            let exchange = Exchange {
                to: target,
                cny_per_usd: rate.cny_per_usd,
            };
            let unrounded = exchanged_units(&figure, exchange);
            let rounded = presented_units(&figure, Some(exchange));
            let target_scale = scale.unwrap_or_else(|| readable_scale(rounded));
            figure.value_in_units = rounded;
            figure.unrounded_value = Some(significant(unrounded / multiplier(target_scale)));
            figure.unit = target.unit();
            cny_per_usd = Some(rate.cny_per_usd);
            if figure.qualifier == Qualifier::Exact {
                figure.qualifier = Qualifier::About;
            }
            target_scale
        }
        None => {
            figure.value_in_units = significant(figure.value_in_units);
            scale.unwrap_or(figure.scale)
        }
    };
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

/// A money figure's amount in plain units of the currency `exchange` asks for, unrounded.
fn exchanged_units(figure: &Observation, exchange: Exchange) -> f64 {
    match exchange.to {
        Currency::Usd => figure.value_in_units / exchange.cny_per_usd,
        Currency::Cny => figure.value_in_units * exchange.cny_per_usd,
    }
}

/// The amount a figure is presented with, in plain units, when money is asked for in a
/// currency (`exchange`): a money figure in the other currency converted and rounded to the
/// significant digits it was stated with plus one (510 billion yuan, stated to the ten, is
/// 70.3 billion dollars; 1 trillion is 140 billion); any other figure's `value_in_units`.
/// What `sort=value`, `min` and `max` compare when a currency is asked for; the store's SQL
/// computes the same (`store::figures`).
pub fn presented_units(figure: &Observation, exchange: Option<Exchange>) -> f64 {
    match exchange {
        Some(exchange) if figure.unit == exchange.to.other().unit() => round_to_digits(
            exchanged_units(figure, exchange),
            stated_digits(figure.value) + 1,
        ),
        _ => figure.value_in_units,
    }
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
    use super::{convert, presented_units, Currency, Exchange};
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
    fn yuan_convert_to_dollars_rounded_to_the_stated_digits_plus_one() {
        // 510 billion yuan (stated to the ten billion: 2 digits) / 7.25 = 70.3448275862
        // billion dollars, shown to 3 digits; the unrounded value kept to 9.
        let converted = convert(rd_spending(), Some(Currency::Usd), None, Some(&rate(7.25)));
        assert_eq!(converted.unit, Unit::Usd);
        assert_eq!(converted.currency.as_deref(), Some("USD"));
        assert_eq!(converted.scale, Scale::Billion);
        assert_eq!(converted.value, 70.3);
        assert_eq!(converted.value_in_units, 70_300_000_000.0);
        assert_eq!(converted.unrounded_value, Some(70.3448276));
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
    fn a_converted_figure_reads_at_the_largest_scale_that_keeps_it_at_one_or_more() {
        // 1 trillion yuan (1 digit) / 7.25 = 137.931 billion dollars: 140 billion, not 0.14
        // trillion.
        let trillion = figure("threshold", 1.0, Scale::Trillion, Unit::Cny);
        let dollars = convert(trillion, Some(Currency::Usd), None, Some(&rate(7.25)));
        assert_eq!((dollars.value, dollars.scale), (140.0, Scale::Billion));
        assert_eq!(dollars.unrounded_value, Some(137.931034));
        // 10 billion yuan: 1.4 billion dollars; 5 million: 690 thousand.
        let ten_billion = figure("maoming", 10.0, Scale::Billion, Unit::Cny);
        let dollars = convert(ten_billion, Some(Currency::Usd), None, Some(&rate(7.25)));
        assert_eq!((dollars.value, dollars.scale), (1.4, Scale::Billion));
        let five_million = figure("small", 5.0, Scale::Million, Unit::Cny);
        let dollars = convert(five_million, Some(Currency::Usd), None, Some(&rate(7.25)));
        assert_eq!((dollars.value, dollars.scale), (690.0, Scale::Thousand));
        // A scale asked for is kept: 137.931 billion is 0.14 trillion.
        let trillion = figure("threshold", 1.0, Scale::Trillion, Unit::Cny);
        let asked = convert(
            trillion,
            Some(Currency::Usd),
            Some(Scale::Trillion),
            Some(&rate(7.25)),
        );
        assert_eq!((asked.value, asked.scale), (0.14, Scale::Trillion));
        assert_eq!(asked.unrounded_value, Some(0.137931034));
    }

    #[test]
    fn the_presented_amount_is_what_sorts_and_filters_compare() {
        let exchange = Some(Exchange {
            to: Currency::Usd,
            cny_per_usd: 7.25,
        });
        let trillion = figure("threshold", 1.0, Scale::Trillion, Unit::Cny);
        assert_eq!(presented_units(&trillion, exchange), 140e9);
        let printed = figure("printed", 137.97, Scale::Billion, Unit::Usd);
        assert_eq!(
            presented_units(&printed, exchange),
            printed.value_in_units,
            "already in dollars: as printed"
        );
        let count = figure("journalists", 267.0, Scale::Unit, Unit::Count);
        assert_eq!(presented_units(&count, exchange), 267.0);
        assert_eq!(presented_units(&trillion, None), 1e12);
        let converted = convert(
            trillion.clone(),
            Some(Currency::Usd),
            None,
            Some(&rate(7.25)),
        );
        assert_eq!(
            converted.value_in_units,
            presented_units(&trillion, exchange)
        );
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
        // 70.3 billion dollars (3 digits) × 7.25 = 509.675 billion yuan: 509.7 billion, or
        // 0.5097 trillion.
        assert_eq!(converted.unit, Unit::Cny);
        assert_eq!(converted.scale, Scale::Trillion);
        assert!(close(converted.value, 0.5097), "{}", converted.value);
        assert_eq!(converted.value_in_units, 509_700_000_000.0);
        assert_eq!(converted.unrounded_value, Some(0.509675));
    }

    #[test]
    fn a_scale_alone_needs_no_rate_and_keeps_the_qualifier() {
        let converted = convert(rd_spending(), None, Some(Scale::Trillion), None);
        assert_eq!((converted.value, converted.unit), (0.51, Unit::Cny));
        assert_eq!(converted.qualifier, Qualifier::Exact);
        assert_eq!(converted.stated_scale, Some(Scale::Billion));
        assert_eq!((converted.cny_per_usd, converted.rate_method), (None, None));
        assert_eq!(converted.unrounded_value, None, "nothing rounded");
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
        // 510 / 7.2 billion dollars, so about 70.3 billion.
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
