//! What the tests share: the app in-process ([`TestApp`]), the binary, CSV bodies, gzip, imports
//! and the seed's data.

mod app;
mod binary;
mod csv;
mod gzip;
mod import;
mod seed;

pub use app::*;
pub use binary::*;
pub use csv::*;
pub use gzip::*;
pub use import::*;
pub use seed::*;
