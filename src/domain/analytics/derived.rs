//! A figure computed from stated ones, never stated itself: what the transforms of a series
//! and the relations between figures produce.

use serde::Serialize;

use crate::domain::figure::{Qualifier, Unit};

/// A value computed from stated figures, never stated itself.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DerivedFigure {
    pub id: String,
    pub indicator: String,
    pub derived: bool,
    pub description: String,
    #[serde(serialize_with = "crate::domain::figure::serialize_number")]
    pub value: f64,
    pub unit: Unit,
    /// `exact` only when every input is; otherwise `about`.
    pub qualifier: Qualifier,
    pub period: DerivedPeriod,
    /// The arithmetic, with the numbers used.
    pub formula: String,
    /// The stated figures it comes from.
    pub inputs: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DerivedPeriod {
    pub start: Option<String>,
    pub end: Option<String>,
    pub label: String,
}

pub(super) fn combined(qualifiers: &[Qualifier]) -> Qualifier {
    if qualifiers.iter().all(|q| *q == Qualifier::Exact) {
        Qualifier::Exact
    } else {
        Qualifier::About
    }
}

#[cfg(test)]
mod tests {
    use super::combined;
    use crate::domain::figure::Qualifier;

    #[test]
    fn a_derived_figure_is_exact_only_when_every_input_is() {
        assert_eq!(
            combined(&[Qualifier::Exact, Qualifier::Exact]),
            Qualifier::Exact
        );
        assert_eq!(
            combined(&[Qualifier::Exact, Qualifier::Nearly]),
            Qualifier::About
        );
        assert_eq!(combined(&[Qualifier::AtLeast]), Qualifier::About);
        assert_eq!(combined(&[]), Qualifier::Exact);
    }
}
