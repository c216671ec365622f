//! What one endpoint accepts in its query string: the declared parameters it takes (each
//! from [`super::params`]), and its shape: a page of a list, a whole list, one resource or an
//! image, which says which list controls come with them. The parser, the OpenAPI document and
//! the in-memory filters all read it.

use super::params::{Accepted, Decl, Format, BOM, CURSOR, FIELDS, FORMAT, LIMIT, SORT};

/// A field a list can be sorted by, and where its value sits in each item.
#[derive(Debug, Clone, Copy)]
pub struct SortSpec {
    pub name: &'static str,
    pub path: &'static str,
}

impl SortSpec {
    pub const fn new(name: &'static str, path: &'static str) -> SortSpec {
        SortSpec { name, path }
    }
}

/// One key of a parsed `sort`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKey {
    pub name: &'static str,
    pub path: &'static str,
    pub descending: bool,
}

/// What a response is, and so which list controls its query takes.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// A page of a list: `sort` (by these keys), `limit`, `cursor`, `fields`, `format`,
    /// `bom`.
    Page(&'static [SortSpec]),
    /// A page of figures: a page whose `format` also takes JSON-stat and SDMX-CSV.
    Figures(&'static [SortSpec]),
    /// A page of figures of several indicators, which no request narrows to one: SDMX-CSV
    /// but no JSON-stat, a dataset of one indicator's figures.
    MixedFigures(&'static [SortSpec]),
    /// A whole list in one response: `sort`, `fields`, `format`, `bom`.
    All(&'static [SortSpec]),
    /// One resource: `format` only.
    One,
    /// An image, or a fixed text (the metrics): nothing but its own parameters.
    Image,
}

/// Everything an endpoint accepts in its query string.
#[derive(Debug)]
pub struct QuerySpec {
    /// Its own parameters, in the order the documentation lists them.
    pub params: &'static [Accepted],
    pub shape: Shape,
}

const PAGE_CONTROLS: &[&Decl] = &[&SORT, &LIMIT, &CURSOR, &FIELDS, &FORMAT, &BOM.decl];
const ALL_CONTROLS: &[&Decl] = &[&SORT, &FIELDS, &FORMAT, &BOM.decl];
const ONE_CONTROLS: &[&Decl] = &[&FORMAT];

impl QuerySpec {
    /// The list controls its shape brings, after its own parameters.
    pub fn controls(&self) -> &'static [&'static Decl] {
        match self.shape {
            Shape::Page(_) | Shape::Figures(_) | Shape::MixedFigures(_) => PAGE_CONTROLS,
            Shape::All(_) => ALL_CONTROLS,
            Shape::One => ONE_CONTROLS,
            Shape::Image => &[],
        }
    }

    /// Every parameter it takes: its own, then the controls.
    pub fn accepted(&self) -> impl Iterator<Item = &'static Decl> + '_ {
        self.params
            .iter()
            .map(|accepted| accepted.param)
            .chain(self.controls().iter().copied())
    }

    /// The keys its items can be sorted by.
    pub fn sorts(&self) -> &'static [SortSpec] {
        match self.shape {
            Shape::Page(sorts)
            | Shape::Figures(sorts)
            | Shape::MixedFigures(sorts)
            | Shape::All(sorts) => sorts,
            Shape::One | Shape::Image => &[],
        }
    }

    /// Whether it answers with a list (in the envelope, as JSON or CSV).
    pub fn is_list(&self) -> bool {
        matches!(
            self.shape,
            Shape::Page(_) | Shape::Figures(_) | Shape::MixedFigures(_) | Shape::All(_)
        )
    }

    /// The representations it is served in, what `format=` takes: the first is the default.
    pub fn formats(&self) -> &'static [Format] {
        match self.shape {
            Shape::Figures(_) => Format::FIGURES,
            Shape::MixedFigures(_) => Format::MIXED_FIGURES,
            Shape::Page(_) | Shape::All(_) => Format::LIST,
            Shape::One | Shape::Image => Format::ONE,
        }
    }

    /// Whether `limit` and `cursor` apply (a whole list returns everything at once).
    pub fn paginated(&self) -> bool {
        matches!(
            self.shape,
            Shape::Page(_) | Shape::Figures(_) | Shape::MixedFigures(_)
        )
    }
}
