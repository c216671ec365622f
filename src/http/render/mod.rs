//! Representations: JSON or CSV by negotiation, the list envelope with its links, CSV bodies,
//! and SVG charts.

/// SVG bar charts.
pub mod chart;
/// CSV bodies and their media type.
pub mod csv;
/// The list envelope and `Link` headers.
pub mod list;
/// JSON or CSV, by `format=` and `Accept`.
pub mod negotiate;
