//! Analytics over the stored figures: the exchange rate the source itself implies, currency and
//! scale conversion, FRED-style transforms of a series, figures implied by relative statements,
//! and the consistency report that checks the source against itself. Pure functions over
//! [`Observation`]s; the handlers and the `check` command only load data and render. Each
//! reads a handful of figures however many are stored, and they load just those
//! ([`crate::store::related_observations`]).

use serde::Serialize;

use crate::model::{Observation, PeriodKind, Qualifier, Scale, Unit};

/// Printed-dollar amounts are rounded to their last printed digit; a check of one allows half
/// of that digit either way.
fn printed_precision(stated: &str) -> f64 {
    let number: String = stated
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let decimals = number.split_once('.').map_or(0, |(_, d)| d.len());
    0.5 * 10f64.powi(-(decimals as i32))
}

fn multiplier(scale: Scale) -> f64 {
    match scale {
        Scale::Unit => 1.0,
        Scale::Thousand => 1e3,
        Scale::Million => 1e6,
        Scale::Billion => 1e9,
        Scale::Trillion => 1e12,
    }
}

/// One yuan amount and the dollar amount the source prints beside it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RatePair {
    pub cny_observation: String,
    pub usd_observation: String,
    pub cny_per_usd: f64,
}

/// The yuan-per-dollar rate the source implies: the median of the rates of its printed pairs.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExchangeRate {
    pub cny_per_usd: f64,
    pub method: String,
    pub pairs: Vec<RatePair>,
}

/// Derives the source's exchange rate from the figures that print a dollar equivalent.
pub fn exchange_rate(figures: &[Observation]) -> Option<ExchangeRate> {
    let mut pairs: Vec<RatePair> = figures
        .iter()
        .filter(|f| f.unit == Unit::Usd)
        .filter_map(|usd| {
            let cny_id = usd.equivalent_of.as_ref()?;
            let cny = figures
                .iter()
                .find(|f| &f.id == cny_id && f.unit == Unit::Cny)?;
            Some(RatePair {
                cny_observation: cny.id.clone(),
                usd_observation: usd.id.clone(),
                cny_per_usd: cny.value_in_units / usd.value_in_units,
            })
        })
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let mut rates: Vec<f64> = pairs.iter().map(|p| p.cny_per_usd).collect();
    rates.sort_by(f64::total_cmp);
    let middle = rates.len() / 2;
    let median = if rates.len() % 2 == 1 {
        rates[middle]
    } else {
        (rates[middle - 1] + rates[middle]) / 2.0
    };
    pairs.sort_by(|a, b| a.cny_per_usd.total_cmp(&b.cny_per_usd));
    Some(ExchangeRate {
        cny_per_usd: median,
        method: format!(
            "median of the {} yuan-per-dollar rates implied by the dollar equivalents the source prints",
            pairs.len()
        ),
        pairs,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Currency {
    Cny,
    Usd,
}

impl Currency {
    pub fn parse(code: &str) -> Option<Currency> {
        match code {
            "CNY" => Some(Currency::Cny),
            "USD" => Some(Currency::Usd),
            _ => None,
        }
    }

    fn unit(self) -> Unit {
        match self {
            Currency::Cny => Unit::Cny,
            Currency::Usd => Unit::Usd,
        }
    }
}

/// How a returned figure differs from the stated one.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Conversion {
    /// The figure as stored: value, scale and unit.
    #[serde(serialize_with = "crate::model::serialize_number")]
    pub stated_value: f64,
    pub stated_scale: Scale,
    pub stated_unit: Unit,
    /// Yuan per dollar, when the currency changed.
    pub cny_per_usd: Option<f64>,
    pub rate_method: Option<String>,
}

/// Re-expresses a money figure in `currency` and `scale` (either optional). Other figures, and
/// money figures when no rate is known, are returned unchanged.
pub fn convert(
    mut figure: Observation,
    currency: Option<Currency>,
    scale: Option<Scale>,
    rate: Option<&ExchangeRate>,
) -> Observation {
    if !matches!(figure.unit, Unit::Cny | Unit::Usd) {
        return figure;
    }
    let stated = (figure.value, figure.scale, figure.unit);
    let mut cny_per_usd = None;
    if let Some(target) = currency {
        if target.unit() != figure.unit {
            let Some(rate) = rate else {
                return figure;
            };
            figure.value_in_units = match target {
                Currency::Usd => figure.value_in_units / rate.cny_per_usd,
                Currency::Cny => figure.value_in_units * rate.cny_per_usd,
            };
            figure.unit = target.unit();
            cny_per_usd = Some(rate.cny_per_usd);
            // A converted amount is only as exact as the rate, which the source rounds.
            if figure.qualifier == Qualifier::Exact {
                figure.qualifier = Qualifier::About;
            }
        }
    }
    figure.value_in_units = significant(figure.value_in_units);
    let target_scale = scale.unwrap_or(figure.scale);
    figure.scale = target_scale;
    figure.value = significant(figure.value_in_units / multiplier(target_scale));
    if (figure.value, figure.scale, figure.unit) == stated {
        return figure;
    }
    figure.currency = Some(figure.unit.currency_code().unwrap_or_default().to_owned());
    figure.conversion = Some(Conversion {
        stated_value: stated.0,
        stated_scale: stated.1,
        stated_unit: stated.2,
        rate_method: cny_per_usd.and(rate.map(|r| r.method.clone())),
        cny_per_usd,
    });
    figure
}

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

/// A value computed from stated figures, never stated itself.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DerivedFigure {
    pub id: String,
    pub indicator: String,
    pub derived: bool,
    pub description: String,
    #[serde(serialize_with = "crate::model::serialize_number")]
    pub value: f64,
    pub unit: Unit,
    /// `exact` only when every input is; otherwise `about`.
    pub qualifier: Qualifier,
    pub period: DerivedPeriod,
    /// The arithmetic, with the numbers used.
    pub formula: String,
    /// The stated figures it comes from.
    pub inputs: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DerivedPeriod {
    pub start: Option<String>,
    pub end: Option<String>,
    pub label: String,
}

fn year_of(period: &Option<String>) -> Option<f64> {
    period.as_deref()?.get(..4)?.parse().ok()
}

fn combined(qualifiers: &[Qualifier]) -> Qualifier {
    if qualifiers.iter().all(|q| *q == Qualifier::Exact) {
        Qualifier::Exact
    } else {
        Qualifier::About
    }
}

/// Rounds a computed number to 9 significant digits, dropping float noise such as
/// 130500000000130.5 (from one-ninth stored as 11.1111111111 percent) without hiding anything a
/// reader could check by hand.
pub fn significant(value: f64) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let digits = 9 - 1 - value.abs().log10().floor() as i32;
    let factor = 10f64.powi(digits);
    (value * factor).round() / factor
}

/// Round for display in formulas: enough digits to check by hand.
fn show(value: f64) -> String {
    let text = format!("{value:.6}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Transforms a series of stated figures (one indicator, one region, one unit) between
/// consecutive periods. `Level` returns nothing: the stated figures are the levels.
pub fn transform_series(series: &[Observation], transform: Transform) -> Vec<DerivedFigure> {
    // Only dated periods of one subject make a series: a report date (as_of), a target or an
    // undated figure is not a point in time to grow from, and two clusters are two series.
    let mut points: Vec<&Observation> = series
        .iter()
        .filter(|f| f.restates.is_none() && f.equivalent_of.is_none())
        .filter(|f| matches!(f.period.kind, PeriodKind::Year | PeriodKind::Span))
        .filter(|f| f.period.end.is_some() || f.period.start.is_some())
        .collect();
    let subject = |f: &Observation| {
        (
            f.region.id.clone(),
            f.cluster.clone(),
            f.cluster_group.clone(),
            f.company.clone(),
            f.city_plan.clone(),
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
            a.period.end.clone().or(a.period.start.clone()),
            b.period.end.clone().or(b.period.start.clone()),
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
            value,
            unit,
            qualifier: combined(&[a.qualifier, b.qualifier]),
            period: DerivedPeriod {
                label: format!("{} to {}", a.period.label, b.period.label),
                start: from,
                end: to,
            },
            formula,
            inputs: vec![a.id.clone(), b.id.clone()],
        });
    }
    derived
}

/// How a stated figure relates to others, where the source states it only relatively.
/// Keyed by observation ids: this is knowledge about the article's sentences, kept beside the
/// arithmetic that uses it.
enum Relation {
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

const RELATIONS: &[Relation] = &[
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

fn find<'a>(figures: &'a [Observation], id: &str) -> Option<&'a Observation> {
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
                    indicator: level.indicator.id.clone(),
                    derived: true,
                    description: format!(
                        "{} in {}, implied by the stated increase",
                        level.indicator.name,
                        change.period.start.clone().unwrap_or_default()
                    ),
                    value: significant(level.value_in_units - change.value_in_units),
                    unit: level.unit,
                    qualifier: combined(&[level.qualifier, change.qualifier]),
                    period: DerivedPeriod {
                        start: change.period.start.clone(),
                        end: change.period.start.clone(),
                        label: change.period.start.clone().unwrap_or_default(),
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
                    indicator: level.indicator.id.clone(),
                    derived: true,
                    description: format!(
                        "China's total implied by {} being {} of it",
                        level.indicator.name, share.stated
                    ),
                    value: significant(level.value_in_units / (share.value_in_units / 100.0)),
                    unit: level.unit,
                    // A printed share ("one-ninth") is rounded, so the total it implies is too.
                    qualifier: Qualifier::About,
                    period: DerivedPeriod {
                        start: level.period.start.clone(),
                        end: level.period.end.clone(),
                        label: level.period.label.clone(),
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
                let (start, end) = (previous(&level.period.start), previous(&level.period.end));
                derived.push(DerivedFigure {
                    id: format!("{}-implied-previous", level.id),
                    indicator: level.indicator.id.clone(),
                    derived: true,
                    description: format!(
                        "{} a year earlier, implied by the stated growth",
                        level.indicator.name
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Consistent,
    Inconsistent,
    Unverifiable,
}

/// One claim of the source checked against the others.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Check {
    pub id: String,
    pub kind: String,
    pub claim: String,
    /// The figures the check reads.
    pub figures: Vec<String>,
    #[serde(serialize_with = "crate::model::serialize_optional_number")]
    pub stated: Option<f64>,
    #[serde(serialize_with = "crate::model::serialize_optional_number")]
    pub implied: Option<f64>,
    #[serde(serialize_with = "crate::model::serialize_optional_number")]
    pub difference: Option<f64>,
    #[serde(serialize_with = "crate::model::serialize_optional_number")]
    pub tolerance: Option<f64>,
    pub unit: Option<Unit>,
    pub verdict: Verdict,
    /// The arithmetic, or why it cannot be done.
    pub explanation: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConsistencyReport {
    pub summary: ReportSummary,
    pub exchange_rate: Option<ExchangeRate>,
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportSummary {
    pub checks: usize,
    pub consistent: usize,
    pub inconsistent: usize,
    pub unverifiable: usize,
}

/// What the report needs beyond the figures: each cluster group's named members.
pub struct GroupMembers {
    pub group: String,
    pub members: Vec<String>,
    /// Members with the year they reached the group's threshold, where known.
    pub reached: Vec<(String, Option<i64>)>,
}

fn check(
    id: String,
    kind: &str,
    claim: String,
    figures: Vec<String>,
    numbers: Option<(f64, f64, f64)>,
    unit: Option<Unit>,
    explanation: String,
) -> Check {
    let (verdict, stated, implied, difference, tolerance) = match numbers {
        Some((stated, implied, tolerance)) => {
            let (implied, tolerance) = (significant(implied), significant(tolerance));
            let difference = significant(stated - implied);
            let verdict = if difference.abs() <= tolerance {
                Verdict::Consistent
            } else {
                Verdict::Inconsistent
            };
            (
                verdict,
                Some(stated),
                Some(implied),
                Some(difference),
                Some(tolerance),
            )
        }
        None => (Verdict::Unverifiable, None, None, None, None),
    };
    Check {
        id,
        kind: kind.to_owned(),
        claim,
        figures,
        stated,
        implied,
        difference,
        tolerance,
        unit,
        verdict,
        explanation,
    }
}

/// Checks every claim that other figures in the data can check.
pub fn consistency_report(figures: &[Observation], groups: &[GroupMembers]) -> ConsistencyReport {
    let rate = exchange_rate(figures);
    let mut checks = Vec::new();

    // Printed dollar amounts against the source's own (median) rate, to printed precision.
    if let Some(rate) = &rate {
        for pair in &rate.pairs {
            let (Some(cny), Some(usd)) = (
                find(figures, &pair.cny_observation),
                find(figures, &pair.usd_observation),
            ) else {
                continue;
            };
            let implied = cny.value_in_units / rate.cny_per_usd / multiplier(usd.scale);
            let tolerance = printed_precision(&usd.stated);
            checks.push(check(
                format!("conversion-{}", usd.id),
                "currency_conversion",
                format!("{} is printed as {}", cny.stated, usd.stated),
                vec![cny.id.clone(), usd.id.clone()],
                Some((usd.value, implied, tolerance)),
                Some(Unit::Usd),
                format!(
                    "{} yuan / {:.4} yuan per dollar = {:.4} {} dollars; this pair's own rate is {:.4}. \
                     Tolerance: half the last printed digit. (The reference is the median of all \
                     five rates, so the median pair agrees with it by construction.)",
                    show(cny.value_in_units),
                    rate.cny_per_usd,
                    implied,
                    serde_json::to_value(usd.scale).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
                    pair.cny_per_usd
                ),
            ));
        }
    }

    // A caption or infographic against the story figure it repeats.
    for repeat in figures.iter().filter(|f| f.restates.is_some()) {
        let Some(original) = repeat.restates.as_deref().and_then(|id| find(figures, id)) else {
            continue;
        };
        // "nearly N" allows N - 5% up to N (never above it); "about" ±5%; exact repeats must
        // match.
        let tolerance = match (repeat.qualifier, original.qualifier) {
            (Qualifier::Exact, Qualifier::Exact) => 0.0,
            (Qualifier::Nearly, _) if original.value_in_units > repeat.value_in_units => 0.0,
            _ => repeat.value_in_units.abs() * 0.05,
        };
        checks.push(check(
            format!("repeat-{}", repeat.id),
            "repeated_figure",
            format!(
                "{} ({}) repeats {} ({})",
                repeat.stated,
                repeat.provenance.section,
                original.stated,
                original.provenance.section
            ),
            vec![original.id.clone(), repeat.id.clone()],
            Some((repeat.value_in_units, original.value_in_units, tolerance)),
            Some(repeat.unit),
            format!(
                "{} against {}; tolerance {} ({} vs {} qualifiers).",
                show(repeat.value_in_units),
                show(original.value_in_units),
                show(tolerance),
                serde_json::to_value(repeat.qualifier).unwrap_or_default(),
                serde_json::to_value(original.qualifier).unwrap_or_default(),
            ),
        ));
    }

    // Counts of clusters against the clusters the source names.
    for count in figures
        .iter()
        .filter(|f| counts_group_members(&f.indicator.id))
    {
        let Some(group) = count
            .cluster_group
            .as_deref()
            .and_then(|g| groups.iter().find(|m| m.group == g))
        else {
            continue;
        };
        let year = year_of(&count.period.end).map(|y| y as i64);
        let (named, how): (usize, String) = if count
            .indicator
            .id
            .starts_with("trillion-yuan-clusters-besides")
        {
            let others = group
                .reached
                .iter()
                .filter(|(_, reached)| reached.is_none())
                .count();
            (
                others,
                "named members with no year of their own (all but automotive and new energy)"
                    .to_owned(),
            )
        } else if let (Some(year), true) = (year, group.reached.iter().any(|(_, r)| r.is_some())) {
            let by_year = group
                .reached
                .iter()
                .filter(|(_, reached)| reached.is_none_or(|r| r <= year))
                .count();
            (
                by_year,
                format!("named members that had reached the mark by {year}"),
            )
        } else {
            (group.members.len(), "named members".to_owned())
        };
        if group.members.is_empty() {
            checks.push(check(
                format!("count-{}", count.id),
                "count_of_names",
                format!("{}: {}", count.indicator.name, count.stated),
                vec![count.id.clone()],
                None,
                Some(Unit::Count),
                "The source gives the number but names none of them.".to_owned(),
            ));
            continue;
        }
        checks.push(check(
            format!("count-{}", count.id),
            "count_of_names",
            format!("{}: {}", count.indicator.name, count.stated),
            vec![count.id.clone()],
            Some((count.value, named as f64, 0.0)),
            Some(Unit::Count),
            format!("{} {how}.", named),
        ));
    }

    for relation in RELATIONS {
        match relation {
            Relation::AverageGrowth {
                rate,
                start,
                end,
                span,
            } => {
                let (Some(rate), Some(start), Some(end), Some(span)) = (
                    find(figures, rate),
                    find(figures, start),
                    find(figures, end),
                    find(figures, span),
                ) else {
                    continue;
                };
                let ratio = end.value_in_units / start.value_in_units;
                let years = span.value;
                let implied = (ratio.powf(1.0 / years) - 1.0) * 100.0;
                let implied_next = (ratio.powf(1.0 / (years + 1.0)) - 1.0) * 100.0;
                let years_needed = ratio.ln() / (1.0 + rate.value / 100.0).ln();
                // "over N years" allows up to N + 1 years; the tolerance is the rate that range spans.
                let tolerance = implied - implied_next;
                checks.push(check(
                    format!("average-growth-{}", rate.id),
                    "average_growth",
                    format!(
                        "{} from {} to {}, {}",
                        rate.stated, start.stated, end.stated, span.stated
                    ),
                    vec![
                        rate.id.clone(),
                        start.id.clone(),
                        end.id.clone(),
                        span.id.clone(),
                    ],
                    Some((rate.value, implied, tolerance)),
                    Some(Unit::Percent),
                    format!(
                        "(({} / {})^(1/{}) - 1) × 100 = {:.1}% a year ({:.1}% over {} years); \
                         {}% a year would take {:.1} years to multiply GDP by {:.1}.",
                        show(end.value_in_units),
                        show(start.value_in_units),
                        show(years),
                        implied,
                        implied_next,
                        show(years + 1.0),
                        show(rate.value),
                        years_needed,
                        ratio
                    ),
                ));
            }
            Relation::IncreaseSince { change, level } => {
                let (Some(change), Some(level)) = (find(figures, change), find(figures, level))
                else {
                    continue;
                };
                checks.push(check(
                    format!("increase-{}", change.id),
                    "stated_increase",
                    format!("{} ({})", change.stated, level.stated),
                    vec![change.id.clone(), level.id.clone()],
                    None,
                    Some(change.unit),
                    format!(
                        "The source gives no {} level to check against; the implied {} level, {} {:?}, is served by /v1/derived.",
                        change.period.start.clone().unwrap_or_default(),
                        change.period.start.clone().unwrap_or_default(),
                        show(level.value_in_units - change.value_in_units),
                        change.unit
                    ),
                ));
            }
            Relation::ShareOfTotal { share, .. } | Relation::ShareWithoutTotal { share } => {
                let Some(share) = find(figures, share) else {
                    continue;
                };
                checks.push(check(
                    format!("share-{}", share.id),
                    "share_of_total",
                    format!("{}: {}", share.indicator.name, share.stated),
                    vec![share.id.clone()],
                    None,
                    Some(Unit::Percent),
                    "The source gives no national total to check the share against.".to_owned(),
                ));
            }
            Relation::GrowthTo { growth, .. } => {
                let Some(growth) = find(figures, growth) else {
                    continue;
                };
                checks.push(check(
                    format!("growth-{}", growth.id),
                    "growth_rate",
                    format!("{}: {}", growth.indicator.name, growth.stated),
                    vec![growth.id.clone()],
                    None,
                    Some(Unit::Percent),
                    "The source gives no level for the previous period; the implied one is served by /v1/derived.".to_owned(),
                ));
            }
        }
    }

    let count = |verdict: Verdict| checks.iter().filter(|c| c.verdict == verdict).count();
    ConsistencyReport {
        summary: ReportSummary {
            checks: checks.len(),
            consistent: count(Verdict::Consistent),
            inconsistent: count(Verdict::Inconsistent),
            unverifiable: count(Verdict::Unverifiable),
        },
        exchange_rate: rate,
        checks,
    }
}

/// The report as terminal text: a summary, the rate, then one block per check, problems first.
pub fn report_text(report: &ConsistencyReport) -> String {
    let mut text = format!(
        "Consistency of the source: {} checks, {} consistent, {} inconsistent, {} unverifiable\n",
        report.summary.checks,
        report.summary.consistent,
        report.summary.inconsistent,
        report.summary.unverifiable
    );
    if let Some(rate) = &report.exchange_rate {
        text.push_str(&format!(
            "Exchange rate: {:.4} yuan per dollar ({})\n",
            rate.cny_per_usd, rate.method
        ));
    }
    let mut checks: Vec<&Check> = report.checks.iter().collect();
    checks.sort_by_key(|c| match c.verdict {
        Verdict::Inconsistent => 0,
        Verdict::Consistent => 1,
        Verdict::Unverifiable => 2,
    });
    for check in checks {
        let verdict = match check.verdict {
            Verdict::Inconsistent => "INCONSISTENT",
            Verdict::Consistent => "consistent",
            Verdict::Unverifiable => "unverifiable",
        };
        text.push_str(&format!("\n{verdict:<12}  {}\n", check.claim));
        if let (Some(stated), Some(implied), Some(difference), Some(tolerance)) = (
            check.stated,
            check.implied,
            check.difference,
            check.tolerance,
        ) {
            text.push_str(&format!(
                "              stated {} / implied {} / difference {} / tolerance {}\n",
                show(stated),
                show(implied),
                show(difference),
                show(tolerance)
            ));
        }
        text.push_str(&format!("              {}\n", check.explanation));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::printed_precision;

    #[test]
    fn printed_precision_is_half_the_last_digit() {
        assert_eq!(printed_precision("$137.97 billion"), 0.005);
        assert_eq!(printed_precision("$70.3 billion"), 0.05);
        assert_eq!(printed_precision("267 journalists"), 0.5);
    }
}
