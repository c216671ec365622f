//! Representations: content negotiation between JSON and CSV, the list envelope, RFC 8288
//! `Link` headers, and CSV flattening of nested resources.

use axum::http::{header, HeaderMap, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::query::{project, Cursor, Format, ListQuery, Page};

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
    let mut best: Option<(f32, usize, Format)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or("").to_ascii_lowercase();
        let quality = parts
            .filter_map(|p| p.strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        if quality <= 0.0 {
            continue;
        }
        for (preference, (offer, format)) in offered.iter().enumerate() {
            let (kind, _) = offer.split_once('/').expect("offers are type/subtype");
            let matches = media == *offer
                || media == "*/*"
                || media == format!("{kind}/*")
                || (media == "application/problem+json" && *format == Format::Json);
            let better = match best {
                None => true,
                Some((q, p, _)) => quality > q || (quality == q && preference < p),
            };
            if matches && better {
                best = Some((quality, preference, *format));
            }
        }
    }
    best.map(|(_, _, format)| format).ok_or_else(|| {
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
    /// CSV columns in order; `None` derives them from the items.
    pub csv_columns: Option<Vec<String>>,
}

impl ListResponder<'_> {
    pub fn respond(self, page: Page) -> ApiResult<Response> {
        let format = negotiate(self.headers, self.query.format, true)?;
        let next = page.next.as_ref().map(|c| link_with_cursor(self.uri, c));
        let prev = page.prev.as_ref().map(|c| link_with_cursor(self.uri, c));
        let items = match &self.query.fields {
            Some(fields) => {
                let accepted = field_names(&page.items, self.csv_columns.as_deref());
                project(page.items, fields, &accepted)?
            }
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
                let columns = match (&self.query.fields, self.csv_columns) {
                    (Some(fields), Some(all)) => all
                        .into_iter()
                        .filter(|c| {
                            fields
                                .iter()
                                .any(|f| c == f || c.starts_with(&format!("{f}.")))
                        })
                        .collect(),
                    (_, Some(all)) => all,
                    (_, None) => flattened_columns(&items),
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

/// The top-level field names a list's items have, for `fields=` validation.
fn field_names(items: &[Value], csv_columns: Option<&[String]>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let from_columns = csv_columns
        .unwrap_or_default()
        .iter()
        .map(|c| c.split('.').next().unwrap_or(c).to_owned());
    let from_items = items
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|object| object.keys().cloned());
    for name in from_columns.chain(from_items) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// Flattens one item: nested objects become `a.b` columns; arrays become one cell of their
/// elements' ids (or values) joined with "; ".
pub fn flatten(item: &Value) -> Map<String, Value> {
    fn walk(prefix: &str, value: &Value, out: &mut Map<String, Value>) {
        match value {
            Value::Object(object) => {
                for (key, value) in object {
                    let name = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(&name, value, out);
                }
            }
            Value::Array(values) => {
                let joined = values
                    .iter()
                    .map(|v| match v.get("id") {
                        Some(id) => cell(id),
                        None => cell(v),
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                out.insert(prefix.to_owned(), Value::String(joined));
            }
            other => {
                out.insert(prefix.to_owned(), other.clone());
            }
        }
    }
    let mut out = Map::new();
    walk("", item, &mut out);
    out
}

fn flattened_columns(items: &[Value]) -> Vec<String> {
    let mut columns: Vec<String> = Vec::new();
    for item in items {
        for key in flatten(item).keys() {
            if !columns.contains(key) {
                columns.push(key.clone());
            }
        }
    }
    columns
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn csv_response(items: &[Value], columns: &[String], name: &str) -> ApiResult<Response> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let write_error = |error: csv::Error| ApiError::Render(error.to_string());
    writer.write_record(columns).map_err(write_error)?;
    for item in items {
        let flat = flatten(item);
        let record: Vec<String> = columns
            .iter()
            .map(|column| flat.get(column).map(cell).unwrap_or_default())
            .collect();
        writer.write_record(&record).map_err(write_error)?;
    }
    let body = writer
        .into_inner()
        .map_err(|error| ApiError::Render(error.to_string()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/csv; charset=utf-8; header=present".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"gd-indicators-{name}.csv\""),
            ),
        ],
        body,
    )
        .into_response())
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
    }

    #[test]
    fn nested_fields_flatten_with_dotted_names() {
        let item = serde_json::json!({
            "id": "a", "period": {"start": "2024", "end": null},
            "figures": [{"id": "f1"}, {"id": "f2"}], "tags": ["x", 2]
        });
        let flat = flatten(&item);
        assert_eq!(flat["period.start"], "2024");
        assert_eq!(flat["period.end"], Value::Null);
        assert_eq!(flat["figures"], "f1; f2");
        assert_eq!(flat["tags"], "x; 2");
    }
}
