//! What makes stated figures one series: one subject (indicator × region × cluster × cluster
//! group × company × city plan) at one frequency (periods of one length, starting at the same
//! place in the year: yearly, quarterly, monthly, or spans of one fixed length). And why a
//! stated figure is no point of any series.

use std::fmt;

use serde::Serialize;

use crate::domain::figure::{Observation, PeriodKind};

/// What a figure is about: one series per frequency.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
pub struct Subject {
    /// The indicator's id.
    pub indicator: String,
    /// The region's id.
    pub region: String,
    pub cluster: Option<String>,
    pub cluster_group: Option<String>,
    pub company: Option<String>,
    pub city_plan: Option<String>,
}

impl Subject {
    pub fn of(figure: &Observation) -> Subject {
        Subject {
            indicator: figure.indicator_id.clone(),
            region: figure.region_id.clone(),
            cluster: figure.cluster_id.clone(),
            cluster_group: figure.cluster_group_id.clone(),
            company: figure.company_id.clone(),
            city_plan: figure.city_plan_id.clone(),
        }
    }

    /// The ids that tell it from the other subjects of its indicator, as one slug: the region,
    /// then the cluster, group, company and plan it names.
    pub fn slug(&self) -> String {
        let mut parts = vec![self.region.as_str()];
        parts.extend(
            [
                &self.cluster,
                &self.cluster_group,
                &self.company,
                &self.city_plan,
            ]
            .into_iter()
            .flatten()
            .map(String::as_str),
        );
        parts.join("-")
    }
}

impl fmt::Display for Subject {
    /// `cluster-operating-revenue in guangdong (cluster automotive, cluster group ...)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} in {}", self.indicator, self.region)?;
        let named: Vec<String> = [
            ("cluster", &self.cluster),
            ("cluster group", &self.cluster_group),
            ("company", &self.company),
            ("city plan", &self.city_plan),
        ]
        .into_iter()
        .filter_map(|(noun, id)| id.as_ref().map(|id| format!("{noun} {id}")))
        .collect();
        if !named.is_empty() {
            write!(f, " ({})", named.join(", "))?;
        }
        Ok(())
    }
}

/// A period as the months it covers, from `first` to `last` inclusive (months counted from
/// January of year 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Months {
    pub first: i32,
    pub last: i32,
}

impl Months {
    /// The months of a stated period: `2024` is January to December, `2024-03` March.
    pub fn of(start: &str, end: &str) -> Option<Months> {
        let months = Months {
            first: month(start, false)?,
            last: month(end, true)?,
        };
        (months.first <= months.last).then_some(months)
    }

    pub fn length(&self) -> i32 {
        self.last - self.first + 1
    }
}

/// `2024` (its first or last month) or `2024-03`, as a month count.
fn month(text: &str, last: bool) -> Option<i32> {
    let year: i32 = text.get(..4)?.parse().ok()?;
    let month = match text.get(4..) {
        Some("") => {
            if last {
                12
            } else {
                1
            }
        }
        Some(rest) => rest.strip_prefix('-')?.parse().ok()?,
        None => return None,
    };
    (1..=12).contains(&month).then_some(year * 12 + month - 1)
}

/// How often a series is observed: its periods' length, and where in the year they start
/// (modulo the length's share of a year), so that calendar and fiscal years, or quarters
/// and three months from February, are different series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Frequency {
    pub months: i32,
    pub phase: i32,
}

impl Frequency {
    pub fn of(period: Months) -> Frequency {
        let months = period.length();
        let step = gcd(months, 12);
        Frequency {
            months,
            phase: period.first.rem_euclid(12) % step,
        }
    }
}

fn gcd(a: i32, b: i32) -> i32 {
    if b == 0 {
        a.abs()
    } else {
        gcd(b, a % b)
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.months, self.phase) {
            (1, _) => f.write_str("monthly"),
            (3, 0) => f.write_str("quarterly"),
            (12, 0) => f.write_str("yearly"),
            (months, 0) if months % 12 == 0 => write!(f, "{}-year", months / 12),
            (months, _) => write!(f, "{months}-month"),
        }
    }
}

/// Why a stated figure is no point of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unplaced {
    /// A caption or infographic repeating another figure.
    Repeat,
    /// A dollar amount printed beside a yuan one.
    DollarEquivalent,
    /// A plan or goal.
    Target,
    /// The state of things at a date, not a period.
    AsOf,
    /// A run of consecutive years.
    Streak,
    /// No period, or one without a start or an end.
    Undated,
}

impl Unplaced {
    /// Why, in words, after the ids of the `count` figures it holds for.
    pub fn reason(self, count: usize) -> &'static str {
        let (one, several) = match self {
            Unplaced::Repeat => (
                "repeats another figure (a caption or an infographic)",
                "repeat other figures (captions or infographics)",
            ),
            Unplaced::DollarEquivalent => (
                "is a dollar amount printed beside a yuan one",
                "are dollar amounts printed beside yuan ones",
            ),
            Unplaced::Target => (
                "is a target, not a period of a series",
                "are targets, not periods of a series",
            ),
            Unplaced::AsOf => (
                "is a state as of a date, not a period of a series",
                "are states as of a date, not periods of a series",
            ),
            Unplaced::Streak => (
                "is a streak of consecutive years, not a period of a series",
                "are streaks of consecutive years, not periods of a series",
            ),
            Unplaced::Undated => (
                "carries no years, or a period without a start or an end",
                "carry no years, or periods without a start or an end",
            ),
        };
        if count == 1 {
            one
        } else {
            several
        }
    }
}

/// The months of the period a stated figure is a point of a series at, or why it is none.
pub fn place(figure: &Observation) -> Result<Months, Unplaced> {
    if figure.restates.is_some() {
        return Err(Unplaced::Repeat);
    }
    if figure.equivalent_of.is_some() {
        return Err(Unplaced::DollarEquivalent);
    }
    let (start, end) = (figure.period_start.as_deref(), figure.period_end.as_deref());
    match figure.period_kind {
        PeriodKind::Year => {
            let (start, end) = match (start, end) {
                (Some(start), Some(end)) => (start, end),
                (Some(one), None) | (None, Some(one)) => (one, one),
                (None, None) => return Err(Unplaced::Undated),
            };
            Months::of(start, end).ok_or(Unplaced::Undated)
        }
        PeriodKind::Span => Months::of(
            start.ok_or(Unplaced::Undated)?,
            end.ok_or(Unplaced::Undated)?,
        )
        .ok_or(Unplaced::Undated),
        PeriodKind::Target => Err(Unplaced::Target),
        PeriodKind::AsOf => Err(Unplaced::AsOf),
        PeriodKind::Streak => Err(Unplaced::Streak),
        PeriodKind::Unspecified => Err(Unplaced::Undated),
    }
}

/// The last `n` figures of each series (one subject at one frequency) among `figures`, in the
/// order given: the `n` latest periods of each, a later period being one that starts later
/// (then ends later; then the later of two figures given). A figure that is no point of any
/// series ([`place`]) is left out.
pub fn latest_of_each_series(figures: Vec<Observation>, n: usize) -> Vec<Observation> {
    let mut series: std::collections::BTreeMap<(Subject, Frequency), Vec<(Months, usize)>> =
        std::collections::BTreeMap::new();
    for (index, figure) in figures.iter().enumerate() {
        if let Ok(months) = place(figure) {
            series
                .entry((Subject::of(figure), Frequency::of(months)))
                .or_default()
                .push((months, index));
        }
    }
    let mut kept = vec![false; figures.len()];
    for mut points in series.into_values() {
        points.sort_by(|a, b| b.cmp(a));
        for (_, index) in points.into_iter().take(n) {
            kept[index] = true;
        }
    }
    figures
        .into_iter()
        .zip(kept)
        .filter_map(|(figure, kept)| kept.then_some(figure))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::analytics::fixtures::{in_period, yearly};
    use crate::domain::figure::Unit;

    fn frequency(start: &str, end: &str) -> Frequency {
        Frequency::of(Months::of(start, end).unwrap())
    }

    #[test]
    fn periods_are_months() {
        assert_eq!(
            Months::of("2024", "2024"),
            Some(Months {
                first: 2024 * 12,
                last: 2024 * 12 + 11
            })
        );
        assert_eq!(Months::of("2024-03", "2024-03").unwrap().length(), 1);
        assert_eq!(Months::of("2018", "2024").unwrap().length(), 84);
        assert_eq!(Months::of("2024-01", "2024-10").unwrap().length(), 10);
        assert_eq!(Months::of("2024", "2023"), None, "ends before it starts");
        assert_eq!(Months::of("2024-13", "2024-13"), None);
        assert_eq!(Months::of("soon", "2024"), None);
    }

    #[test]
    fn frequencies_are_lengths_at_a_place_in_the_year() {
        assert_eq!(frequency("2024", "2024").to_string(), "yearly");
        assert_eq!(frequency("2024-01", "2024-12"), frequency("2023", "2023"));
        assert_eq!(frequency("2024-04", "2024-06").to_string(), "quarterly");
        assert_eq!(
            frequency("2024-04", "2024-06"),
            frequency("2024-01", "2024-03")
        );
        assert_eq!(frequency("2024-03", "2024-03").to_string(), "monthly");
        assert_eq!(frequency("2019", "2024").to_string(), "6-year");
        assert_eq!(frequency("2024-01", "2024-10").to_string(), "10-month");
        // A fiscal year is no calendar year, and three months from February no quarter.
        assert_ne!(frequency("2023-07", "2024-06"), frequency("2024", "2024"));
        assert_ne!(
            frequency("2024-02", "2024-04"),
            frequency("2024-01", "2024-03")
        );
        assert_eq!(frequency("2024-02", "2024-04").to_string(), "3-month");
    }

    #[test]
    fn only_dated_periods_of_stated_figures_are_points() {
        let year = yearly("a-2024", "a", "2024", 1.0, Unit::Count);
        assert!(place(&year).is_ok());
        let kinds = [
            (PeriodKind::Target, Unplaced::Target),
            (PeriodKind::AsOf, Unplaced::AsOf),
            (PeriodKind::Streak, Unplaced::Streak),
            (PeriodKind::Unspecified, Unplaced::Undated),
        ];
        for (kind, why) in kinds {
            let figure = in_period(year.clone(), kind, "2020", "2024");
            assert_eq!(place(&figure), Err(why), "{kind:?}");
        }
        let mut open = in_period(year.clone(), PeriodKind::Span, "2020", "2024");
        open.period_end = None;
        assert_eq!(place(&open), Err(Unplaced::Undated));
        let repeat = Observation {
            restates: Some("a".to_owned()),
            ..year.clone()
        };
        assert_eq!(place(&repeat), Err(Unplaced::Repeat));
        let dollars = Observation {
            equivalent_of: Some("a".to_owned()),
            ..year
        };
        assert_eq!(place(&dollars), Err(Unplaced::DollarEquivalent));
    }

    #[test]
    fn the_latest_of_each_series_are_its_last_periods_in_the_order_given() {
        let ids = |figures: &[Observation]| -> Vec<String> {
            figures.iter().map(|f| f.id.clone()).collect()
        };
        let figures = vec![
            yearly("a-2024", "a", "2024", 3.0, Unit::Count),
            yearly("a-2022", "a", "2022", 1.0, Unit::Count),
            yearly("b-2020", "b", "2020", 1.0, Unit::Count),
            yearly("a-2023", "a", "2023", 2.0, Unit::Count),
            // Another frequency of the same subject: a series of its own.
            in_period(
                yearly("a-2019-2024", "a", "2019", 9.0, Unit::Count),
                PeriodKind::Span,
                "2019",
                "2024",
            ),
            // A target is no point of a series.
            in_period(
                yearly("a-2030", "a", "2030", 5.0, Unit::Count),
                PeriodKind::Target,
                "2030",
                "2030",
            ),
        ];
        assert_eq!(
            ids(&latest_of_each_series(figures.clone(), 1)),
            ["a-2024", "b-2020", "a-2019-2024"]
        );
        assert_eq!(
            ids(&latest_of_each_series(figures.clone(), 2)),
            ["a-2024", "b-2020", "a-2023", "a-2019-2024"]
        );
        assert_eq!(latest_of_each_series(figures, 10).len(), 5);
    }

    #[test]
    fn a_subject_is_named_by_its_ids() {
        let mut figure = yearly("a-2024", "revenue", "2024", 1.0, Unit::Cny);
        figure.cluster_id = Some("automotive".to_owned());
        let subject = Subject::of(&figure);
        assert_eq!(subject.slug(), "guangdong-automotive");
        assert_eq!(
            subject.to_string(),
            "revenue in guangdong (cluster automotive)"
        );
    }
}
