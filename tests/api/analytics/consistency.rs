//! `/v1/consistency` and the `check` command: the article's claims checked against each other.

use super::{close, MEDIAN_RATE};
use crate::helpers::{by_id, run, seed_csv, ConsistencyReport, ExchangeRate, Number, TestApp};

#[tokio::test]
async fn the_consistency_report_flags_the_articles_own_contradictions() {
    let app = TestApp::spawn().await;
    let report: ConsistencyReport = app.get_json("/v1/consistency").await;
    let checks = &report.checks;
    let summary = &report.summary;
    assert_eq!(summary.checks, checks.len());
    let counted = |verdict: &str| checks.iter().filter(|c| c.verdict == verdict).count();
    assert_eq!(
        (
            summary.consistent,
            summary.inconsistent,
            summary.unverifiable
        ),
        (
            counted("consistent"),
            counted("inconsistent"),
            counted("unverifiable")
        )
    );
    let total = summary.consistent + summary.inconsistent + summary.unverifiable;
    assert_eq!(total, checks.len());
    // The report states the rate its conversions were checked at: the source's own.
    let rate: ExchangeRate = app.get_json("/v1/exchange-rate").await;
    assert_eq!(report.exchange_rate.as_ref(), Some(&rate));

    // Hengqin: 285 million to 53.8 billion is ×188.77; over 15 years that is
    // 188.77^(1/15) - 1 = 41.8% a year, not the stated 27.4% (which needs 21.6 years).
    let hengqin = by_id(checks, "average-growth-hengqin-gdp-average-growth");
    assert_eq!(hengqin.verdict, "inconsistent");
    let ratio: f64 = 53.8e9 / 285e6;
    assert!(close(
        number(&hengqin.implied),
        (ratio.powf(1.0 / 15.0) - 1.0) * 100.0,
        1e-4
    ));
    assert!(hengqin.explanation.contains("21.6 years"));

    // The lead's rate (1000/137.97 = 7.2480) is not the marine figure's (7.2501): at the
    // median rate, 1 trillion yuan is $137.93 billion, 0.04 off the printed 137.97.
    let lead = by_id(
        checks,
        "conversion-cluster-revenue-threshold-trillion-yuan-usd",
    );
    assert_eq!(lead.verdict, "inconsistent");
    assert!(close(number(&lead.implied), 1000.0 / MEDIAN_RATE, 1e-4));
    assert!(close(
        number(&lead.difference),
        137.97 - 1000.0 / MEDIAN_RATE,
        1e-4
    ));
    for consistent in [
        "conversion-rd-expenditure-2024-usd",
        "conversion-marine-gdp-2024-usd",
        "conversion-guangzhou-industrial-base-output-target-usd",
        "conversion-maoming-agricultural-cluster-revenue-threshold-2024-usd",
        "count-trillion-yuan-cluster-count-2024",
        "count-trillion-yuan-cluster-count-2023",
        "count-trillion-yuan-clusters-besides-auto-and-new-energy",
        "repeat-open-day-journalists-caption",
        "repeat-invention-patents-granted-2024-jan-oct-infographic",
    ] {
        assert_eq!(
            by_id(checks, consistent).verdict,
            "consistent",
            "{consistent}"
        );
    }
    let nine = by_id(checks, "count-trillion-yuan-cluster-count-2024");
    assert_eq!(nine.stated.clone().unwrap(), 9);
    assert_eq!(nine.implied.clone().unwrap(), 9);
    // Claims nothing else in the article can check say so, and why, with no numbers.
    for unverifiable in checks.iter().filter(|c| c.verdict == "unverifiable") {
        assert_eq!(
            (
                &unverifiable.stated,
                &unverifiable.implied,
                &unverifiable.difference,
                &unverifiable.tolerance
            ),
            (&None, &None, &None, &None),
            "{unverifiable:?}"
        );
        assert!(!unverifiable.explanation.is_empty());
    }
    assert_eq!(
        by_id(checks, "count-guangzhou-strategic-cluster-count").verdict,
        "unverifiable"
    );
    assert_eq!(summary.inconsistent, 2);
}

/// A number of a check, where it has one.
fn number(value: &Option<Number>) -> Option<f64> {
    value.as_ref().map(Number::f64)
}

#[test]
fn the_check_command_prints_the_report_and_fails_on_contradictions() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("check.db");
    let database = database.to_str().unwrap();
    let output = run(&["check", "--create", "--database-url", database]);
    assert_eq!(output.status.code(), Some(1), "inconsistent data exits 1");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("Consistency of the source: "), "{text}");
    assert!(text.contains("2 inconsistent"), "{text}");
    assert!(
        text.contains("INCONSISTENT  an average annual growth rate of 27.4 percent"),
        "{text}"
    );
    assert!(
        text.contains("Exchange rate: 7.2501 yuan per dollar"),
        "{text}"
    );
}

/// An import retracts the R&D figure: its printed dollar twin is left standing for a figure
/// no longer served. The import warns of it; the report says so (an orphan, inconsistent),
/// leaves the pair out of the rate, and every sentence counts the pairs that remain: four,
/// their median the mean of the middle two. The rate's own description says four; so does
/// `check`'s text.
#[tokio::test]
async fn a_retraction_leaves_an_orphan_and_the_report_follows_the_data() {
    let app = TestApp::spawn().await;
    let retraction = seed_csv(&[(
        "rd-expenditure-2024",
        &[("action", "retract"), ("reason", "a test of the report")],
    )]);
    let (plan, _) = app
        .import("retract-rd.csv", &retraction)
        .await
        .expect("the retraction imports");
    // The import warns of the orphan it leaves (and `--strict` would refuse the file).
    let warnings: Vec<String> = plan.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "line 2, column 1 (id): retracting 'rd-expenditure-2024' leaves \
             'rd-expenditure-2024-usd' (its equivalent_of) pointing at a retracted figure, an \
             orphan; retract 'rd-expenditure-2024-usd' in this file too, or correct its \
             equivalent_of"
        ]
    );

    // 10/1.38 = 7.246377, 1000/137.97 = 7.247953, 2000/275.86 = 7.250054 and
    // 100/13.79 = 7.251632: the median is (7.247953 + 7.250054) / 2.
    let rate: ExchangeRate = app.get_json("/v1/exchange-rate").await;
    assert_eq!(rate.pairs.len(), 4);
    assert_eq!(
        rate.method,
        "median of the 4 yuan-per-dollar rates implied by the dollar equivalents the source prints"
    );
    assert!(close(
        rate.cny_per_usd,
        (1000.0 / 137.97 + 2000.0 / 275.86) / 2.0,
        1e-9
    ));

    let report: ConsistencyReport = app.get_json("/v1/consistency").await;
    let orphan = by_id(&report.checks, "orphan-rd-expenditure-2024-usd");
    assert_eq!(
        (orphan.kind.as_str(), orphan.verdict.as_str()),
        ("orphaned_link", "inconsistent")
    );
    assert_eq!(
        orphan.figures,
        ["rd-expenditure-2024-usd", "rd-expenditure-2024"]
    );
    assert_eq!(
        orphan.claim,
        "rd-expenditure-2024-usd ($70.3 billion) is the printed equivalent of \
         rd-expenditure-2024"
    );
    assert_eq!(
        orphan.explanation,
        "rd-expenditure-2024 is retracted, but rd-expenditure-2024-usd's equivalent_of still \
         points at it, so it is served as standing for a figure that is not. Retract \
         rd-expenditure-2024-usd too, or correct its equivalent_of."
    );
    assert!(!report
        .checks
        .iter()
        .any(|c| c.id == "conversion-rd-expenditure-2024-usd"));
    let conversions: Vec<_> = (report.checks.iter())
        .filter(|c| c.kind == "currency_conversion")
        .collect();
    assert_eq!(conversions.len(), 4);
    for check in conversions {
        assert!(
            check.explanation.ends_with(
                "(The reference is the median of the 4 rates the printed pairs imply: the \
                 mean of the middle two, which no pair has.)"
            ),
            "{}",
            check.explanation
        );
    }
    let text = app.get("/v1/consistency").await.text().await.unwrap();
    assert!(!text.contains("five"), "no count but the data's: {text}");

    let output = app.run(&["check"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains(
            "INCONSISTENT  rd-expenditure-2024-usd ($70.3 billion) is the printed equivalent \
             of rd-expenditure-2024\n              id: orphan-rd-expenditure-2024-usd\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("Exchange rate: 7.2490 yuan per dollar (median of the 4 yuan-per-dollar"),
        "{text}"
    );
}

/// The list the repository ships (`seed/accepted-inconsistencies.txt`) names the article's own
/// two contradictions: `check --accept` passes on the seeded database, as CI runs it, and
/// fails, naming it, once an import brings a new one (a caption that no longer repeats its
/// story's figure). A list that is malformed or missing is an input refused (1), as for
/// import's file, and the database is not opened.
#[tokio::test]
async fn check_accept_passes_on_the_article_and_fails_on_a_new_contradiction() {
    let app = TestApp::spawn().await;
    let accepted = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/seed/accepted-inconsistencies.txt"
    );
    let output = app.run(&["check", "--accept", accepted]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains(
            "2 inconsistencies\n  conversion-cluster-revenue-threshold-trillion-yuan-usd\n  \
             average-growth-hengqin-gdp-average-growth\nNo new inconsistency.\n"
        ),
        "{text}"
    );

    let contradiction = seed_csv(&[(
        "open-day-journalists-caption",
        &[("value", "300"), ("stated", "Nearly 300 journalists")],
    )]);
    app.import("caption.csv", &contradiction)
        .await
        .expect("the correction imports");
    let output = app.run(&["check", "--accept", accepted]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "NEW inconsistencies, not in \
             "
        ) && text.contains(
            ": 1\n  repeat-open-day-journalists-caption  (Nearly 300 journalists (Photo caption) \
             repeats 267 journalists (Open day))\n"
        ),
        "{text}"
    );

    let dir = tempfile::tempdir().unwrap();
    let malformed = dir.path().join("accepted.txt");
    std::fs::write(&malformed, "two ids on-one-line\n").unwrap();
    let output = app.run(&["check", "--accept", malformed.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "no report: {output:?}");
    let error = String::from_utf8(output.stderr).unwrap();
    assert!(
        error.contains("line 1: 'two ids on-one-line' is not one check id"),
        "{error}"
    );
    let missing = dir.path().join("no-such-list.txt");
    let output = app.run(&["check", "--accept", missing.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let error = String::from_utf8(output.stderr).unwrap();
    assert!(error.starts_with("gd-indicators: cannot read '"), "{error}");
    assert_eq!(error.lines().count(), 1, "{error}");
}
