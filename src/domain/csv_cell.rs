//! Text in a CSV cell, safe to open in a spreadsheet: a cell that starts with a character a
//! spreadsheet reads as the start of a formula (`=`, `+`, `-`, `@`, a tab, a carriage return)
//! is written with a leading `'`, which spreadsheets take as "this is text" and hide; an
//! import reads such a cell back to the text it stands for, so that what the API writes
//! imports back as it was. Only text is neutralised: a number (`-3`) is written as it is,
//! and JSON is always exact.
//!
//! The rule is one-to-one: a cell that starts with apostrophes and then one of those
//! characters gets one more apostrophe, and reading back removes exactly one, so every text
//! (`'=x` included) makes the round trip, and a text that merely starts with an apostrophe
//! (`'tis`) is written and read as it is.

use std::borrow::Cow;

/// The characters a spreadsheet takes a cell starting with as a formula (OWASP's list).
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// Whether `text`, after any leading apostrophes, starts like a formula.
fn formula_after_apostrophes(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// `text` as a CSV cell: with a leading `'` when a spreadsheet would read it as a formula.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if formula_after_apostrophes(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The text a CSV cell written by [`neutralise`] stands for.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_after_apostrophes(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_get_an_apostrophe_and_nothing_else_does() {
        for (text, cell) in [
            ("=1+2", "'=1+2"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tindented", "'\tindented"),
            ("\rreturn", "'\rreturn"),
            ("'=quoted", "''=quoted"),
            ("''@twice", "'''@twice"),
            ("'tis", "'tis"),
            ("'", "'"),
            ("", ""),
            ("510 billion yuan", "510 billion yuan"),
            ("a-b", "a-b"),
        ] {
            assert_eq!(neutralise(text), cell, "{text:?}");
            assert_eq!(restore(cell), text, "{cell:?}");
        }
    }

    proptest! {
        /// Every text makes the round trip, and no cell starts like a formula.
        #[test]
        fn every_text_round_trips_and_no_cell_is_a_formula(text in "['=+@\t\r-]{0,3}.{0,8}") {
            let cell = neutralise(&text);
            prop_assert_eq!(restore(&cell), text.as_str());
            prop_assert!(!cell.starts_with(FORMULA_STARTS));
        }
    }
}
