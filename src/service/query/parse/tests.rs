use super::*;
use crate::domain::analytics::conversion::Currency;
use crate::domain::figure::Scale;
use crate::service::query::params::{CURRENCY, Q, SCALE, WIDTH};
use crate::service::query::spec::Shape;

static SPEC: QuerySpec = QuerySpec {
    params: &[
        CURRENCY.accept(),
        SCALE.accept(),
        WIDTH.accept(),
        Q.accept(),
    ],
    shape: Shape::Image,
};

fn refusal(raw: &str) -> (String, String) {
    match Parsed::parse("/p", Some(raw), &SPEC) {
        Err(ApiError::InvalidParameter { name, detail }) => (name, detail),
        other => panic!("{raw}: {other:?}"),
    }
}

#[test]
fn each_check_names_the_parameter_at_fault() {
    let long = format!("q={}", "a".repeat(MAX_TEXT_CHARS + 1));
    for (raw, name, detail) in [
        (
            "scale=billion&scale=million",
            "scale",
            "scale: give one of unit, thousand, million, billion, trillion.",
        ),
        (
            "currency=USD&currency=CNY",
            "currency",
            "currency: give one of CNY, USD.",
        ),
        (
            "currency=USD,CNY",
            "currency",
            "currency: give one of CNY, USD.",
        ),
        (
            "currency=EUR",
            "currency",
            "currency: 'EUR' is not accepted. Accepted values: CNY, USD.",
        ),
        (
            "width=50",
            "width",
            "width: 50 is not a whole number of pixels from 200 to 2000.",
        ),
        (
            "width=640.5",
            "width",
            "width: 640.5 is not a whole number of pixels from 200 to 2000.",
        ),
        ("q=a&q=b", "q", "q: given 2 times; give it once."),
        (&long, "q", "q: at most 200 characters."),
        (
            "format=svg",
            "format",
            "Unknown parameter 'format'. This endpoint accepts: currency, scale, width, q.",
        ),
    ] {
        assert_eq!(refusal(raw), (name.to_owned(), detail.to_owned()), "{raw}");
    }
}

#[test]
fn enumerations_read_in_any_case_and_are_kept_in_their_own() {
    let parsed = Parsed::parse("/p", Some("currency=usd&scale=BILLION"), &SPEC).unwrap();
    assert_eq!(parsed.get(&CURRENCY), Some(Currency::Usd));
    assert_eq!(parsed.get(&SCALE), Some(Scale::Billion));
    let spellings = ["currency=Usd", "currency=USD"].map(|raw| {
        let parsed = Parsed::parse("/p", Some(raw), &SPEC).unwrap();
        (
            parsed.value(&CURRENCY.decl).cloned(),
            parsed.list.fingerprint,
        )
    });
    assert_eq!(spellings[0], spellings[1], "one value, one fingerprint");
    assert_eq!(
        spellings[0].0,
        Some(ParamValue::Texts(vec!["USD".to_owned()]))
    );
    // Two spellings of one word are one value, not two.
    let parsed = Parsed::parse("/p", Some("currency=USD&currency=usd"), &SPEC).unwrap();
    assert_eq!(parsed.get(&CURRENCY), Some(Currency::Usd));
    assert_eq!(
        refusal("scale=billions"),
        (
            "scale".to_owned(),
            "scale: 'billions' is not accepted. Accepted values: unit, thousand, million, \
             billion, trillion."
                .to_owned()
        )
    );
}

#[test]
fn values_read_as_their_types() {
    let parsed = Parsed::parse("/p", Some("currency=USD&scale=billion&width=800"), &SPEC).unwrap();
    assert_eq!(parsed.get(&CURRENCY), Some(Currency::Usd));
    assert_eq!(parsed.get(&SCALE), Some(Scale::Billion));
    assert_eq!(parsed.get(&WIDTH), Some(800));
    assert_eq!(parsed.get(&Q), None);
    // One value given twice is one value.
    let parsed = Parsed::parse("/p", Some("currency=USD&currency=USD"), &SPEC).unwrap();
    assert_eq!(parsed.get(&CURRENCY), Some(Currency::Usd));
}
