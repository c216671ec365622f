//! Keyset cursors: an opaque position in a sorted list, fingerprinted with the query it
//! belongs to so that a cursor from another query is refused.

use std::hash::{Hash, Hasher};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ApiError;

use super::params::{ParamValue, CURSOR};
use super::spec::SortKey;

/// Which side of the cursor's row a page lies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    #[serde(rename = "a")]
    After,
    #[serde(rename = "b")]
    Before,
}

/// An opaque position in a sorted list: the sort-key values and source position of one row,
/// plus a fingerprint of the query it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(rename = "d")]
    pub direction: Direction,
    #[serde(rename = "k")]
    pub keys: Vec<Value>,
    #[serde(rename = "p")]
    pub position: i64,
    #[serde(rename = "q")]
    pub fingerprint: u64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).expect("a cursor serialises"))
    }

    pub(super) fn decode(token: &str) -> Option<Cursor> {
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

/// The refusal of a cursor this API did not issue (mangled, or made by hand).
pub fn not_issued() -> ApiError {
    let name = CURSOR.name;
    ApiError::invalid_parameter(
        name,
        format!(
            "{name}: not a cursor this API issued. Use the links.next or links.prev URL of a \
             previous page as it is."
        ),
    )
}

/// A stable fingerprint of what a cursor depends on: the path, every parameter given but the
/// list controls (by name, in name order, with its values) and the sort. SipHash with fixed
/// keys: the same binary (every replica of a deployment) computes the same value.
pub(super) fn fingerprint<'a>(
    path: &str,
    values: impl Iterator<Item = (&'a str, &'a ParamValue)>,
    sort: &[SortKey],
) -> u64 {
    #[allow(deprecated)] // SipHasher's fixed keys are the point: stable across processes.
    let mut hasher = std::hash::SipHasher::new();
    path.hash(&mut hasher);
    for (name, value) in values {
        name.hash(&mut hasher);
        match value {
            ParamValue::Texts(texts) => texts.hash(&mut hasher),
            ParamValue::Years(years) => years.hash(&mut hasher),
            ParamValue::Number(number) => number.to_bits().hash(&mut hasher),
        }
    }
    for key in sort {
        key.name.hash(&mut hasher);
        key.descending.hash(&mut hasher);
    }
    hasher.finish()
}
