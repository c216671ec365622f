//! The bodies whose shape is the point, as the API promises them, written here by hand (not
//! borrowed from the crate, so that a change to the crate's types shows up here). Every
//! struct names each member and denies any other, and a member that may be `null` must still
//! be there: a renamed, added or dropped member fails the test that reads the body, instead
//! of reading as `null`.

use std::fmt;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A member that must be present, and may be `null`. (serde reads a missing `Option` as
/// `None`, so a dropped member would pass for a null one; with this it is an error.)
fn nullable<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer)
}

/// A JSON number as the API writes it. As with `serde_json::Value`, `510` equals the integer
/// `510` and the float `510.0`, while `510.0` on the wire equals only the float: comparing
/// with an integer also checks that a whole number is written without a point.
#[derive(Clone, PartialEq, Deserialize)]
#[serde(transparent)]
pub struct Number(serde_json::Number);

impl Number {
    pub fn f64(&self) -> f64 {
        self.0.as_f64().expect("a finite number")
    }
}

impl PartialEq<i64> for Number {
    fn eq(&self, other: &i64) -> bool {
        self.0.as_i64() == Some(*other)
    }
}

impl PartialEq<f64> for Number {
    fn eq(&self, other: &f64) -> bool {
        self.0.as_f64() == Some(*other)
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The envelope of every list: a page of `data`, its counts, and the links to its neighbours.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct List<T> {
    pub data: Vec<T>,
    pub meta: Meta,
    pub links: Links,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Items on this page.
    pub count: usize,
    /// Items over all pages.
    pub total: usize,
    /// The page size, when the request gave one.
    #[serde(default)]
    pub limit: Option<usize>,
    /// A transform's notes: why a subject yielded nothing, or less than it might.
    #[serde(default)]
    pub notes: Option<Vec<Value>>,
    /// The counts `facets=` asks for: per facet, its values in the order served.
    #[serde(default)]
    pub facets: Option<std::collections::BTreeMap<String, Vec<FacetValue>>>,
    /// A delta's (`updated_after=`): the ids on the page of the figures retracted since.
    #[serde(default)]
    pub retracted: Option<Vec<String>>,
}

/// One value of a facet (`meta.facets`): what its filter takes, a label, and a count.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacetValue {
    pub id: String,
    pub label: String,
    pub count: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Links {
    #[serde(rename = "self")]
    pub self_link: String,
    #[serde(deserialize_with = "nullable")]
    pub next: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub prev: Option<String>,
}

/// A figure as served (`Observation` in the OpenAPI document; its columns are declared in
/// `src/domain/figure/schema.rs`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    pub id: String,
    pub indicator: Reference,
    pub region: Reference,
    #[serde(deserialize_with = "nullable")]
    pub cluster: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub cluster_group: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub company: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub city_plan: Option<String>,
    pub value: Number,
    pub scale: String,
    pub unit: String,
    #[serde(deserialize_with = "nullable")]
    pub currency: Option<String>,
    pub value_in_units: Number,
    #[serde(deserialize_with = "nullable")]
    pub conversion: Option<Conversion>,
    pub qualifier: String,
    /// The interval the qualifier gives the value.
    pub bounds: Bounds,
    pub stated: String,
    pub period: Period,
    #[serde(deserialize_with = "nullable")]
    pub equivalent_of: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub restates: Option<String>,
    /// `primary`, `equivalent`, `restatement` or `threshold`; null for a derived figure.
    #[serde(deserialize_with = "nullable")]
    pub role: Option<String>,
    /// For a derived figure: the ids of the figures it is computed from; null for a stated one.
    #[serde(deserialize_with = "nullable")]
    pub derived_from: Option<Vec<String>>,
    /// For a derived figure: the arithmetic; null for a stated one.
    #[serde(deserialize_with = "nullable")]
    pub formula: Option<String>,
    pub provenance: Provenance,
    #[serde(deserialize_with = "nullable")]
    pub note: Option<String>,
    pub revision: RevisionStamp,
}

impl Figure {
    /// Stated in its own right: not a printed dollar equivalent, not a repeat of another figure.
    pub fn is_stated(&self) -> bool {
        self.equivalent_of.is_none() && self.restates.is_none()
    }
}

/// Another resource, by id and a name a person can read.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub id: String,
    pub name: String,
}

/// How a figure as returned differs from the figure as stated, when `currency` or `scale`
/// changed it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conversion {
    #[serde(deserialize_with = "nullable")]
    pub stated_value: Option<Number>,
    #[serde(deserialize_with = "nullable")]
    pub stated_scale: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub stated_unit: Option<String>,
    /// Set when the currency changed.
    #[serde(deserialize_with = "nullable")]
    pub cny_per_usd: Option<f64>,
    #[serde(deserialize_with = "nullable")]
    pub rate_method: Option<String>,
    /// The converted value before rounding, set when the currency changed.
    #[serde(deserialize_with = "nullable")]
    pub unrounded_value: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub kind: String,
    #[serde(deserialize_with = "nullable")]
    pub start: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub end: Option<String>,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    pub source: SourceReference,
    pub section: String,
    #[serde(deserialize_with = "nullable")]
    pub speaker: Option<Speaker>,
    #[serde(deserialize_with = "nullable")]
    pub cited_source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceReference {
    pub id: String,
    pub headline: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Speaker {
    pub id: String,
    pub name: String,
    pub title: String,
    pub organisation: String,
}

/// Which revision of its figure a figure is.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevisionStamp {
    pub number: i64,
    pub recorded_at: String,
}

/// One recorded state of a figure (`/v1/observations/{id}/revisions`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    pub number: i64,
    pub change: String,
    pub recorded_at: String,
    /// The import that recorded it; `None` for the article's own figures.
    #[serde(deserialize_with = "nullable")]
    pub import: Option<ImportReference>,
    #[serde(deserialize_with = "nullable")]
    pub reason: Option<String>,
    pub figure: Figure,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportReference {
    pub id: i64,
    pub file: String,
    #[serde(deserialize_with = "nullable")]
    pub description: Option<String>,
}

/// The interval a figure's qualifier gives its value: each end `null` when unbounded.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    #[serde(deserialize_with = "nullable")]
    pub lower: Option<Bound>,
    #[serde(deserialize_with = "nullable")]
    pub upper: Option<Bound>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bound {
    pub value: Number,
    pub inclusive: bool,
}

/// An RFC 9457 problem, as every refusal and failure is answered.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The parameter a 400 is about; absent otherwise.
    #[serde(default)]
    pub invalid_params: Vec<InvalidParam>,
}

impl Problem {
    /// The one parameter this problem is about, whose reason is the problem's detail.
    pub fn parameter(&self) -> &str {
        assert_eq!(self.invalid_params.len(), 1, "one parameter: {self:?}");
        assert_eq!(self.invalid_params[0].reason, self.detail, "{self:?}");
        &self.invalid_params[0].name
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvalidParam {
    pub name: String,
    pub reason: String,
}

/// `/v1/exchange-rate`: the yuan-per-dollar rate the source implies, and the pairs of
/// figures it is the median of.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeRate {
    pub cny_per_usd: f64,
    pub method: String,
    pub pairs: Vec<RatePair>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatePair {
    pub cny_observation: String,
    pub usd_observation: String,
    pub cny_per_usd: f64,
}

/// `/v1/consistency`: every claim of the source its other figures can check.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyReport {
    pub summary: Summary,
    #[serde(deserialize_with = "nullable")]
    pub exchange_rate: Option<ExchangeRate>,
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub checks: usize,
    pub consistent: usize,
    pub inconsistent: usize,
    pub unverifiable: usize,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub id: String,
    pub kind: String,
    pub claim: String,
    pub figures: Vec<String>,
    #[serde(deserialize_with = "nullable")]
    pub stated: Option<Number>,
    #[serde(deserialize_with = "nullable")]
    pub implied: Option<Number>,
    #[serde(deserialize_with = "nullable")]
    pub difference: Option<Number>,
    #[serde(deserialize_with = "nullable")]
    pub tolerance: Option<Number>,
    #[serde(deserialize_with = "nullable")]
    pub unit: Option<String>,
    pub verdict: String,
    pub explanation: String,
}

/// Anything a list holds by id.
pub trait HasId {
    fn id(&self) -> &str;
}

impl HasId for Value {
    fn id(&self) -> &str {
        self["id"].as_str().expect("an id")
    }
}

impl HasId for Figure {
    fn id(&self) -> &str {
        &self.id
    }
}

impl HasId for Check {
    fn id(&self) -> &str {
        &self.id
    }
}

#[test]
fn a_member_renamed_or_dropped_fails_to_read_even_where_null_is_allowed() {
    let read = |body: Value| serde_json::from_value::<Links>(body);
    let links = read(serde_json::json!({"self": "/v1/x", "next": null, "prev": null}));
    assert_eq!(links.unwrap().next, None);
    let dropped = read(serde_json::json!({"self": "/v1/x", "next": null}));
    assert!(dropped.is_err(), "a dropped nullable member reads as null");
    let renamed = read(serde_json::json!({"self": "/v1/x", "next": null, "previous": null}));
    assert!(renamed.is_err(), "a renamed member reads as null");
    let number = |text: &str| serde_json::from_str::<Number>(text).unwrap();
    assert!(number("510") == 510 && number("510") == 510.0);
    assert!(number("510.0") != 510 && number("510.0") == 510.0);
}
