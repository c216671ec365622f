//! The accessibility check: axe-core, from npm, run in the page the test has open.
//!
//! axe-core is found at `$AXE_CORE_JS` (its `axe.min.js`) or where `.ci/run` installs it,
//! `target/tmp/axe-core/node_modules/axe-core/axe.min.js`. Without it the check is skipped with
//! a message, except under CI (`CI` set), where it is a failure.

use std::path::PathBuf;

use serde_json::Value;

use super::cdp::Chromium;

/// axe-core's script, or `None` (after saying so) when there is none and CI is not set.
pub fn axe_or_skip(test: &str) -> Option<String> {
    let path = match std::env::var_os("AXE_CORE_JS").filter(|p| !p.is_empty()) {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join("axe-core/node_modules/axe-core/axe.min.js"),
    };
    match std::fs::read_to_string(&path) {
        Ok(script) => Some(script),
        Err(error) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but axe-core is not at {} ({error}): {test} cannot check accessibility",
                path.display()
            );
            eprintln!(
                "SKIPPED the accessibility check of {test}: axe-core is not at {} ({error}); \
                 `npm install --prefix target/tmp/axe-core axe-core` or set AXE_CORE_JS",
                path.display()
            );
            None
        }
    }
}

/// Every violation axe-core finds in the open page: rule, impact, help and a few elements.
pub async fn violations(chromium: &mut Chromium, axe: &str) -> Vec<Value> {
    chromium.eval(axe).await;
    let found = chromium
        .eval(
            "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
               id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ': ' + n.failureSummary) })))",
        )
        .await;
    found.as_array().cloned().unwrap_or_default()
}

/// The violations that matter here: serious and critical ones.
pub fn serious(violations: &[Value]) -> Vec<&Value> {
    violations
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect()
}
