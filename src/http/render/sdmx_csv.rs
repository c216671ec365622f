//! SDMX-CSV 2.0 bodies: a list of figures, one row each, in the columns an SDMX client reads
//! (`STRUCTURE`, `STRUCTURE_ID`, `ACTION`, the dimensions, `OBS_VALUE`, the standard
//! attributes), then every other column of the figure schema as an attribute of our own,
//! named as its flat column in capitals. The dimensions and the mapped columns are listed
//! once, here; the attributes follow the schema.

use std::borrow::Cow;

use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::csv::{body_start, disposition, write_error};
use crate::domain::csv_cell::neutralise;
use crate::domain::figure::column::{number_text, Cell, Column, Word};
use crate::domain::figure::json::flat_columns;
use crate::domain::figure::{Observation, Qualifier, Scale, Unit};
use crate::error::{ApiError, ApiResult};
use crate::service::query::params::Format;

/// The media type of an SDMX-CSV 2.0 body.
pub const SDMX_CSV_CONTENT_TYPE: &str =
    "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8";

/// What every row's `STRUCTURE` and `STRUCTURE_ID` say: the figures are one dataflow.
pub const STRUCTURE: &str = "dataflow";
pub const STRUCTURE_ID: &str = "GD_INDICATORS:FIGURES(1.0.0)";
/// Every row's `ACTION`: `I`, information (the figures as they stand, not a change to apply).
pub const ACTION: &str = "I";

/// A figure's missing dimension (a figure about no cluster): SDMX's "not applicable".
pub const NOT_APPLICABLE: &str = "_Z";

/// The dimensions, in order, each with the flat column it is read from.
pub const DIMENSIONS: &[(&str, &str)] = &[
    ("INDICATOR", "indicator_id"),
    ("REF_AREA", "region_id"),
    ("CLUSTER", "cluster_id"),
    ("CLUSTER_GROUP", "cluster_group_id"),
    ("COMPANY", "company_id"),
    ("CITY_PLAN", "city_plan_id"),
    // From `period_start` and `period_end`, which stay attributes too.
    ("TIME_PERIOD", ""),
];

/// The measure and SDMX's standard attributes, each with the column it is read from; the
/// columns they replace are not repeated as attributes of our own, but `qualifier`, which
/// `OBS_STATUS` maps only in part.
pub const MEASURE_AND_ATTRIBUTES: &[(&str, &str)] = &[
    ("OBS_VALUE", "value"),
    ("UNIT_MEASURE", "unit"),
    ("UNIT_MULT", "scale"),
    ("OBS_STATUS", "qualifier"),
];

/// The columns SDMX's own columns replace.
fn replaced(column: &Column) -> bool {
    column.name != "qualifier"
        && DIMENSIONS
            .iter()
            .chain(MEASURE_AND_ATTRIBUTES)
            .any(|(_, name)| *name == column.name)
}

/// The figure columns written as attributes of our own, in the schema's order.
pub fn own_attributes() -> Vec<&'static Column> {
    flat_columns()
        .iter()
        .copied()
        .filter(|column| !replaced(column))
        .collect()
}

/// Every column of the body, in order.
pub fn header() -> Vec<String> {
    ["STRUCTURE", "STRUCTURE_ID", "ACTION"]
        .into_iter()
        .chain(DIMENSIONS.iter().map(|(id, _)| *id))
        .chain(MEASURE_AND_ATTRIBUTES.iter().map(|(id, _)| *id))
        .map(str::to_owned)
        .chain(
            own_attributes()
                .iter()
                .map(|column| column.name.to_ascii_uppercase()),
        )
        .collect()
}

/// `UNIT_MEASURE`: the ISO 4217 code of money, else the unit's own word.
pub fn unit_measure(unit: Unit) -> &'static str {
    unit.currency_code().unwrap_or(unit.word())
}

/// `UNIT_MULT`: the power of ten of the scale.
pub fn unit_mult(scale: Scale) -> u8 {
    match scale {
        Scale::Unit => 0,
        Scale::Thousand => 3,
        Scale::Million => 6,
        Scale::Billion => 9,
        Scale::Trillion => 12,
    }
}

/// `OBS_STATUS` from the qualifier, where SDMX's code list (CL_OBS_STATUS) has its meaning:
/// `A` (normal value) for an exact figure, `E` (estimated value) for an "about"; the bounds
/// (`at_least`, `over`, `nearly`, `less_than`) and `indeterminate` have no SDMX code and leave
/// it empty, their meaning in `QUALIFIER`.
pub fn obs_status(qualifier: Qualifier) -> &'static str {
    match qualifier {
        Qualifier::Exact => "A",
        Qualifier::About => "E",
        Qualifier::AtLeast
        | Qualifier::Over
        | Qualifier::Nearly
        | Qualifier::LessThan
        | Qualifier::Indeterminate => "",
    }
}

/// `TIME_PERIOD` in SDMX's notation: one year or month (`2024`, `2025-03`); a period from one
/// to another as its first day and length (`2024-01-01/P10M`, `2021-01-01/P5Y`); a period
/// known by one end only, that end; none, empty.
pub fn time_period(start: Option<&str>, end: Option<&str>) -> String {
    match (start, end) {
        (Some(start), Some(end)) if start == end => start.to_owned(),
        (Some(start), Some(end)) => {
            let months = |period: &str, last: bool| -> Option<i64> {
                let (year, month) = match period.split_once('-') {
                    Some((year, month)) => (year.parse::<i64>().ok()?, month.parse::<i64>().ok()?),
                    None => (period.parse::<i64>().ok()?, if last { 12 } else { 1 }),
                };
                Some(year * 12 + month - 1)
            };
            let first_day = match start.len() {
                4 => format!("{start}-01-01"),
                _ => format!("{start}-01"),
            };
            match (months(start, false), months(end, true)) {
                (Some(first), Some(last)) if last >= first => {
                    let length = last - first + 1;
                    if start.len() == 4 && end.len() == 4 {
                        format!("{first_day}/P{}Y", length / 12)
                    } else {
                        format!("{first_day}/P{length}M")
                    }
                }
                _ => format!("{start}/{end}"),
            }
        }
        (Some(known), None) | (None, Some(known)) => known.to_owned(),
        (None, None) => String::new(),
    }
}

/// One figure's row.
fn row(figure: &Observation, attributes: &[&'static Column]) -> Vec<Cow<'static, str>> {
    let dimension = |value: &Option<String>| {
        Cow::Owned(value.clone().unwrap_or_else(|| NOT_APPLICABLE.to_owned()))
    };
    let mut cells: Vec<Cow<'static, str>> = vec![
        Cow::Borrowed(STRUCTURE),
        Cow::Borrowed(STRUCTURE_ID),
        Cow::Borrowed(ACTION),
        Cow::Owned(figure.indicator_id.clone()),
        Cow::Owned(figure.region_id.clone()),
        dimension(&figure.cluster_id),
        dimension(&figure.cluster_group_id),
        dimension(&figure.company_id),
        dimension(&figure.city_plan_id),
        Cow::Owned(time_period(
            figure.period_start.as_deref(),
            figure.period_end.as_deref(),
        )),
        Cow::Owned(number_text(figure.value)),
        Cow::Borrowed(unit_measure(figure.unit)),
        Cow::Owned(unit_mult(figure.scale).to_string()),
        Cow::Borrowed(obs_status(figure.qualifier)),
    ];
    let all = figure.cells();
    for column in attributes {
        cells.push(match all[column.index] {
            // Text a spreadsheet could run as a formula is neutralised, as in every CSV.
            Cell::Text(text) => Cow::Owned(neutralise(text).into_owned()),
            cell => Cow::Owned(cell.text().into_owned()),
        });
    }
    cells
}

/// Figures as an SDMX-CSV 2.0 download named after its list.
pub(super) fn sdmx_csv_response(
    figures: &[Observation],
    name: &str,
    bom: bool,
) -> ApiResult<Response> {
    let attributes = own_attributes();
    let mut writer = csv::Writer::from_writer(body_start(bom));
    writer.write_record(header()).map_err(write_error)?;
    for figure in figures {
        writer
            .write_record(row(figure, &attributes).iter().map(|cell| cell.as_bytes()))
            .map_err(write_error)?;
    }
    let body = writer
        .into_inner()
        .map_err(|error| ApiError::Render(error.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, SDMX_CSV_CONTENT_TYPE.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                disposition(name, Format::SdmxCsv),
            ),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::figure::COLUMNS;

    #[test]
    fn every_mapped_column_is_a_column_of_the_schema() {
        for (id, name) in DIMENSIONS.iter().chain(MEASURE_AND_ATTRIBUTES) {
            assert!(
                name.is_empty() || COLUMNS.iter().any(|c| c.name == *name),
                "{id} reads '{name}', which the figure schema does not declare"
            );
        }
        let header = header();
        let mut distinct = header.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), header.len(), "a column is written twice");
        assert!(header.contains(&"QUALIFIER".to_owned()));
        assert!(!header.contains(&"VALUE".to_owned()));
    }

    #[test]
    fn periods_are_written_in_sdmx_notation() {
        assert_eq!(time_period(Some("2024"), Some("2024")), "2024");
        assert_eq!(time_period(Some("2025-03"), Some("2025-03")), "2025-03");
        assert_eq!(
            time_period(Some("2024-01"), Some("2024-10")),
            "2024-01-01/P10M"
        );
        assert_eq!(time_period(Some("2021"), Some("2025")), "2021-01-01/P5Y");
        assert_eq!(
            time_period(Some("2021"), Some("2022-06")),
            "2021-01-01/P18M"
        );
        assert_eq!(time_period(None, Some("2025-03")), "2025-03");
        assert_eq!(time_period(None, None), "");
    }
}
