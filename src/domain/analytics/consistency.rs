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

/// Checks every claim that other figures in the data can check: the printed dollar amounts,
/// the repeats, the counts of named clusters, then the relations in the order they are listed.
pub fn consistency_report(figures: &[Observation], groups: &[GroupMembers]) -> ConsistencyReport {
    let rate = exchange_rate(figures);
    let mut checks = Vec::new();
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
             Tolerance: half the last printed digit. (The reference is the median of all \
             five rates, so the median pair agrees with it by construction.)",
            show(cny.value_in_units),
            rate.cny_per_usd,
            implied,
            wire_name(usd.scale),
            pair.cny_per_usd
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
                repeat.stated,
                repeat.provenance.section,
                original.stated,
                original.provenance.section
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
        .filter(|f| counts_group_members(&f.indicator.id))
    {
        let Some(group) = count
            .cluster_group
            .as_deref()
            .and_then(|g| groups.iter().find(|m| m.group == g))
        else {
            continue;
        };
        let claim = Claim {
            id: format!("count-{}", count.id),
            kind: "count_of_names",
            claim: format!("{}: {}", count.indicator.name, count.stated),
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
    let year = year_of(&count.period.end).map(|y| y as i64);
    if count
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
    let start = change.period.start.clone().unwrap_or_default();
    Claim {
        id: format!("increase-{}", change.id),
        kind: "stated_increase",
        claim: format!("{} ({})", change.stated, level.stated),
        figures: vec![change.id.clone(), level.id.clone()],
        unit: Some(change.unit),
    }
    .unverifiable(format!(
        "The source gives no {start} level to check against; the implied {start} level, {} {}, \
         is served by /v1/derived.",
        show(level.value_in_units - change.value_in_units),
        unit_after_amount(change.unit)
    ))
}

/// A share of a national total: the source never gives the total.
fn share_check(share: &Observation) -> Check {
    Claim {
        id: format!("share-{}", share.id),
        kind: "share_of_total",
        claim: format!("{}: {}", share.indicator.name, share.stated),
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
        claim: format!("{}: {}", growth.indicator.name, growth.stated),
        figures: vec![growth.id.clone()],
        unit: Some(Unit::Percent),
    }
    .unverifiable(
        "The source gives no level for the previous period; the implied one is served by \
         /v1/derived."
            .to_owned(),
    )
}

/// How the report has always named a unit after an amount ("10800000000000 Cny"), spelled out
/// rather than taken from `Debug`, which is for developers and may change. (A word such as
/// "yuan" would read better; that is a deliberate change to the report, for later.)
fn unit_after_amount(unit: Unit) -> &'static str {
    match unit {
        Unit::Cny => "Cny",
        Unit::Usd => "Usd",
        Unit::Count => "Count",
        Unit::Percent => "Percent",
        Unit::PercentagePoints => "PercentagePoints",
        Unit::Hectares => "Hectares",
        Unit::Years => "Years",
        Unit::Rank => "Rank",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::analytics::exchange_rate::RatePair;
    use crate::domain::analytics::fixtures::{figure, span, yearly};
    use crate::domain::figure::{PeriodKind, Scale};

    /// R&D spending of 510 billion yuan, printed as $70.3 billion.
    fn rd_pair() -> [Observation; 2] {
        let cny = Observation {
            stated: "510 billion yuan".to_owned(),
            ..figure("rd", 510.0, Scale::Billion, Unit::Cny)
        };
        let usd = Observation {
            stated: "$70.3 billion".to_owned(),
            equivalent_of: Some("rd".to_owned()),
            ..figure("rd-usd", 70.3, Scale::Billion, Unit::Usd)
        };
        [cny, usd]
    }

    fn rate(cny_per_usd: f64) -> ExchangeRate {
        ExchangeRate {
            cny_per_usd,
            method: "a test rate".to_owned(),
            pairs: vec![RatePair {
                cny_observation: "rd".to_owned(),
                usd_observation: "rd-usd".to_owned(),
                cny_per_usd: 510.0 / 70.3,
            }],
        }
    }

    #[test]
    fn printed_precision_is_half_the_last_digit() {
        assert_eq!(printed_precision("$137.97 billion"), 0.005);
        assert_eq!(printed_precision("$70.3 billion"), 0.05);
        assert_eq!(printed_precision("267 journalists"), 0.5);
    }

    #[test]
    fn a_dollar_amount_within_its_printed_precision_is_consistent() {
        // 510 billion yuan / 7.25 = 70.3448 billion dollars: 0.045 from the printed 70.3,
        // within half its last digit (0.05).
        let checks = conversion_checks(&rd_pair(), &rate(7.25));
        assert_eq!(checks.len(), 1);
        let check = &checks[0];
        assert_eq!(check.verdict, Verdict::Consistent);
        assert_eq!(check.id, "conversion-rd-usd");
        assert_eq!(check.kind, "currency_conversion");
        assert_eq!(check.claim, "510 billion yuan is printed as $70.3 billion");
        assert_eq!(check.figures, ["rd", "rd-usd"]);
        assert_eq!(check.unit, Some(Unit::Usd));
        assert_eq!(
            (check.stated, check.implied, check.tolerance),
            (Some(70.3), Some(70.3448276), Some(0.05))
        );
        assert_eq!(check.difference, Some(-0.0448276));
        assert!(
            check.explanation.starts_with(
                "510000000000 yuan / 7.2500 yuan per dollar = 70.3448 billion dollars; \
                 this pair's own rate is 7.2546. Tolerance: half the last printed digit."
            ),
            "{}",
            check.explanation
        );
    }

    #[test]
    fn a_dollar_amount_beyond_its_printed_precision_is_inconsistent() {
        // At 7.2 yuan per dollar, 510 billion yuan is $70.83 billion, 0.53 off.
        let checks = conversion_checks(&rd_pair(), &rate(7.2));
        assert_eq!(checks[0].verdict, Verdict::Inconsistent);
        assert_eq!(checks[0].implied, Some(70.8333333));
    }

    #[test]
    fn a_pair_whose_figures_are_not_loaded_is_not_checked() {
        let [_, usd] = rd_pair();
        assert!(conversion_checks(&[usd], &rate(7.25)).is_empty());
    }

    /// A caption repeating `original`'s figure as `value`, with `qualifier`.
    fn caption(original: &Observation, value: f64, qualifier: Qualifier) -> Observation {
        let mut repeat = Observation {
            restates: Some(original.id.clone()),
            qualifier,
            stated: format!("{value} journalists"),
            ..figure("caption", value, Scale::Unit, Unit::Count)
        };
        repeat.provenance.section = "Caption".to_owned();
        repeat
    }

    fn journalists(value: f64) -> Observation {
        Observation {
            stated: format!("{value} journalists"),
            ..figure("journalists", value, Scale::Unit, Unit::Count)
        }
    }

    #[test]
    fn nearly_allows_five_percent_below_and_nothing_above() {
        // "nearly 270" for 267: 270 × 5% = 13.5 allowed, since the original is below.
        let original = journalists(267.0);
        let repeat = caption(&original, 270.0, Qualifier::Nearly);
        let checks = repeat_checks(&[original, repeat]);
        let check = &checks[0];
        assert_eq!(check.verdict, Verdict::Consistent);
        assert_eq!(check.id, "repeat-caption");
        assert_eq!(check.kind, "repeated_figure");
        assert_eq!(
            check.claim,
            "270 journalists (Caption) repeats 267 journalists (Story)"
        );
        assert_eq!(check.figures, ["journalists", "caption"]);
        assert_eq!(
            check.explanation,
            "270 against 267; tolerance 13.5 (\"nearly\" vs \"exact\" qualifiers)."
        );
        // For 280, "nearly 270" understates, which "nearly" never does: no tolerance.
        let original = journalists(280.0);
        let repeat = caption(&original, 270.0, Qualifier::Nearly);
        let check = &repeat_checks(&[original, repeat])[0];
        assert_eq!(check.verdict, Verdict::Inconsistent);
        assert_eq!(
            (check.tolerance, check.difference),
            (Some(0.0), Some(-10.0))
        );
    }

    #[test]
    fn exact_repeats_must_match_and_about_allows_five_percent() {
        let original = journalists(107.0);
        let exact = caption(&original, 108.0, Qualifier::Exact);
        assert_eq!(
            repeat_checks(&[original.clone(), exact])[0].verdict,
            Verdict::Inconsistent
        );
        let about = caption(&original, 110.0, Qualifier::About);
        let check = &repeat_checks(&[original, about])[0];
        assert_eq!(check.verdict, Verdict::Consistent, "3 off, 5.5 allowed");
        assert_eq!(check.tolerance, Some(5.5));
    }

    #[test]
    fn a_repeat_of_a_figure_not_loaded_is_not_checked() {
        let repeat = caption(&journalists(267.0), 270.0, Qualifier::Nearly);
        assert!(repeat_checks(&[repeat]).is_empty());
    }

    /// Three trillion-yuan clusters: one there since 2020, one since 2023, one with no year.
    fn trillion_clusters() -> GroupMembers {
        GroupMembers {
            group: "trillion".to_owned(),
            members: vec!["a".to_owned(), "b".to_owned(), "c".to_owned()],
            reached: vec![
                ("a".to_owned(), Some(2020)),
                ("b".to_owned(), Some(2023)),
                ("c".to_owned(), None),
            ],
        }
    }

    fn cluster_count(indicator: &str, year: &str, value: f64) -> Observation {
        Observation {
            cluster_group: Some("trillion".to_owned()),
            stated: format!("{value} clusters"),
            ..yearly(
                &format!("{indicator}-{year}"),
                indicator,
                year,
                value,
                Unit::Count,
            )
        }
    }

    #[test]
    fn a_count_is_checked_against_the_members_named_by_its_year() {
        // By 2022, a (2020) and c (no year of its own) had reached the mark; b only in 2023.
        let right = cluster_count("trillion-cluster-count", "2022", 2.0);
        let checks = count_checks(&[right], &[trillion_clusters()]);
        let check = &checks[0];
        assert_eq!(check.verdict, Verdict::Consistent);
        assert_eq!(check.id, "count-trillion-cluster-count-2022");
        assert_eq!(check.kind, "count_of_names");
        assert_eq!(check.claim, "the trillion-cluster-count: 2 clusters");
        assert_eq!((check.stated, check.implied), (Some(2.0), Some(2.0)));
        assert_eq!(
            check.explanation,
            "2 named members that had reached the mark by 2022."
        );
        let wrong = cluster_count("trillion-cluster-count", "2024", 2.0);
        let check = &count_checks(&[wrong], &[trillion_clusters()])[0];
        assert_eq!(check.verdict, Verdict::Inconsistent, "all three by 2024");
        assert_eq!(check.implied, Some(3.0));
    }

    #[test]
    fn a_count_besides_the_dated_members_counts_the_undated_ones() {
        let besides = cluster_count("trillion-yuan-clusters-besides-two", "2024", 1.0);
        let check = &count_checks(&[besides], &[trillion_clusters()])[0];
        assert_eq!(check.verdict, Verdict::Consistent);
        assert_eq!(
            check.explanation,
            "1 named members with no year of their own (all but automotive and new energy)."
        );
    }

    #[test]
    fn a_count_of_a_group_without_years_counts_every_member() {
        let mut group = trillion_clusters();
        group.reached.iter_mut().for_each(|(_, year)| *year = None);
        let count = cluster_count("trillion-cluster-count", "2022", 3.0);
        let check = &count_checks(&[count], &[group])[0];
        assert_eq!(check.verdict, Verdict::Consistent);
        assert_eq!(check.explanation, "3 named members.");
    }

    #[test]
    fn a_count_of_a_group_that_names_no_one_cannot_be_checked() {
        let unnamed = GroupMembers {
            group: "trillion".to_owned(),
            members: Vec::new(),
            reached: Vec::new(),
        };
        let count = cluster_count("trillion-cluster-count", "2024", 9.0);
        let check = &count_checks(std::slice::from_ref(&count), &[unnamed])[0];
        assert_eq!(check.verdict, Verdict::Unverifiable);
        assert_eq!(
            (
                check.stated,
                check.implied,
                check.difference,
                check.tolerance
            ),
            (None, None, None, None)
        );
        assert_eq!(
            check.explanation,
            "The source gives the number but names none of them."
        );
        // A count of a group the data does not hold is no check at all.
        assert!(count_checks(&[count], &[]).is_empty());
    }

    /// GDP of 100 then 121 over a stated 2 years, at a stated `rate` a year.
    fn average_growth(rate: f64) -> Check {
        let rate = figure("rate", rate, Scale::Unit, Unit::Percent);
        let start = figure("start", 100.0, Scale::Unit, Unit::Cny);
        let end = figure("end", 121.0, Scale::Unit, Unit::Cny);
        let span = figure("span", 2.0, Scale::Unit, Unit::Years);
        average_growth_check(&rate, &start, &end, &span)
    }

    #[test]
    fn an_average_growth_rate_allows_one_more_year_than_stated() {
        // 1.21^(1/2) - 1 = 10% a year; over 3 years it would be 1.21^(1/3) - 1 = 6.5602%, so
        // the tolerance is 3.4398 points.
        let check = average_growth(10.0);
        assert_eq!(check.verdict, Verdict::Consistent);
        assert_eq!(check.id, "average-growth-rate");
        assert_eq!(check.figures, ["rate", "start", "end", "span"]);
        assert_eq!(check.implied, Some(10.0));
        assert_eq!(check.tolerance, Some(3.43977632));
        assert_eq!(
            check.explanation,
            "((121 / 100)^(1/2) - 1) × 100 = 10.0% a year (6.6% over 3 years); 10% a year \
             would take 2.0 years to multiply GDP by 1.2."
        );
        let check = average_growth(20.0);
        assert_eq!(check.verdict, Verdict::Inconsistent);
        assert_eq!(check.difference, Some(10.0));
    }

    #[test]
    fn an_increase_cannot_be_checked_and_points_to_its_implied_start() {
        let level = figure("gdp-2024", 14.5, Scale::Trillion, Unit::Cny);
        let change = Observation {
            period: span(PeriodKind::Span, "2018", "2024"),
            stated: "3.7 trillion yuan more".to_owned(),
            ..figure("gdp-change", 3.7, Scale::Trillion, Unit::Cny)
        };
        let check = increase_check(&change, &level);
        assert_eq!(check.verdict, Verdict::Unverifiable);
        assert_eq!(check.id, "increase-gdp-change");
        assert_eq!(check.unit, Some(Unit::Cny));
        assert_eq!(
            check.explanation,
            "The source gives no 2018 level to check against; the implied 2018 level, \
             10800000000000 Cny, is served by /v1/derived."
        );
    }

    #[test]
    fn shares_and_growth_rates_cannot_be_checked() {
        let share = figure("share", 44.0, Scale::Unit, Unit::Percent);
        let check = share_check(&share);
        assert_eq!(
            (check.id.as_str(), check.verdict),
            ("share-share", Verdict::Unverifiable)
        );
        assert_eq!(
            check.explanation,
            "The source gives no national total to check the share against."
        );
        let growth = figure("growth", 18.0, Scale::Unit, Unit::Percent);
        let check = growth_check(&growth);
        assert_eq!(
            (check.id.as_str(), check.verdict),
            ("growth-growth", Verdict::Unverifiable)
        );
        assert_eq!(check.claim, "the growth: 18");
    }

    #[test]
    fn a_relation_whose_figures_are_not_loaded_is_not_checked() {
        let relation = Relation::AverageGrowth {
            rate: "rate",
            start: "start",
            end: "end",
            span: "span",
        };
        let rate = figure("rate", 10.0, Scale::Unit, Unit::Percent);
        assert!(relation_check(&[rate], &relation).is_none());
    }

    #[test]
    fn the_report_runs_every_kind_of_check_in_order_and_counts_the_verdicts() {
        let original = journalists(107.0);
        let repeat = caption(&original, 108.0, Qualifier::Exact);
        let count = cluster_count("trillion-cluster-count", "2022", 2.0);
        let share = figure(
            "gba-share-of-national-land",
            0.6,
            Scale::Unit,
            Unit::Percent,
        );
        let figures = [rd_pair().to_vec(), vec![share, count, repeat, original]].concat();
        let report = consistency_report(&figures, &[trillion_clusters()]);
        let ids: Vec<&str> = report.checks.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "conversion-rd-usd",
                "repeat-caption",
                "count-trillion-cluster-count-2022",
                "share-gba-share-of-national-land"
            ]
        );
        let summary = &report.summary;
        assert_eq!(
            (
                summary.checks,
                summary.consistent,
                summary.inconsistent,
                summary.unverifiable
            ),
            (4, 2, 1, 1)
        );
        // The only pair sets the rate, so it agrees with it exactly.
        assert_eq!(report.exchange_rate.unwrap().pairs.len(), 1);
        assert_eq!(report.checks[0].difference, Some(0.0));

        let without_pairs = consistency_report(&figures[2..], &[trillion_clusters()]);
        assert!(without_pairs.exchange_rate.is_none());
        assert_eq!(without_pairs.summary.checks, 3);
    }
}
