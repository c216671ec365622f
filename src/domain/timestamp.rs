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
/// form; `None` when `text` is not one, or names an instant outside years 0 to 9999 in UTC
/// (`9999-12-31T23:59:59-23:59` is in year 10000 there, which the canonical form cannot hold).
pub fn parse_rfc3339(text: &str) -> Option<String> {
    let moment = OffsetDateTime::parse(text, &Rfc3339).ok()?;
    // Checked: `to_offset` panics on an instant it cannot represent.
    let utc = moment.checked_to_offset(UtcOffset::UTC)?;
    (0..=9999).contains(&utc.year()).then(|| canonical(utc))
}

/// The current time in the canonical form.
pub fn now() -> String {
    canonical(OffsetDateTime::now_utc())
}

/// The current time, or just after `previous` (a canonical time) where the clock has not
/// passed it: a stamp later than `previous` whatever the clock did.
pub fn now_after(previous: Option<&str>) -> String {
    let now = OffsetDateTime::now_utc();
    let floor = previous
        .and_then(|previous| time::PrimitiveDateTime::parse(previous, &CANONICAL).ok())
        .map(|previous| previous.assume_utc() + time::Duration::microseconds(1));
    canonical(match floor {
        Some(floor) if floor > now => floor,
        _ => now,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_after_a_later_one_is_a_microsecond_past_it() {
        let future = "9000-01-01T00:00:00.999999Z";
        assert_eq!(now_after(Some(future)), "9000-01-01T00:00:01.000000Z");
        let past = "2000-01-01T00:00:00.000000Z";
        let stamp = now_after(Some(past));
        assert!(stamp.as_str() > past && stamp.len() == 27, "{stamp}");
        assert_eq!(now_after(None).len(), 27);
    }
    use proptest::prelude::*;

    proptest! {
        /// Any text is a time or refused; never a panic.
        #[test]
        fn any_text_parses_or_is_refused(raw in ".{0,40}") {
            if let Some(moment) = parse_rfc3339(&raw) {
                prop_assert_eq!(moment.len(), 27);
            }
        }

        /// Any well-formed time at the edges of the calendar, in any offset, is a time or
        /// refused; never a panic (issue 13, D2: `9999-12-31T23:59:59-23:59` was one).
        #[test]
        fn times_at_the_calendar_edges_parse_or_are_refused(
            year in prop_oneof![0u32..=1, 9998u32..=9999],
            month in prop_oneof![Just(1u32), Just(12u32)],
            day in prop_oneof![Just(1u32), Just(31u32)],
            hour in 0u32..=23, minute in 0u32..=59, second in 0u32..=59,
            sign in prop_oneof![Just('+'), Just('-')],
            offset_hours in 0u32..=23, offset_minutes in 0u32..=59,
        ) {
            let text = format!(
                "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}\
                 {sign}{offset_hours:02}:{offset_minutes:02}"
            );
            if let Some(moment) = parse_rfc3339(&text) {
                prop_assert_eq!(moment.len(), 27);
            }
        }

        /// Canonical text sorts as the times do, whatever offsets they were given in.
        #[test]
        fn canonical_text_orders_like_time(
            a in 0i64..4_000_000_000, b in 0i64..4_000_000_000,
            offset_a in -12i32..=14, offset_b in -12i32..=14,
        ) {
            let moment = |seconds: i64, hours: i32| {
                let utc = OffsetDateTime::from_unix_timestamp(seconds).unwrap();
                let offset = UtcOffset::from_hms(hours as i8, 0, 0).unwrap();
                utc.to_offset(offset).format(&Rfc3339).unwrap()
            };
            let (text_a, text_b) = (moment(a, offset_a), moment(b, offset_b));
            let (canon_a, canon_b) =
                (parse_rfc3339(&text_a).unwrap(), parse_rfc3339(&text_b).unwrap());
            prop_assert_eq!(canon_a.cmp(&canon_b), a.cmp(&b));
        }
    }

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
        assert_eq!(parse_rfc3339("9999-12-31T23:59:59-23:59"), None);
        assert_eq!(parse_rfc3339("0000-01-01T00:00:00+00:01"), None);
        assert_eq!(
            parse_rfc3339("9999-12-31T23:59:59+00:00").as_deref(),
            Some("9999-12-31T23:59:59.000000Z")
        );
        assert_eq!(parse_rfc3339("yesterday"), None);
        assert_eq!(now().len(), "2025-06-01T04:00:00.000000Z".len());
    }
}
