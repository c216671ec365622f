//! `/v1/indicators/{id}/chart.svg`: an indicator's stated series as an SVG bar chart, with
//! its units, period labels, qualifier marks and source attribution.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::found;
use crate::domain::entity::Entity;
use crate::domain::figure::{Observation, Qualifier, Scale, Unit};
use crate::error::{ApiError, ApiResult};
use crate::http::endpoint::Endpoint;
use crate::http::extract::TypedQuery;
use crate::http::render::chart::{bar_chart, drawable, Bar, ChartSpec};
use crate::http::render::negotiate::{accept_only, content_language};
use crate::http::state::AppState;
use crate::service::catalogue;
use crate::service::figures::{self, ObservationFilter};
use crate::service::presentation::Presentation;
use crate::service::query::params::{CURRENCY, HEIGHT, LANG, REGION, WIDTH};
use crate::service::query::parse::Accepts;
use crate::service::query::queries::ChartQuery;
use crate::service::query::spec::{QuerySpec, Shape};

pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::svg::<Chart>(
        "/v1/indicators/{id}/chart.svg",
        get(get_chart),
        "An indicator's stated figures as an SVG bar chart, one bar per period",
    )]
}

/// An image: its own parameters and nothing else. It has one representation, so `format`
/// is refused like any parameter it does not take.
struct Chart;

impl Accepts for Chart {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[
            REGION.accept(),
            CURRENCY.accept(),
            WIDTH.accept(),
            HEIGHT.accept(),
            LANG.accept(),
        ],
        shape: Shape::Image,
    };
    type Query = ChartQuery;
}

/// A chart's one representation.
const SVG: &str = "image/svg+xml";

/// The mark that keeps a chart from overstating precision.
fn mark(qualifier: Qualifier) -> &'static str {
    match qualifier {
        Qualifier::Exact => "",
        Qualifier::AtLeast => "≥",
        Qualifier::Over => ">",
        Qualifier::About => "≈",
        Qualifier::Nearly => "≲",
        Qualifier::LessThan => "<",
        Qualifier::Indeterminate => "?",
    }
}

async fn get_chart(
    State(state): State<AppState>,
    Path(id): Path<String>,
    TypedQuery(query): TypedQuery<Chart>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    accept_only(&headers, SVG)?;
    let language = query.presentation.language;
    let indicator = found(
        catalogue::indicator(&state.service.pool, &id, language).await?,
        Entity::Indicator,
        &id,
    )?;
    let presentation = Presentation::of(&state.service, query.presentation).await?;
    let filter = ObservationFilter {
        indicators: vec![id.clone()],
        regions: query.regions,
        ..Default::default()
    };
    // Stated figures only: a printed dollar equivalent or a caption's repeat is not a period.
    let mut series: Vec<Observation> =
        figures::observations(&state.service.pool, &filter, language)
            .await?
            .into_iter()
            .filter(|f| f.equivalent_of.is_none() && f.restates.is_none())
            .map(|f| presentation.apply(f))
            .collect();
    series.sort_by(|a, b| {
        a.period_sort_key
            .cmp(&b.period_sort_key)
            .then(a.position.cmp(&b.position))
    });
    let Some(first) = series.first() else {
        // Not a malformed request: well-formed ids whose figures hold nothing to draw.
        return Err(ApiError::NothingToShow(format!(
            "Indicator '{id}' has no stated figures in the regions given: there is no chart \
             to draw. Its figures are at /v1/indicators/{id}/observations."
        )));
    };
    let unit = first.unit;
    if unit == Unit::Rank {
        return Err(ApiError::invalid_parameter(
            "id",
            format!(
                "'{id}' is a ranking: a position is not a quantity to draw as a bar. Read it \
                 from /v1/indicators/{id}/observations."
            ),
        ));
    }
    // Money is drawn in the scale of its largest figure (285 million and 53.8 billion yuan
    // become 0.285 and 53.8 billion); other units as stated.
    let largest = series
        .iter()
        .map(|f| f.value_in_units.abs())
        .fold(0.0, f64::max);
    let scale = if matches!(unit, Unit::Cny | Unit::Usd) {
        match largest {
            v if v >= 1e12 => Scale::Trillion,
            v if v >= 1e9 => Scale::Billion,
            v if v >= 1e6 => Scale::Million,
            _ => Scale::Unit,
        }
    } else {
        first.scale
    };
    let unit_label = format!("{}{}", scale.in_words(), unit.in_words());
    // When the bars are of different subjects (clusters, regions, companies), each is labelled
    // by its subject and date, not by a period label they may share.
    let subject = |f: &Observation| {
        f.cluster_id
            .clone()
            .or(f.company_id.clone())
            .unwrap_or_else(|| f.region_id.clone())
    };
    let mixed = series.iter().any(|f| subject(f) != subject(first));
    let mut regions: Vec<&str> = series.iter().map(|f| f.region_name.as_str()).collect();
    regions.dedup();
    let title = if regions.len() == 1 {
        format!("{} — {}", indicator.name, regions[0])
    } else {
        indicator.name.clone()
    };
    let mut headlines: Vec<&str> = series.iter().map(|f| f.source_headline.as_str()).collect();
    headlines.dedup();
    let mut attribution = vec![
        format!(
            "Source: China Daily, GD Today, March 2025: \"{}\"",
            headlines.join("\"; \"")
        ),
        "Marks: ≥ at least, > over, ≈ about, ≲ nearly, < less than; unmarked as stated.".to_owned(),
    ];
    if mixed {
        // Bars of different subjects are numbered; the key names each with its date.
        let mut line = String::from("Key:");
        for (index, f) in series.iter().enumerate() {
            let date = f
                .period_end
                .clone()
                .or(f.period_start.clone())
                .unwrap_or_default();
            let entry = format!(" {} {} {date};", index + 1, subject(f).replace('-', " "));
            if line.chars().count() + entry.chars().count() > 100 {
                attribution.push(std::mem::take(&mut line));
            }
            line.push_str(&entry);
        }
        attribution.push(line);
    }
    let bars: Vec<Bar> = series
        .iter()
        .enumerate()
        .map(|(index, f)| Bar {
            label: if mixed {
                (index + 1).to_string()
            } else {
                f.period_label.clone()
            },
            value: f.value_in_units,
            mark: mark(f.qualifier),
        })
        .collect();
    let divisor = match scale {
        Scale::Unit => 1.0,
        Scale::Thousand => 1e3,
        Scale::Million => 1e6,
        Scale::Billion => 1e9,
        Scale::Trillion => 1e12,
    };
    if let Some((bar, figure)) = bars
        .iter()
        .zip(&series)
        .find(|(bar, _)| !drawable(bar.value / divisor))
    {
        return Err(ApiError::invalid_parameter(
            "id",
            format!(
                "'{id}' cannot be drawn: its figure '{}' is {:e} in plain units, beyond what a \
                 chart's axis can hold. Read it from /v1/indicators/{id}/observations.",
                figure.id, bar.value
            ),
        ));
    }
    let x_description = if mixed {
        "figure (see the key below)"
    } else {
        "period"
    };
    let (width, height) = (query.width, query.height);
    // Drawn on the blocking pool: a render, however long, never holds a runtime worker, so
    // the request timeout can always answer for it.
    let svg = tokio::task::spawn_blocking(move || {
        let spec = ChartSpec {
            title: &title,
            unit_label: &unit_label,
            divisor,
            x_description,
            attribution: &attribution,
            width,
            height,
        };
        bar_chart(&spec, &bars)
    })
    .await
    .map_err(|failure| ApiError::Render(failure.to_string()))?
    .map_err(ApiError::Render)?;
    // The title names the indicator and region in the language asked; the chart's own words
    // (units, marks, the key) are English.
    let response = (
        [(header::CONTENT_TYPE, format!("{SVG}; charset=utf-8"))],
        svg,
    )
        .into_response();
    Ok(content_language(response, language))
}
