//! Times of revisions and imports: UTC in one fixed-width RFC 3339 form,
//! `YYYY-MM-DDTHH:MM:SS.ffffffZ`, so that SQLite compares them correctly as text.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

const CANONICAL: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// `moment` in the canonical form.
pub fn canonical(moment: OffsetDateTime) -> String {
    moment
        .to_offset(UtcOffset::UTC)
        .format(&CANONICAL)
        .expect("every UTC time between years 0 and 9999 formats")
}

/// Any RFC 3339 time (`2025-06-01T12:00:00+08:00`, `2025-06-01T04:00:00Z`) in the canonical
/// form; `None` when `text` is not one.
pub fn parse_rfc3339(text: &str) -> Option<String> {
    let moment = OffsetDateTime::parse(text, &Rfc3339).ok()?;
    let utc = moment.to_offset(UtcOffset::UTC);
    (0..=9999).contains(&utc.year()).then(|| canonical(utc))
}

/// The current time in the canonical form.
pub fn now() -> String {
    canonical(OffsetDateTime::now_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_normalised_to_utc_with_fixed_width() {
        assert_eq!(
            parse_rfc3339("2025-06-01T12:00:00+08:00").as_deref(),
            Some("2025-06-01T04:00:00.000000Z")
        );
        assert_eq!(
            parse_rfc3339("2025-06-01T04:00:00.5Z").as_deref(),
            Some("2025-06-01T04:00:00.500000Z")
        );
        assert_eq!(parse_rfc3339("2025-06-01"), None);
        assert_eq!(parse_rfc3339("yesterday"), None);
        assert_eq!(now().len(), "2025-06-01T04:00:00.000000Z".len());
    }
}
