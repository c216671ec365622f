//! `/v1/consistency` and the `check` command: the article's claims checked against each other.

use super::{close, MEDIAN_RATE};
use crate::helpers::{by_id, run, ConsistencyReport, ExchangeRate, Number, TestApp};

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
