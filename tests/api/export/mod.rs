//! `GET /v1/export`, streamed at any size, with a validator of the data version; and
//! `gd-indicators export`: the same bytes, to stdout or a file, that re-import as they are;
//! quiet when piped; and never a half-written file.

use std::path::Path;

use reqwest::StatusCode;

use crate::helpers::TestApp;

mod command;
mod stream;

/// Adds synthetic figures, some corrected and one retracted, beside the article's; returns once
/// the server has seen them.
async fn with_revised_figures(app: &TestApp) {
    with_synthetic_figures(app, 600).await;
}

/// Adds `count` synthetic figures, in imports of at least 250; returns once the server has
/// seen them.
async fn with_synthetic_figures(app: &TestApp, count: usize) {
    let batch = (count / 4).max(250).to_string();
    let count = count.to_string();
    let output = app
        .generate(&["--observations", &count, "--batch-size", &batch])
        .await;
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}

async fn body(app: &TestApp, path: &str) -> Vec<u8> {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    response.bytes().await.unwrap().to_vec()
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("utf-8")
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
