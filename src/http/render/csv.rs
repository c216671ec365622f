//! CSV bodies: a list's items as rows under its columns, served as a download.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::service::rows::csv_cells;

pub(super) fn csv_response(items: &[Value], columns: &[String], name: &str) -> ApiResult<Response> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let write_error = |error: csv::Error| ApiError::Render(error.to_string());
    writer.write_record(columns).map_err(write_error)?;
    for item in items {
        writer
            .write_record(csv_cells(item, columns))
            .map_err(write_error)?;
    }
    let body = writer
        .into_inner()
        .map_err(|error| ApiError::Render(error.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, CSV_CONTENT_TYPE.to_owned()),
            (header::CONTENT_DISPOSITION, csv_disposition(name)),
        ],
        body,
    )
        .into_response())
}

/// The media type of every CSV body.
pub const CSV_CONTENT_TYPE: &str = "text/csv; charset=utf-8; header=present";

/// A CSV body is a download named after its list.
pub fn csv_disposition(name: &str) -> String {
    format!("attachment; filename=\"gd-indicators-{name}.csv\"")
}
