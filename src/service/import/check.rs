//! Checking one row that adds or corrects a figure: every stored column's value as its type
//! and the schema's [`Check`] say (every id it names against the catalogue; the figures it
//! points at are handed to the plan, which finds them stored or in the same file), then the
//! rules that tie columns together.

use super::read::{error, ImportError, Row};
use crate::domain::entity::Entity;
use crate::domain::figure::column::{
    CellSource, Check, Column, Kind, OwnedCell, Role, Word, MAX_ID_CHARS, MAX_TEXT_CHARS,
    PERIOD_YEARS,
};
use crate::domain::figure::{
    within_magnitude, FigureRecord, Qualifier, MAX_MAGNITUDE, MIN_MAGNITUDE, QUALIFIERS, UNITS,
};
use crate::store::catalogue::Catalogue;

/// A cell's text as a message shows it: at most 40 characters of it.
pub(super) fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(40) {
        Some((end, _)) => format!("{}...", &text[..end]).into(),
        None => text.into(),
    }
}

/// The refusal of a cell longer than `limit` characters, or `None`.
pub(super) fn too_long(text: &str, limit: usize) -> Option<String> {
    let length = text.chars().count();
    (length > limit).then(|| format!("at most {limit} characters; this one has {length}"))
}

/// Whether `id` is a slug: lower-case letters, digits and hyphens.
pub(super) fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `YYYY` or `YYYY-MM`, the year in [`PERIOD_YEARS`] and the month from 01 to 12, as the
/// schema's period columns require.
fn is_period(text: &str) -> bool {
    let year = |digits: &str| {
        digits.len() == 4
            && digits.bytes().all(|b| b.is_ascii_digit())
            && digits
                .parse()
                .is_ok_and(|year| PERIOD_YEARS.contains(&year))
    };
    match text.split_once('-') {
        None => year(text),
        Some((digits, month)) => {
            year(digits) && matches!(month.as_bytes(), [b'0', b'1'..=b'9'] | [b'1', b'0'..=b'2'])
        }
    }
}

/// Whether the catalogue has an entry of this kind with this id.
fn in_catalogue(catalogue: &Catalogue, entity: Entity, id: &str) -> bool {
    match entity {
        Entity::Indicator => catalogue.indicators.contains_key(id),
        Entity::Region => catalogue.regions.contains(id),
        Entity::Cluster => catalogue.clusters.contains(id),
        Entity::ClusterGroup => catalogue.cluster_groups.contains(id),
        Entity::Company => catalogue.companies.contains(id),
        Entity::CityPlan => catalogue.city_plans.contains(id),
        Entity::Source => catalogue.sources.contains(id),
        Entity::Speaker => catalogue.speakers.contains(id),
        Entity::Facility | Entity::Observation => false,
    }
}

/// The cells of one row, each checked as its column's [`Check`] says, every problem reported
/// with its place.
struct CheckedCells<'a> {
    row: &'a Row,
    catalogue: &'a Catalogue,
    /// The figures the row points at: (column, id).
    references: &'a mut Vec<(&'static str, String)>,
    errors: &'a mut Vec<ImportError>,
}

impl CheckedCells<'_> {
    fn fail(&mut self, column: &str, message: String) {
        self.errors
            .push(error(self.row.position_of(column), Some(column), message));
    }
}

impl CellSource for CheckedCells<'_> {
    fn read(&mut self, column: &'static Column) -> Option<OwnedCell> {
        let Role::Stored(check) = column.role else {
            return Some(OwnedCell::Null);
        };
        let text = self.row.text(column.name);
        if check == Check::Id {
            // Checked (a slug, given once) before any row is.
            return Some(OwnedCell::Text(text.to_owned()));
        }
        let noun = match check {
            Check::Catalogue(entity) => Some(entity.noun()),
            Check::Figure => Some("figure"),
            _ => None,
        };
        if text.is_empty() {
            if column.nullable {
                return Some(OwnedCell::Null);
            }
            if column.kind == Kind::Text {
                let message = match noun {
                    Some(noun) => format!("required: the id of a {noun}"),
                    None => "required; the cell is empty".to_owned(),
                };
                self.fail(column.name, message);
                return None;
            }
            // Not text: its type says why an empty cell is no value.
            return Some(OwnedCell::Text(String::new()));
        }
        let limit = match check {
            Check::Catalogue(_) | Check::Figure => MAX_ID_CHARS,
            _ => MAX_TEXT_CHARS,
        };
        if let Some(message) = too_long(text, limit) {
            self.fail(column.name, message);
            return None;
        }
        let before = self.errors.len();
        match check {
            Check::Catalogue(entity) if !in_catalogue(self.catalogue, entity, text) => {
                let noun = entity.noun();
                self.fail(
                    column.name,
                    format!(
                        "there is no {noun} '{}'; an import never creates one",
                        shown(text)
                    ),
                );
            }
            Check::Figure => {
                if text == self.row.text("id") {
                    self.fail(column.name, "a figure cannot point at itself".to_owned());
                } else {
                    self.references.push((column.name, text.to_owned()));
                }
            }
            Check::Period if !is_period(text) => self.fail(
                column.name,
                format!(
                    "'{}' is not a year (2024) or a month (2024-03) from {} to {}",
                    shown(text),
                    PERIOD_YEARS.start(),
                    PERIOD_YEARS.end()
                ),
            ),
            _ => {}
        }
        (self.errors.len() == before).then(|| OwnedCell::Text(text.to_owned()))
    }

    fn invalid(&mut self, column: &'static Column, message: String) {
        self.fail(column.name, message);
    }
}

/// Checks one row that adds or corrects a figure: every stored column as its type and
/// [`Check`] say, then the rules between columns. Returns the figure when it is valid, and
/// adds the figures it points at to `references` (column, id) for the plan to find.
pub(super) fn figure_of(
    row: &Row,
    catalogue: &Catalogue,
    references: &mut Vec<(&'static str, String)>,
    errors: &mut Vec<ImportError>,
) -> Option<FigureRecord> {
    let before = errors.len();
    let figure = FigureRecord::from_cells(&mut CheckedCells {
        row,
        catalogue,
        references,
        errors,
    });
    let mut fail = |column: &str, message: String| {
        errors.push(error(row.position_of(column), Some(column), message));
    };
    let (start, end) = (row.text("period_start"), row.text("period_end"));
    if is_period(start) && is_period(end) && start > end {
        fail(
            "period_end",
            format!("ends ({end}) before it starts ({start})"),
        );
    }
    if let Some(figure) = &figure {
        if !within_magnitude(figure.value, figure.scale) {
            fail(
                "value",
                format!(
                    "{} {} is {:e} in plain units: a figure must be 0, or from {MIN_MAGNITUDE:e} \
                     to {MAX_MAGNITUDE:e} in size, so that every number derived from it is finite",
                    figure.value,
                    figure.scale.word(),
                    figure.value * figure.scale.factor()
                ),
            );
        } else if figure.equivalent_of.is_some() && figure.value <= 0.0 {
            fail(
                "value",
                format!(
                    "{} is not a positive amount: a printed equivalent converts one, and the \
                     exchange rate is computed from it",
                    figure.value
                ),
            );
        }
    }
    let qualifier = row.text("qualifier");
    if qualifier == Qualifier::Indeterminate.word() {
        fail(
            "qualifier",
            format!(
                "only a derived figure is {qualifier}; a stated figure is one of {}",
                QUALIFIERS.join(", ")
            ),
        );
    }
    let unit = row.text("unit");
    if let Some(expected) = catalogue.indicators.get(row.text("indicator_id")) {
        let dollar_equivalent =
            unit == "usd" && expected == "cny" && !row.text("equivalent_of").is_empty();
        if UNITS.contains(&unit) && unit != *expected && !dollar_equivalent {
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
    figure
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_years_or_months() {
        assert!(is_period("2024") && is_period("2024-03") && is_period("2024-12"));
        assert!(!is_period("2024-13") && !is_period("24") && !is_period("2024-00"));
        assert!(!is_period("0999") && !is_period("2024-3"));
        // The schema's CHECK takes years 1000 to 2999 only.
        assert!(is_period("1000") && is_period("2999-12"));
        assert!(!is_period("3000") && !is_period("9999") && !is_period("3000-01"));
        assert!(!is_period("+999") && !is_period("2024-") && !is_period("2024-1-"));
    }
}
