//! CSV bodies: a list's items as rows under its columns, served as a download. Figures are
//! written as the export writes them, under their flat columns.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::domain::figure::column::Column;
use crate::domain::figure::Observation;
use crate::error::{ApiError, ApiResult};
use crate::service::rows::{csv_cells, write_figure};

fn write_error(error: csv::Error) -> ApiError {
    ApiError::Render(error.to_string())
}

/// Items held as JSON values, flattened to dotted `columns`.
pub(super) fn csv_response(items: &[Value], columns: &[String], name: &str) -> ApiResult<Response> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(columns).map_err(write_error)?;
    for item in items {
        writer
            .write_record(csv_cells(item, columns))
            .map_err(write_error)?;
    }
    csv_download(writer, name)
}

/// Figures, each a row of its flat `columns`: the export's dialect, so the file imports back.
pub(super) fn figure_csv_response(
    figures: &[Observation],
    columns: &[&'static Column],
    name: &str,
) -> ApiResult<Response> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(columns.iter().map(|column| column.name))
        .map_err(write_error)?;
    for figure in figures {
        write_figure(&mut writer, figure, columns).map_err(write_error)?;
    }
    csv_download(writer, name)
}

fn csv_download(writer: csv::Writer<Vec<u8>>, name: &str) -> ApiResult<Response> {
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
