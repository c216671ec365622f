//! CSV bodies: a list's items as rows under its columns, served as a download. Figures are
//! written as the export writes them, under their flat columns.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::domain::figure::column::Column;
use crate::domain::figure::Observation;
use crate::error::{ApiError, ApiResult};
use crate::service::query::params::Format;
use crate::service::rows::{csv_cells, write_figure, RETRACTED_COLUMN};

pub(super) fn write_error(error: csv::Error) -> ApiError {
    ApiError::Render(error.to_string())
}

/// A body that starts with a byte-order mark when `bom` says so.
pub(super) fn body_start(bom: bool) -> Vec<u8> {
    if bom {
        BYTE_ORDER_MARK.to_vec()
    } else {
        Vec::new()
    }
}

/// Items held as JSON values, flattened to dotted `columns`.
pub(super) fn csv_response(
    items: &[Value],
    columns: &[String],
    name: &str,
    bom: bool,
) -> ApiResult<Response> {
    let mut writer = csv::Writer::from_writer(body_start(bom));
    writer.write_record(columns).map_err(write_error)?;
    for item in items {
        writer
            .write_record(csv_cells(item, columns))
            .map_err(write_error)?;
    }
    csv_download(writer, name)
}

/// Figures, each a row of its flat `columns`: the export's dialect, so the file imports back.
/// A delta's rows (`retracted`: the ids of those retracted) end with a `retracted` column.
pub(super) fn figure_csv_response(
    figures: &[Observation],
    columns: &[&'static Column],
    retracted: Option<&[String]>,
    name: &str,
    bom: bool,
) -> ApiResult<Response> {
    let mut writer = csv::Writer::from_writer(body_start(bom));
    let mark = retracted.map(|_| RETRACTED_COLUMN);
    writer
        .write_record(columns.iter().map(|column| column.name).chain(mark))
        .map_err(write_error)?;
    for figure in figures {
        let retracted = retracted.map(|ids| ids.contains(&figure.id));
        write_figure(&mut writer, figure, columns, retracted).map_err(write_error)?;
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
            (header::CONTENT_DISPOSITION, disposition(name, Format::Csv)),
        ],
        body,
    )
        .into_response())
}

/// The media type of every CSV body.
pub const CSV_CONTENT_TYPE: &str = "text/csv; charset=utf-8; header=present";

/// What `bom=true` puts before a CSV body: U+FEFF in UTF-8, by which Excel knows the
/// encoding (without it, Chinese names open as mojibake).
pub const BYTE_ORDER_MARK: &[u8] = "\u{feff}".as_bytes();

/// A download's `Content-Disposition`: a file named after its list, with the extension of its
/// format (`gd-indicators-observations.csv`, `.jsonstat.json`, `.sdmx.csv`).
pub fn disposition(name: &str, format: Format) -> String {
    let extension = match format {
        Format::Json => "json",
        Format::Csv => "csv",
        Format::JsonStat => "jsonstat.json",
        Format::SdmxCsv => "sdmx.csv",
    };
    format!("attachment; filename=\"gd-indicators-{name}.{extension}\"")
}
