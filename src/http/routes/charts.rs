//! `/v1/indicators/{id}/chart.svg`: an indicator's stated series as an SVG bar chart, with
//! its units, period labels, qualifier marks and source attribution.

use axum::extract::{Path, State};
use axum::http::{header, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{found, list_query};
use crate::domain::analytics::conversion::{convert, Currency};
use crate::domain::entity::Entity;
use crate::domain::figure::{Observation, Qualifier, Scale, Unit};
use crate::error::{ApiError, ApiResult};
use crate::http::endpoint::Endpoint;
use crate::http::render::chart::{bar_chart, Bar, ChartSpec};
use crate::http::state::AppState;
use crate::service::analytics::current_exchange_rate;
use crate::service::catalogue;
use crate::service::figures::{self, ObservationFilter};
use crate::service::query::params::{FilterSpec, ListSpec, ParamKind};

pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::svg(
        "/v1/indicators/{id}/chart.svg",
        get(get_chart),
        "An indicator's stated figures as an SVG bar chart, one bar per period",
        &CHART,
    )]
}

const CHART: ListSpec = ListSpec {
    filters: &[
        FilterSpec::new("region", ParamKind::Ids(Entity::Region), ""),
        FilterSpec::new("currency", ParamKind::Words(&["CNY", "USD"]), ""),
        FilterSpec::new("width", ParamKind::Number, ""),
        FilterSpec::new("height", ParamKind::Number, ""),
    ],
    sorts: &[],
    paginated: false,
};

const SIZES: std::ops::RangeInclusive<f64> = 200.0..=2000.0;

fn size(value: Option<f64>, name: &str, default: u32) -> ApiResult<u32> {
    match value {
        None => Ok(default),
        Some(pixels) if SIZES.contains(&pixels) && pixels.fract() == 0.0 => Ok(pixels as u32),
        Some(pixels) => Err(ApiError::invalid_parameter(
            name,
            format!(
                "{name}: {pixels} is not a whole number of pixels from {} to {}.",
                SIZES.start(),
                SIZES.end()
            ),
        )),
    }
}

/// The mark that keeps a chart from overstating precision.
fn mark(qualifier: Qualifier) -> &'static str {
    match qualifier {
        Qualifier::Exact => "",
        Qualifier::AtLeast => "≥",
        Qualifier::Over => ">",
        Qualifier::About => "≈",
        Qualifier::Nearly => "≲",
        Qualifier::LessThan => "<",
    }
}

fn unit_words(unit: Unit) -> &'static str {
    match unit {
        Unit::Cny => "yuan",
        Unit::Usd => "US dollars",
        Unit::Count => "count",
        Unit::Percent => "percent",
        Unit::PercentagePoints => "percentage points",
        Unit::Hectares => "hectares",
        Unit::Years => "years",
        Unit::Rank => "rank",
    }
}

fn scale_words(scale: Scale) -> &'static str {
    match scale {
        Scale::Unit => "",
        Scale::Thousand => "thousand ",
        Scale::Million => "million ",
        Scale::Billion => "billion ",
        Scale::Trillion => "trillion ",
    }
}

async fn get_chart(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
) -> ApiResult<Response> {
    let indicator = found(
        catalogue::indicator(&state.service.pool, &id).await?,
        Entity::Indicator,
        &id,
    )?;
    let query = list_query(&state.service.pool, &uri, &CHART).await?;
    if !query.sort.is_empty() || query.fields.is_some() || query.format.is_some() {
        return Err(ApiError::invalid_parameter(
            "sort",
            "A chart takes region, currency, width and height; sort, fields and format are for lists.",
        ));
    }
    let width = size(query.number("width"), "width", 640)?;
    let height = size(query.number("height"), "height", 400)?;
    if query.texts("currency").is_some_and(|c| c.len() > 1) {
        return Err(ApiError::invalid_parameter(
            "currency",
            "currency: give one of CNY, USD.",
        ));
    }
    let currency = query
        .texts("currency")
        .and_then(|c| c.first())
        .and_then(|c| Currency::parse(c));

    let filter = ObservationFilter {
        indicators: vec![id.clone()],
        regions: query
            .texts("region")
            .map(<[String]>::to_vec)
            .unwrap_or_default(),
        ..Default::default()
    };
    // Stated figures only: a printed dollar equivalent or a caption's repeat is not a period.
    let mut series: Vec<Observation> = figures::observations(&state.service.pool, &filter)
        .await?
        .into_iter()
        .filter(|f| f.equivalent_of.is_none() && f.restates.is_none())
        .collect();
    if currency.is_some() {
        let rate = current_exchange_rate(&state.service).await?;
        series = series
            .into_iter()
            .map(|f| convert(f, currency, None, rate.as_ref()))
            .collect();
    }
    series.sort_by(|a, b| {
        a.period_sort_key
            .cmp(&b.period_sort_key)
            .then(a.position.cmp(&b.position))
    });
    let Some(first) = series.first() else {
        return Err(ApiError::invalid_parameter(
            "region",
            format!("region: indicator '{id}' has no stated figures in the regions given."),
        ));
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
    let unit_label = format!("{}{}", scale_words(scale), unit_words(unit));
    // When the bars are of different subjects (clusters, regions, companies), each is labelled
    // by its subject and date, not by a period label they may share.
    let subject = |f: &Observation| {
        f.cluster
            .clone()
            .or(f.company.clone())
            .unwrap_or_else(|| f.region.id.clone())
    };
    let mixed = series.iter().any(|f| subject(f) != subject(first));
    let mut regions: Vec<&str> = series.iter().map(|f| f.region.name.as_str()).collect();
    regions.dedup();
    let title = if regions.len() == 1 {
        format!("{} — {}", indicator.name, regions[0])
    } else {
        indicator.name.clone()
    };
    let mut headlines: Vec<&str> = series
        .iter()
        .map(|f| f.provenance.source.headline.as_str())
        .collect();
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
                .period
                .end
                .clone()
                .or(f.period.start.clone())
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
                f.period.label.clone()
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
    let svg = bar_chart(
        &ChartSpec {
            title: &title,
            unit_label: &unit_label,
            divisor,
            x_description: if mixed {
                "figure (see the key below)"
            } else {
                "period"
            },
            attribution: &attribution,
            width,
            height,
        },
        &bars,
    )
    .map_err(ApiError::Render)?;
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        svg,
    )
        .into_response())
}
