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
