//! Figures the source states only relatively (an increase, a share, a growth rate), the
//! relations between them, and the figures those relations imply.

use super::derived::{combined, DerivedFigure, DerivedPeriod};
use super::numbers::{show, significant};
use crate::domain::figure::{Observation, Qualifier, Unit};

/// How a stated figure relates to others, where the source states it only relatively.
/// Keyed by observation ids: this is knowledge about the article's sentences, kept beside the
/// arithmetic that uses it.
pub(super) enum Relation {
    /// `change` = `level` at the end minus the level at the start: implies the start level.
    IncreaseSince {
        change: &'static str,
        level: &'static str,
    },
    /// `share` percent of a national total, with `level` the part: implies the total.
    ShareOfTotal {
        share: &'static str,
        level: &'static str,
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
    },
    Relation::ShareOfTotal {
        share: "marine-gdp-national-share-2024",
        level: "marine-gdp-2024",
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
            Relation::ShareOfTotal { share, level } => ids.extend([*share, *level]),
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
/// national total behind a share, the previous period behind a growth rate.
pub fn implied_figures(figures: &[Observation]) -> Vec<DerivedFigure> {
    let mut derived = Vec::new();
    for relation in RELATIONS {
        match relation {
            Relation::IncreaseSince { change, level } => {
                let (Some(change), Some(level)) = (find(figures, change), find(figures, level))
                else {
                    continue;
                };
                derived.push(DerivedFigure {
                    id: format!("{}-implied-start", change.id),
                    indicator: level.indicator_id.clone(),
                    derived: true,
                    description: format!(
                        "{} in {}, implied by the stated increase",
                        level.indicator_name,
                        change.period_start.clone().unwrap_or_default()
                    ),
                    value: significant(level.value_in_units - change.value_in_units),
                    unit: level.unit,
                    qualifier: combined(&[level.qualifier, change.qualifier]),
                    period: DerivedPeriod {
                        start: change.period_start.clone(),
                        end: change.period_start.clone(),
                        label: change.period_start.clone().unwrap_or_default(),
                    },
                    formula: format!(
                        "{} - {}",
                        show(level.value_in_units),
                        show(change.value_in_units)
                    ),
                    inputs: vec![level.id.clone(), change.id.clone()],
                });
            }
            Relation::ShareOfTotal { share, level } => {
                let (Some(share), Some(level)) = (find(figures, share), find(figures, level))
                else {
                    continue;
                };
                derived.push(DerivedFigure {
                    id: format!("{}-implied-national-total", share.id),
                    indicator: level.indicator_id.clone(),
                    derived: true,
                    description: format!(
                        "China's total implied by {} being {} of it",
                        level.indicator_name, share.stated
                    ),
                    value: significant(level.value_in_units / (share.value_in_units / 100.0)),
                    unit: level.unit,
                    // A printed share ("one-ninth") is rounded, so the total it implies is too.
                    qualifier: Qualifier::About,
                    period: DerivedPeriod {
                        start: level.period_start.clone(),
                        end: level.period_end.clone(),
                        label: level.period_label.clone(),
                    },
                    formula: format!(
                        "{} / ({} / 100)",
                        show(level.value_in_units),
                        show(share.value_in_units)
                    ),
                    inputs: vec![level.id.clone(), share.id.clone()],
                });
            }
            Relation::GrowthTo { growth, level } => {
                let (Some(growth), Some(level)) = (find(figures, growth), find(figures, level))
                else {
                    continue;
                };
                let previous = |period: &Option<String>| {
                    period.as_deref().and_then(|p| {
                        let year: i32 = p.get(..4)?.parse().ok()?;
                        Some(format!("{}{}", year - 1, p.get(4..).unwrap_or("")))
                    })
                };
                let (start, end) = (previous(&level.period_start), previous(&level.period_end));
                derived.push(DerivedFigure {
                    id: format!("{}-implied-previous", level.id),
                    indicator: level.indicator_id.clone(),
                    derived: true,
                    description: format!(
                        "{} a year earlier, implied by the stated growth",
                        level.indicator_name
                    ),
                    value: {
                        let previous = level.value_in_units / (1.0 + growth.value_in_units / 100.0);
                        // A count comes in whole units.
                        if level.unit == Unit::Count {
                            previous.round()
                        } else {
                            significant(previous)
                        }
                    },
                    unit: level.unit,
                    // A rounded growth rate implies an approximate earlier level.
                    qualifier: Qualifier::About,
                    period: DerivedPeriod {
                        label: format!(
                            "{} to {}",
                            start.clone().unwrap_or_default(),
                            end.clone().unwrap_or_default()
                        ),
                        start,
                        end,
                    },
                    formula: format!(
                        "{} / (1 + {} / 100)",
                        show(level.value_in_units),
                        show(growth.value_in_units)
                    ),
                    inputs: vec![level.id.clone(), growth.id.clone()],
                });
            }
            Relation::AverageGrowth { .. } | Relation::ShareWithoutTotal { .. } => {}
        }
    }
    derived
}
