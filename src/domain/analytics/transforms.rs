//! FRED-style transforms of a series: change, percent change and compound annual growth
//! between consecutive periods.

use super::derived::{combined, DerivedFigure, DerivedPeriod};
use super::numbers::{show, significant, wire_name, year_of};
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

/// What makes figures one series: the subject they measure (region, cluster, group, company,
/// plan), the unit, and whether they are thresholds ("at least") or measured levels. Ordered
/// field by field, the unit by its name (as the API writes it), so the series of a list come
/// in a stable order.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Subject<'a> {
    region: &'a str,
    cluster: Option<&'a str>,
    cluster_group: Option<&'a str>,
    company: Option<&'a str>,
    city_plan: Option<&'a str>,
    unit: String,
    threshold: bool,
}

impl<'a> Subject<'a> {
    fn of(figure: &'a Observation) -> Subject<'a> {
        Subject {
            region: &figure.region.id,
            cluster: figure.cluster.as_deref(),
            cluster_group: figure.cluster_group.as_deref(),
            company: figure.company.as_deref(),
            city_plan: figure.city_plan.as_deref(),
            unit: wire_name(figure.unit),
            threshold: figure.qualifier == Qualifier::AtLeast,
        }
    }
}

/// Transforms a series of stated figures (one indicator, one region, one unit) between
/// consecutive periods. `Level` returns nothing: the stated figures are the levels.
pub fn transform_series(series: &[Observation], transform: Transform) -> Vec<DerivedFigure> {
    // Only dated periods of one subject make a series: a report date (as_of), a target or an
    // undated figure is not a point in time to grow from, and two clusters are two series.
    let mut points: Vec<(Subject, &Observation)> = series
        .iter()
        .filter(|f| f.restates.is_none() && f.equivalent_of.is_none())
        .filter(|f| matches!(f.period.kind, PeriodKind::Year | PeriodKind::Span))
        .filter(|f| f.period.end.is_some() || f.period.start.is_some())
        .map(|f| (Subject::of(f), f))
        .collect();
    // Stable: figures of one subject and period keep the order they came in.
    points.sort_by(|(subject_a, a), (subject_b, b)| {
        subject_a
            .cmp(subject_b)
            .then(a.period_sort_key.cmp(&b.period_sort_key))
    });
    points
        .windows(2)
        .filter(|pair| pair[0].0 == pair[1].0)
        .filter_map(|pair| transform_pair(pair[0].1, pair[1].1, transform))
        .collect()
}

/// The transform from one period of a series to the next: `None` for `Level`, for periods
/// without increasing years, and where the arithmetic is undefined (a percent change from 0, a
/// growth rate from or to a value that is not positive).
fn transform_pair(a: &Observation, b: &Observation, transform: Transform) -> Option<DerivedFigure> {
    let (from, to) = (
        a.period.end.clone().or(a.period.start.clone()),
        b.period.end.clone().or(b.period.start.clone()),
    );
    let years = match (year_of(&from), year_of(&to)) {
        (Some(x), Some(y)) if y > x => y - x,
        _ => return None,
    };
    let (x, y) = (a.value_in_units, b.value_in_units);
    let (value, unit, formula, name) = match transform {
        Transform::Level => return None,
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
                return None;
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
                return None;
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
    Some(DerivedFigure {
        id: format!(
            "{}-{name}-{}-{}",
            a.indicator.id,
            from.clone().unwrap_or_default(),
            to.clone().unwrap_or_default()
        ),
        indicator: a.indicator.id.clone(),
        derived: true,
        description: format!(
            "{name} of {} from {} to {}",
            a.indicator.name, a.period.label, b.period.label
        ),
        value: significant(value),
        unit,
        qualifier: combined(&[a.qualifier, b.qualifier]),
        period: DerivedPeriod {
            label: format!("{} to {}", a.period.label, b.period.label),
            start: from,
            end: to,
        },
        formula,
        inputs: vec![a.id.clone(), b.id.clone()],
    })
}
