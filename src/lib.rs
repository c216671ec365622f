//! gd-indicators: the economic figures of China Daily's "GD Today" page on Guangdong, served
//! as a JSON REST API from an embedded SQLite database.
//!
//! The layers, top down; each imports only those below it. `main.rs` parses the
//! configuration and hands it to [`commands::run`]; tests build the very same router with
//! [`app`] and serve it on an ephemeral port with [`serve`].

/// The command line: one module per command, and the dispatch to exit codes.
pub mod commands;
/// The figure and what can be computed from figures alone.
pub mod domain;
/// The one error type.
pub mod error;
/// The HTTP edge: router, layers, handlers, rendering, the OpenAPI document.
pub mod http;
/// What both front ends call: figure lists, presentation, analytics, export, import.
pub mod service;
/// Every SQL statement, one file per aggregate, and the database's opening.
pub mod store;

pub use commands::config::{
    Cli, Command, ExportArgs, GenerateArgs, ImportArgs, LogFormat, ServeArgs,
};
pub use http::settings::HttpSettings;
pub use http::{app, serve};
