//! Figures for the analyses' unit tests: a stated figure with only what a test names, the rest
//! set by struct update (`Observation { restates: ..., ..figure(...) }`).

use super::numbers::multiplier;
use crate::domain::figure::{
    Observation, Period, PeriodKind, Provenance, Qualifier, Reference, RevisionStamp, Scale,
    SourceReference, Unit,
};

/// An exact figure of Guangdong for 2024, its indicator named after it, linking to nothing.
pub(super) fn figure(id: &str, value: f64, scale: Scale, unit: Unit) -> Observation {
    Observation {
        id: id.to_owned(),
        indicator: Reference {
            id: id.to_owned(),
            name: format!("the {id}"),
        },
        region: Reference {
            id: "guangdong".to_owned(),
            name: "Guangdong".to_owned(),
        },
        cluster: None,
        cluster_group: None,
        company: None,
        city_plan: None,
        value,
        scale,
        unit,
        currency: unit.currency_code().map(str::to_owned),
        value_in_units: value * multiplier(scale),
        conversion: None,
        qualifier: Qualifier::Exact,
        stated: format!("{value}"),
        period: year("2024"),
        equivalent_of: None,
        restates: None,
        provenance: Provenance {
            source: SourceReference {
                id: "gdtoday".to_owned(),
                headline: "GD Today".to_owned(),
            },
            section: "Story".to_owned(),
            speaker: None,
            cited_source: None,
        },
        note: None,
        revision: RevisionStamp {
            number: 1,
            recorded_at: "2025-01-01T00:00:00Z".to_owned(),
        },
        period_sort_key: "2024".to_owned(),
        position: 0,
    }
}

/// One calendar year.
pub(super) fn year(year: &str) -> Period {
    span(PeriodKind::Year, year, year)
}

/// A period from `start` to `end`, labelled `start to end` (or the year, when they are one).
pub(super) fn span(kind: PeriodKind, start: &str, end: &str) -> Period {
    Period {
        kind,
        start: Some(start.to_owned()),
        end: Some(end.to_owned()),
        label: if start == end {
            start.to_owned()
        } else {
            format!("{start} to {end}")
        },
    }
}

/// A figure of `indicator` for `year`, sorted by its year as the store sorts periods.
pub(super) fn yearly(
    id: &str,
    indicator: &str,
    year_: &str,
    value: f64,
    unit: Unit,
) -> Observation {
    let mut figure = figure(id, value, Scale::Unit, unit);
    figure.indicator = Reference {
        id: indicator.to_owned(),
        name: format!("the {indicator}"),
    };
    figure.period = year(year_);
    figure.period_sort_key = year_.to_owned();
    figure
}

/// Equal up to float rounding (a value in units is the product of a value and its scale).
pub(super) fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs()
}
