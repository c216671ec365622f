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
            region: &figure.region_id,
            cluster: figure.cluster_id.as_deref(),
            cluster_group: figure.cluster_group_id.as_deref(),
            company: figure.company_id.as_deref(),
            city_plan: figure.city_plan_id.as_deref(),
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
        .filter(|f| matches!(f.period_kind, PeriodKind::Year | PeriodKind::Span))
        .filter(|f| f.period_end.is_some() || f.period_start.is_some())
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
        a.period_end.clone().or(a.period_start.clone()),
        b.period_end.clone().or(b.period_start.clone()),
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
        value: significant(value),
        unit,
        qualifier: combined(&[a.qualifier, b.qualifier]),
        period: DerivedPeriod {
            label: format!("{} to {}", a.period_label, b.period_label),
            start: from,
            end: to,
        },
        formula,
        inputs: vec![a.id.clone(), b.id.clone()],
    })
}

#[cfg(test)]
mod tests {
    use super::{transform_series, Transform};
    use crate::domain::analytics::fixtures::{in_period, yearly};
    use crate::domain::figure::{Observation, PeriodKind, Qualifier, Unit};

    /// Robots made: 100 in 2020, 110 in 2021 and 121 in 2023 (no 2022 figure).
    fn robots() -> Vec<Observation> {
        vec![
            yearly("robots-2023", "robots", "2023", 121.0, Unit::Count),
            yearly("robots-2020", "robots", "2020", 100.0, Unit::Count),
            yearly("robots-2021", "robots", "2021", 110.0, Unit::Count),
        ]
    }

    fn values(derived: &[super::DerivedFigure]) -> Vec<f64> {
        derived.iter().map(|d| d.value).collect()
    }

    #[test]
    fn change_is_the_difference_between_consecutive_periods() {
        let derived = transform_series(&robots(), Transform::Change);
        assert_eq!(values(&derived), [10.0, 11.0]);
        let first = &derived[0];
        assert_eq!(first.id, "robots-change-2020-2021");
        assert_eq!(first.indicator, "robots");
        assert!(first.derived);
        assert_eq!(first.description, "change of the robots from 2020 to 2021");
        assert_eq!(first.formula, "110 - 100");
        assert_eq!(first.unit, Unit::Count);
        assert_eq!(first.qualifier, Qualifier::Exact);
        assert_eq!(first.period.label, "2020 to 2021");
        assert_eq!(
            (first.period.start.as_deref(), first.period.end.as_deref()),
            (Some("2020"), Some("2021"))
        );
        assert_eq!(first.inputs, ["robots-2020", "robots-2021"]);
        assert_eq!(derived[1].id, "robots-change-2021-2023");
    }

    #[test]
    fn percent_change_and_cagr_spread_growth_over_the_years_between() {
        let pct = transform_series(&robots(), Transform::PctChange);
        assert_eq!(values(&pct), [10.0, 10.0], "110/100 and 121/110");
        assert_eq!(pct[1].formula, "(121 / 110 - 1) × 100");
        assert_eq!(pct[1].unit, Unit::Percent);
        // Over two years, 10% in all is 4.88% a year: (1.1^(1/2) - 1) × 100.
        let cagr = transform_series(&robots(), Transform::Cagr);
        assert_eq!(values(&cagr), [10.0, 4.88088482]);
        assert_eq!(cagr[1].formula, "((121 / 110)^(1/2) - 1) × 100");
        assert_eq!(cagr[1].id, "robots-cagr-2021-2023");
    }

    #[test]
    fn the_change_of_a_percentage_is_in_percentage_points() {
        let shares = [
            yearly("share-2023", "share", "2023", 40.0, Unit::Percent),
            yearly("share-2024", "share", "2024", 44.0, Unit::Percent),
        ];
        let derived = transform_series(&shares, Transform::Change);
        assert_eq!(values(&derived), [4.0]);
        assert_eq!(derived[0].unit, Unit::PercentagePoints);
    }

    #[test]
    fn undefined_arithmetic_and_the_level_give_nothing() {
        let from_zero = [
            yearly("a-2023", "a", "2023", 0.0, Unit::Count),
            yearly("a-2024", "a", "2024", 5.0, Unit::Count),
        ];
        assert!(transform_series(&from_zero, Transform::PctChange).is_empty());
        assert!(transform_series(&from_zero, Transform::Cagr).is_empty());
        assert_eq!(
            values(&transform_series(&from_zero, Transform::Change)),
            [5.0]
        );
        assert!(transform_series(&robots(), Transform::Level).is_empty());
        // Two figures of one year are no change over time.
        let same_year = [
            yearly("b-1", "b", "2024", 1.0, Unit::Count),
            yearly("b-2", "b", "2024", 2.0, Unit::Count),
        ];
        assert!(transform_series(&same_year, Transform::Change).is_empty());
    }

    #[test]
    fn only_dated_stated_figures_are_points_of_a_series() {
        let mut figures = robots();
        let target = in_period(
            yearly("robots-target", "robots", "2027", 500.0, Unit::Count),
            PeriodKind::Target,
            "2022",
            "2027",
        );
        let mut undated = yearly("robots-undated", "robots", "2022", 1.0, Unit::Count);
        (undated.period_start, undated.period_end) = (None, None);
        let repeat = Observation {
            restates: Some("robots-2021".to_owned()),
            ..yearly("robots-caption", "robots", "2022", 2.0, Unit::Count)
        };
        let dollars = Observation {
            equivalent_of: Some("robots-2021".to_owned()),
            ..yearly("robots-usd", "robots", "2022", 3.0, Unit::Usd)
        };
        figures.extend([target, undated, repeat, dollars]);
        let derived = transform_series(&figures, Transform::Change);
        assert_eq!(values(&derived), [10.0, 11.0]);
    }

    #[test]
    fn each_subject_unit_and_kind_of_figure_is_its_own_series() {
        let in_region = |id: &str, region: &str, year: &str, value: f64, unit: Unit| {
            let mut figure = yearly(id, "output", year, value, unit);
            figure.region_id = region.to_owned();
            figure
        };
        let mut threshold = in_region("gd-floor-2024", "guangdong", "2024", 900.0, Unit::Count);
        threshold.qualifier = Qualifier::AtLeast;
        let figures = [
            in_region("sz-usd-2023", "shenzhen", "2023", 10.0, Unit::Usd),
            in_region("sz-usd-2024", "shenzhen", "2024", 12.0, Unit::Usd),
            in_region("sz-2023", "shenzhen", "2023", 1.0, Unit::Count),
            in_region("sz-2024", "shenzhen", "2024", 3.0, Unit::Count),
            in_region("gd-2023", "guangdong", "2023", 100.0, Unit::Count),
            threshold,
            in_region("gd-2024", "guangdong", "2024", 150.0, Unit::Count),
        ];
        let derived = transform_series(&figures, Transform::Change);
        let inputs: Vec<[&str; 2]> = derived
            .iter()
            .map(|d| [d.inputs[0].as_str(), d.inputs[1].as_str()])
            .collect();
        // Series by region, then by unit name (count before usd), thresholds apart.
        assert_eq!(
            inputs,
            [
                ["gd-2023", "gd-2024"],
                ["sz-2023", "sz-2024"],
                ["sz-usd-2023", "sz-usd-2024"]
            ]
        );
    }

    #[test]
    fn a_figure_that_is_not_exact_makes_its_changes_approximate() {
        let mut figures = robots();
        figures[0].qualifier = Qualifier::About;
        let derived = transform_series(&figures, Transform::Change);
        assert_eq!(
            derived.iter().map(|d| d.qualifier).collect::<Vec<_>>(),
            [Qualifier::Exact, Qualifier::About]
        );
    }

    #[test]
    fn transforms_are_named_as_the_api_accepts_them() {
        assert_eq!(Transform::parse("pct_change"), Some(Transform::PctChange));
        assert_eq!(Transform::parse("cagr"), Some(Transform::Cagr));
        assert_eq!(Transform::parse("level"), Some(Transform::Level));
        assert_eq!(Transform::parse("change"), Some(Transform::Change));
        assert_eq!(Transform::parse("yoy"), None);
    }
}
