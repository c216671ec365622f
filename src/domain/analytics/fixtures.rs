//! Figures for the analyses' unit tests: a stated figure with only what a test names, the rest
//! set by struct update (`Observation { restates: ..., ..figure(...) }`).

use super::numbers::multiplier;
use crate::domain::figure::{Observation, PeriodKind, Qualifier, Scale, Unit};

/// An exact figure of Guangdong for 2024, its indicator named after it, linking to nothing.
pub(super) fn figure(id: &str, value: f64, scale: Scale, unit: Unit) -> Observation {
    let mut figure = Observation {
        id: id.to_owned(),
        indicator_id: id.to_owned(),
        indicator_name: format!("the {id}"),
        region_id: "guangdong".to_owned(),
        region_name: "Guangdong".to_owned(),
        value,
        scale,
        unit,
        currency: unit.currency_code().map(str::to_owned),
        value_in_units: value * multiplier(scale),
        qualifier: Qualifier::Exact,
        stated: format!("{value}"),
        source_id: "gdtoday".to_owned(),
        source_headline: "GD Today".to_owned(),
        section: "Story".to_owned(),
        revision: 1,
        recorded_at: "2025-01-01T00:00:00Z".to_owned(),
        ..Observation::default()
    };
    figure.compute();
    Observation {
        period_sort_key: "2024".to_owned(),
        ..in_period(figure, PeriodKind::Year, "2024", "2024")
    }
}

/// `figure` in the period from `start` to `end`, labelled `start to end` (or the year, when
/// they are one); its sort key stays.
pub(super) fn in_period(
    figure: Observation,
    kind: PeriodKind,
    start: &str,
    end: &str,
) -> Observation {
    Observation {
        period_kind: kind,
        period_start: Some(start.to_owned()),
        period_end: Some(end.to_owned()),
        period_label: if start == end {
            start.to_owned()
        } else {
            format!("{start} to {end}")
        },
        ..figure
    }
}

/// A figure of `indicator` for `year`, sorted by its year as the store sorts periods.
pub(super) fn yearly(id: &str, indicator: &str, year: &str, value: f64, unit: Unit) -> Observation {
    let figure = Observation {
        indicator_id: indicator.to_owned(),
        indicator_name: format!("the {indicator}"),
        ..figure(id, value, Scale::Unit, unit)
    };
    Observation {
        period_sort_key: year.to_owned(),
        ..in_period(figure, PeriodKind::Year, year, year)
    }
}

/// Equal up to float rounding (a value in units is the product of a value and its scale).
pub(super) fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs()
}

/// `figure` stated with `qualifier`, its bounds computed from it as a read figure's are.
pub(super) fn qualified(mut figure: Observation, qualifier: Qualifier) -> Observation {
    figure.qualifier = qualifier;
    figure.compute();
    figure
}
