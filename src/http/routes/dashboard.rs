//! `/`: a dashboard for people, with its stylesheet and scripts compiled into the binary. It
//! holds no figures of its own: the script reads everything from the API when the page loads
//! (in the currency and scale of `?currency=` and `?scale=`, if given), draws its charts from
//! that JSON, and runs the search in `?q=` if there is one.
//!
//! The pages are not part of the API, so they stay out of the OpenAPI document; they pass the
//! same layers as every response (ETag, compression, response cache, and the CSP on HTML,
//! which the page keeps: no inline script).

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, MethodRouter};

use crate::http::state::AppState;

const PAGE: &str = include_str!("../dashboard/index.html");
const STYLESHEET: &str = include_str!("../dashboard/dashboard.css");
const SCRIPT: &str = include_str!("../dashboard/dashboard.js");
const CHARTS: &str = include_str!("../dashboard/dashboard-charts.js");
const FIGURES: &str = include_str!("../dashboard/dashboard-figures.js");
const SECTIONS: &str = include_str!("../dashboard/dashboard-sections.js");

/// The dashboard's paths and handlers; served by the router, not documented as API endpoints.
pub fn pages() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/", get(|| embedded("text/html; charset=utf-8", PAGE))),
        (
            "/dashboard.css",
            get(|| embedded("text/css; charset=utf-8", STYLESHEET)),
        ),
        (
            "/dashboard.js",
            get(|| embedded("text/javascript; charset=utf-8", SCRIPT)),
        ),
        (
            "/dashboard-charts.js",
            get(|| embedded("text/javascript; charset=utf-8", CHARTS)),
        ),
        (
            "/dashboard-figures.js",
            get(|| embedded("text/javascript; charset=utf-8", FIGURES)),
        ),
        (
            "/dashboard-sections.js",
            get(|| embedded("text/javascript; charset=utf-8", SECTIONS)),
        ),
    ]
}

/// One of the files above, with its media type.
async fn embedded(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, content_type)], body)
}
