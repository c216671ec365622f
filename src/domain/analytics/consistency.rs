//! The consistency report: every claim of the source that its other figures can check, with
//! the arithmetic and a verdict.

use serde::Serialize;

use super::exchange_rate::{exchange_rate, ExchangeRate};
use super::numbers::{multiplier, show, significant, wire_name, year_of};
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

/// What every check names, whatever its verdict: the claim and the figures it reads.
struct Claim {
    id: String,
    kind: &'static str,
    claim: String,
    figures: Vec<String>,
    unit: Option<Unit>,
}

impl Claim {
    /// The claim checked: consistent when the stated number is within `tolerance` of the one
    /// the other figures imply (both rounded to [`significant`] digits first).
    fn checked(self, stated: f64, implied: f64, tolerance: f64, explanation: String) -> Check {
        let (implied, tolerance) = (significant(implied), significant(tolerance));
        let difference = significant(stated - implied);
        let verdict = if difference.abs() <= tolerance {
            Verdict::Consistent
        } else {
            Verdict::Inconsistent
        };
        Check {
            stated: Some(stated),
            implied: Some(implied),
            difference: Some(difference),
            tolerance: Some(tolerance),
            verdict,
            ..self.unverifiable(explanation)
        }
    }

    /// The claim found false without arithmetic (a link to a figure no longer served), and
    /// why.
    fn broken(self, explanation: String) -> Check {
        Check {
            verdict: Verdict::Inconsistent,
            ..self.unverifiable(explanation)
        }
    }

    /// The claim no other figure can check, and why.
    fn unverifiable(self, explanation: String) -> Check {
        Check {
            id: self.id,
            kind: self.kind.to_owned(),
            claim: self.claim,
            figures: self.figures,
            stated: None,
            implied: None,
            difference: None,
            tolerance: None,
            unit: self.unit,
            verdict: Verdict::Unverifiable,
            explanation,
        }
    }
}

/// Checks every claim that other figures in the data can check: the links between figures,
/// the printed dollar amounts, the repeats, the counts of named clusters, then the relations
/// in the order they are listed. `figures` holds every figure served that links to another,
/// and every figure served that one links to: a link whose figure is not among them points at
/// a retracted figure.
pub fn consistency_report(figures: &[Observation], groups: &[GroupMembers]) -> ConsistencyReport {
    let rate = exchange_rate(figures);
    let mut checks = orphan_checks(figures);
    if let Some(rate) = &rate {
        checks.extend(conversion_checks(figures, rate));
    }
    checks.extend(repeat_checks(figures));
    checks.extend(count_checks(figures, groups));
    checks.extend(
        RELATIONS
            .iter()
            .filter_map(|relation| relation_check(figures, relation)),
    );
    ConsistencyReport {
        summary: summarise(&checks),
        exchange_rate: rate,
        checks,
    }
}

/// How many checks there are, and how many of each verdict.
fn summarise(checks: &[Check]) -> ReportSummary {
    let count = |verdict: Verdict| checks.iter().filter(|c| c.verdict == verdict).count();
    ReportSummary {
        checks: checks.len(),
        consistent: count(Verdict::Consistent),
        inconsistent: count(Verdict::Inconsistent),
        unverifiable: count(Verdict::Unverifiable),
    }
}

/// A printed equivalent or a repeat whose figure is retracted: it stands for a figure the
/// data no longer serves (an orphan), and no rate or repeat check can read it.
fn orphan_checks(figures: &[Observation]) -> Vec<Check> {
    let mut checks = Vec::new();
    for figure in figures {
        let (link, target, what) = match (&figure.equivalent_of, &figure.restates) {
            (Some(target), _) => ("equivalent_of", target, "the printed equivalent of"),
            (None, Some(target)) => ("restates", target, "a repeat of"),
            (None, None) => continue,
        };
        if find(figures, target).is_some() {
            continue;
        }
        let claim = Claim {
            id: format!("orphan-{}", figure.id),
            kind: "orphaned_link",
            claim: format!("{} ({}) is {what} {target}", figure.id, figure.stated),
            figures: vec![figure.id.clone(), target.clone()],
            unit: Some(figure.unit),
        };
        checks.push(claim.broken(format!(
            "{target} is retracted, but {}'s {link} still points at it, so it is served as \
             standing for a figure that is not. Retract {} too, or correct its {link}.",
            figure.id, figure.id
        )));
    }
    checks
}

/// Printed dollar amounts against the source's own (median) rate, to printed precision.
fn conversion_checks(figures: &[Observation], rate: &ExchangeRate) -> Vec<Check> {
    let mut checks = Vec::new();
    for pair in &rate.pairs {
        let (Some(cny), Some(usd)) = (
            find(figures, &pair.cny_observation),
            find(figures, &pair.usd_observation),
        ) else {
            continue;
        };
        let implied = cny.value_in_units / rate.cny_per_usd / multiplier(usd.scale);
        let claim = Claim {
            id: format!("conversion-{}", usd.id),
            kind: "currency_conversion",
            claim: format!("{} is printed as {}", cny.stated, usd.stated),
            figures: vec![cny.id.clone(), usd.id.clone()],
            unit: Some(Unit::Usd),
        };
        let explanation = format!(
            "{} yuan / {:.4} yuan per dollar = {:.4} {} dollars; this pair's own rate is {:.4}. \
             Tolerance: half the last printed digit. ({})",
            show(cny.value_in_units),
            rate.cny_per_usd,
            implied,
            wire_name(usd.scale),
            pair.cny_per_usd,
            reference(rate)
        );
        checks.push(claim.checked(
            usd.value,
            implied,
            printed_precision(&usd.stated),
            explanation,
        ));
    }
    checks
}

/// What the rate a printed pair is checked against is, said of the pairs the data holds.
fn reference(rate: &ExchangeRate) -> String {
    match rate.pairs.len() {
        1 => "The reference is the rate of the only printed pair, this one, so it agrees with \
              it by construction."
            .to_owned(),
        n if n % 2 == 1 => format!(
            "The reference is the median of the {n} rates the printed pairs imply, so the \
             median pair agrees with it by construction."
        ),
        n => format!(
            "The reference is the median of the {n} rates the printed pairs imply: the mean of \
             the middle two, which no pair has."
        ),
    }
}

/// A caption or infographic against the story figure it repeats.
fn repeat_checks(figures: &[Observation]) -> Vec<Check> {
    let mut checks = Vec::new();
    for repeat in figures.iter().filter(|f| f.restates.is_some()) {
        let Some(original) = repeat.restates.as_deref().and_then(|id| find(figures, id)) else {
            continue;
        };
        let tolerance = repeat_tolerance(repeat, original);
        let claim = Claim {
            id: format!("repeat-{}", repeat.id),
            kind: "repeated_figure",
            claim: format!(
                "{} ({}) repeats {} ({})",
                repeat.stated, repeat.section, original.stated, original.section
            ),
            figures: vec![original.id.clone(), repeat.id.clone()],
            unit: Some(repeat.unit),
        };
        let explanation = format!(
            "{} against {}; tolerance {} (\"{}\" vs \"{}\" qualifiers).",
            show(repeat.value_in_units),
            show(original.value_in_units),
            show(tolerance),
            wire_name(repeat.qualifier),
            wire_name(original.qualifier),
        );
        checks.push(claim.checked(
            repeat.value_in_units,
            original.value_in_units,
            tolerance,
            explanation,
        ));
    }
    checks
}

/// How far a repeat may be from its original: "nearly N" allows N - 5% up to N (never above
/// it); "about" ±5%; exact repeats must match.
fn repeat_tolerance(repeat: &Observation, original: &Observation) -> f64 {
    match (repeat.qualifier, original.qualifier) {
        (Qualifier::Exact, Qualifier::Exact) => 0.0,
        (Qualifier::Nearly, _) if original.value_in_units > repeat.value_in_units => 0.0,
        _ => repeat.value_in_units.abs() * 0.05,
    }
}

/// Counts of clusters against the clusters the source names.
fn count_checks(figures: &[Observation], groups: &[GroupMembers]) -> Vec<Check> {
    let mut checks = Vec::new();
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
        let claim = Claim {
            id: format!("count-{}", count.id),
            kind: "count_of_names",
            claim: format!("{}: {}", count.indicator_name, count.stated),
            figures: vec![count.id.clone()],
            unit: Some(Unit::Count),
        };
        if group.members.is_empty() {
            checks
                .push(claim.unverifiable(
                    "The source gives the number but names none of them.".to_owned(),
                ));
            continue;
        }
        let (named, how) = named_members(count, group);
        checks.push(claim.checked(count.value, named as f64, 0.0, format!("{named} {how}.")));
    }
    checks
}

/// How many of a group's named members a count should equal, and which members those are: the
/// ones with no year of their own for a count "besides" the others, the ones that had reached
/// the mark by the count's year where the source says when each did, else all of them.
fn named_members(count: &Observation, group: &GroupMembers) -> (usize, String) {
    let year = year_of(&count.period_end).map(|y| y as i64);
    if count
        .indicator_id
        .starts_with("trillion-yuan-clusters-besides")
    {
        let (undated, dated): (Vec<_>, Vec<_>) = group
            .reached
            .iter()
            .partition(|(_, reached)| reached.is_none());
        let dated: Vec<&str> = dated.iter().map(|(member, _)| member.as_str()).collect();
        (
            undated.len(),
            format!(
                "named members with no year of their own (all but {})",
                words_list(&dated)
            ),
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
    }
}

/// The check of one relation, when the data holds the figures it names.
fn relation_check(figures: &[Observation], relation: &Relation) -> Option<Check> {
    match relation {
        Relation::AverageGrowth {
            rate,
            start,
            end,
            span,
        } => Some(average_growth_check(
            find(figures, rate)?,
            find(figures, start)?,
            find(figures, end)?,
            find(figures, span)?,
        )),
        Relation::IncreaseSince { change, level } => Some(increase_check(
            find(figures, change)?,
            find(figures, level)?,
        )),
        Relation::ShareOfTotal { share, .. } | Relation::ShareWithoutTotal { share } => {
            Some(share_check(find(figures, share)?))
        }
        Relation::GrowthTo { growth, .. } => Some(growth_check(find(figures, growth)?)),
    }
}

/// An average annual growth rate against the start and end levels and the years between.
fn average_growth_check(
    rate: &Observation,
    start: &Observation,
    end: &Observation,
    span: &Observation,
) -> Check {
    let ratio = end.value_in_units / start.value_in_units;
    let years = span.value;
    let implied = (ratio.powf(1.0 / years) - 1.0) * 100.0;
    let implied_next = (ratio.powf(1.0 / (years + 1.0)) - 1.0) * 100.0;
    let years_needed = ratio.ln() / (1.0 + rate.value / 100.0).ln();
    // "over N years" allows up to N + 1 years; the tolerance is the rate that range spans.
    let tolerance = implied - implied_next;
    let claim = Claim {
        id: format!("average-growth-{}", rate.id),
        kind: "average_growth",
        claim: format!(
            "{} from {} to {}, {}",
            rate.stated, start.stated, end.stated, span.stated
        ),
        figures: vec![
            rate.id.clone(),
            start.id.clone(),
            end.id.clone(),
            span.id.clone(),
        ],
        unit: Some(Unit::Percent),
    };
    let explanation = format!(
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
    );
    claim.checked(rate.value, implied, tolerance, explanation)
}

/// A stated increase: the source never gives the start level, so nothing checks it.
fn increase_check(change: &Observation, level: &Observation) -> Check {
    let start = change.period_start.clone().unwrap_or_default();
    Claim {
        id: format!("increase-{}", change.id),
        kind: "stated_increase",
        claim: format!("{} ({})", change.stated, level.stated),
        figures: vec![change.id.clone(), level.id.clone()],
        unit: Some(change.unit),
    }
    .unverifiable(format!(
        "The source gives no {start} level to check against; the implied {start} level, {} {} \
         {}, is served by /v1/derived.",
        show((level.value_in_units - change.value_in_units) / multiplier(level.scale)),
        wire_name(level.scale),
        wire_name(change.unit)
    ))
}

/// Names in a sentence: "a", "a and b", "a, b and c"; "none" for none.
fn words_list(names: &[&str]) -> String {
    match names {
        [] => "none".to_owned(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A share of a national total: the source never gives the total.
fn share_check(share: &Observation) -> Check {
    Claim {
        id: format!("share-{}", share.id),
        kind: "share_of_total",
        claim: format!("{}: {}", share.indicator_name, share.stated),
        figures: vec![share.id.clone()],
        unit: Some(Unit::Percent),
    }
    .unverifiable("The source gives no national total to check the share against.".to_owned())
}

/// A growth rate: the source never gives the previous period's level.
fn growth_check(growth: &Observation) -> Check {
    Claim {
        id: format!("growth-{}", growth.id),
        kind: "growth_rate",
        claim: format!("{}: {}", growth.indicator_name, growth.stated),
        figures: vec![growth.id.clone()],
        unit: Some(Unit::Percent),
    }
    .unverifiable(
        "The source gives no level for the previous period; the implied one is served by \
         /v1/derived."
            .to_owned(),
    )
}

/// Kept beside this file: the checks are many, their tests longer than they are.
#[cfg(test)]
mod tests;
