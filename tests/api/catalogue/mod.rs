//! The catalogue figures belong to, one file per resource as in `src/http/routes/`: regions,
//! clusters and their groups, city plans, indicators, sources, speakers, companies and
//! facilities, and the search across them. Each answers with the article's figures, their
//! meaning and their provenance.

use serde_json::Value;

use crate::helpers::{by_id, figures_of, Figure};

mod city_plans;
mod clusters;
mod companies_and_facilities;
mod indicators;
mod regions;
mod search;
mod sources;
mod speakers;

/// The figure with this id among a resource's `figures`, read whole.
fn figure(resource: &Value, id: &str) -> Figure {
    by_id(&figures_of(resource), id).clone()
}
