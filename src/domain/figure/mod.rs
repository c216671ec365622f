//! The figure: its columns, declared once in [`schema`] (the figure as served is an
//! [`Observation`], its stored part a [`FigureRecord`]), the enums that give it its meaning,
//! its revisions, and how its numbers serialise.
//!
//! [`schema`]: crate::domain::figure::schema
//! [`Observation`]: crate::domain::figure::Observation
//! [`FigureRecord`]: crate::domain::figure::FigureRecord

use serde::{Deserialize, Serialize, Serializer};

/// A figure's bounds: the interval its qualifier (or its derivation) says it lies in.
pub mod bounds;
/// The machinery of the schema: columns, cells, the generating macros.
pub mod column;
/// The figure's JSON and flat shapes and their OpenAPI schemas, walked from the schema.
pub mod json;
/// The declaration of every column of a figure.
pub mod schema;

pub use bounds::{Bound, Interval};
use column::{words, Word};
pub use json::{FigureFields, FlatFigure};
pub use schema::{FigureRecord, Observation, COLUMNS, STORED_COLUMNS};

/// The stored names of [`Unit`]s and [`Qualifier`]s: the words filters and imports accept
/// (`indeterminate`, the last qualifier, is only ever derived).
pub const UNITS: &[&str] = Unit::WORDS;
pub const QUALIFIERS: &[&str] = match Qualifier::WORDS.split_last() {
    Some((_, stated)) => stated,
    None => &[],
};

words! {
    /// The unit a figure is stated in.
    pub enum Unit {
        /// Chinese yuan (renminbi).
        Cny = "cny",
        /// US dollars, as printed beside a yuan amount.
        Usd = "usd",
        Count = "count",
        Percent = "percent",
        PercentagePoints = "percentage_points",
        Hectares = "hectares",
        Years = "years",
        /// A position in a ranking (1 = first).
        Rank = "rank",
    }
}

impl Unit {
    /// ISO 4217 code for money units.
    pub fn currency_code(self) -> Option<&'static str> {
        match self {
            Unit::Cny => Some("CNY"),
            Unit::Usd => Some("USD"),
            _ => None,
        }
    }

    /// The unit as a label says it ("yuan", "percentage points").
    pub fn in_words(self) -> &'static str {
        match self {
            Unit::Cny => "yuan",
            Unit::Usd => "US dollars",
            Unit::Count => "count",
            Unit::Percent => "percent",
            Unit::PercentagePoints => "percentage points",
            Unit::Hectares => "hectares",
            Unit::Years => "years",
            Unit::Rank => "rank",
        }
    }
}

words! {
    /// The power of ten a value is stated in: 1.1 with scale `trillion` is 1.1 × 10¹².
    pub enum Scale {
        Unit = "unit",
        Thousand = "thousand",
        Million = "million",
        Billion = "billion",
        Trillion = "trillion",
    }
}

impl Scale {
    /// The power of ten itself: 1e12 for `trillion`.
    pub fn factor(self) -> f64 {
        match self {
            Scale::Unit => 1.0,
            Scale::Thousand => 1e3,
            Scale::Million => 1e6,
            Scale::Billion => 1e9,
            Scale::Trillion => 1e12,
        }
    }

    /// The scale as a label puts it before a unit ("billion "; nothing for units).
    pub fn in_words(self) -> &'static str {
        match self {
            Scale::Unit => "",
            Scale::Thousand => "thousand ",
            Scale::Million => "million ",
            Scale::Billion => "billion ",
            Scale::Trillion => "trillion ",
        }
    }
}

/// The largest size a figure may have in plain units (`value` × `scale`): thirty orders of
/// magnitude, sixteen past the largest economy, so that every number derived from figures
/// (a ratio of two, an exchange rate, a conversion, a growth rate, a chart's axis) stays a
/// finite double.
pub const MAX_MAGNITUDE: f64 = 1e30;
/// The smallest size a figure other than 0 may have in plain units, for the same reason.
pub const MIN_MAGNITUDE: f64 = 1e-30;

/// Whether a figure of `value` in `scale` is a size every derived number can be computed
/// from: 0, or between [`MIN_MAGNITUDE`] and [`MAX_MAGNITUDE`] in size.
pub fn within_magnitude(value: f64, scale: Scale) -> bool {
    let size = (value * scale.factor()).abs();
    size == 0.0 || (MIN_MAGNITUDE..=MAX_MAGNITUDE).contains(&size)
}

words! {
    /// How precisely the source states a figure.
    pub enum Qualifier {
        Exact = "exact",
        AtLeast = "at_least",
        Over = "over",
        /// "about", "approximately".
        About = "about",
        Nearly = "nearly",
        LessThan = "less_than",
        /// A derived figure whose bounds do not bound its value on one side or both (the
        /// difference of two lower bounds); never stated.
        Indeterminate = "indeterminate",
    }
}

words! {
    /// What kind of time a figure refers to.
    pub enum PeriodKind {
        /// One calendar year.
        Year = "year",
        /// From `start` to `end` inclusive (years or months); either may be unknown.
        Span = "span",
        /// The state of things at `end` (often the time of reporting).
        AsOf = "as_of",
        /// A run of consecutive years ("eight consecutive years").
        Streak = "streak",
        /// A plan or goal; `start` is when it was set, where known.
        Target = "target",
        /// The source gives no period.
        Unspecified = "unspecified",
    }
}

words! {
    /// What a figure is among the others: a figure in its own right, or one that a sum of
    /// figures must leave out not to count something twice. Derived from the figure's links
    /// and its indicator, never stored: the first of these that applies, in this order.
    pub enum FigureRole {
        /// A figure in its own right: what an analyst sums and compares.
        Primary = "primary",
        /// A printed dollar equivalent of a yuan figure (`equivalent_of` is set).
        Equivalent = "equivalent",
        /// A caption or infographic repeating a story's figure (`restates` is set).
        Restatement = "restatement",
        /// A threshold that defines a group (its indicator measures a threshold), not an
        /// amount of anything.
        Threshold = "threshold",
    }
}

/// A reference to another resource: its id and a name a person can read.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Reference {
    pub id: String,
    pub name: String,
}

// Who leads a city plan (a figure's speaker is its `provenance.speaker.*` columns). No doc
// comment: the schema is the same as the figure's `Speaker` object.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Speaker {
    pub id: String,
    pub name: String,
    pub title: String,
    pub organisation: String,
}

/// What a revision did to its figure.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum Change {
    /// The figure as the article printed it.
    Original,
    /// A figure an import added.
    Added,
    /// A new value or wording for an existing figure.
    Corrected,
    /// The figure was withdrawn; it leaves the lists and its history stays.
    Retracted,
}

/// One recorded state of a figure.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Revision {
    pub number: i64,
    pub change: Change,
    /// When the revision was recorded (UTC, RFC 3339); `as_of` at or after it sees it.
    pub recorded_at: String,
    /// The import that recorded it; null for the article's own figures.
    pub import: Option<ImportReference>,
    /// Why the figure was corrected or retracted, as the import said.
    pub reason: Option<String>,
    /// The figure as it stood from this revision on.
    pub figure: Observation,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReference {
    pub id: i64,
    pub file: String,
    pub description: Option<String>,
}

/// As [`serialize_number`], for optional numbers (null when absent).
pub fn serialize_optional_number<S: Serializer>(
    value: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => serialize_number(value, serializer),
        None => serializer.serialize_none(),
    }
}

/// Whole numbers serialise without a fraction (`9`, not `9.0`); others as they are.
pub fn serialize_number<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0; // 2^53
    if value.fract() == 0.0 && value.abs() < EXACT_INTEGER_LIMIT {
        serializer.serialize_i64(*value as i64)
    } else {
        serializer.serialize_f64(*value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_serialise_as_integers() {
        #[derive(Serialize)]
        struct Wrapper(#[serde(serialize_with = "serialize_number")] f64);
        assert_eq!(serde_json::to_string(&Wrapper(9.0)).unwrap(), "9");
        assert_eq!(serde_json::to_string(&Wrapper(24.75)).unwrap(), "24.75");
        assert_eq!(serde_json::to_string(&Wrapper(-3.0)).unwrap(), "-3");
    }

    /// Each word is what serde writes and reads, for every variant.
    fn words_agree_with_serde<T: Word + Serialize + serde::de::DeserializeOwned + PartialEq>() {
        for word in T::WORDS {
            let value = T::from_word(word).unwrap();
            assert_eq!(value.word(), *word);
            assert_eq!(serde_json::to_value(value).unwrap(), *word);
            assert!(serde_json::from_value::<T>(serde_json::json!(word)).unwrap() == value);
        }
        assert!(T::from_word("no-such-word").is_none());
    }

    #[test]
    fn magnitudes_are_bounded_in_plain_units() {
        assert!(within_magnitude(0.0, Scale::Trillion));
        assert!(within_magnitude(1e18, Scale::Trillion));
        assert!(within_magnitude(-1e30, Scale::Unit));
        assert!(within_magnitude(1e-30, Scale::Unit));
        assert!(!within_magnitude(1e19, Scale::Trillion));
        assert!(!within_magnitude(1e308, Scale::Trillion));
        assert!(!within_magnitude(1e-31, Scale::Unit));
        assert_eq!(Scale::Billion.factor(), 1e9);
    }

    #[test]
    fn every_enum_is_written_as_its_words() {
        words_agree_with_serde::<Unit>();
        words_agree_with_serde::<Scale>();
        words_agree_with_serde::<Qualifier>();
        words_agree_with_serde::<PeriodKind>();
        words_agree_with_serde::<FigureRole>();
        assert_eq!(
            FigureRole::DOCS[1].trim(),
            "A printed dollar equivalent of a yuan figure (`equivalent_of` is set).",
            "each word's doc comment, joined"
        );
        assert_eq!(Scale::DOCS, ["", "", "", "", ""]);
        assert_eq!(UNITS.len(), 8);
        assert_eq!(QUALIFIERS.len(), Qualifier::WORDS.len() - 1);
        assert!(!QUALIFIERS.contains(&Qualifier::Indeterminate.word()));
        assert_eq!(Scale::default(), Scale::Unit, "the first word");
    }
}
