//! One integration-test binary: every test starts the real app over HTTP. The modules follow
//! the code: absolute links, the catalogue's resources, figures, query parameters,
//! representations, HTTP caching, CORS and other headers, the languages of names,
//! compression, limits, errors, analytics and charts, export, import and generate, start-up,
//! the command line, the database, the Kubernetes manifests, metrics, the dashboard in a
//! browser, the golden bytes, query plans, the seed and the README's cookbook. What they
//! share is in `helpers`.

mod absolute_links;
mod analytics;
mod browser;
mod caching;
mod catalogue;
mod charts;
mod cli;
mod compression;
mod cors;
mod database;
mod deploy;
mod discovery;
mod errors;
mod export;
mod figures;
mod formats;
mod generate;
mod golden;
mod headers;
mod helpers;
mod import;
mod languages;
mod limits;
mod metrics;
mod openapi;
mod query;
mod query_plans;
mod readme;
mod representations;
mod request_logs;
mod seed;
mod server;
mod startup;
mod transforms;
