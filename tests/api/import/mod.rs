//! Imports: a corrected figure becomes a new revision, the old value stays reachable with
//! `as_of`, a retraction keeps the history, a file with any problem writes nothing, and every
//! file the API writes imports back as it is.

use reqwest::StatusCode;

use crate::helpers::TestApp;

mod bulk_load;
mod command;
mod hostile_files;
mod refusals;
mod revisions;
mod round_trip;
mod warnings;

async fn export_csv(app: &TestApp, query: &str) -> String {
    let response = app.get(&format!("/v1/export?format=csv{query}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}
