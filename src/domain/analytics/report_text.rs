//! The consistency report as terminal text, for the `check` command.

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
