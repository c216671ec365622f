//! The exchange rate the source itself implies: the median of the yuan-per-dollar rates of
//! the dollar amounts it prints beside yuan amounts.

use serde::Serialize;

use crate::domain::figure::{Observation, Unit};

/// One yuan amount and the dollar amount the source prints beside it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RatePair {
    pub cny_observation: String,
    pub usd_observation: String,
    pub cny_per_usd: f64,
}

/// The yuan-per-dollar rate the source implies: the median of the rates of its printed pairs.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExchangeRate {
    pub cny_per_usd: f64,
    pub method: String,
    pub pairs: Vec<RatePair>,
}

/// Derives the source's exchange rate from the figures that print a dollar equivalent.
pub fn exchange_rate(figures: &[Observation]) -> Option<ExchangeRate> {
    let mut pairs: Vec<RatePair> = figures
        .iter()
        .filter(|f| f.unit == Unit::Usd)
        .filter_map(|usd| {
            let cny_id = usd.equivalent_of.as_ref()?;
            let cny = figures
                .iter()
                .find(|f| &f.id == cny_id && f.unit == Unit::Cny)?;
            Some(RatePair {
                cny_observation: cny.id.clone(),
                usd_observation: usd.id.clone(),
                cny_per_usd: cny.value_in_units / usd.value_in_units,
            })
        })
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let mut rates: Vec<f64> = pairs.iter().map(|p| p.cny_per_usd).collect();
    rates.sort_by(f64::total_cmp);
    let middle = rates.len() / 2;
    let median = if rates.len() % 2 == 1 {
        rates[middle]
    } else {
        (rates[middle - 1] + rates[middle]) / 2.0
    };
    pairs.sort_by(|a, b| a.cny_per_usd.total_cmp(&b.cny_per_usd));
    Some(ExchangeRate {
        cny_per_usd: median,
        method: format!(
            "median of the {} yuan-per-dollar rates implied by the dollar equivalents the source prints",
            pairs.len()
        ),
        pairs,
    })
}

#[cfg(test)]
mod tests {
    use super::exchange_rate;
    use crate::domain::analytics::fixtures::{close, figure};
    use crate::domain::figure::{Observation, Scale, Unit};

    /// A yuan amount in billions and the dollar amount printed beside it.
    fn printed_pair(name: &str, yuan: f64, dollars: f64) -> [Observation; 2] {
        let cny = figure(name, yuan, Scale::Billion, Unit::Cny);
        let usd = Observation {
            equivalent_of: Some(name.to_owned()),
            ..figure(&format!("{name}-usd"), dollars, Scale::Billion, Unit::Usd)
        };
        [cny, usd]
    }

    #[test]
    fn the_rate_is_the_median_of_an_odd_number_of_pairs() {
        // 510 / 70.3 = 7.25462, 1000 / 137.97 = 7.24795, 10 / 1.38 = 7.24638.
        let figures = [
            printed_pair("rd", 510.0, 70.3),
            printed_pair("threshold", 1000.0, 137.97),
            printed_pair("maoming", 10.0, 1.38),
        ]
        .concat();
        let rate = exchange_rate(&figures).unwrap();
        assert!(
            close(rate.cny_per_usd, 1000.0 / 137.97),
            "{}",
            rate.cny_per_usd
        );
        let usd: Vec<&str> = rate
            .pairs
            .iter()
            .map(|p| p.usd_observation.as_str())
            .collect();
        assert_eq!(
            usd,
            ["maoming-usd", "threshold-usd", "rd-usd"],
            "pairs in order of their rates"
        );
        assert_eq!(rate.pairs[2].cny_observation, "rd");
        assert!(close(rate.pairs[2].cny_per_usd, 510.0 / 70.3));
        assert_eq!(
            rate.method,
            "median of the 3 yuan-per-dollar rates implied by the dollar equivalents the source prints"
        );
    }

    #[test]
    fn the_median_of_an_even_number_of_pairs_is_the_mean_of_the_middle_two() {
        // Rates 7, 8, 7.2 and 7.4: the middle two are 7.2 and 7.4.
        let figures = [
            printed_pair("a", 7.0, 1.0),
            printed_pair("b", 8.0, 1.0),
            printed_pair("c", 7.2, 1.0),
            printed_pair("d", 7.4, 1.0),
        ]
        .concat();
        let rate = exchange_rate(&figures).unwrap();
        assert!(close(rate.cny_per_usd, 7.3), "{}", rate.cny_per_usd);
    }

    #[test]
    fn only_dollars_printed_beside_yuan_make_a_pair() {
        let [cny, usd] = printed_pair("rd", 510.0, 70.3);
        let lone_dollars = figure("lone-usd", 5.0, Scale::Billion, Unit::Usd);
        let beside_a_count = Observation {
            equivalent_of: Some("journalists".to_owned()),
            ..figure("count-usd", 5.0, Scale::Unit, Unit::Usd)
        };
        let journalists = figure("journalists", 267.0, Scale::Unit, Unit::Count);
        let missing_yuan = Observation {
            equivalent_of: Some("not-loaded".to_owned()),
            ..figure("missing-usd", 5.0, Scale::Billion, Unit::Usd)
        };
        let others = [lone_dollars, beside_a_count, journalists, missing_yuan];
        assert!(exchange_rate(&others).is_none(), "no pair, no rate");

        let figures = [others.to_vec(), vec![cny, usd]].concat();
        let rate = exchange_rate(&figures).unwrap();
        assert_eq!(rate.pairs.len(), 1);
        assert!(close(rate.cny_per_usd, 510.0 / 70.3));
    }
}
