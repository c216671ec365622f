//! The figure as a client receives it (an [`Observation`], its revisions, the conversion a
//! `currency` or `scale` made), the enums that give it its meaning, and how its numbers
//! serialise.
//!
//! [`Observation`]: crate::domain::figure::Observation

use serde::{Deserialize, Serialize, Serializer};

/// The stored names of [`Unit`]s and [`Qualifier`]s: the words filters and imports accept.
pub const UNITS: &[&str] = &[
    "cny",
    "usd",
    "count",
    "percent",
    "percentage_points",
    "hectares",
    "years",
    "rank",
];
pub const QUALIFIERS: &[&str] = &["exact", "at_least", "over", "about", "nearly", "less_than"];

/// The unit a figure is stated in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum Unit {
    /// Chinese yuan (renminbi).
    Cny,
    /// US dollars, as printed beside a yuan amount.
    Usd,
    Count,
    Percent,
    PercentagePoints,
    Hectares,
    Years,
    /// A position in a ranking (1 = first).
    Rank,
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
}

/// The power of ten a value is stated in: 1.1 with scale `trillion` is 1.1 × 10¹².
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum Scale {
    Unit,
    Thousand,
    Million,
    Billion,
    Trillion,
}

/// How precisely the source states a figure.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum Qualifier {
    Exact,
    AtLeast,
    Over,
    /// "about", "approximately".
    About,
    Nearly,
    LessThan,
}

/// What kind of time a figure refers to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum PeriodKind {
    /// One calendar year.
    Year,
    /// From `start` to `end` inclusive (years or months); either may be unknown.
    Span,
    /// The state of things at `end` (often the time of reporting).
    AsOf,
    /// A run of consecutive years ("eight consecutive years").
    Streak,
    /// A plan or goal; `start` is when it was set, where known.
    Target,
    /// The source gives no period.
    Unspecified,
}

/// A reference to another resource: its id and a name a person can read.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Reference {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Period {
    pub kind: PeriodKind,
    pub start: Option<String>,
    pub end: Option<String>,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Speaker {
    pub id: String,
    pub name: String,
    pub title: String,
    pub organisation: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SourceReference {
    pub id: String,
    pub headline: String,
}

/// Where a figure comes from: the story and section that print it, and who stated it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Provenance {
    pub source: SourceReference,
    pub section: String,
    pub speaker: Option<Speaker>,
    /// Whom the source credits for the figure ("official data", a government report).
    pub cited_source: Option<String>,
}

/// One figure of the source, with its meaning.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Observation {
    pub id: String,
    pub indicator: Reference,
    pub region: Reference,
    pub cluster: Option<String>,
    pub cluster_group: Option<String>,
    pub company: Option<String>,
    pub city_plan: Option<String>,
    /// The number as stated, in `scale` and `unit`.
    #[serde(serialize_with = "serialize_number")]
    pub value: f64,
    pub scale: Scale,
    pub unit: Unit,
    /// ISO 4217 code for money figures (CNY, USD); null otherwise.
    pub currency: Option<String>,
    /// `value` × `scale`: the figure in plain units (yuan, not billions of yuan).
    #[serde(serialize_with = "serialize_number")]
    pub value_in_units: f64,
    /// Set when `currency` or `scale` was asked for: the figure as stated and the rate used.
    pub conversion: Option<Conversion>,
    pub qualifier: Qualifier,
    /// The figure in the words the source printed it with.
    pub stated: String,
    pub period: Period,
    /// For a printed US-dollar amount: the yuan figure it converts.
    pub equivalent_of: Option<String>,
    /// For a caption or infographic: the story's figure it repeats.
    pub restates: Option<String>,
    pub provenance: Provenance,
    pub note: Option<String>,
    /// Which revision of the figure this is, and when it was recorded.
    pub revision: RevisionStamp,
    /// What `sort=period` orders by: the period's start, else its end, else "".
    #[serde(skip)]
    pub period_sort_key: String,
    /// Source order (the rowid): the tie-break of every sort.
    #[serde(skip)]
    pub position: i64,
}

/// How a returned figure differs from the stated one.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Conversion {
    /// The figure as stored: value, scale and unit.
    #[serde(serialize_with = "serialize_number")]
    pub stated_value: f64,
    pub stated_scale: Scale,
    pub stated_unit: Unit,
    /// Yuan per dollar, when the currency changed.
    pub cny_per_usd: Option<f64>,
    pub rate_method: Option<String>,
}

/// Which state of a figure a response carries: revision 1 is the figure as first recorded;
/// each import that corrects it adds one.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RevisionStamp {
    pub number: i64,
    /// When this revision was recorded (UTC, RFC 3339).
    pub recorded_at: String,
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
}
