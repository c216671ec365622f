//! The arithmetic the analyses share: scales as powers of ten, years of periods, and rounding
//! that drops float noise without hiding what a reader could check by hand.

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
