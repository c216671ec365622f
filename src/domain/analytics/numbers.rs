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
