//! Analytics: the exchange rate, units and currency, transforms of a series, derived figures
//! and the consistency report, each checked against arithmetic worked by hand from the
//! article's numbers.

mod consistency;
mod conversion;
mod derived;
mod exchange_rate;
mod links;
mod transforms;

/// The rate the article's marine figure implies: 2 trillion yuan printed as $275.86 billion.
const MEDIAN_RATE: f64 = 2_000.0 / 275.86; // 7.250054...

/// Whether `actual` is within `tolerance` of `expected`.
fn close(actual: impl Into<Option<f64>>, expected: f64, tolerance: f64) -> bool {
    actual
        .into()
        .is_some_and(|actual| (actual - expected).abs() <= tolerance)
}

/// A converted figure's value before rounding (`conversion.unrounded_value`).
fn unrounded(figure: &crate::helpers::Figure) -> Option<f64> {
    figure.conversion.as_ref()?.unrounded_value
}
