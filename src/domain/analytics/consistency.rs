//! The consistency report: every claim of the source that its other figures can check, with
//! the arithmetic and a verdict.

use serde::Serialize;

use super::exchange_rate::{exchange_rate, ExchangeRate};
use super::numbers::{multiplier, show, significant, year_of};
use super::relations::{counts_group_members, find, Relation, RELATIONS};
use crate::domain::figure::{Observation, Qualifier, Unit};

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
    #[serde(serialize_with = "crate::domain::figure::serialize_optional_number")]
    pub stated: Option<f64>,
    #[serde(serialize_with = "crate::domain::figure::serialize_optional_number")]
    pub implied: Option<f64>,
    #[serde(serialize_with = "crate::domain::figure::serialize_optional_number")]
    pub difference: Option<f64>,
    #[serde(serialize_with = "crate::domain::figure::serialize_optional_number")]
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
                repeat.stated, repeat.section, original.stated, original.section
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
        .filter(|f| counts_group_members(&f.indicator_id))
    {
        let Some(group) = count
            .cluster_group_id
            .as_deref()
            .and_then(|g| groups.iter().find(|m| m.group == g))
        else {
            continue;
        };
        let year = year_of(&count.period_end).map(|y| y as i64);
        let (named, how): (usize, String) = if count
            .indicator_id
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
                format!("{}: {}", count.indicator_name, count.stated),
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
            format!("{}: {}", count.indicator_name, count.stated),
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
                        change.period_start.clone().unwrap_or_default(),
                        change.period_start.clone().unwrap_or_default(),
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
                    format!("{}: {}", share.indicator_name, share.stated),
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
                    format!("{}: {}", growth.indicator_name, growth.stated),
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
