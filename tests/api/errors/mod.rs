//! Bad requests get a problem+json (RFC 9457) a person can act on; no request gets a 500.

mod hostile_input;
mod parameters;
mod resources;
