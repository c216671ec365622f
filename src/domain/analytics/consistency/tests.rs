//! The consistency checks, each on a few hand-worked figures: consistent, inconsistent and
//! not checkable.

use super::*;
use crate::domain::analytics::exchange_rate::RatePair;
use crate::domain::analytics::fixtures::{figure, in_period, yearly};
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
fn the_reference_rate_is_described_by_the_pairs_the_data_holds() {
    let [cny, usd] = rd_pair();
    let explanation = |pairs: usize| {
        let mut rate = rate(7.25);
        rate.pairs = vec![rate.pairs[0].clone(); pairs];
        conversion_checks(&[cny.clone(), usd.clone()], &rate)[0]
            .explanation
            .clone()
    };
    assert!(
        explanation(1).ends_with(
            "(The reference is the rate of the only printed pair, this one, so it agrees \
             with it by construction.)"
        ),
        "{}",
        explanation(1)
    );
    assert!(explanation(5).ends_with(
        "(The reference is the median of the 5 rates the printed pairs imply, so the median \
         pair agrees with it by construction.)"
    ));
    assert!(explanation(4).ends_with(
        "(The reference is the median of the 4 rates the printed pairs imply: the mean of \
         the middle two, which no pair has.)"
    ));
}

#[test]
fn a_link_to_a_retracted_figure_is_an_orphan() {
    // The yuan figure is retracted, so it is not among the figures served.
    let [_, usd] = rd_pair();
    let original = journalists(267.0);
    let repeat = caption(&original, 270.0, Qualifier::Nearly);
    let report = consistency_report(&[usd, repeat], &[]);
    let orphans: Vec<(&str, &str, Verdict)> = (report.checks.iter())
        .map(|c| (c.id.as_str(), c.kind.as_str(), c.verdict))
        .collect();
    assert_eq!(
        orphans,
        [
            ("orphan-rd-usd", "orphaned_link", Verdict::Inconsistent),
            ("orphan-caption", "orphaned_link", Verdict::Inconsistent),
        ],
        "no rate, no repeat check: only the orphans"
    );
    let check = &report.checks[0];
    assert_eq!(
        check.claim,
        "rd-usd ($70.3 billion) is the printed equivalent of rd"
    );
    assert_eq!(check.figures, ["rd-usd", "rd"]);
    assert_eq!(
        check.explanation,
        "rd is retracted, but rd-usd's equivalent_of still points at it, so it is served as \
         standing for a figure that is not. Retract rd-usd too, or correct its equivalent_of."
    );
    assert_eq!(
        report.checks[1].claim,
        "caption (270 journalists) is a repeat of journalists"
    );
    assert_eq!(report.summary.inconsistent, 2);
    // With the figure it links to, a link is no orphan.
    assert!(orphan_checks(&rd_pair()).is_empty());
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
    repeat.section = "Caption".to_owned();
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
        cluster_group_id: Some("trillion".to_owned()),
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
        check.explanation, "1 named members with no year of their own (all but a and b).",
        "the members with a year are named from the data"
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
        stated: "3.7 trillion yuan more".to_owned(),
        ..in_period(
            figure("gdp-change", 3.7, Scale::Trillion, Unit::Cny),
            PeriodKind::Span,
            "2018",
            "2024",
        )
    };
    let check = increase_check(&change, &level);
    assert_eq!(check.verdict, Verdict::Unverifiable);
    assert_eq!(check.id, "increase-gdp-change");
    assert_eq!(check.unit, Some(Unit::Cny));
    assert_eq!(
        check.explanation,
        "The source gives no 2018 level to check against; the implied 2018 level, \
         10.8 trillion cny, is served by /v1/derived.",
        "in the API's words, not an enum's Debug name"
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
