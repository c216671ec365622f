//! THE figure schema: every column of a figure, declared once. The figure as served
//! ([`Observation`]), its stored part ([`FigureRecord`]), the store's column lists and binds,
//! the import's expected columns and checks, the export record and every CSV of figures, the
//! `fields=` of figure lists, the JSON shape and the OpenAPI schemas all come from here (see
//! [`column`] for the machinery, [`json`] for the shapes).
//!
//! A column is one entry: its doc comment (what the value means, in the README's table and
//! the OpenAPI document), its flat name (CSV, import, export, database), its Rust type, its
//! path in the JSON figure, and its role:
//! - `stored(check)`: a column of `observations` and `observation_revisions`, read and
//!   written by imports; `check` is what an import verifies beyond the type;
//! - `read("SQL")`: read by an SQL expression (a value SQLite derives, the revision);
//! - `label("SQL", "SQL in Chinese")`: a catalogue name, read in the language asked;
//! - `computed`: computed as the figure is read ([`Observation::compute`]);
//! - `presented`: empty unless `currency` or `scale` changed the figure.
//!
//! The order is the order of JSON keys; CSV and export records put the stored columns first
//! (the order of `seed/observations.csv`), then the others. Nested objects are described in
//! [`OBJECTS`]. To add a column, see the README's "Adding a figure column".
//!
//! [`column`]: crate::domain::figure::column
//! [`json`]: crate::domain::figure::json
//! [`OBJECTS`]: crate::domain::figure::schema::OBJECTS

use super::column::{figure_schema, Check};
use super::{Bound, FigureRole, Interval, PeriodKind, Qualifier, Scale, Unit};
use crate::domain::entity::Entity;

figure_schema! {
    /// The figure's id: a readable slug, unique among figures.
    id: String = "id", stored(Check::Id);
    /// What the figure measures: an indicator's id (`/v1/indicators`).
    indicator_id: String = "indicator.id", stored(Check::Catalogue(Entity::Indicator));
    /// The indicator's name, in the language asked (`lang`).
    indicator_name: String = "indicator.name", label("i.name", "i.name_zh");
    /// Where: a region's id (`/v1/regions`).
    region_id: String = "region.id", stored(Check::Catalogue(Entity::Region));
    /// The region's name, in the language asked.
    region_name: String = "region.name", label("r.name", "r.name_zh");
    /// The industry cluster the figure is about (`/v1/clusters`).
    cluster_id: Option<String> = "cluster", stored(Check::Catalogue(Entity::Cluster));
    /// The cluster group the figure is about (`/v1/cluster-groups`).
    cluster_group_id: Option<String> = "cluster_group",
        stored(Check::Catalogue(Entity::ClusterGroup));
    /// The company the figure is about (`/v1/companies`).
    company_id: Option<String> = "company", stored(Check::Catalogue(Entity::Company));
    /// The city plan the figure belongs to (`/v1/city-plans`).
    city_plan_id: Option<String> = "city_plan", stored(Check::Catalogue(Entity::CityPlan));
    /// The number as stated, in `scale` and `unit`.
    value: f64 = "value", stored(Check::Value);
    /// The power of ten `value` is stated in.
    scale: Scale = "scale", stored(Check::Value);
    /// The unit `value` is stated in; it is the indicator's, but for a printed dollar
    /// equivalent.
    unit: Unit = "unit", stored(Check::Value);
    /// ISO 4217 code for money figures (CNY, USD); null otherwise.
    currency: Option<String> = "currency", computed;
    /// `value` × `scale`: the figure in plain units (yuan, not billions of yuan).
    value_in_units: f64 = "value_in_units", read("CAST(o.value_in_units AS REAL)");
    /// The value as stored, when `currency` or `scale` changed it.
    stated_value: Option<f64> = "conversion.stated_value", presented, with_object;
    /// The scale as stored, when `currency` or `scale` changed the figure.
    stated_scale: Option<Scale> = "conversion.stated_scale", presented, with_object;
    /// The unit as stored, when `currency` or `scale` changed the figure.
    stated_unit: Option<Unit> = "conversion.stated_unit", presented, with_object;
    /// Yuan per dollar, when the currency changed.
    cny_per_usd: Option<f64> = "conversion.cny_per_usd", presented;
    /// How that rate was found, when the currency changed.
    rate_method: Option<String> = "conversion.rate_method", presented;
    /// The converted value before rounding, in `scale` and `unit` (to 9 significant digits),
    /// when the currency changed: `value` is rounded to the digits the figure was stated with
    /// plus one.
    unrounded_value: Option<f64> = "conversion.unrounded_value", presented;
    /// How precisely the source states the figure (for a derived figure: what its bounds
    /// know of it).
    qualifier: Qualifier = "qualifier", stored(Check::Value);
    /// The least the true value can be, in `scale` and `unit`; null when the figure has no
    /// lower bound. Computed from the qualifier, or for a derived figure from its inputs'
    /// bounds.
    lower_bound: Option<f64> = "bounds.lower.value", computed, with_object;
    /// Whether the lower bound itself is possible (`at_least`: yes; `over`: no).
    lower_bound_inclusive: Option<bool> = "bounds.lower.inclusive", computed, with_object;
    /// The most the true value can be, in `scale` and `unit`; null when the figure has no
    /// upper bound.
    upper_bound: Option<f64> = "bounds.upper.value", computed, with_object;
    /// Whether the upper bound itself is possible (`nearly`: yes; `less_than`: no).
    upper_bound_inclusive: Option<bool> = "bounds.upper.inclusive", computed, with_object;
    /// The figure in the words the source printed it with (for a derived figure: what it is).
    stated: String = "stated", stored(Check::Value);
    /// What kind of time the figure refers to.
    period_kind: PeriodKind = "period.kind", stored(Check::Value);
    /// The first year (2024) or month (2024-03) of the period; null when unknown.
    period_start: Option<String> = "period.start", stored(Check::Period);
    /// The last year or month of the period; null when unknown.
    period_end: Option<String> = "period.end", stored(Check::Period);
    /// The period in words.
    period_label: String = "period.label", stored(Check::Value);
    /// For a printed US-dollar amount: the yuan figure it converts.
    equivalent_of: Option<String> = "equivalent_of", stored(Check::Figure);
    /// For a caption or infographic: the story's figure it repeats.
    restates: Option<String> = "restates", stored(Check::Figure);
    /// What the figure is among the others (`primary` unless a sum must leave it out:
    /// `equivalent`, `restatement`, `threshold`; see `role=`), derived from `equivalent_of`,
    /// `restates` and its indicator's measure; null for a derived figure.
    role: Option<FigureRole> = "role",
        read("CASE WHEN o.equivalent_of IS NOT NULL THEN 'equivalent' \
              WHEN o.restates IS NOT NULL THEN 'restatement' \
              WHEN i.measure = 'threshold' THEN 'threshold' ELSE 'primary' END");
    /// For a figure derived from others (a transform, a relation): their ids; null for a
    /// stated figure.
    derived_from: Option<Vec<String>> = "derived_from", derived;
    /// For a derived figure: the arithmetic, with the numbers used (in plain units).
    formula: Option<String> = "formula", derived;
    /// The story that prints the figure: a source's id (`/v1/sources`).
    source_id: String = "provenance.source.id", stored(Check::Catalogue(Entity::Source));
    /// The story's headline, in the language asked (in Chinese, translated).
    source_headline: String = "provenance.source.headline", label("s.headline", "s.name_zh");
    /// The part of the story the figure is printed in.
    section: String = "provenance.section", stored(Check::Value);
    /// Who stated the figure, where the source names a person: a speaker's id
    /// (`/v1/speakers`).
    speaker_id: Option<String> = "provenance.speaker.id",
        stored(Check::Catalogue(Entity::Speaker)), with_object;
    /// The speaker's name, in the language asked.
    speaker_name: Option<String> = "provenance.speaker.name", label("sp.name", "sp.name_zh"),
        with_object;
    /// The speaker's title.
    speaker_title: Option<String> = "provenance.speaker.title", read("sp.title"), with_object;
    /// The speaker's organisation.
    speaker_organisation: Option<String> = "provenance.speaker.organisation",
        read("sp.organisation"), with_object;
    /// Whom the source credits for the figure ("official data", a government report).
    cited_source: Option<String> = "provenance.cited_source", stored(Check::Value);
    /// How the figure was read from the source, where that needed a word.
    note: Option<String> = "note", stored(Check::Value);
    /// Which revision of the figure this is: 1 as first recorded, one more for each import
    /// that corrects it.
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
const BOUND: &str = "One end of a figure's bounds.";

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
        path: "bounds",
        schema: "Bounds",
        doc: "The interval the figure's true value lies in, from its qualifier (or, derived, \
              from its inputs' bounds); null on a side it is unbounded.",
        field_doc: "",
        optional: false,
        shared: false,
    },
    FigureObject {
        path: "bounds.lower",
        schema: "Bound",
        doc: BOUND,
        field_doc: "",
        optional: true,
        shared: true,
    },
    FigureObject {
        path: "bounds.upper",
        schema: "Bound",
        doc: BOUND,
        field_doc: "",
        optional: true,
        shared: true,
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
        self.set_bounds(Interval::stated(self.qualifier, self.value));
    }

    /// The interval the true value lies in, in `scale` and `unit`.
    pub fn bounds(&self) -> Interval {
        let bound = |value: Option<f64>, inclusive: Option<bool>| {
            value.map(|value| Bound {
                value,
                inclusive: inclusive.unwrap_or(true),
            })
        };
        Interval {
            lower: bound(self.lower_bound, self.lower_bound_inclusive),
            upper: bound(self.upper_bound, self.upper_bound_inclusive),
        }
    }

    pub fn set_bounds(&mut self, bounds: Interval) {
        (self.lower_bound, self.lower_bound_inclusive) = match bounds.lower {
            Some(bound) => (Some(bound.value), Some(bound.inclusive)),
            None => (None, None),
        };
        (self.upper_bound, self.upper_bound_inclusive) = match bounds.upper {
            Some(bound) => (Some(bound.value), Some(bound.inclusive)),
            None => (None, None),
        };
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::domain::figure::column::Role;
    use crate::domain::figure::json::flat_columns;

    /// The README's table of the columns, from the schema: in the order of a CSV of figures.
    fn readme_table() -> String {
        let mut table = String::from(
            "| Column | JSON path | Type | Role | Meaning |\n| --- | --- | --- | --- | --- |\n",
        );
        for column in flat_columns() {
            let role = match column.role {
                Role::Stored(_) => "stored",
                Role::Read(_) | Role::Label { .. } => "read",
                Role::Computed => "computed",
                Role::Presented => "presented",
                Role::Derived => "derived",
            };
            let meaning: Vec<&str> = column.docs.iter().map(|line| line.trim()).collect();
            table.push_str(&format!(
                "| `{}` | `{}` | {} | {role} | {} |\n",
                column.name,
                column.path,
                (column.value.describe)(),
                meaning.join(" ")
            ));
        }
        table
    }

    /// The README documents every column, in one table generated from the schema; with
    /// `GOLDEN_UPDATE=1` the test writes it (as the golden test writes its files).
    #[test]
    fn golden_readme_table_of_figure_columns() {
        const START: &str = "<!-- figure columns: generated from src/domain/figure/schema.rs -->\n";
        const END: &str = "<!-- end of figure columns -->";
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
        let readme = std::fs::read_to_string(path).unwrap();
        let (before, rest) = readme
            .split_once(START)
            .expect("the README marks the table");
        let (table, after) = rest.split_once(END).expect("the README ends the table");
        let expected = readme_table();
        if std::env::var_os("GOLDEN_UPDATE").is_some() {
            std::fs::write(path, format!("{before}{START}{expected}{END}{after}")).unwrap();
            return;
        }
        assert!(
            table == expected,
            "The README's table of figure columns is not the schema's. Run \
             `GOLDEN_UPDATE=1 cargo test golden`, or put this between its markers:\n\n{expected}"
        );
    }

    #[test]
    fn every_column_says_what_it_means() {
        for column in COLUMNS {
            assert!(
                !column.doc().is_empty(),
                "{} has no doc comment",
                column.name
            );
        }
    }

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
