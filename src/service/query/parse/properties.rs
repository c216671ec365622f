use serde_json::Value;

use super::*;
use crate::service::query::cursor::Direction;
use crate::service::query::params::{FROM, MIN, REGION, UNIT, YEAR};
use crate::service::query::spec::Shape;
use proptest::prelude::*;

static SPEC: QuerySpec = QuerySpec {
    params: &[
        REGION.matching("region"),
        UNIT.accept(),
        YEAR.accept(),
        FROM.accept(),
        MIN.accept(),
    ],
    shape: Shape::Page(&[SortSpec::new("name", "name")]),
};

fn keys() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "region", "unit", "year", "from", "min", "sort", "limit", "cursor", "fields", "format",
        "bogus", "",
    ])
    .prop_map(str::to_owned)
}

proptest! {
    /// Any query string parses or is refused with a 400 naming a parameter; never a panic.
    #[test]
    fn any_query_string_parses_or_names_its_fault(raw in ".{0,200}") {
        match Parsed::parse("/p", Some(&raw), &SPEC) {
            Ok(_) => {}
            Err(ApiError::InvalidParameter { detail, .. }) => {
                prop_assert!(!detail.is_empty());
            }
            Err(other) => prop_assert!(false, "unexpected error {other:?}"),
        }
    }

    /// Well-formed pairs of known and unknown keys with arbitrary values behave the same.
    #[test]
    fn any_pairs_parse_or_are_refused(pairs in prop::collection::vec((keys(), ".{0,30}"), 0..8)) {
        let raw = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .finish();
        let refused_as_a_parameter =
            matches!(Parsed::parse("/p", Some(&raw), &SPEC), Ok(_) | Err(ApiError::InvalidParameter { .. }));
        prop_assert!(refused_as_a_parameter);
    }

    /// A year in range is accepted, one outside is refused.
    #[test]
    fn years_are_accepted_exactly_in_range(year in -10_000i32..10_000) {
        let result = Parsed::parse("/p", Some(&format!("year={year}")), &SPEC);
        prop_assert_eq!(result.is_ok(), (1900..=2100).contains(&year));
    }

    /// A finite number round-trips through `min`; anything parsed is finite.
    #[test]
    fn min_accepts_finite_numbers(value in proptest::num::f64::ANY) {
        let result = Parsed::parse("/p", Some(&format!("min={value}")), &SPEC);
        match result {
            Ok(parsed) => {
                prop_assert!(value.is_finite());
                prop_assert_eq!(parsed.get(&MIN), Some(value));
            }
            Err(_) => prop_assert!(!value.is_finite()),
        }
    }

    /// Cursors survive encoding, and the query they were issued for accepts them.
    #[test]
    fn cursors_round_trip(name in "[a-z]{0,12}", position in 0i64..1_000_000) {
        let parsed = Parsed::parse("/p", Some("sort=name"), &SPEC).unwrap();
        let cursor = Cursor {
            direction: Direction::After,
            keys: vec![Value::from(name)],
            position,
            fingerprint: parsed.list.fingerprint,
        };
        prop_assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor.clone()));
        let again = Parsed::parse("/p", Some(&format!("sort=name&cursor={}", cursor.encode())), &SPEC).unwrap();
        prop_assert_eq!(again.list.cursor, Some(cursor));
    }

    /// Arbitrary text is never a cursor, and never a panic.
    #[test]
    fn arbitrary_text_is_not_a_cursor(token in "[A-Za-z0-9_-]{0,80}") {
        let result = Parsed::parse("/p", Some(&format!("sort=name&cursor={token}")), &SPEC);
        let refused = match result {
            Err(ApiError::InvalidParameter { name, .. }) => name == "cursor",
            _ => false,
        };
        prop_assert!(refused);
    }
}
