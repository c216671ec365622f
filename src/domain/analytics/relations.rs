//! Figures the source states only relatively (an increase, a share, a growth rate), the
//! relations between them, and the figures those relations imply.

use super::derived::{bounds_in_units, Derivation, DerivedPeriod};
use super::interval::{difference, hull, increasing, quotient};
use super::numbers::show;
use crate::domain::figure::{Bound, Interval, Observation, PeriodKind, Unit};

/// How a stated figure relates to others, where the source states it only relatively.
/// Keyed by observation ids: this is knowledge about the article's sentences, kept beside the
/// arithmetic that uses it.
pub(super) enum Relation {
    /// `change` = `level` at the end minus the level at the start: implies the start level.
    IncreaseSince {
        change: &'static str,
        level: &'static str,
    },
    /// `share` percent of a national total, with `level` the part: implies the total. A
    /// share printed as a fraction `1/n` ("one-ninth") stands for any share nearer to it
    /// than to `1/(n ± 1)`'s midpoints: from `1/(n + 1/2)` to `1/(n - 1/2)`.
    ShareOfTotal {
        share: &'static str,
        level: &'static str,
        printed_as_one_in: Option<u32>,
    },
    /// `growth` percent year on year to `level`: implies the previous period's level.
    GrowthTo {
        growth: &'static str,
        level: &'static str,
    },
    /// `rate` percent average annual growth from `start` to `end` over `span` years.
    AverageGrowth {
        rate: &'static str,
        start: &'static str,
        end: &'static str,
        span: &'static str,
    },
    /// A share whose total the source never gives.
    ShareWithoutTotal { share: &'static str },
}

pub(super) const RELATIONS: &[Relation] = &[
    Relation::IncreaseSince {
        change: "gba-economic-aggregate-change-2018-2024",
        level: "gba-economic-aggregate-2024",
    },
    Relation::ShareOfTotal {
        share: "gba-share-of-national-economy",
        level: "gba-economic-aggregate-2024",
        printed_as_one_in: Some(9),
    },
    Relation::ShareOfTotal {
        share: "marine-gdp-national-share-2024",
        level: "marine-gdp-2024",
        printed_as_one_in: None,
    },
    Relation::GrowthTo {
        growth: "invention-patents-yoy-growth-2024-jan-oct",
        level: "invention-patents-granted-2024-jan-oct",
    },
    Relation::AverageGrowth {
        rate: "hengqin-gdp-average-growth",
        start: "hengqin-gdp-span-start",
        end: "hengqin-gdp-span-end",
        span: "hengqin-gdp-growth-span",
    },
    Relation::ShareWithoutTotal {
        share: "gba-share-of-national-land",
    },
    Relation::ShareWithoutTotal {
        share: "gba-share-of-national-population",
    },
    Relation::ShareWithoutTotal {
        share: "nev-output-national-share-2024",
    },
    Relation::ShareWithoutTotal {
        share: "industrial-robot-output-national-share-2024",
    },
];

/// The figures the relations name: all that [`implied_figures`] reads, and what
/// [`consistency_report`] reads beside the linked figures and the counts; owned, as the
/// store's figure selection takes them.
///
/// [`consistency_report`]: super::consistency::consistency_report
pub fn relation_figure_ids() -> Vec<String> {
    let mut ids = Vec::new();
    for relation in RELATIONS {
        match relation {
            Relation::IncreaseSince { change, level } => ids.extend([*change, *level]),
            Relation::ShareOfTotal { share, level, .. } => ids.extend([*share, *level]),
            Relation::GrowthTo { growth, level } => ids.extend([*growth, *level]),
            Relation::AverageGrowth {
                rate,
                start,
                end,
                span,
            } => ids.extend([*rate, *start, *end, *span]),
            Relation::ShareWithoutTotal { share } => ids.push(*share),
        }
    }
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter().map(str::to_owned).collect()
}

/// Whether figures of this indicator count a cluster group's members, which the consistency
/// report checks against the members the source names.
pub fn counts_group_members(indicator_id: &str) -> bool {
    indicator_id.ends_with("cluster-count")
        || indicator_id.starts_with("trillion-yuan-clusters-besides")
}

pub(super) fn find<'a>(figures: &'a [Observation], id: &str) -> Option<&'a Observation> {
    figures.iter().find(|f| f.id == id)
}

/// Figures the source implies but does not state: the start level of an increase, the
/// national total behind a share, the previous period behind a growth rate; in the order the
/// relations are listed, for those whose figures the data holds. Each is a derived figure,
/// its bounds from its inputs' bounds.
pub fn implied_figures(figures: &[Observation]) -> Vec<Observation> {
    RELATIONS
        .iter()
        .filter_map(|relation| implied_figure(figures, relation))
        .collect()
}

/// The figure one relation implies, when the data holds the figures it names.
fn implied_figure(figures: &[Observation], relation: &Relation) -> Option<Observation> {
    match relation {
        Relation::IncreaseSince { change, level } => {
            Some(implied_start(find(figures, change)?, find(figures, level)?))
        }
        Relation::ShareOfTotal {
            share,
            level,
            printed_as_one_in,
        } => Some(implied_national_total(
            find(figures, share)?,
            find(figures, level)?,
            *printed_as_one_in,
        )),
        Relation::GrowthTo { growth, level } => Some(implied_previous(
            find(figures, growth)?,
            find(figures, level)?,
        )),
        Relation::AverageGrowth { .. } | Relation::ShareWithoutTotal { .. } => None,
    }
}

/// A period of one kind from `start` to `end`.
fn period(
    kind: PeriodKind,
    start: Option<String>,
    end: Option<String>,
    label: String,
) -> DerivedPeriod {
    DerivedPeriod {
        kind,
        start,
        end,
        label,
    }
}

/// The level at the start of a stated increase: the level now minus the increase.
fn implied_start(change: &Observation, level: &Observation) -> Observation {
    let start = change.period_start.clone();
    Derivation {
        id: format!("{}-implied-start", change.id),
        about: level,
        inputs: vec![level, change],
        description: format!(
            "{} in {}, implied by the stated increase",
            level.indicator_name,
            start.clone().unwrap_or_default()
        ),
        value_in_units: level.value_in_units - change.value_in_units,
        bounds_in_units: difference(bounds_in_units(level), bounds_in_units(change)),
        unit: level.unit,
        scale: level.scale,
        period: period(
            PeriodKind::Year,
            start.clone(),
            start.clone(),
            start.unwrap_or_default(),
        ),
        formula: format!(
            "{} - {}",
            show(level.value_in_units),
            show(change.value_in_units)
        ),
    }
    .figure()
}

/// The national total a part is the stated share of: the part divided by the share.
fn implied_national_total(
    share: &Observation,
    level: &Observation,
    printed_as_one_in: Option<u32>,
) -> Observation {
    let share_bounds = match printed_as_one_in {
        Some(n) => Interval {
            lower: Some(Bound::inclusive(100.0 / (f64::from(n) + 0.5))),
            upper: Some(Bound::inclusive(100.0 / (f64::from(n) - 0.5))),
        },
        None => bounds_in_units(share),
    };
    let fraction = increasing(share_bounds, |percent| percent / 100.0);
    Derivation {
        id: format!("{}-implied-national-total", share.id),
        about: level,
        inputs: vec![level, share],
        description: format!(
            "China's total implied by {} being {} of it",
            level.indicator_name, share.stated
        ),
        value_in_units: level.value_in_units / (share.value_in_units / 100.0),
        bounds_in_units: quotient(bounds_in_units(level), fraction).unwrap_or(Interval::UNBOUNDED),
        unit: level.unit,
        scale: level.scale,
        period: period(
            level.period_kind,
            level.period_start.clone(),
            level.period_end.clone(),
            level.period_label.clone(),
        ),
        formula: format!(
            "{} / ({} / 100)",
            show(level.value_in_units),
            show(share.value_in_units)
        ),
    }
    .figure()
}

/// The level a year before one that grew by the stated rate: the level divided by 1 + the
/// rate, over the same months a year earlier. A count comes in whole units: rounded, its
/// bounds hold the rounding (half a unit either side) as well.
fn implied_previous(growth: &Observation, level: &Observation) -> Observation {
    let (start, end) = (
        year_earlier(&level.period_start),
        year_earlier(&level.period_end),
    );
    let factor = increasing(bounds_in_units(growth), |rate| 1.0 + rate / 100.0);
    let previous = level.value_in_units / (1.0 + growth.value_in_units / 100.0);
    let mut bounds = quotient(bounds_in_units(level), factor).unwrap_or(Interval::UNBOUNDED);
    let value = if level.unit == Unit::Count {
        let whole = previous.round();
        let rounding = Interval {
            lower: Some(Bound::inclusive(whole - 0.5)),
            upper: Some(Bound::inclusive(whole + 0.5)),
        };
        bounds = hull(bounds, rounding);
        whole
    } else {
        previous
    };
    Derivation {
        id: format!("{}-implied-previous", level.id),
        about: level,
        inputs: vec![level, growth],
        description: format!(
            "{} a year earlier, implied by the stated growth",
            level.indicator_name
        ),
        value_in_units: value,
        bounds_in_units: bounds,
        unit: level.unit,
        scale: level.scale,
        period: period(
            level.period_kind,
            start.clone(),
            end.clone(),
            format!(
                "{} to {}",
                start.clone().unwrap_or_default(),
                end.clone().unwrap_or_default()
            ),
        ),
        formula: format!(
            "{} / (1 + {} / 100)",
            show(level.value_in_units),
            show(growth.value_in_units)
        ),
    }
    .figure()
}

/// The same period a year earlier: `2024-01` becomes `2023-01`; `None` without a year.
fn year_earlier(period: &Option<String>) -> Option<String> {
    let period = period.as_deref()?;
    let year: i32 = period.get(..4)?.parse().ok()?;
    Some(format!("{}{}", year - 1, period.get(4..).unwrap_or("")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::analytics::fixtures::{figure, in_period};
    use crate::domain::figure::{Qualifier, Scale};

    /// The Greater Bay Area's 14.5 trillion yuan in 2024, 3.7 trillion more than in 2018.
    fn gba_growth() -> (Observation, Observation) {
        let level = figure(
            "gba-economic-aggregate-2024",
            14.5,
            Scale::Trillion,
            Unit::Cny,
        );
        let change = Observation {
            ..in_period(
                figure(
                    "gba-economic-aggregate-change-2018-2024",
                    3.7,
                    Scale::Trillion,
                    Unit::Cny,
                ),
                PeriodKind::Span,
                "2018",
                "2024",
            )
        };
        (change, level)
    }

    #[test]
    fn an_increase_implies_the_level_it_started_from() {
        let (change, level) = gba_growth();
        let start = implied_start(&change, &level);
        assert_eq!(
            start.id,
            "gba-economic-aggregate-change-2018-2024-implied-start"
        );
        assert_eq!(start.indicator_id, "gba-economic-aggregate-2024");
        assert_eq!(
            (start.value, start.scale),
            (10.8, Scale::Trillion),
            "14.5 - 3.7 trillion"
        );
        assert_eq!(start.value_in_units, 10.8e12);
        assert_eq!(start.unit, Unit::Cny);
        assert_eq!(
            start.formula.as_deref(),
            Some("14500000000000 - 3700000000000")
        );
        assert_eq!(
            (start.period_start.as_deref(), start.period_end.as_deref()),
            (Some("2018"), Some("2018"))
        );
        assert_eq!(start.period_label, "2018");
        assert_eq!(
            start.stated,
            "the gba-economic-aggregate-2024 in 2018, implied by the stated increase"
        );
        assert_eq!(start.qualifier, Qualifier::Exact, "both inputs are exact");
        assert_eq!(start.bounds(), Interval::point(10.8));
        assert_eq!(
            start.derived_from,
            Some(vec![level.id.clone(), change.id.clone()])
        );
    }

    #[test]
    fn a_share_implies_the_national_total() {
        // 14.5 trillion as one-ninth (11.1111111111%) of China's economy: 130.5 trillion, the
        // float noise of the stored share rounded away.
        let (_, level) = gba_growth();
        let share = Observation {
            stated: "one-ninth".to_owned(),
            ..figure("gba-share", 11.1111111111, Scale::Unit, Unit::Percent)
        };
        let total = implied_national_total(&share, &level, Some(9));
        assert_eq!(total.id, "gba-share-implied-national-total");
        assert_eq!(total.value_in_units, 130.5e12);
        assert_eq!(
            total.formula.as_deref(),
            Some("14500000000000 / (11.111111 / 100)")
        );
        // One-ninth is any share from 1/9.5 to 1/8.5: 14.5 × 8.5 = 123.25 to 14.5 × 9.5 =
        // 137.75 trillion.
        assert_eq!(
            total.qualifier,
            Qualifier::About,
            "a printed share is rounded"
        );
        assert_eq!(
            (total.lower_bound, total.upper_bound),
            (Some(123.25), Some(137.75))
        );
        assert_eq!(
            total.stated,
            "China's total implied by the gba-economic-aggregate-2024 being one-ninth of it"
        );
        assert_eq!(total.period_label, "2024");
        // Taken as stated (exact), the share implies exactly its total.
        let exact = implied_national_total(&share, &level, None);
        assert_eq!(exact.qualifier, Qualifier::Exact);
    }

    #[test]
    fn a_growth_rate_implies_the_level_a_year_earlier() {
        // 110 patents in January to October, 10% more than a year earlier: 100.
        let level = Observation {
            ..in_period(
                figure("patents", 110.0, Scale::Unit, Unit::Count),
                PeriodKind::Span,
                "2024-01",
                "2024-10",
            )
        };
        let growth = figure("patents-growth", 10.0, Scale::Unit, Unit::Percent);
        let previous = implied_previous(&growth, &level);
        assert_eq!(previous.id, "patents-implied-previous");
        assert_eq!(previous.value, 100.0);
        assert_eq!(previous.unit, Unit::Count);
        assert_eq!(previous.formula.as_deref(), Some("110 / (1 + 10 / 100)"));
        assert_eq!(previous.period_label, "2023-01 to 2023-10");
        assert_eq!(previous.period_start.as_deref(), Some("2023-01"));
        // Rounded to a whole count: half a patent either side.
        assert_eq!(previous.qualifier, Qualifier::About);
        assert_eq!(
            (previous.lower_bound, previous.upper_bound),
            (Some(99.5), Some(100.5))
        );

        // A count comes in whole units: 100 / 1.03 = 97.09 is 97; money keeps its digits.
        let growth = figure("growth", 3.0, Scale::Unit, Unit::Percent);
        let count = figure("count", 100.0, Scale::Unit, Unit::Count);
        assert_eq!(implied_previous(&growth, &count).value, 97.0);
        let money = figure("money", 100.0, Scale::Unit, Unit::Cny);
        assert_eq!(implied_previous(&growth, &money).value, 97.0873786);
    }

    #[test]
    fn a_year_earlier_keeps_the_months() {
        assert_eq!(
            year_earlier(&Some("2024-01".to_owned())).as_deref(),
            Some("2023-01")
        );
        assert_eq!(
            year_earlier(&Some("2024".to_owned())).as_deref(),
            Some("2023")
        );
        assert_eq!(year_earlier(&Some("soon".to_owned())), None);
        assert_eq!(year_earlier(&None), None);
    }

    #[test]
    fn the_relations_imply_figures_only_where_the_data_holds_both_sides() {
        let (change, level) = gba_growth();
        let marine = figure("marine-gdp-2024", 2.0, Scale::Trillion, Unit::Cny);
        let marine_share = figure(
            "marine-gdp-national-share-2024",
            7.8,
            Scale::Unit,
            Unit::Percent,
        );
        // A growth rate without its level implies nothing.
        let lone_growth = figure(
            "invention-patents-yoy-growth-2024-jan-oct",
            18.0,
            Scale::Unit,
            Unit::Percent,
        );
        let figures = [marine_share, lone_growth, level, change, marine];
        let ids: Vec<String> = implied_figures(&figures)
            .into_iter()
            .map(|d| d.id)
            .collect();
        assert_eq!(
            ids,
            [
                "gba-economic-aggregate-change-2018-2024-implied-start",
                "marine-gdp-national-share-2024-implied-national-total"
            ],
            "in the order of the relations"
        );
        assert!(implied_figures(&[]).is_empty());
    }

    #[test]
    fn the_relations_name_each_figure_they_read_once() {
        let ids = relation_figure_ids();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted, "sorted, without repeats");
        for id in [
            "gba-economic-aggregate-2024",
            "gba-economic-aggregate-change-2018-2024",
            "hengqin-gdp-growth-span",
            "industrial-robot-output-national-share-2024",
        ] {
            assert!(ids.iter().any(|named| named == id), "{id}");
        }
    }

    #[test]
    fn counts_of_clusters_are_the_figures_checked_against_named_members() {
        assert!(counts_group_members("trillion-yuan-cluster-count"));
        assert!(counts_group_members(
            "trillion-yuan-clusters-besides-auto-and-new-energy"
        ));
        assert!(!counts_group_members("rd-expenditure"));
    }
}
