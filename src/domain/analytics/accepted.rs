//! Inconsistencies known and accepted as they are (`gd-indicators check --accept FILE`): a
//! list of check ids, and the report judged against it. The source contradicts itself twice,
//! so `check` alone can never pass on it; with the list it fails only on a new inconsistency.
//!
//! The file: one check id per line (the `id` of `/v1/consistency`, the `id:` line of
//! `check`'s text); `#` starts a comment, to the end of its line; blank lines are skipped.

use std::collections::HashSet;

use super::consistency::{Check, ConsistencyReport, Verdict};

/// The check ids a file accepts, in its order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AcceptedChecks {
    ids: Vec<String>,
}

impl AcceptedChecks {
    /// Reads an accept file; `Err` says which line is not one id, or names an id twice.
    pub fn parse(text: &str) -> Result<AcceptedChecks, String> {
        let mut ids: Vec<String> = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let content = line
                .split_once('#')
                .map_or(line, |(before, _)| before)
                .trim();
            if content.is_empty() {
                continue;
            }
            let line_number = index + 1;
            if content.split_whitespace().count() > 1 {
                return Err(format!(
                    "line {line_number}: '{content}' is not one check id; give one per line"
                ));
            }
            if ids.iter().any(|id| id == content) {
                return Err(format!(
                    "line {line_number}: '{content}' is listed twice; list each check once"
                ));
            }
            ids.push(content.to_owned());
        }
        Ok(AcceptedChecks { ids })
    }

    pub fn ids(&self) -> &[String] {
        &self.ids
    }
}

/// A report's inconsistencies against an accept list.
#[derive(Debug, Clone)]
pub struct Acceptance<'a> {
    /// Inconsistent and listed: known, accepted.
    pub accepted: Vec<&'a Check>,
    /// Inconsistent and not listed: what fails the check.
    pub new: Vec<&'a Check>,
    /// Listed but not (or no longer) inconsistent: the list can drop them.
    pub stale: Vec<&'a str>,
}

impl Acceptance<'_> {
    /// Every inconsistency is known.
    pub fn passes(&self) -> bool {
        self.new.is_empty()
    }
}

/// Which of the report's inconsistencies the list accepts, which are new, and which listed
/// ids no inconsistency has.
pub fn judge<'a>(report: &'a ConsistencyReport, list: &'a AcceptedChecks) -> Acceptance<'a> {
    let listed: HashSet<&str> = list.ids.iter().map(String::as_str).collect();
    let (accepted, new): (Vec<&Check>, Vec<&Check>) = report
        .checks
        .iter()
        .filter(|check| check.verdict == Verdict::Inconsistent)
        .partition(|check| listed.contains(check.id.as_str()));
    let found: HashSet<&str> = accepted.iter().map(|check| check.id.as_str()).collect();
    let stale = list
        .ids
        .iter()
        .map(String::as_str)
        .filter(|id| !found.contains(id))
        .collect();
    Acceptance {
        accepted,
        new,
        stale,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::analytics::consistency::ReportSummary;

    fn check(id: &str, verdict: Verdict) -> Check {
        Check {
            id: id.to_owned(),
            kind: "test".to_owned(),
            claim: id.to_owned(),
            figures: Vec::new(),
            stated: None,
            implied: None,
            difference: None,
            tolerance: None,
            unit: None,
            verdict,
            explanation: String::new(),
        }
    }

    fn report(checks: Vec<Check>) -> ConsistencyReport {
        ConsistencyReport {
            summary: ReportSummary {
                checks: checks.len(),
                consistent: 0,
                inconsistent: 0,
                unverifiable: 0,
            },
            exchange_rate: None,
            checks,
        }
    }

    #[test]
    fn a_list_is_one_id_a_line_with_comments_and_blank_lines() {
        let list = AcceptedChecks::parse(
            "# known\n\naverage-growth-hengqin  # 27.4 %\n  conversion-lead-usd\n#end",
        )
        .unwrap();
        assert_eq!(
            list.ids(),
            ["average-growth-hengqin", "conversion-lead-usd"]
        );
        assert_eq!(AcceptedChecks::parse("").unwrap().ids(), [] as [String; 0]);
        assert_eq!(
            AcceptedChecks::parse("a\nb c\n"),
            Err("line 2: 'b c' is not one check id; give one per line".to_owned())
        );
        assert_eq!(
            AcceptedChecks::parse("a\n# again\na # twice"),
            Err("line 3: 'a' is listed twice; list each check once".to_owned())
        );
    }

    #[test]
    fn only_an_inconsistency_the_list_does_not_name_fails() {
        let report = report(vec![
            check("known", Verdict::Inconsistent),
            check("fine", Verdict::Consistent),
            check("unknown", Verdict::Unverifiable),
        ]);
        let list = AcceptedChecks::parse("known\nfine\ngone").unwrap();
        let acceptance = judge(&report, &list);
        assert!(acceptance.passes());
        assert_eq!(acceptance.accepted.len(), 1);
        assert_eq!(
            acceptance.stale,
            ["fine", "gone"],
            "listed, not inconsistent"
        );

        let report = self::report(vec![
            check("known", Verdict::Inconsistent),
            check("orphan", Verdict::Inconsistent),
        ]);
        let acceptance = judge(&report, &list);
        assert!(!acceptance.passes());
        let new: Vec<&str> = acceptance.new.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(new, ["orphan"]);
        let nothing = AcceptedChecks::default();
        assert_eq!(
            judge(&report, &nothing).new.len(),
            2,
            "an empty list accepts none"
        );
    }
}
