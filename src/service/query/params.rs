//! What the list endpoints accept: each filter's name and value kind, each sort key, whether
//! the list is paged, and the parameters every list shares.

use crate::domain::entity::Entity;

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 1000;

/// Values one filter may list; more is a 400 (each value is a term of the SQL query).
pub const MAX_FILTER_VALUES: usize = 50;

/// What values a filter takes.
#[derive(Debug, Clone, Copy)]
pub enum ParamKind {
    /// Ids of one kind of entity; several allowed, comma-separated or by repeating the key.
    Ids(Entity),
    /// Words from a fixed list; several allowed.
    Words(&'static [&'static str]),
    /// Free words checked by the endpoint against its data; several allowed.
    Texts,
    /// One free text (a search query).
    Text,
    /// Calendar years; several allowed.
    Years,
    /// One calendar year (a bound of a range).
    Year,
    /// One number.
    Number,
    /// One RFC 3339 time, kept in [`crate::domain::timestamp`]'s canonical UTC form.
    Time,
}

/// A filter an endpoint accepts. `path` is where an in-memory list finds the value in each
/// item; an empty path means the endpoint applies the filter itself (a search's `q`).
#[derive(Debug, Clone, Copy)]
pub struct FilterSpec {
    pub name: &'static str,
    pub kind: ParamKind,
    pub path: &'static str,
}

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

impl FilterSpec {
    pub const fn new(name: &'static str, kind: ParamKind, path: &'static str) -> FilterSpec {
        FilterSpec { name, kind, path }
    }
}

/// Everything an endpoint accepts beyond the parameters every list shares.
#[derive(Debug)]
pub struct ListSpec {
    pub filters: &'static [FilterSpec],
    pub sorts: &'static [SortSpec],
    /// Whether `limit` and `cursor` apply (the bulk export returns everything at once).
    pub paginated: bool,
}

pub(super) const COMMON_PAGINATED: [&str; 5] = ["sort", "limit", "cursor", "fields", "format"];
pub(super) const COMMON_UNPAGINATED: [&str; 3] = ["sort", "fields", "format"];

/// A single resource or an image: no list to sort, page or trim.
pub(super) const COMMON_SINGLE: [&str; 1] = ["format"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FilterValue {
    Texts(Vec<String>),
    Years(Vec<i32>),
    Number(f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKey {
    pub name: &'static str,
    pub path: &'static str,
    pub descending: bool,
}
