//! The answer to a path no route serves. A served path with a trailing slash (`/v1/`,
//! `/v1/regions/guangdong/`) is sent to the path without it (308, the query kept); any other
//! is a 404 whose detail suggests the nearest served path, found by edit distance over the
//! routes the router was built from, so the two cannot disagree.

use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::base_url::BaseUrl;
use super::layers::request_target::{Abbreviated, MAX_ECHOED_BYTES};
use crate::error::ApiError;

/// The paths the router serves, as it declares them: literal segments and `{parameter}`s.
#[derive(Debug, Clone)]
pub struct ServedPaths {
    templates: Vec<Vec<Segment>>,
}

#[derive(Debug, Clone)]
enum Segment {
    Literal(&'static str),
    /// Any non-empty segment, as the router's `{name}` matches.
    Parameter,
}

impl ServedPaths {
    /// The router's own route paths (`/v1/regions/{id}`); the root `/` and the explorer's
    /// `/docs/` are among them, though a trailing slash never leads to them.
    pub fn new(paths: impl IntoIterator<Item = &'static str>) -> Self {
        let templates = paths
            .into_iter()
            .map(|path| {
                segments(path)
                    .map(|segment| {
                        if segment.starts_with('{') && segment.ends_with('}') {
                            Segment::Parameter
                        } else {
                            Segment::Literal(segment)
                        }
                    })
                    .collect()
            })
            .collect();
        ServedPaths { templates }
    }

    /// The answer to a request for `uri`, which no route served.
    /// The redirect's target starts with `base`, as every link does: behind a public URL with a
    /// path prefix, a bare path would leave the API.
    pub fn answer(&self, uri: &Uri, base: &BaseUrl) -> Response {
        let path = uri.path();
        let trimmed = path.trim_end_matches('/');
        if trimmed.len() < path.len() && self.serves(trimmed) {
            if let Some(response) = redirect(base, trimmed, uri.query()) {
                return response;
            }
        }
        ApiError::RouteNotFound {
            path: Abbreviated::new(path, MAX_ECHOED_BYTES).to_string(),
            suggestion: self
                .nearest(trimmed)
                .map(|near| Abbreviated::new(&near, MAX_ECHOED_BYTES).to_string()),
        }
        .into_response()
    }

    /// Whether a route serves `path` exactly.
    fn serves(&self, path: &str) -> bool {
        // `//host` and `/\host` are read by browsers as another site: never a target.
        if !path.starts_with('/') || path.starts_with("//") || path.starts_with("/\\") {
            return false;
        }
        let given: Vec<&str> = segments(path).collect();
        self.templates
            .iter()
            .any(|template| distance(template, &given) == Some(0))
    }

    /// The served path nearest to `path` (a template's parameters filled with what `path`
    /// has there), if one is near enough to be what was meant.
    fn nearest(&self, path: &str) -> Option<String> {
        let given: Vec<&str> = segments(path).collect();
        self.templates
            .iter()
            .filter_map(|template| Some((distance(template, &given)?, template)))
            .filter(|(edits, _)| *edits > 0)
            .min_by_key(|(edits, _)| *edits)
            .map(|(_, template)| {
                let filled: Vec<&str> = template
                    .iter()
                    .zip(&given)
                    .map(|(segment, given)| match segment {
                        Segment::Literal(literal) => *literal,
                        Segment::Parameter => given,
                    })
                    .collect();
                format!("/{}", filled.join("/"))
            })
    }
}

/// The segments of an absolute path: `/v1/regions` is `v1`, `regions`; `/` is one empty one.
fn segments(path: &str) -> std::str::Split<'_, char> {
    path.strip_prefix('/').unwrap_or(path).split('/')
}

/// The edits that turn the segments `given` into a path `template` serves, if each segment is
/// near its own: a literal within a third of its length (at least one edit), a parameter
/// anything but empty. Transposed letters count as one edit.
fn distance(template: &[Segment], given: &[&str]) -> Option<usize> {
    if template.len() != given.len() {
        return None;
    }
    template
        .iter()
        .zip(given)
        .map(|(segment, given)| match segment {
            Segment::Parameter => (!given.is_empty()).then_some(0),
            Segment::Literal(literal) => {
                let edits = strsim::osa_distance(literal, given);
                (edits <= (literal.chars().count() / 3).max(1)).then_some(edits)
            }
        })
        .sum()
}

/// A 308 to `path` with the same `query`: the method and body are kept, and the target is a
/// path of this API (under its base URL), never another host's.
fn redirect(base: &BaseUrl, path: &str, query: Option<&str>) -> Option<Response> {
    let target = match query {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    let location = HeaderValue::try_from(base.href(&target)).ok()?;
    Some(
        (
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, location)],
        )
            .into_response(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn served() -> ServedPaths {
        ServedPaths::new([
            "/",
            "/v1",
            "/v1/regions",
            "/v1/regions/{id}",
            "/v1/observations",
            "/v1/indicators/{id}/chart.svg",
            "/openapi.json",
        ])
    }

    #[test]
    fn a_served_path_is_matched_segment_by_segment() {
        let served = served();
        for path in ["/", "/v1", "/v1/regions/guangdong", "/openapi.json"] {
            assert!(served.serves(path), "{path}");
        }
        for path in [
            "",
            "//v1",
            "/v1/regions/",
            "/v1/observation",
            "//evil.example",
            "/\\v1",
        ] {
            assert!(!served.serves(path), "{path}");
        }
    }

    #[test]
    fn the_nearest_path_fills_parameters_with_what_was_given() {
        let served = served();
        assert_eq!(
            served.nearest("/v1/observation").as_deref(),
            Some("/v1/observations")
        );
        assert_eq!(
            served.nearest("/v1/reigons/shenzhen").as_deref(),
            Some("/v1/regions/shenzhen")
        );
        assert_eq!(
            served.nearest("/v1/indicators/gdp/chart.png").as_deref(),
            Some("/v1/indicators/gdp/chart.svg")
        );
        assert_eq!(served.nearest("/v1/figures"), None);
        assert_eq!(served.nearest("/v1/regions/guangdong/children"), None);
    }
}
