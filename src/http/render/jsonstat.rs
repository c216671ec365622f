//! JSON-stat 2.0 datasets: one indicator's figures as a cube. Its dimensions are the region,
//! the period, each of the cluster, cluster group, company and city plan that some figure
//! has, the figure's role and its source where the figures have more than one, and `measure`,
//! the unit and scale the values are stated in (the metric, with its unit). Values are as
//! stated, in their measure; a cell no figure fills is absent (the value is an object by
//! index). A qualifier other than `exact` is the cell's `status`; the figure's id is in the
//! dataset's `extension.figure`.

use std::collections::HashMap;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::csv::disposition;
use super::sdmx_csv::{unit_mult, NOT_APPLICABLE};
use crate::domain::figure::column::{number_text, Word};
use crate::domain::figure::{Observation, Qualifier};
use crate::error::{ApiError, ApiResult};
use crate::service::query::params::{Format, FORMAT, INDICATOR};

/// The media type of a JSON-stat body.
pub const JSONSTAT_CONTENT_TYPE: &str = "application/json-stat+json";

/// One dimension of the cube: how a figure's category in it is read, and when it is one.
struct DimensionSpec {
    id: &'static str,
    label: &'static str,
    role: Option<&'static str>,
    /// A figure's category: (id, label).
    category: fn(&Observation) -> (String, String),
    presence: Presence,
}

/// When a dimension is in the cube.
#[derive(PartialEq)]
enum Presence {
    Always,
    /// When some figure has one (its category is not [`NOT_APPLICABLE`]).
    WhenAnyHasOne,
    /// When the figures fall in more than one category.
    WhenSeveral,
}

fn optional(value: &Option<String>) -> (String, String) {
    match value {
        Some(id) => (id.clone(), id.clone()),
        None => (NOT_APPLICABLE.to_owned(), "not applicable".to_owned()),
    }
}

/// A period's category: the year itself, else its kind and ends (`span:2024-01/2024-10`,
/// `as_of:/2025-03`), `..` for an unknown end; labelled as the source words it.
fn period(figure: &Observation) -> (String, String) {
    let id = match (
        figure.period_kind.word(),
        &figure.period_start,
        &figure.period_end,
    ) {
        ("year", Some(start), Some(end)) if start == end => start.clone(),
        ("unspecified", None, None) => "unspecified".to_owned(),
        (kind, start, end) => format!(
            "{kind}:{}/{}",
            start.as_deref().unwrap_or(".."),
            end.as_deref().unwrap_or("..")
        ),
    };
    (id, figure.period_label.clone())
}

/// The unit and scale a value is stated in (`cny.billion`, `percent`).
fn measure(figure: &Observation) -> (String, String) {
    let id = match figure.scale.word() {
        "unit" => figure.unit.word().to_owned(),
        scale => format!("{}.{scale}", figure.unit.word()),
    };
    let label = format!("{}{}", figure.scale.in_words(), figure.unit.in_words());
    (id, label)
}

/// The dimensions a dataset may have, in the order of its `id`.
const DIMENSIONS: &[DimensionSpec] = &[
    DimensionSpec {
        id: "region",
        label: "region",
        role: Some("geo"),
        category: |f| (f.region_id.clone(), f.region_name.clone()),
        presence: Presence::Always,
    },
    DimensionSpec {
        id: "period",
        label: "period",
        role: Some("time"),
        category: period,
        presence: Presence::Always,
    },
    DimensionSpec {
        id: "cluster",
        label: "industry cluster",
        role: None,
        category: |f| optional(&f.cluster_id),
        presence: Presence::WhenAnyHasOne,
    },
    DimensionSpec {
        id: "cluster_group",
        label: "cluster group",
        role: None,
        category: |f| optional(&f.cluster_group_id),
        presence: Presence::WhenAnyHasOne,
    },
    DimensionSpec {
        id: "company",
        label: "company",
        role: None,
        category: |f| optional(&f.company_id),
        presence: Presence::WhenAnyHasOne,
    },
    DimensionSpec {
        id: "city_plan",
        label: "city plan",
        role: None,
        category: |f| optional(&f.city_plan_id),
        presence: Presence::WhenAnyHasOne,
    },
    DimensionSpec {
        id: "role",
        label: "role of the figure",
        role: None,
        category: |f| match f.role {
            Some(role) => (role.word().to_owned(), role.word().to_owned()),
            None => (NOT_APPLICABLE.to_owned(), "derived".to_owned()),
        },
        presence: Presence::WhenSeveral,
    },
    DimensionSpec {
        id: "source",
        label: "source",
        role: None,
        category: |f| (f.source_id.clone(), f.source_headline.clone()),
        presence: Presence::WhenSeveral,
    },
    DimensionSpec {
        id: "measure",
        label: "unit and scale",
        role: Some("metric"),
        category: measure,
        presence: Presence::Always,
    },
];

/// The ids of the dimensions a dataset can have, in order.
pub fn dimension_ids() -> impl Iterator<Item = &'static str> {
    DIMENSIONS.iter().map(|dimension| dimension.id)
}

/// A dimension of one dataset: its categories in order, each with its label.
struct Dimension {
    spec: &'static DimensionSpec,
    categories: Vec<(String, String)>,
}

impl Dimension {
    fn of(spec: &'static DimensionSpec, figures: &[Observation]) -> Option<Dimension> {
        let mut categories: Vec<(String, String)> = Vec::new();
        for figure in figures {
            let (id, label) = (spec.category)(figure);
            if !categories.iter().any(|(known, _)| *known == id) {
                categories.push((id, label));
            }
        }
        let present = match spec.presence {
            Presence::Always => true,
            Presence::WhenAnyHasOne => categories.iter().any(|(id, _)| id != NOT_APPLICABLE),
            Presence::WhenSeveral => categories.len() > 1,
        };
        if !present {
            return None;
        }
        if spec.id == "period" {
            // In time order: by start, else end, unknown last.
            let key: HashMap<String, String> = figures
                .iter()
                .map(|f| ((spec.category)(f).0, f.period_sort_key.clone()))
                .collect();
            categories.sort_by(|a, b| {
                let (ka, kb) = (&key[&a.0], &key[&b.0]);
                (ka.is_empty(), ka, &a.0).cmp(&(kb.is_empty(), kb, &b.0))
            });
        } else {
            categories
                .sort_by(|a, b| (a.0 == NOT_APPLICABLE, &a.0).cmp(&(b.0 == NOT_APPLICABLE, &b.0)));
        }
        Some(Dimension { spec, categories })
    }

    fn position(&self, figure: &Observation) -> usize {
        let id = (self.spec.category)(figure).0;
        self.categories
            .iter()
            .position(|(known, _)| *known == id)
            .expect("every figure's category is one of its dimension's")
    }
}

/// A value as every JSON body writes it (`510`, not `510.0`).
fn number(value: f64) -> Value {
    serde_json::from_str(&number_text(value)).unwrap_or(Value::Null)
}

/// The digits after the point of a value as written.
fn decimals(value: f64) -> usize {
    let text = number_text(value);
    match text.split_once('.') {
        Some((_, fraction)) if !fraction.contains(['e', 'E']) => fraction.len(),
        _ => 0,
    }
}

/// What a dataset needs besides its figures.
pub struct DatasetRequest<'a> {
    /// The one indicator the request names; a dataset is one indicator's.
    pub indicator: Option<&'a str>,
    /// The request's path and query.
    pub href: &'a str,
    /// Links to the next and previous pages.
    pub next: Option<&'a str>,
    pub prev: Option<&'a str>,
}

/// The most cells a dataset's cube may have, filled or not.
const MAX_CELLS: usize = 10_000_000;

/// The dataset of `figures`.
pub fn dataset(figures: &[Observation], request: &DatasetRequest) -> ApiResult<Value> {
    let Some(indicator) = request.indicator else {
        return Err(ApiError::invalid_parameter(
            INDICATOR.name(),
            format!(
                "{}: a JSON-stat dataset is one indicator's figures. Name one indicator \
                 (/v1/observations?indicator=ID, or /v1/indicators/ID/observations), or ask \
                 for SDMX-CSV, which holds figures of several.",
                INDICATOR.name()
            ),
        ));
    };
    let dimensions: Vec<Dimension> = DIMENSIONS
        .iter()
        .filter_map(|spec| Dimension::of(spec, figures))
        .collect();
    let sizes: Vec<usize> = dimensions.iter().map(|d| d.categories.len()).collect();
    // A dataset is a cube, the product of its dimensions' sizes, which a client unfolds: a page
    // of figures that differ in many ways could make it astronomically large (past `usize`).
    let cube = sizes
        .iter()
        .try_fold(1_usize, |cells, size| cells.checked_mul(*size))
        .filter(|cells| *cells <= MAX_CELLS);
    if cube.is_none() {
        return Err(ApiError::invalid_parameter(
            FORMAT.name,
            format!(
                "{}: a JSON-stat dataset of these figures would have more than {MAX_CELLS} \
                 cells (its dimensions' sizes multiplied: {}). Narrow the request or ask for \
                 SDMX-CSV, a row per figure.",
                FORMAT.name,
                sizes
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(" × ")
            ),
        ));
    }
    let mut values = Map::new();
    let mut status = Map::new();
    let mut ids = Map::new();
    let mut cells: HashMap<usize, &str> = HashMap::new();
    for figure in figures {
        // Row-major: the last dimension varies fastest.
        let index = dimensions
            .iter()
            .zip(&sizes)
            .fold(0, |index, (dimension, size)| {
                index * size + dimension.position(figure)
            });
        if let Some(other) = cells.insert(index, &figure.id) {
            return Err(ApiError::invalid_parameter(
                FORMAT.name,
                format!(
                    "{}: the figures '{other}' and '{}' fall in one cell of a JSON-stat \
                     dataset (they share every dimension: {}). Narrow the request (by \
                     source, role or period) or ask for SDMX-CSV, a row per figure.",
                    FORMAT.name,
                    figure.id,
                    dimensions
                        .iter()
                        .map(|d| d.spec.id)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let key = index.to_string();
        values.insert(key.clone(), number(figure.value));
        if figure.qualifier != Qualifier::Exact {
            status.insert(key.clone(), json!(figure.qualifier.word()));
        }
        ids.insert(key, json!(figure.id));
    }

    let mut dimension_objects = Map::new();
    for dimension in &dimensions {
        let index: Vec<&str> = dimension
            .categories
            .iter()
            .map(|(id, _)| id.as_str())
            .collect();
        let label: Map<String, Value> = dimension
            .categories
            .iter()
            .map(|(id, label)| (id.clone(), json!(label)))
            .collect();
        let mut category = json!({"index": index, "label": label});
        let mut object = json!({"label": dimension.spec.label});
        if dimension.spec.id == "measure" {
            let mut units = Map::new();
            let mut stated = Map::new();
            for (id, label) in &dimension.categories {
                let members: Vec<&Observation> =
                    figures.iter().filter(|f| measure(f).0 == *id).collect();
                let figure = members[0];
                let places = members.iter().map(|f| decimals(f.value)).max();
                units.insert(
                    id.clone(),
                    json!({"label": label, "decimals": places.unwrap_or(0)}),
                );
                stated.insert(
                    id.clone(),
                    json!({
                        "unit": figure.unit.word(),
                        "currency": figure.unit.currency_code(),
                        "scale": figure.scale.word(),
                        "unit_mult": unit_mult(figure.scale),
                    }),
                );
            }
            category["unit"] = Value::Object(units);
            object["extension"] = json!({"measure": stated});
        }
        object["category"] = category;
        dimension_objects.insert(dimension.spec.id.to_owned(), object);
    }

    let mut role = Map::new();
    for dimension in &dimensions {
        if let Some(name) = dimension.spec.role {
            role.insert(name.to_owned(), json!([dimension.spec.id]));
        }
    }
    let label = figures
        .first()
        .map_or_else(|| indicator.to_owned(), |f| f.indicator_name.clone());
    let qualifiers: Map<String, Value> = Qualifier::WORDS
        .iter()
        .zip(Qualifier::DOCS)
        .filter(|(word, _)| **word != Qualifier::Exact.word())
        .map(|(word, doc)| {
            let meaning = if doc.trim().is_empty() {
                word
            } else {
                doc.trim()
            };
            ((*word).to_owned(), json!(meaning))
        })
        .collect();
    let mut body = json!({
        "version": "2.0",
        "class": "dataset",
        "label": label,
        "href": request.href,
        "id": dimensions.iter().map(|d| d.spec.id).collect::<Vec<_>>(),
        "size": sizes,
        "role": role,
        "dimension": dimension_objects,
        "value": values,
        "status": status,
        "extension": {
            "indicator": indicator,
            "figure": ids,
            "status": qualifiers,
        },
    });
    let mut links = Map::new();
    for (relation, href) in [("next", request.next), ("prev", request.prev)] {
        if let Some(href) = href {
            links.insert(
                relation.to_owned(),
                json!([{"type": JSONSTAT_CONTENT_TYPE, "href": href}]),
            );
        }
    }
    if !links.is_empty() {
        body["link"] = Value::Object(links);
    }
    Ok(body)
}

/// Figures as a JSON-stat download named after its list.
pub(super) fn jsonstat_response(
    figures: &[Observation],
    request: &DatasetRequest,
    name: &str,
) -> ApiResult<Response> {
    let body = dataset(figures, request)?;
    Ok((
        [
            (header::CONTENT_TYPE, JSONSTAT_CONTENT_TYPE.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                disposition(name, Format::JsonStat),
            ),
        ],
        serde_json::to_vec(&body).map_err(|error| ApiError::Render(error.to_string()))?,
    )
        .into_response())
}
