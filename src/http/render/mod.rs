//! Representations: JSON, CSV, JSON-stat or SDMX-CSV by negotiation, the list envelope with its links, CSV bodies,
//! and SVG charts.

/// SVG bar charts.
pub mod chart;
/// CSV bodies and their media type.
pub mod csv;
/// JSON-stat 2.0 datasets of one indicator's figures.
pub mod jsonstat;
/// The list envelope and `Link` headers.
pub mod list;
/// JSON, CSV, JSON-stat or SDMX-CSV, by `format=` and `Accept`.
pub mod negotiate;
/// SDMX-CSV 2.0 bodies of figures.
pub mod sdmx_csv;
