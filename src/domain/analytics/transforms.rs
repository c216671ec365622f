//! FRED-style transforms of a series: change, percent change and compound annual growth
//! between consecutive periods.

use super::derived::{combined, DerivedFigure, DerivedPeriod};
use super::numbers::{show, significant, year_of};
use crate::domain::figure::{Observation, PeriodKind, Qualifier, Unit};

/// FRED-style units for a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    Level,
    Change,
    PctChange,
    Cagr,
}

impl Transform {
    pub fn parse(word: &str) -> Option<Transform> {
        match word {
            "level" => Some(Transform::Level),
            "change" => Some(Transform::Change),
            "pct_change" => Some(Transform::PctChange),
            "cagr" => Some(Transform::Cagr),
            _ => None,
        }
    }
}

/// Transforms a series of stated figures (one indicator, one region, one unit) between
/// consecutive periods. `Level` returns nothing: the stated figures are the levels.
pub fn transform_series(series: &[Observation], transform: Transform) -> Vec<DerivedFigure> {
    // Only dated periods of one subject make a series: a report date (as_of), a target or an
    // undated figure is not a point in time to grow from, and two clusters are two series.
    let mut points: Vec<&Observation> = series
        .iter()
        .filter(|f| f.restates.is_none() && f.equivalent_of.is_none())
        .filter(|f| matches!(f.period_kind, PeriodKind::Year | PeriodKind::Span))
        .filter(|f| f.period_end.is_some() || f.period_start.is_some())
        .collect();
    let subject = |f: &Observation| {
        (
            f.region_id.clone(),
            f.cluster_id.clone(),
            f.cluster_group_id.clone(),
            f.company_id.clone(),
            f.city_plan_id.clone(),
            format!("{:?}", f.unit),
            // A threshold ("at least") and a measured level are two series.
            f.qualifier == Qualifier::AtLeast,
        )
    };
    points.sort_by(|a, b| {
        subject(a)
            .cmp(&subject(b))
            .then(a.period_sort_key.cmp(&b.period_sort_key))
    });
    let mut derived = Vec::new();
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if subject(a) != subject(b) {
            continue;
        }
        let (from, to) = (
            a.period_end.clone().or(a.period_start.clone()),
            b.period_end.clone().or(b.period_start.clone()),
        );
        let years = match (year_of(&from), year_of(&to)) {
            (Some(x), Some(y)) if y > x => y - x,
            _ => continue,
        };
        let (x, y) = (a.value_in_units, b.value_in_units);
        let (value, unit, formula, name) = match transform {
            Transform::Level => continue,
            Transform::Change => (
                y - x,
                // The difference of two percentages is in percentage points.
                if a.unit == Unit::Percent {
                    Unit::PercentagePoints
                } else {
                    a.unit
                },
                format!("{} - {}", show(y), show(x)),
                "change",
            ),
            Transform::PctChange => {
                if x == 0.0 {
                    continue;
                }
                (
                    (y / x - 1.0) * 100.0,
                    Unit::Percent,
                    format!("({} / {} - 1) × 100", show(y), show(x)),
                    "pct_change",
                )
            }
            Transform::Cagr => {
                if x <= 0.0 || y <= 0.0 {
                    continue;
                }
                (
                    ((y / x).powf(1.0 / years) - 1.0) * 100.0,
                    Unit::Percent,
                    format!(
                        "(({} / {})^(1/{}) - 1) × 100",
                        show(y),
                        show(x),
                        show(years)
                    ),
                    "cagr",
                )
            }
        };
        let value = significant(value);
        derived.push(DerivedFigure {
            id: format!(
                "{}-{name}-{}-{}",
                a.indicator_id,
                from.clone().unwrap_or_default(),
                to.clone().unwrap_or_default()
            ),
            indicator: a.indicator_id.clone(),
            derived: true,
            description: format!(
                "{name} of {} from {} to {}",
                a.indicator_name, a.period_label, b.period_label
            ),
            value,
            unit,
            qualifier: combined(&[a.qualifier, b.qualifier]),
            period: DerivedPeriod {
                label: format!("{} to {}", a.period_label, b.period_label),
                start: from,
                end: to,
            },
            formula,
            inputs: vec![a.id.clone(), b.id.clone()],
        });
    }
    derived
}
