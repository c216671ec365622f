//! FRED-style transforms of a series: change, percent change and compound annual growth
//! between consecutive periods of one series ([`series`]: one subject at one frequency), each
//! a derived figure with bounds from its inputs' bounds; and, for every subject, why the
//! figures that gave nothing gave nothing.
//!
//! [`series`]: super::series

use std::collections::BTreeMap;

use serde::Serialize;

use super::derived::{bounds_in_units, Derivation, DerivedPeriod};
use super::interval::{difference, increasing, quotient};
use super::numbers::show;
use super::series::{place, Frequency, Months, Subject, Unplaced};
use crate::domain::figure::column::Word;
use crate::domain::figure::{Interval, Observation, PeriodKind, Scale, Unit};

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

    pub fn word(self) -> &'static str {
        match self {
            Transform::Level => "level",
            Transform::Change => "change",
            Transform::PctChange => "pct_change",
            Transform::Cagr => "cagr",
        }
    }
}

/// Why some figures of one subject gave no derived figure.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SeriesNote {
    /// What the figures are about.
    pub subject: Subject,
    /// The subject's figures that no derived figure comes from.
    pub figures: Vec<String>,
    /// Why, in words (ASCII, ids and periods only).
    pub note: String,
}

/// The derived figures of a transform, and what the figures that gave none are.
#[derive(Debug, Default)]
pub struct Transformed {
    /// In series order: subject by subject, frequency by frequency, period by period.
    pub figures: Vec<Observation>,
    pub notes: Vec<SeriesNote>,
}

/// Transforms every series among `figures` between its consecutive periods. `Level` derives
/// nothing: the stated figures are the levels.
pub fn transform_series(figures: &[Observation], transform: Transform) -> Transformed {
    let mut subjects: BTreeMap<Subject, Vec<&Observation>> = BTreeMap::new();
    for figure in figures {
        subjects
            .entry(Subject::of(figure))
            .or_default()
            .push(figure);
    }
    let mut out = Transformed::default();
    if transform == Transform::Level {
        return out;
    }
    for (subject, figures) in subjects {
        transform_subject(subject, &figures, transform, &mut out);
    }
    out
}

/// One subject: its series, their derived figures, and a note for what gave nothing.
fn transform_subject(
    subject: Subject,
    figures: &[&Observation],
    transform: Transform,
    out: &mut Transformed,
) {
    let mut unplaced: BTreeMap<Unplaced, Vec<&str>> = BTreeMap::new();
    let mut series: BTreeMap<Frequency, Vec<(Months, &Observation)>> = BTreeMap::new();
    for &figure in figures {
        match place(figure) {
            Ok(months) => series
                .entry(Frequency::of(months))
                .or_default()
                .push((months, figure)),
            Err(why) => unplaced.entry(why).or_default().push(&figure.id),
        }
    }
    let mut reasons: Vec<String> = unplaced
        .iter()
        .map(|(why, ids)| format!("{} {}", ids.join(", "), why.reason(ids.len())))
        .collect();
    let mut used: Vec<&str> = Vec::new();
    let mut alone: Vec<String> = Vec::new();
    for (frequency, mut points) in series {
        // By period; figures of one period keep the order they came in.
        points.sort_by_key(|(months, _)| *months);
        let mut periods: Vec<(Months, Vec<&Observation>)> = Vec::new();
        for (months, figure) in points {
            match periods.last_mut() {
                Some((last, held)) if *last == months => held.push(figure),
                _ => periods.push((months, vec![figure])),
            }
        }
        if periods.len() == 1 && periods[0].1.len() == 1 {
            let figure = periods[0].1[0];
            alone.push(format!(
                "{} ({frequency}, {})",
                figure.id, figure.period_label
            ));
            continue;
        }
        for (_, held) in periods.iter().filter(|(_, held)| held.len() > 1) {
            let ids: Vec<&str> = held.iter().map(|f| f.id.as_str()).collect();
            reasons.push(format!(
                "{} state the same {frequency} period ({}), so neither is paired",
                ids.join(" and "),
                held[0].period_label
            ));
        }
        for pair in periods.windows(2) {
            let ([from], [to]) = (pair[0].1.as_slice(), pair[1].1.as_slice()) else {
                continue;
            };
            let elapsed = pair[1].0.first - pair[0].0.first;
            match derive(&subject, from, to, elapsed, transform) {
                Ok(figure) => {
                    used.extend([from.id.as_str(), to.id.as_str()]);
                    out.figures.push(figure);
                }
                Err(why) => reasons.push(format!(
                    "no {} from {} to {}: {why}",
                    transform.word(),
                    from.id,
                    to.id
                )),
            }
        }
    }
    match alone.len() {
        0 => {}
        1 => reasons.push(format!("{} is the only figure of its frequency", alone[0])),
        _ => reasons.push(format!(
            "{} are of different frequencies, none with another of its own",
            alone.join(", ")
        )),
    }
    let idle: Vec<String> = figures
        .iter()
        .filter(|f| !used.contains(&f.id.as_str()))
        .map(|f| f.id.clone())
        .collect();
    if !reasons.is_empty() {
        out.notes.push(SeriesNote {
            note: format!("{subject}: {}.", reasons.join("; ")),
            subject,
            figures: idle,
        });
    }
}

/// The transform from one period of a series to the next, `elapsed` months later; `Err` says
/// why there is none (different units, arithmetic that is undefined).
fn derive(
    subject: &Subject,
    a: &Observation,
    b: &Observation,
    elapsed: i32,
    transform: Transform,
) -> Result<Observation, String> {
    if a.unit != b.unit {
        return Err(format!(
            "they are in different units ({} and {})",
            a.unit.word(),
            b.unit.word()
        ));
    }
    let (x, y) = (a.value_in_units, b.value_in_units);
    let (bx, by) = (bounds_in_units(a), bounds_in_units(b));
    let (value, bounds, unit, scale, formula) = match transform {
        Transform::Level => return Err("the level is the stated series".to_owned()),
        Transform::Change => (
            y - x,
            difference(by, bx),
            // The difference of two percentages is in percentage points.
            if a.unit == Unit::Percent {
                Unit::PercentagePoints
            } else {
                a.unit
            },
            b.scale,
            format!("{} - {}", show(y), show(x)),
        ),
        Transform::PctChange => {
            if x == 0.0 {
                return Err("the earlier value is 0".to_owned());
            }
            let bounds = quotient(by, bx).map_or(Interval::UNBOUNDED, |ratio| {
                increasing(ratio, |r| (r - 1.0) * 100.0)
            });
            (
                (y / x - 1.0) * 100.0,
                bounds,
                Unit::Percent,
                Scale::Unit,
                format!("({} / {} - 1) × 100", show(y), show(x)),
            )
        }
        Transform::Cagr => {
            if x <= 0.0 || y <= 0.0 {
                return Err("growth is compounded between positive values only".to_owned());
            }
            // Years between the periods' midpoints (for periods of one length, between
            // their starts, or their ends).
            let years = f64::from(elapsed) / 12.0;
            let grow = move |r: f64| (r.powf(1.0 / years) - 1.0) * 100.0;
            let bounds = quotient(by, bx)
                .filter(|ratio| ratio.lower.is_some_and(|r| r.value >= 0.0))
                .map_or(Interval::UNBOUNDED, |ratio| increasing(ratio, grow));
            let exponent = if elapsed % 12 == 0 {
                format!("1/{}", elapsed / 12)
            } else {
                format!("12/{elapsed}")
            };
            (
                grow(y / x),
                bounds,
                Unit::Percent,
                Scale::Unit,
                format!("(({} / {})^({exponent}) - 1) × 100", show(y), show(x)),
            )
        }
    };
    let name = transform.word();
    let label = if a.period_label.contains(" to ") || b.period_label.contains(" to ") {
        format!("{}, then {}", a.period_label, b.period_label)
    } else {
        format!("{} to {}", a.period_label, b.period_label)
    };
    Ok(Derivation {
        id: format!(
            "{}-{name}-{}-{}-{}",
            a.indicator_id,
            subject.slug(),
            period_slug(a),
            period_slug(b)
        ),
        about: b,
        inputs: vec![a, b],
        description: format!(
            "{name} of {} from {} to {}",
            a.indicator_name, a.period_label, b.period_label
        ),
        value_in_units: value,
        bounds_in_units: bounds,
        unit,
        scale,
        period: DerivedPeriod {
            kind: PeriodKind::Span,
            start: a.period_start.clone().or(a.period_end.clone()),
            end: b.period_end.clone().or(b.period_start.clone()),
            label,
        },
        formula,
    }
    .figure())
}

/// A period in an id: `2024`, `2024-03`, or `2019-to-2024` for a span.
fn period_slug(figure: &Observation) -> String {
    match (&figure.period_start, &figure.period_end) {
        (Some(start), Some(end)) if start != end => format!("{start}-to-{end}"),
        (Some(one), _) | (None, Some(one)) => one.clone(),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests;
