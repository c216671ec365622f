//! `/v1/datapackage.json`: a Frictionless (Tabular) Data Package that describes the export's
//! CSV, every column from the figure schema (its type, meaning, whether it may be empty), its
//! primary key and its foreign keys to the catalogue's lists, and links those lists as CSV
//! resources. The paths are relative to the package (`export?format=csv`), so a tool that
//! fetches the package from the server fetches the CSVs from it too.

use axum::http::HeaderMap;
use axum::routing::get;
use axum::Json;
use serde_json::{json, Value};

use crate::domain::entity::Entity;
use crate::domain::figure::column::{Check, Kind, Role};
use crate::domain::figure::json::flat_columns;
use crate::error::ApiResult;
use crate::http::endpoint::Endpoint;
use crate::http::extract::TypedQuery;
use crate::http::render::negotiate::negotiate;
use crate::service::query::params::{Format, MAX_LIMIT};
use crate::service::query::queries::Document;

pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::object::<Document>(
        "/v1/datapackage.json",
        get(get_datapackage),
        "A Frictionless Data Package describing the export's CSV and the lists it refers to",
    )]
}

/// The name of the resource of the export's CSV.
const FIGURES: &str = "figures";

/// A catalogue list a figure refers to, served as a CSV resource of the package: the entity,
/// the resource's name (its path under /v1) and the column that names each entry.
struct EntityList {
    entity: Entity,
    name: &'static str,
    label: &'static str,
}

const ENTITY_LISTS: &[EntityList] = &[
    EntityList {
        entity: Entity::Indicator,
        name: "indicators",
        label: "name",
    },
    EntityList {
        entity: Entity::Region,
        name: "regions",
        label: "name",
    },
    EntityList {
        entity: Entity::Cluster,
        name: "clusters",
        label: "name",
    },
    EntityList {
        entity: Entity::ClusterGroup,
        name: "cluster-groups",
        label: "name",
    },
    EntityList {
        entity: Entity::Company,
        name: "companies",
        label: "name",
    },
    EntityList {
        entity: Entity::CityPlan,
        name: "city-plans",
        label: "name",
    },
    EntityList {
        entity: Entity::Speaker,
        name: "speakers",
        label: "name",
    },
    EntityList {
        entity: Entity::Source,
        name: "sources",
        label: "headline",
    },
];

/// The Table Schema type of a column's values as the export writes them.
fn field_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Number => "number",
        Kind::Integer => "integer",
        Kind::Boolean => "boolean",
        // Words, texts, and lists joined by "; ".
        Kind::Text | Kind::TextList | Kind::Word => "string",
    }
}

/// What a column's value is stated in, where the schema says: money and counts come with the
/// row's own `unit` and `scale`.
fn unit_note(name: &str) -> Option<&'static str> {
    match name {
        "value" | "lower_bound" | "upper_bound" | "stated_value" | "unrounded_value" => {
            Some("In the row's scale and unit (the columns scale and unit).")
        }
        "value_in_units" => Some("In plain units of the row's unit: scale applied."),
        "cny_per_usd" => Some("Yuan per US dollar."),
        _ => None,
    }
}

/// The figures' resource: the export's CSV, described column by column from the schema.
fn figures_resource() -> Value {
    let columns = flat_columns();
    let fields: Vec<Value> = columns
        .iter()
        .map(|column| {
            let mut description = column.doc().replace('\n', " ");
            description.push_str(&format!(" Values: {}.", (column.value.describe)()));
            if let Some(unit) = unit_note(column.name) {
                description.push(' ');
                description.push_str(unit);
            }
            let mut field = json!({
                "name": column.name,
                "type": field_type(column.kind),
                "description": description,
            });
            if !column.nullable {
                field["constraints"] = json!({"required": true});
            }
            field
        })
        .collect();
    let mut foreign_keys: Vec<Value> = Vec::new();
    for column in columns {
        let reference = match column.role {
            Role::Stored(Check::Catalogue(entity)) => ENTITY_LISTS
                .iter()
                .find(|list| list.entity == entity)
                .map(|list| list.name),
            // Another figure of the same file (`equivalent_of`, `restates`).
            Role::Stored(Check::Figure) => Some(""),
            _ => None,
        };
        if let Some(resource) = reference {
            foreign_keys.push(json!({
                "fields": column.name,
                "reference": {"resource": resource, "fields": "id"},
            }));
        }
    }
    json!({
        "name": FIGURES,
        "title": "Every figure, one flat row each (GET /v1/export?format=csv)",
        "path": "export?format=csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {
            "fields": fields,
            "missingValues": [""],
            "primaryKey": ["id"],
            "foreignKeys": foreign_keys,
        },
    })
}

/// A catalogue list as a CSV resource: its id and the name a person reads.
fn entity_resource(list: &EntityList) -> Value {
    json!({
        "name": list.name,
        "title": format!("Every {} (GET /v1/{})", list.entity.noun(), list.name),
        "path": format!("{}?format=csv&fields=id,{}&limit={MAX_LIMIT}", list.name, list.label),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {
            "fields": [
                {"name": "id", "type": "string", "description": "Its id: a readable slug.",
                 "constraints": {"required": true, "unique": true}},
                {"name": list.label, "type": "string", "description": "Its name, in English.",
                 "constraints": {"required": true}},
            ],
            "missingValues": [""],
            "primaryKey": ["id"],
        },
    })
}

/// The package: the figures and the lists they refer to.
pub fn datapackage() -> Value {
    let resources: Vec<Value> = std::iter::once(figures_resource())
        .chain(ENTITY_LISTS.iter().map(entity_resource))
        .collect();
    json!({
        "profile": "tabular-data-package",
        "name": "gd-indicators",
        "title": "Guangdong's economic figures (China Daily, GD Today, March 2025)",
        "description": "Each figure with its value, unit and scale, period, qualifier, region \
                        and provenance, and the catalogue lists its ids refer to. Paths are \
                        relative to this package's URL.",
        "resources": resources,
    })
}

async fn get_datapackage(
    TypedQuery(query): TypedQuery<Document>,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    negotiate(&headers, query.format, Format::ONE)?;
    Ok(Json(datapackage()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::figure::COLUMNS;

    /// Every column of the schema is a field, in the export's order, and every catalogue
    /// column a foreign key to a list of the package.
    #[test]
    fn the_package_describes_every_column_of_the_schema() {
        let package = datapackage();
        let fields = package["resources"][0]["schema"]["fields"]
            .as_array()
            .unwrap();
        let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
        let columns: Vec<&str> = flat_columns().iter().map(|c| c.name).collect();
        assert_eq!(names, columns);
        assert_eq!(names.len(), COLUMNS.len());
        let keys = package["resources"][0]["schema"]["foreignKeys"]
            .as_array()
            .unwrap();
        for column in COLUMNS {
            if let Role::Stored(Check::Catalogue(_)) = column.role {
                assert!(
                    keys.iter().any(|key| key["fields"] == column.name),
                    "{} has no foreign key",
                    column.name
                );
            }
        }
    }
}
