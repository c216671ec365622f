//! Representations: content negotiation between JSON and CSV, the list envelope, RFC 8288
//! `Link` headers, and CSV flattening of nested resources.

use axum::http::{header, HeaderMap, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::service::query::cursor::Cursor;
use crate::service::query::page::Page;
use crate::service::query::params::Format;
use crate::service::query::parse::ListQuery;
use crate::service::rows::{csv_cells, project, projected_columns};

/// Picks JSON or CSV: `?format=` wins, then the `Accept` header (with q-values); no `Accept`
/// means JSON. An `Accept` that allows neither is a 406.
pub fn negotiate(
    headers: &HeaderMap,
    explicit: Option<Format>,
    csv_allowed: bool,
) -> ApiResult<Format> {
    let offered: &[(&str, Format)] = if csv_allowed {
        &[
            ("application/json", Format::Json),
            ("text/csv", Format::Csv),
        ]
    } else {
        &[("application/json", Format::Json)]
    };
    if let Some(format) = explicit {
        if offered.iter().any(|(_, f)| *f == format) {
            return Ok(format);
        }
        return Err(ApiError::invalid_parameter(
            "format",
            "format: this resource is served as JSON only; CSV is for lists.",
        ));
    }
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Ok(Format::Json);
    };
    // Media ranges with their q-values; a range with a malformed q is dropped.
    let ranges: Vec<(String, f32)> = accept
        .split(',')
        .filter_map(|range| {
            let mut parts = range.split(';');
            let media = parts.next()?.trim().to_ascii_lowercase();
            let mut quality = 1.0_f32;
            for parameter in parts {
                if let Some((key, value)) = parameter.split_once('=') {
                    if key.trim().eq_ignore_ascii_case("q") {
                        quality = value
                            .trim()
                            .parse()
                            .ok()
                            .filter(|q| (0.0..=1.0).contains(q))?;
                    }
                }
            }
            Some((media, quality))
        })
        .collect();
    // Each offer takes the q of the most specific range that matches it (RFC 9110 §12.5.1);
    // the highest q wins, ties going to the server's order (JSON first).
    let mut best: Option<(f32, Format)> = None;
    for (offer, format) in offered {
        let kind_wildcard = format!("{}/*", offer.split('/').next().unwrap_or_default());
        let specificity = |media: &str| {
            if media == *offer || (media == "application/problem+json" && *format == Format::Json) {
                Some(3)
            } else if media == kind_wildcard {
                Some(2)
            } else if media == "*/*" {
                Some(1)
            } else {
                None
            }
        };
        let quality = ranges
            .iter()
            .filter_map(|(media, q)| specificity(media).map(|s| (s, *q)))
            .max_by_key(|(s, _)| *s)
            .map(|(_, q)| q)
            .unwrap_or(0.0);
        if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, *format));
        }
    }
    best.map(|(_, format)| format).ok_or_else(|| {
        ApiError::NotAcceptable(format!(
            "Cannot serve '{accept}'. This resource is available as {}.",
            offered
                .iter()
                .map(|(offer, _)| *offer)
                .collect::<Vec<_>>()
                .join(" or ")
        ))
    })
}

#[derive(Debug, Serialize)]
struct ListEnvelope {
    data: Vec<Value>,
    meta: ListMeta,
    links: ListLinks,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListMeta {
    /// Items on this page.
    count: usize,
    /// Items matching the filters, over all pages.
    total: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<usize>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListLinks {
    #[serde(rename = "self")]
    self_link: String,
    next: Option<String>,
    prev: Option<String>,
}

/// The request's own path and query with `cursor` replaced.
fn link_with_cursor(uri: &Uri, cursor: &Cursor) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        if key != "cursor" {
            serializer.append_pair(&key, &value);
        }
    }
    serializer.append_pair("cursor", &cursor.encode());
    format!("{}?{}", uri.path(), serializer.finish())
}

fn self_link(uri: &Uri) -> String {
    uri.path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_else(|| uri.path().to_owned())
}

/// Everything needed to answer one list request.
pub struct ListResponder<'a> {
    pub uri: &'a Uri,
    pub headers: &'a HeaderMap,
    pub query: &'a ListQuery,
    /// File name stem for CSV downloads.
    pub name: &'a str,
    /// Every flattened field an item of this list can have, in order: the CSV columns and,
    /// by their first segment, the names `fields=` accepts. Fixed per list, so an empty page
    /// still has its header row and accepts the same fields.
    pub columns: Vec<String>,
}

impl ListResponder<'_> {
    pub fn respond(self, page: Page) -> ApiResult<Response> {
        let format = negotiate(self.headers, self.query.format, true)?;
        let next = page.next.as_ref().map(|c| link_with_cursor(self.uri, c));
        let prev = page.prev.as_ref().map(|c| link_with_cursor(self.uri, c));
        let items = match &self.query.fields {
            Some(fields) => project(page.items, fields, &field_names(&self.columns))?,
            None => page.items,
        };

        let mut response = match format {
            Format::Json => Json(ListEnvelope {
                meta: ListMeta {
                    count: items.len(),
                    total: page.total,
                    limit: self.query.limit,
                },
                data: items,
                links: ListLinks {
                    self_link: self_link(self.uri),
                    next: next.clone(),
                    prev: prev.clone(),
                },
            })
            .into_response(),
            Format::Csv => {
                let columns = match &self.query.fields {
                    Some(fields) => projected_columns(&self.columns, fields),
                    None => self.columns.clone(),
                };
                csv_response(&items, &columns, self.name)?
            }
        };

        let links: Vec<String> = [(next, "next"), (prev, "prev")]
            .into_iter()
            .filter_map(|(link, rel)| link.map(|l| format!("<{l}>; rel=\"{rel}\"")))
            .collect();
        if !links.is_empty() {
            let value =
                HeaderValue::from_str(&links.join(", ")).expect("links are percent-encoded ASCII");
            response.headers_mut().insert(header::LINK, value);
        }
        Ok(response)
    }
}

/// The top-level field names behind a list's columns, for `fields=` validation.
fn field_names(columns: &[String]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for column in columns {
        let name = column.split('.').next().unwrap_or(column).to_owned();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

fn csv_response(items: &[Value], columns: &[String], name: &str) -> ApiResult<Response> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn accept_headers_choose_the_representation() {
        assert_eq!(
            negotiate(&HeaderMap::new(), None, true).unwrap(),
            Format::Json
        );
        assert_eq!(
            negotiate(&accept("text/csv"), None, true).unwrap(),
            Format::Csv
        );
        assert_eq!(negotiate(&accept("*/*"), None, true).unwrap(), Format::Json);
        assert_eq!(
            negotiate(&accept("application/json;q=0.5, text/csv"), None, true).unwrap(),
            Format::Csv
        );
        assert_eq!(
            negotiate(&accept("text/*"), None, true).unwrap(),
            Format::Csv
        );
        assert_eq!(
            negotiate(&accept("text/csv"), Some(Format::Json), true).unwrap(),
            Format::Json
        );
        assert!(matches!(
            negotiate(&accept("application/xml"), None, true),
            Err(ApiError::NotAcceptable(_))
        ));
        assert!(matches!(
            negotiate(&accept("text/csv"), None, false),
            Err(ApiError::NotAcceptable(_))
        ));
        assert!(matches!(
            negotiate(&accept("text/csv;q=0"), None, true),
            Err(ApiError::NotAcceptable(_))
        ));
        // The most specific range decides: JSON is refused here, so CSV it is.
        assert_eq!(
            negotiate(&accept("application/json;q=0, */*"), None, true).unwrap(),
            Format::Csv
        );
        assert_eq!(
            negotiate(&accept("application/json;Q=0, text/csv;q=0.5"), None, true).unwrap(),
            Format::Csv
        );
        // A malformed q drops its range.
        assert!(matches!(
            negotiate(&accept("text/csv;q=NaN"), None, true),
            Err(ApiError::NotAcceptable(_))
        ));
    }

    proptest::proptest! {
        /// Any Accept header yields a representation or a 406, never a panic.
        #[test]
        fn any_accept_header_is_served_or_refused(accept_value in "[ -~]{0,80}") {
            let Ok(value) = HeaderValue::from_str(&accept_value) else {
                return Ok(());
            };
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT, value);
            let outcome = negotiate(&headers, None, true);
            proptest::prop_assert!(matches!(outcome, Ok(_) | Err(ApiError::NotAcceptable(_))));
        }
    }
}
