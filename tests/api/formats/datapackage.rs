//! `/v1/datapackage.json`: a Frictionless Data Package whose resources, fetched by their
//! package-relative paths, are CSVs that keep what it says of them: the columns in order,
//! their types, required cells, the primary key and the foreign keys.

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;

use crate::helpers::{Csv, TestApp};

/// Whether `cell` is a value of the Table Schema `kind`.
fn is_of_type(cell: &str, kind: &str) -> bool {
    match kind {
        "number" => cell.parse::<f64>().is_ok(),
        "integer" => cell.parse::<i64>().is_ok(),
        "boolean" => cell == "true" || cell == "false",
        "string" => true,
        other => panic!("a type the package should not use: {other}"),
    }
}

#[tokio::test]
async fn the_data_package_describes_the_csvs_it_links() {
    let app = TestApp::spawn().await;
    let package = app.get_ok("/v1/datapackage.json").await;
    assert_eq!(package["profile"], "tabular-data-package");
    let resources = package["resources"].as_array().unwrap();
    assert_eq!(resources[0]["name"], "figures");
    assert_eq!(resources[0]["path"], "export?format=csv");
    // Each resource as the server answers its path, relative to the package's URL.
    let mut tables: BTreeMap<String, Csv> = BTreeMap::new();
    for resource in resources {
        assert_eq!(resource["format"], "csv");
        let path = format!("/v1/{}", resource["path"].as_str().unwrap());
        tables.insert(
            resource["name"].as_str().unwrap().to_owned(),
            app.get_csv(&path).await,
        );
    }
    let figures = &tables["figures"];
    let export = app.get_csv("/v1/export?format=csv").await;
    assert_eq!(figures.rows.len(), export.rows.len());
    assert!(figures.rows.len() > 60);
    for resource in resources {
        let name = resource["name"].as_str().unwrap();
        let table = &tables[name];
        let schema = &resource["schema"];
        let fields = schema["fields"].as_array().unwrap();
        let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(table.columns, names, "{name}: the columns, in order");
        for field in fields {
            let column = field["name"].as_str().unwrap();
            assert!(
                !field["description"].as_str().unwrap().is_empty(),
                "{name}.{column}"
            );
            let required = field["constraints"]["required"] == Value::Bool(true);
            for cell in table.cells(column) {
                if cell.is_empty() {
                    assert!(!required, "{name}.{column} is required and empty");
                } else {
                    let kind = field["type"].as_str().unwrap();
                    assert!(
                        is_of_type(cell, kind),
                        "{name}.{column}: '{cell}' is no {kind}"
                    );
                }
            }
        }
        assert_eq!(schema["primaryKey"], serde_json::json!(["id"]));
        let ids: HashSet<&str> = table.cells("id").into_iter().collect();
        assert_eq!(ids.len(), table.rows.len(), "{name}: ids are unique");
    }
    // Every foreign key holds: each id a figure names is in the list it refers to.
    let keys = resources[0]["schema"]["foreignKeys"].as_array().unwrap();
    let referenced: Vec<&str> = keys
        .iter()
        .map(|key| key["reference"]["resource"].as_str().unwrap())
        .collect();
    for list in [
        "indicators",
        "regions",
        "clusters",
        "companies",
        "sources",
        "speakers",
    ] {
        assert!(referenced.contains(&list), "no foreign key to {list}");
    }
    for key in keys {
        let column = key["fields"].as_str().unwrap();
        let resource = key["reference"]["resource"].as_str().unwrap();
        // "" is the package's own resource: a figure naming another figure.
        let target = if resource.is_empty() {
            "figures"
        } else {
            resource
        };
        let ids: HashSet<&str> = tables[target].cells("id").into_iter().collect();
        for cell in figures.cells(column) {
            assert!(
                cell.is_empty() || ids.contains(cell),
                "figures.{column} names '{cell}', which {target} does not list"
            );
        }
    }
    let value = &resources[0]["schema"]["fields"][figures.column("value")];
    assert_eq!(value["type"], "number");
    assert!(value["description"]
        .as_str()
        .unwrap()
        .contains("the columns scale and unit"));
}
