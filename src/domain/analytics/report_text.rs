//! The consistency report as terminal text, for the `check` command.

use super::accepted::Acceptance;
use super::consistency::{Check, ConsistencyReport, Verdict};
use super::numbers::show;

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
        // The id is what `check --accept` lists.
        text.push_str(&format!("              id: {}\n", check.id));
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

/// The report judged against an accept list (read from `file`): what is accepted, what is
/// new, what the list names in vain, and the outcome, for the end of `check --accept`'s text.
pub fn acceptance_text(acceptance: &Acceptance<'_>, file: &str) -> String {
    let mut text = format!(
        "\nAccepted as known ({file}): {} inconsistenc{}\n",
        acceptance.accepted.len(),
        if acceptance.accepted.len() == 1 {
            "y"
        } else {
            "ies"
        }
    );
    for check in &acceptance.accepted {
        text.push_str(&format!("  {}\n", check.id));
    }
    if !acceptance.stale.is_empty() {
        text.push_str(&format!(
            "Listed in {file} but not inconsistent (the list can drop them): {}\n",
            acceptance.stale.len()
        ));
        for id in &acceptance.stale {
            text.push_str(&format!("  {id}\n"));
        }
    }
    if acceptance.passes() {
        text.push_str("No new inconsistency.\n");
    } else {
        text.push_str(&format!(
            "NEW inconsistencies, not in {file}: {}\n",
            acceptance.new.len()
        ));
        for check in &acceptance.new {
            text.push_str(&format!("  {}  ({})\n", check.id, check.claim));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::{acceptance_text, report_text};
    use crate::domain::analytics::accepted::{judge, AcceptedChecks};
    use crate::domain::analytics::consistency::{Check, ConsistencyReport, ReportSummary, Verdict};
    use crate::domain::analytics::exchange_rate::ExchangeRate;

    fn check(claim: &str, verdict: Verdict, numbers: Option<[f64; 4]>) -> Check {
        let [stated, implied, difference, tolerance] = numbers.map_or([None; 4], |n| n.map(Some));
        Check {
            id: claim.to_owned(),
            kind: "test".to_owned(),
            claim: claim.to_owned(),
            figures: Vec::new(),
            stated,
            implied,
            difference,
            tolerance,
            unit: None,
            verdict,
            explanation: format!("why {claim}"),
        }
    }

    #[test]
    fn the_text_puts_problems_first_then_agreements_then_what_cannot_be_checked() {
        let report = ConsistencyReport {
            summary: ReportSummary {
                checks: 3,
                consistent: 1,
                inconsistent: 1,
                unverifiable: 1,
            },
            exchange_rate: Some(ExchangeRate {
                cny_per_usd: 7.250054,
                method: "median of 5".to_owned(),
                pairs: Vec::new(),
            }),
            checks: vec![
                check("share", Verdict::Unverifiable, None),
                check(
                    "repeat",
                    Verdict::Consistent,
                    Some([270.0, 267.0, 3.0, 13.5]),
                ),
                check(
                    "dollars",
                    Verdict::Inconsistent,
                    Some([137.97, 137.93, 0.04, 0.005]),
                ),
            ],
        };
        assert_eq!(
            report_text(&report),
            "\
Consistency of the source: 3 checks, 1 consistent, 1 inconsistent, 1 unverifiable
Exchange rate: 7.2501 yuan per dollar (median of 5)

INCONSISTENT  dollars
              id: dollars
              stated 137.97 / implied 137.93 / difference 0.04 / tolerance 0.005
              why dollars

consistent    repeat
              id: repeat
              stated 270 / implied 267 / difference 3 / tolerance 13.5
              why repeat

unverifiable  share
              id: share
              why share
"
        );
    }

    #[test]
    fn the_acceptance_says_what_is_known_what_is_new_and_what_the_list_names_in_vain() {
        let report = ConsistencyReport {
            summary: ReportSummary {
                checks: 2,
                consistent: 0,
                inconsistent: 2,
                unverifiable: 0,
            },
            exchange_rate: None,
            checks: vec![
                check("dollars", Verdict::Inconsistent, None),
                check("orphan", Verdict::Inconsistent, None),
            ],
        };
        let list = AcceptedChecks::parse("dollars\ngone").unwrap();
        assert_eq!(
            acceptance_text(&judge(&report, &list), "known.txt"),
            "
Accepted as known (known.txt): 1 inconsistency
  dollars
Listed in known.txt but not inconsistent (the list can drop them): 1
  gone
NEW inconsistencies, not in known.txt: 1
  orphan  (orphan)
"
        );
        let list = AcceptedChecks::parse("dollars\norphan").unwrap();
        assert_eq!(
            acceptance_text(&judge(&report, &list), "known.txt"),
            "
Accepted as known (known.txt): 2 inconsistencies
  dollars
  orphan
No new inconsistency.
"
        );
    }

    #[test]
    fn without_a_rate_the_text_says_nothing_of_one() {
        let report = ConsistencyReport {
            summary: ReportSummary {
                checks: 0,
                consistent: 0,
                inconsistent: 0,
                unverifiable: 0,
            },
            exchange_rate: None,
            checks: Vec::new(),
        };
        assert_eq!(
            report_text(&report),
            "Consistency of the source: 0 checks, 0 consistent, 0 inconsistent, 0 unverifiable\n"
        );
    }
}
