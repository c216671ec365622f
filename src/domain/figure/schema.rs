//! THE figure schema: every column of a figure, declared once. The figure as served
//! ([`Observation`]), its stored part ([`FigureRecord`]), the store's column lists and binds,
//! the import's expected columns and checks, the export record and every CSV of figures, the
//! `fields=` of figure lists, the JSON shape and the OpenAPI schemas all come from here (see
//! [`column`](super::column) for the machinery, [`json`](super::json) for the shapes).
//!
//! A column is one entry: its doc comment (what the value means, in the README's table and
//! the OpenAPI document), its flat name (CSV, import, export, database), its Rust type, its
//! path in the JSON figure, and its role:
//! - `stored(check)`: a column of `observations` and `observation_revisions`, read and
//!   written by imports; `check` is what an import verifies beyond the type;
//! - `read("SQL")`: read by an SQL expression (a catalogue name, a value SQLite derives);
//! - `computed`: computed as the figure is read ([`Observation::compute`]);
//! - `presented`: empty unless `currency` or `scale` changed the figure.
//!
//! The order is the order of JSON keys; CSV and export records put the stored columns first
//! (the order of `seed/observations.csv`), then the others. Nested objects are described in
//! [`OBJECTS`]. To add a column, see the README's "Adding a figure column".

use super::column::{figure_schema, Check};
use super::{PeriodKind, Qualifier, Scale, Unit};
use crate::domain::entity::Entity;

figure_schema! {
    id: String = "id", stored(Check::Id);
    indicator_id: String = "indicator.id", stored(Check::Catalogue(Entity::Indicator));
    indicator_name: String = "indicator.name", read("i.name");
    region_id: String = "region.id", stored(Check::Catalogue(Entity::Region));
    region_name: String = "region.name", read("r.name");
    cluster_id: Option<String> = "cluster", stored(Check::Catalogue(Entity::Cluster));
    cluster_group_id: Option<String> = "cluster_group",
        stored(Check::Catalogue(Entity::ClusterGroup));
    company_id: Option<String> = "company", stored(Check::Catalogue(Entity::Company));
    city_plan_id: Option<String> = "city_plan", stored(Check::Catalogue(Entity::CityPlan));
    /// The number as stated, in `scale` and `unit`.
    value: f64 = "value", stored(Check::Value);
    scale: Scale = "scale", stored(Check::Value);
    unit: Unit = "unit", stored(Check::Value);
    /// ISO 4217 code for money figures (CNY, USD); null otherwise.
    currency: Option<String> = "currency", computed;
    /// `value` × `scale`: the figure in plain units (yuan, not billions of yuan).
    value_in_units: f64 = "value_in_units", read("CAST(o.value_in_units AS REAL)");
    /// The figure as stored: value, scale and unit.
    stated_value: Option<f64> = "conversion.stated_value", presented, with_object;
    stated_scale: Option<Scale> = "conversion.stated_scale", presented, with_object;
    stated_unit: Option<Unit> = "conversion.stated_unit", presented, with_object;
    /// Yuan per dollar, when the currency changed.
    cny_per_usd: Option<f64> = "conversion.cny_per_usd", presented;
    rate_method: Option<String> = "conversion.rate_method", presented;
    qualifier: Qualifier = "qualifier", stored(Check::Value);
    /// The figure in the words the source printed it with.
    stated: String = "stated", stored(Check::Value);
    period_kind: PeriodKind = "period.kind", stored(Check::Value);
    period_start: Option<String> = "period.start", stored(Check::Period);
    period_end: Option<String> = "period.end", stored(Check::Period);
    period_label: String = "period.label", stored(Check::Value);
    /// For a printed US-dollar amount: the yuan figure it converts.
    equivalent_of: Option<String> = "equivalent_of", stored(Check::Figure);
    /// For a caption or infographic: the story's figure it repeats.
    restates: Option<String> = "restates", stored(Check::Figure);
    source_id: String = "provenance.source.id", stored(Check::Catalogue(Entity::Source));
    source_headline: String = "provenance.source.headline", read("s.headline");
    section: String = "provenance.section", stored(Check::Value);
    speaker_id: Option<String> = "provenance.speaker.id",
        stored(Check::Catalogue(Entity::Speaker)), with_object;
    speaker_name: Option<String> = "provenance.speaker.name", read("sp.name"), with_object;
    speaker_title: Option<String> = "provenance.speaker.title", read("sp.title"), with_object;
    speaker_organisation: Option<String> = "provenance.speaker.organisation",
        read("sp.organisation"), with_object;
    /// Whom the source credits for the figure ("official data", a government report).
    cited_source: Option<String> = "provenance.cited_source", stored(Check::Value);
    note: Option<String> = "note", stored(Check::Value);
    revision: i64 = "revision.number", read("o.revision");
    /// When this revision was recorded (UTC, RFC 3339).
    recorded_at: String = "revision.recorded_at", read("o.recorded_at");
}

/// A nested object of the JSON figure: the columns whose paths start with `path`.
#[derive(Debug, Clone, Copy)]
pub struct FigureObject {
    pub path: &'static str,
    /// The name of its schema in the OpenAPI document.
    pub schema: &'static str,
    /// The schema's description.
    pub doc: &'static str,
    /// Its description as a field of the enclosing object.
    pub field_doc: &'static str,
    /// `null` when its first column is (a figure without a speaker, one not converted).
    pub optional: bool,
    /// Its schema is another resource's too (`Reference`, `Speaker`): its members are not
    /// described here, so that both stay one schema.
    pub shared: bool,
}

/// The figure itself, as an object.
pub const FIGURE: FigureObject = FigureObject {
    path: "",
    schema: "Observation",
    doc: "One figure of the source, with its meaning.",
    field_doc: "",
    optional: false,
    shared: false,
};

const REFERENCE: &str = "A reference to another resource: its id and a name a person can read.";

/// Every nested object of the JSON figure.
pub const OBJECTS: &[FigureObject] = &[
    FigureObject {
        path: "indicator",
        schema: "Reference",
        doc: REFERENCE,
        field_doc: "",
        optional: false,
        shared: true,
    },
    FigureObject {
        path: "region",
        schema: "Reference",
        doc: REFERENCE,
        field_doc: "",
        optional: false,
        shared: true,
    },
    FigureObject {
        path: "conversion",
        schema: "Conversion",
        doc: "How a returned figure differs from the stated one.",
        field_doc: "Set when `currency` or `scale` was asked for: the figure as stated and the \
                    rate used.",
        optional: true,
        shared: false,
    },
    FigureObject {
        path: "period",
        schema: "Period",
        doc: "",
        field_doc: "",
        optional: false,
        shared: false,
    },
    FigureObject {
        path: "provenance",
        schema: "Provenance",
        doc: "Where a figure comes from: the story and section that print it, and who stated it.",
        field_doc: "",
        optional: false,
        shared: false,
    },
    FigureObject {
        path: "provenance.source",
        schema: "SourceReference",
        doc: "",
        field_doc: "",
        optional: false,
        shared: false,
    },
    FigureObject {
        path: "provenance.speaker",
        schema: "Speaker",
        doc: "",
        field_doc: "",
        optional: true,
        shared: true,
    },
    FigureObject {
        path: "revision",
        schema: "RevisionStamp",
        doc: "Which state of a figure a response carries: revision 1 is the figure as first \
              recorded;\neach import that corrects it adds one.",
        field_doc: "Which revision of the figure this is, and when it was recorded.",
        optional: false,
        shared: false,
    },
];

impl Observation {
    /// Fills the `computed` columns from the others, as a figure is read.
    pub fn compute(&mut self) {
        self.currency = self.unit.currency_code().map(str::to_owned);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::domain::figure::column::Role;

    #[test]
    fn names_and_paths_are_unique() {
        let names: HashSet<&str> = COLUMNS.iter().map(|c| c.name).collect();
        let paths: HashSet<&str> = COLUMNS.iter().map(|c| c.path).collect();
        assert_eq!(names.len(), COLUMNS.len(), "a flat name is given twice");
        assert_eq!(paths.len(), COLUMNS.len(), "a JSON path is given twice");
        let objects: HashSet<&str> = OBJECTS.iter().map(|o| o.path).collect();
        assert_eq!(objects.len(), OBJECTS.len(), "an object is declared twice");
        for (index, column) in COLUMNS.iter().enumerate() {
            assert_eq!(column.index, index, "{}", column.name);
        }
    }

    #[test]
    fn every_object_holds_columns_and_every_prefix_is_an_object() {
        for column in COLUMNS {
            let segments: Vec<&str> = column.path.split('.').collect();
            for depth in 1..segments.len() {
                let prefix = segments[..depth].join(".");
                assert!(
                    OBJECTS.iter().any(|o| o.path == prefix),
                    "{} is in {prefix}, which OBJECTS does not declare",
                    column.name
                );
                assert!(
                    !COLUMNS.iter().any(|c| c.path == prefix),
                    "{prefix} is a column and an object"
                );
            }
        }
        for object in OBJECTS {
            let members: Vec<_> = COLUMNS
                .iter()
                .filter(|c| c.path.starts_with(&format!("{}.", object.path)))
                .collect();
            assert!(!members.is_empty(), "{} holds no column", object.path);
            // Its members are declared together: JSON writes an object's members in one place.
            let first = members[0].index;
            assert!(
                members
                    .iter()
                    .enumerate()
                    .all(|(i, c)| c.index == first + i),
                "{}'s columns are declared apart",
                object.path
            );
            if object.optional {
                // An optional object is null exactly when its first column is.
                assert!(
                    members[0].nullable && members[0].with_object,
                    "{}",
                    object.path
                );
            }
        }
    }

    #[test]
    fn only_members_of_optional_objects_are_with_object_and_they_are_nullable() {
        for column in COLUMNS.iter().filter(|c| c.with_object) {
            assert!(
                column.nullable,
                "{} is `with_object`: an Option",
                column.name
            );
            let parent = column.path.rsplit_once('.').map(|(parent, _)| parent);
            let optional = OBJECTS.iter().any(|o| Some(o.path) == parent && o.optional);
            assert!(
                optional,
                "{} is `with_object` outside an optional object",
                column.name
            );
        }
    }

    #[test]
    fn the_stored_columns_are_the_seed_files_in_its_order() {
        let seed = include_str!("../../../seed/observations.csv");
        let header: Vec<&str> = seed.lines().next().unwrap().split(',').collect();
        assert_eq!(STORED_COLUMNS, header.as_slice());
        let stored: Vec<&str> = COLUMNS
            .iter()
            .filter(|c| matches!(c.role, Role::Stored(_)))
            .map(|c| c.name)
            .collect();
        assert_eq!(stored, STORED_COLUMNS);
        assert_eq!(
            COLUMNS
                .iter()
                .filter(|c| c.role == Role::Stored(Check::Id))
                .map(|c| c.name)
                .collect::<Vec<_>>(),
            ["id"],
            "one column is the figure's id, and the tables call it id"
        );
    }
}
