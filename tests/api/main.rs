//! One integration-test binary: every test starts the real app over HTTP.

mod analytics;
mod as_of_load;
mod browser;
mod cache;
mod endpoints;
mod errors;
mod export;
mod faults;
mod generate;
mod golden;
mod hardening_server;
mod helpers;
mod imports;
mod injection;
mod limits;
mod load;
mod metrics;
mod query;
mod query_plans;
mod seed;
mod startup;
