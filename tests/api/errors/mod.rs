//! Bad requests get a problem+json (RFC 9457) a person can act on; no request gets a 500.

mod hostile_input;
mod hostile_requests;
mod parameters;
mod resources;
