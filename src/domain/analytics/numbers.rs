//! What the analyses share: scales as powers of ten, years of periods, rounding that drops
//! float noise without hiding what a reader could check by hand, and the names enums have in
//! the text the analyses write.

use crate::domain::figure::Scale;

pub(super) fn multiplier(scale: Scale) -> f64 {
    match scale {
        Scale::Unit => 1.0,
        Scale::Thousand => 1e3,
        Scale::Million => 1e6,
        Scale::Billion => 1e9,
        Scale::Trillion => 1e12,
    }
}

pub(super) fn year_of(period: &Option<String>) -> Option<f64> {
    period.as_deref()?.get(..4)?.parse().ok()
}

/// Rounds a computed number to 9 significant digits, dropping float noise such as
/// 130500000000130.5 (from one-ninth stored as 11.1111111111 percent) without hiding anything a
/// reader could check by hand.
pub fn significant(value: f64) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let digits = 9 - 1 - value.abs().log10().floor() as i32;
    let factor = 10f64.powi(digits);
    (value * factor).round() / factor
}

/// How many significant digits `value` is stated with: its digits to 15 significant ones,
/// less leading and trailing zeros (510 has 2, 137.97 has 5, 0.0125 has 3, 0 has none). As
/// for the bounds of `about`, the trailing zeros of a whole number are not significant: 510
/// is stated to the ten. The store's SQL counts them the same way (`store::figures`).
pub fn stated_digits(value: f64) -> u32 {
    if !value.is_finite() {
        return 0;
    }
    let text = format!("{:.14e}", value.abs());
    let mantissa = text.split_once('e').map_or(text.as_str(), |(m, _)| m);
    mantissa.replace('.', "").trim_end_matches('0').len() as u32
}

/// `value` rounded to `digits` significant digits (at least one), as the decimal it then is:
/// 137.93 to 2 digits is 140, 1.3793 to 3 is 1.38.
pub fn round_to_digits(value: f64, digits: u32) -> f64 {
    let decimals = digits.max(1) as usize - 1;
    format!("{value:.decimals$e}").parse().unwrap_or(value)
}

/// The largest scale at which `value_in_units` is at least 1 (in size): 137,930,000,000 reads
/// as 137.93 billion, 0.5 as 0.5 units.
pub fn readable_scale(value_in_units: f64) -> Scale {
    [
        Scale::Trillion,
        Scale::Billion,
        Scale::Million,
        Scale::Thousand,
    ]
    .into_iter()
    .find(|scale| value_in_units.abs() >= multiplier(*scale))
    .unwrap_or(Scale::Unit)
}

/// Round for display in formulas: enough digits to check by hand.
pub(super) fn show(value: f64) -> String {
    let text = format!("{value:.6}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The name a value of one of the figure's enums has in JSON and CSV (`billion`, `at_least`):
/// its serde name, declared once on the type.
pub(super) fn wire_name(value: impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::figure::{Qualifier, Unit};

    #[test]
    fn significant_keeps_nine_digits_and_drops_float_noise() {
        // 14.5 trillion / one-ninth stored as 11.1111111111 percent.
        assert_eq!(significant(130_500_000_000_130.5), 130_500_000_000_000.0);
        assert_eq!(significant(70.344_827_586_2), 70.344_827_6);
        assert_eq!(significant(-0.000_123_456_789_12), -0.000_123_456_789);
        assert_eq!(significant(0.0), 0.0);
        assert!(significant(f64::NAN).is_nan());
        assert_eq!(significant(f64::INFINITY), f64::INFINITY);
    }

    #[test]
    fn stated_digits_are_the_significant_ones_as_for_about() {
        for (value, digits) in [
            (510.0, 2),
            (137.97, 5),
            (1.0, 1),
            (100.0, 1),
            (1.1, 2),
            (0.0125, 3),
            (-70.3, 3),
            (0.0, 0),
            (0.1 + 0.2, 1),
        ] {
            assert_eq!(stated_digits(value), digits, "{value}");
        }
    }

    #[test]
    fn rounding_keeps_the_digits_asked_for() {
        assert_eq!(round_to_digits(137_930_000_000.0, 2), 140_000_000_000.0);
        assert_eq!(round_to_digits(1.3793, 3), 1.38);
        assert_eq!(round_to_digits(70.344_3, 3), 70.3);
        assert_eq!(round_to_digits(-0.012_345, 2), -0.012);
        assert_eq!(round_to_digits(7.0, 0), 7.0, "one digit at least");
        assert_eq!(round_to_digits(0.0, 3), 0.0);
    }

    #[test]
    fn the_readable_scale_keeps_the_value_at_one_or_more() {
        assert_eq!(readable_scale(137_930_000_000.0), Scale::Billion);
        assert_eq!(readable_scale(1e12), Scale::Trillion);
        assert_eq!(readable_scale(999_999.0), Scale::Thousand);
        assert_eq!(readable_scale(-2.5e6), Scale::Million);
        assert_eq!(readable_scale(0.5), Scale::Unit);
        assert_eq!(readable_scale(0.0), Scale::Unit);
    }

    #[test]
    fn show_gives_six_decimals_at_most_and_no_trailing_zeros() {
        assert_eq!(show(3.0), "3");
        assert_eq!(show(13.5), "13.5");
        assert_eq!(show(70.344_827_586), "70.344828");
        assert_eq!(show(14.5e12), "14500000000000");
        assert_eq!(show(-10.0), "-10");
    }

    #[test]
    fn scales_are_powers_of_ten() {
        assert_eq!(multiplier(Scale::Unit), 1.0);
        assert_eq!(multiplier(Scale::Thousand), 1e3);
        assert_eq!(multiplier(Scale::Million), 1e6);
        assert_eq!(multiplier(Scale::Billion), 1e9);
        assert_eq!(multiplier(Scale::Trillion), 1e12);
    }

    #[test]
    fn the_year_of_a_period_is_its_first_four_digits() {
        assert_eq!(year_of(&Some("2024-10".to_owned())), Some(2024.0));
        assert_eq!(year_of(&Some("2024".to_owned())), Some(2024.0));
        assert_eq!(year_of(&Some("soon".to_owned())), None);
        assert_eq!(year_of(&None), None);
    }

    #[test]
    fn wire_names_are_the_serde_names() {
        assert_eq!(wire_name(Scale::Billion), "billion");
        assert_eq!(wire_name(Qualifier::AtLeast), "at_least");
        assert_eq!(wire_name(Unit::PercentagePoints), "percentage_points");
        assert_eq!(wire_name(7), "", "not a name");
    }
}
