//! What the tests share: the app in-process ([`TestApp`]), the binary, the typed bodies, CSV
//! bodies, gzip, imports and the seed's data.

mod app;
mod binary;
mod bodies;
mod csv;
mod gzip;
mod import;
mod seed;

pub use app::*;
pub use binary::*;
pub use bodies::*;
pub use csv::*;
pub use gzip::*;
pub use import::*;
pub use seed::*;
