//! A figure computed from stated ones, never stated itself: what the transforms of a series
//! and the relations between figures produce. It is a figure like any other
//! ([`Observation`]), with `derived_from` and `formula` set, its bounds from its inputs'
//! bounds and its qualifier from those bounds.

use super::numbers::{multiplier, show, significant};
use crate::domain::figure::column::Word;
use crate::domain::figure::{Interval, Observation, PeriodKind, Qualifier, Scale, Unit};

/// The period of a derived figure.
pub(super) struct DerivedPeriod {
    pub kind: PeriodKind,
    pub start: Option<String>,
    pub end: Option<String>,
    pub label: String,
}

/// What a derived figure is, before it is a figure.
pub(super) struct Derivation<'a> {
    /// Unique among derived figures, and the same for the same inputs on every request.
    pub id: String,
    /// The figure whose subject (indicator, region, cluster...) the derived one is about.
    pub about: &'a Observation,
    /// The figures it is computed from, in the order the formula reads them.
    pub inputs: Vec<&'a Observation>,
    /// What it is, in words.
    pub description: String,
    /// The value in plain units, and the bounds its inputs' bounds give it.
    pub value_in_units: f64,
    pub bounds_in_units: Interval,
    pub unit: Unit,
    pub scale: Scale,
    pub period: DerivedPeriod,
    pub formula: String,
}

/// A figure's bounds in plain units, measured from `value_in_units` so that an end at the
/// value is exactly the value.
pub(super) fn bounds_in_units(figure: &Observation) -> Interval {
    let factor = multiplier(figure.scale);
    figure
        .bounds()
        .map(|end| figure.value_in_units + (end - figure.value) * factor)
}

impl Derivation<'_> {
    pub fn figure(self) -> Observation {
        let Derivation {
            id,
            about,
            inputs,
            description,
            value_in_units,
            bounds_in_units,
            unit,
            scale,
            period,
            formula,
        } = self;
        // The qualifier says what the bounds know of the value, before either is rounded.
        let qualifier = bounds_in_units.qualifier(value_in_units);
        let factor = multiplier(scale);
        let bounds = bounds_in_units.map(|end| significant(end / factor));
        let note = (qualifier == Qualifier::Indeterminate).then(|| {
            let qualifiers: Vec<&str> = inputs.iter().map(|f| f.qualifier.word()).collect();
            let known = if bounds == Interval::UNBOUNDED {
                "Unbounded".to_owned()
            } else {
                // In the figure's scale: "more than 8 trillion".
                let scale = match scale {
                    Scale::Unit => String::new(),
                    other => format!(" {}", other.word()),
                };
                format!(
                    "Known only to be {}",
                    bounds.describe(|end| format!("{}{scale}", show(end)))
                )
            };
            format!(
                "{known}: its inputs' qualifiers ({}) do not bound it on both sides, so the \
                 value is only the arithmetic of the stated figures.",
                qualifiers.join(", ")
            )
        });
        // Revision 1 as first derived; each correction of an input adds one.
        let revision = 1 + inputs.iter().map(|f| f.revision - 1).sum::<i64>();
        let recorded_at = inputs
            .iter()
            .map(|f| f.recorded_at.clone())
            .max()
            .unwrap_or_default();
        // Its provenance is the story and section of its latest input.
        let latest = inputs.last().copied().unwrap_or(about);
        let mut figure = Observation {
            id,
            indicator_id: about.indicator_id.clone(),
            indicator_name: about.indicator_name.clone(),
            region_id: about.region_id.clone(),
            region_name: about.region_name.clone(),
            cluster_id: about.cluster_id.clone(),
            cluster_group_id: about.cluster_group_id.clone(),
            company_id: about.company_id.clone(),
            city_plan_id: about.city_plan_id.clone(),
            value: significant(value_in_units / factor),
            scale,
            unit,
            currency: unit.currency_code().map(str::to_owned),
            value_in_units: significant(value_in_units),
            qualifier,
            stated: description,
            period_kind: period.kind,
            period_sort_key: period.start.clone().unwrap_or_default(),
            period_start: period.start,
            period_end: period.end,
            period_label: period.label,
            derived_from: Some(inputs.iter().map(|f| f.id.clone()).collect()),
            formula: Some(formula),
            source_id: latest.source_id.clone(),
            source_headline: latest.source_headline.clone(),
            section: latest.section.clone(),
            note,
            revision,
            recorded_at,
            ..Observation::default()
        };
        figure.set_bounds(bounds);
        figure
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::analytics::fixtures::{figure, qualified};
    use crate::domain::analytics::interval::difference;

    #[test]
    fn a_derived_figure_is_a_figure_of_its_subject_with_its_inputs_and_formula() {
        let a = figure("a", 340.0, Scale::Billion, Unit::Cny);
        let b = Observation {
            revision: 2,
            recorded_at: "2026-01-01T00:00:00Z".to_owned(),
            ..figure("b", 440.0, Scale::Billion, Unit::Cny)
        };
        let derived = Derivation {
            id: "c".to_owned(),
            about: &b,
            inputs: vec![&a, &b],
            description: "the change".to_owned(),
            value_in_units: 100e9,
            bounds_in_units: difference(bounds_in_units(&b), bounds_in_units(&a)),
            unit: Unit::Cny,
            scale: Scale::Billion,
            period: DerivedPeriod {
                kind: PeriodKind::Span,
                start: Some("2020".to_owned()),
                end: Some("2023".to_owned()),
                label: "2020 to 2023".to_owned(),
            },
            formula: "440000000000 - 340000000000".to_owned(),
        }
        .figure();
        assert_eq!((derived.value, derived.scale), (100.0, Scale::Billion));
        assert_eq!(derived.qualifier, Qualifier::Exact);
        assert_eq!(derived.bounds(), Interval::point(100.0));
        assert_eq!(derived.currency.as_deref(), Some("CNY"));
        assert_eq!(
            derived.derived_from,
            Some(vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(derived.revision, 2, "one input was corrected once");
        assert_eq!(derived.recorded_at, "2026-01-01T00:00:00Z");
        assert_eq!(derived.region_id, "guangdong");
        assert_eq!(derived.period_sort_key, "2020");
        assert_eq!(derived.note, None);
    }

    #[test]
    fn an_unbounded_derived_figure_is_indeterminate_and_says_why() {
        let a = qualified(
            figure("a", 340.0, Scale::Billion, Unit::Cny),
            Qualifier::Over,
        );
        let b = qualified(
            figure("b", 440.0, Scale::Billion, Unit::Cny),
            Qualifier::Over,
        );
        let derived = Derivation {
            id: "c".to_owned(),
            about: &b,
            inputs: vec![&a, &b],
            description: "the change".to_owned(),
            value_in_units: 100e9,
            bounds_in_units: difference(bounds_in_units(&b), bounds_in_units(&a)),
            unit: Unit::Cny,
            scale: Scale::Billion,
            period: DerivedPeriod {
                kind: PeriodKind::Span,
                start: None,
                end: None,
                label: String::new(),
            },
            formula: String::new(),
        }
        .figure();
        assert_eq!(derived.qualifier, Qualifier::Indeterminate);
        assert_eq!(derived.bounds(), Interval::UNBOUNDED);
        assert_eq!(
            derived.note.as_deref(),
            Some(
                "Unbounded: its inputs' qualifiers (over, over) do not bound it on both sides, \
                 so the value is only the arithmetic of the stated figures."
            )
        );
    }
}
