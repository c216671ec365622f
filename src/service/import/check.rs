//! Checking one row that adds or corrects a figure: every cell's form, and every id it names
//! against the catalogue and the figures stored or added by the same file.

use std::collections::HashSet;

use super::read::{error, ImportError, Row};
use crate::domain::figure::{QUALIFIERS, UNITS};
use crate::store::catalogue::Catalogue;
use crate::store::imports::FigureRecord;

const SCALES: [&str; 5] = ["unit", "thousand", "million", "billion", "trillion"];
const PERIOD_KINDS: [&str; 6] = ["year", "span", "as_of", "streak", "target", "unspecified"];

/// Whether `id` is a slug: lower-case letters, digits and hyphens.
pub(super) fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `YYYY` or `YYYY-MM`, as the schema's period columns require.
fn is_period(text: &str) -> bool {
    let bytes = text.as_bytes();
    let year = |b: &[u8]| b.len() == 4 && b.iter().all(u8::is_ascii_digit) && b[0] != b'0';
    match bytes.len() {
        4 => year(bytes),
        7 => {
            year(&bytes[..4])
                && bytes[4] == b'-'
                && matches!(&bytes[5..], [b'0', b'1'..=b'9'] | [b'1', b'0'..=b'2'])
        }
        _ => false,
    }
}

/// Checks one row that adds or corrects a figure; returns the figure when it is valid.
pub(super) fn figure_of(
    row: &Row,
    catalogue: &Catalogue,
    known_ids: &HashSet<&str>,
    errors: &mut Vec<ImportError>,
) -> Option<FigureRecord> {
    let before = errors.len();
    let mut fail = |column: &str, message: String| {
        errors.push(error(row.position_of(column), Some(column), message));
    };
    let required = |column: &str, fail: &mut dyn FnMut(&str, String)| {
        let text = row.text(column);
        if text.is_empty() {
            fail(column, "required; the cell is empty".to_owned());
        }
        text.to_owned()
    };
    let one_of = |column: &str, accepted: &[&str], fail: &mut dyn FnMut(&str, String)| {
        let text = row.text(column);
        if !accepted.contains(&text) {
            fail(
                column,
                format!(
                    "'{text}' is not accepted; use one of {}",
                    accepted.join(", ")
                ),
            );
        }
        text.to_owned()
    };
    let reference = |column: &str,
                     known: &dyn Fn(&str) -> bool,
                     noun: &str,
                     optional: bool,
                     fail: &mut dyn FnMut(&str, String)| {
        let text = row.text(column);
        if text.is_empty() {
            if !optional {
                fail(column, format!("required: the id of a {noun}"));
            }
            return None;
        }
        if !known(text) {
            fail(
                column,
                format!("there is no {noun} '{text}'; an import never creates one"),
            );
        }
        Some(text.to_owned())
    };

    let id = row.text("id").to_owned();
    let indicator_id = reference(
        "indicator_id",
        &|id| catalogue.indicators.contains_key(id),
        "indicator",
        false,
        &mut fail,
    );
    let region_id = reference(
        "region_id",
        &|id| catalogue.regions.contains(id),
        "region",
        false,
        &mut fail,
    );
    let cluster_id = reference(
        "cluster_id",
        &|id| catalogue.clusters.contains(id),
        "cluster",
        true,
        &mut fail,
    );
    let cluster_group_id = reference(
        "cluster_group_id",
        &|id| catalogue.cluster_groups.contains(id),
        "cluster group",
        true,
        &mut fail,
    );
    let company_id = reference(
        "company_id",
        &|id| catalogue.companies.contains(id),
        "company",
        true,
        &mut fail,
    );
    let city_plan_id = reference(
        "city_plan_id",
        &|id| catalogue.city_plans.contains(id),
        "city plan",
        true,
        &mut fail,
    );
    let source_id = reference(
        "source_id",
        &|id| catalogue.sources.contains(id),
        "source",
        false,
        &mut fail,
    );
    let speaker_id = reference(
        "speaker_id",
        &|id| catalogue.speakers.contains(id),
        "speaker",
        true,
        &mut fail,
    );
    let figure_ref = |column: &str, fail: &mut dyn FnMut(&str, String)| {
        let target = reference(
            column,
            &|target| known_ids.contains(target),
            "figure",
            true,
            fail,
        );
        if target.as_deref() == Some(id.as_str()) {
            fail(column, "a figure cannot point at itself".to_owned());
        }
        target
    };
    let equivalent_of = figure_ref("equivalent_of", &mut fail);
    let restates = figure_ref("restates", &mut fail);

    let value_text = row.text("value");
    let value = match value_text.parse::<f64>() {
        Ok(value) if value.is_finite() => value,
        _ => {
            fail("value", format!("'{value_text}' is not a finite number"));
            0.0
        }
    };
    let scale = one_of("scale", &SCALES, &mut fail);
    let unit = one_of("unit", UNITS, &mut fail);
    let qualifier = one_of("qualifier", QUALIFIERS, &mut fail);
    let period_kind = one_of("period_kind", &PERIOD_KINDS, &mut fail);
    let stated = required("stated", &mut fail);
    let period_label = required("period_label", &mut fail);
    let section = required("section", &mut fail);
    let period_start = row.optional("period_start");
    let period_end = row.optional("period_end");
    for (column, period) in [("period_start", &period_start), ("period_end", &period_end)] {
        if let Some(period) = period.as_deref().filter(|p| !is_period(p)) {
            fail(
                column,
                format!("'{period}' is not a year (2024) or a month (2024-03)"),
            );
        }
    }
    if let (Some(start), Some(end)) = (&period_start, &period_end) {
        if is_period(start) && is_period(end) && start > end {
            fail(
                "period_end",
                format!("ends ({end}) before it starts ({start})"),
            );
        }
    }
    if let Some(expected) = indicator_id
        .as_deref()
        .and_then(|id| catalogue.indicators.get(id))
    {
        let dollar_equivalent = unit == "usd" && expected == "cny" && equivalent_of.is_some();
        if UNITS.contains(&unit.as_str()) && unit != *expected && !dollar_equivalent {
            fail(
                "unit",
                format!(
                    "the indicator is measured in {expected}; only a printed dollar equivalent \
                     (unit usd with equivalent_of) may differ"
                ),
            );
        }
    }
    if errors.len() > before {
        return None;
    }
    Some(FigureRecord {
        id,
        indicator_id: indicator_id?,
        region_id: region_id?,
        cluster_id,
        cluster_group_id,
        company_id,
        city_plan_id,
        value,
        scale,
        unit,
        qualifier,
        stated,
        period_kind,
        period_start,
        period_end,
        period_label,
        equivalent_of,
        restates,
        source_id: source_id?,
        section,
        speaker_id,
        cited_source: row.optional("cited_source"),
        note: row.optional("note"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_years_or_months() {
        assert!(is_period("2024") && is_period("2024-03") && is_period("2024-12"));
        assert!(!is_period("2024-13") && !is_period("24") && !is_period("2024-00"));
        assert!(!is_period("0999") && !is_period("2024-3"));
    }
}
