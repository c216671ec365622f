//! The domain: what a figure is and what can be computed from figures alone. Pure types and
//! functions; no database pool and no HTTP (serde, utoipa and sqlx::Type derives on the enums
//! are how the other layers read and write them).

/// Arithmetic over figures: exchange rate, conversion, transforms, relations, consistency.
pub mod analytics;
/// Text in a CSV cell, safe to open in a spreadsheet, and read back.
pub mod csv_cell;
/// The kinds of resource an id can name.
pub mod entity;
/// The figure: its columns, declared once, and what derives from them.
pub mod figure;
/// The languages of names: English and Chinese.
pub mod language;
/// Times of revisions and imports, in one canonical UTC form.
pub mod timestamp;
