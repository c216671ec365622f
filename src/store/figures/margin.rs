//! How far the amount presented for money in the other currency strays from its stored
//! amount, and so how far a bound on the one reaches on the other: what lets an index of
//! `value_in_units` find money compared in either currency (the filters' `min` and `max`,
//! and the pages sorted by the presented amount, [`presented`](super::presented)).
//!
//! Money in the other currency (`unit` the other currency's) is presented as `value_in_units`
//! converted at a positive rate, `x`, rounded to the digits its `value` states plus one: at
//! least two significant digits for any amount but zero (which stays zero), so the amount
//! presented, `p`, is within 5% of `x`: `|p - x| <= EPSILON * |x|`. Every other figure is
//! presented as its `value_in_units`. So:
//! * A bound on `p` (`min`, `max`, a cursor's value) bounds `x` within [`MARGIN`] of it on the
//!   side that matters: `p >= m` implies `x + EPSILON|x| >= m`, so `x >= m - MARGIN|m|`, and
//!   `p <= m` implies `x <= m + MARGIN|m|`. `x` is `value_in_units` times or divided by the
//!   rate, so the bound converts back to one on `value_in_units`: a range on its index.
//!
//! `MARGIN` is `2 EPSILON / (1 - EPSILON)` (0.105...) rounded up, which covers both signs and
//! the floating-point rounding of the conversion.

use crate::domain::analytics::conversion::{Currency, Exchange};

/// How far a converted amount may be from the amount presented, relatively.
#[cfg(test)]
const EPSILON: f64 = 0.05;

/// How far a bound on a presented amount reaches on `value_in_units`, relatively (see the
/// module's documentation).
pub(super) const MARGIN: f64 = 0.11;

/// The `value_in_units` of money in the other currency that converts to `amount`.
pub(super) fn units_of(exchange: Exchange, amount: f64) -> f64 {
    match exchange.to {
        Currency::Usd => amount * exchange.cny_per_usd,
        Currency::Cny => amount / exchange.cny_per_usd,
    }
}

/// The `value_in_units` below which no figure presents `min` or more, whatever its unit.
pub(super) fn units_at_least(exchange: Exchange, min: f64) -> f64 {
    min.min(units_of(exchange, min - MARGIN * min.abs()))
}

/// The `value_in_units` above which no figure presents `max` or less, whatever its unit.
pub(super) fn units_at_most(exchange: Exchange, max: f64) -> f64 {
    max.max(units_of(exchange, max + MARGIN * max.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_margin_covers_the_rounding_both_ways() {
        let needed = 2.0 * EPSILON / (1.0 - EPSILON);
        assert!(MARGIN > needed, "{MARGIN} <= {needed}");
    }

    #[test]
    fn bounds_reach_the_converted_money_on_either_side() {
        let usd = Exchange {
            to: Currency::Usd,
            cny_per_usd: 7.0,
        };
        // 100 USD: 700 CNY, less the margin; a negative bound reaches further down too.
        assert_eq!(units_at_least(usd, 100.0), 100.0);
        assert!((units_at_least(usd, -100.0) - -777.0).abs() < 1e-9);
        assert!((units_at_most(usd, 100.0) - 777.0).abs() < 1e-9);
        let cny = Exchange {
            to: Currency::Cny,
            cny_per_usd: 7.0,
        };
        assert!((units_at_least(cny, 700.0) - 89.0).abs() < 1e-9);
        assert_eq!(units_at_most(cny, 700.0), 700.0);
    }
}
