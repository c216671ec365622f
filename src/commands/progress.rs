//! Progress of the long commands (`import`, `generate`, `export`) on stderr: a bar redrawn in
//! place where a person watches a terminal; nothing at all where stderr is a file or a pipe,
//! so logs and CI output never collect escape codes or a line per redraw.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};

/// Whether progress is drawn: stderr is a terminal.
pub fn on_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// A bar counting `unit` towards a length set later (a spinner until then); hidden off a
/// terminal.
pub fn bar(prefix: &'static str, unit: &str) -> ProgressBar {
    if !on_terminal() {
        return ProgressBar::hidden();
    }
    let template = format!(
        "{{prefix}} [{{bar:30}}] {{human_pos}}/{{human_len}} {unit} \
         ({{per_sec:0}}, {{eta}} left) {{wide_msg}}"
    );
    let style = ProgressStyle::with_template(&template)
        .expect("the bar's template is valid")
        .progress_chars("=> ");
    let bar = drawn(style, prefix);
    // Redrawn between updates too, so a slow step (one batch of `generate`) shows time passing.
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}

/// A spinner with a message saying what is being done; hidden off a terminal.
pub fn spinner(prefix: &'static str) -> ProgressBar {
    if !on_terminal() {
        return ProgressBar::hidden();
    }
    let style = ProgressStyle::with_template("{prefix} {spinner} {msg} ({elapsed})")
        .expect("the spinner's template is valid");
    let spinner = drawn(style, prefix);
    // Ticks on its own: a step (reading a file, one transaction) may take seconds.
    spinner.enable_steady_tick(Duration::from_millis(120));
    spinner
}

/// A bar drawn on stderr that clears itself when dropped, so that an error line printed after
/// an early return is not left under a half-finished bar.
fn drawn(style: ProgressStyle, prefix: &'static str) -> ProgressBar {
    ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
        .with_style(style)
        .with_prefix(prefix)
        .with_finish(ProgressFinish::AndClear)
}
