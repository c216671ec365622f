//! One integration-test binary: every test starts the real app over HTTP.

mod endpoints;
mod errors;
mod helpers;
mod seed;
mod startup;
