//! The formats statistical tools read: JSON-stat 2.0 datasets of one indicator's figures,
//! SDMX-CSV 2.0 rows of figures, and the CSV details spreadsheets need (a byte-order mark on
//! request, a file name on every download). Each is checked against the JSON answer for the
//! same figures.

mod bom;
mod datapackage;
mod jsonstat;
mod sdmx_csv;
