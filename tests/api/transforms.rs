//! Derived figures (`transform=`, `/v1/derived`) as an analyst meets them: figures of the one
//! documented shape, checked against the OpenAPI document the server serves, for every
//! indicator of the article's data and of a generated database; like-for-like pairs only;
//! notes that say why a subject gives nothing; presentation; and bounds, including how
//! `min`/`max` treat them.

use std::collections::HashSet;

use serde_json::{json, Value};

use crate::helpers::{by_id, header, TestApp};

const TRANSFORMS: [&str; 3] = ["change", "pct_change", "cagr"];
const SERIES: &str = "/v1/indicators/{id}/observations";

/// Where `value` breaks `schema` (a schema of `document`, `$ref`s resolved in it): a wrong
/// type, a value outside an enum, a required member missing, or a member the schema does not
/// describe (the document describes every member the API writes).
fn schema_errors(document: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        let target = &document["components"]["schemas"][name];
        assert!(target.is_object(), "{reference} is in the document");
        return schema_errors(document, target, value, at);
    }
    if let Some(options) = schema["oneOf"].as_array() {
        let matching = options
            .iter()
            .filter(|option| schema_errors(document, option, value, at).is_empty())
            .count();
        return match matching {
            1 => Vec::new(),
            n => vec![format!("{at}: {value} matches {n} of oneOf, not one")],
        };
    }
    // Any alternative that matches will do; else the first's errors say what is wrong.
    if let Some(options) = schema["anyOf"].as_array() {
        let mut first = None;
        for option in options {
            let errors = schema_errors(document, option, value, at);
            if errors.is_empty() {
                return errors;
            }
            first.get_or_insert(errors);
        }
        return first.unwrap_or_default();
    }
    let mut errors = Vec::new();
    let types: Vec<&str> = match &schema["type"] {
        Value::String(one) => vec![one.as_str()],
        Value::Array(several) => several.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let is = |kind: &str| match kind {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    };
    if !types.is_empty() && !types.iter().any(|kind| is(kind)) {
        errors.push(format!("{at}: {value} is not of type {types:?}"));
        return errors;
    }
    if let Some(words) = schema["enum"].as_array() {
        if !words.contains(value) {
            errors.push(format!("{at}: {value} is not one of {words:?}"));
        }
    }
    if let Value::Object(members) = value {
        let properties = schema["properties"].as_object();
        for required in schema["required"].as_array().into_iter().flatten() {
            let name = required.as_str().unwrap();
            if !members.contains_key(name) {
                errors.push(format!("{at}: no member {name}"));
            }
        }
        for (name, member) in members {
            match properties.and_then(|p| p.get(name)) {
                Some(described) => {
                    errors.extend(schema_errors(
                        document,
                        described,
                        member,
                        &format!("{at}.{name}"),
                    ));
                }
                None => errors.push(format!("{at}: {name} is not in the document")),
            }
        }
    }
    if let (Value::Array(items), Some(item)) = (value, schema.get("items")) {
        for (index, element) in items.iter().enumerate() {
            errors.extend(schema_errors(
                document,
                item,
                element,
                &format!("{at}[{index}]"),
            ));
        }
    }
    errors
}

/// The schema the document gives a path's JSON answer.
fn answer_schema<'a>(document: &'a Value, path: &str) -> &'a Value {
    let schema = &document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"];
    assert!(schema.is_object(), "{path} documents its answer");
    schema
}

/// Every page of `path` (with `limit=1000`), following `links.next`.
async fn pages(app: &TestApp, path: &str) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut next = Some(format!("{path}&limit=1000"));
    while let Some(url) = next {
        let page = app.get_ok(&url).await;
        next = page["links"]["next"].as_str().map(str::to_owned);
        pages.push(page);
    }
    pages
}

/// Requests every transform of every indicator, checks each answer against the document, and
/// returns the derived figures.
async fn every_transform_checked(app: &TestApp) -> Vec<Value> {
    let document = app.get_ok("/openapi.json").await;
    let schema = answer_schema(&document, SERIES);
    let mut figures = Vec::new();
    let mut errors = Vec::new();
    for indicator in app.get_list("/v1/indicators?limit=1000").await {
        let id = indicator["id"].as_str().unwrap();
        for transform in TRANSFORMS {
            let path = format!("/v1/indicators/{id}/observations?transform={transform}");
            let mut ids = HashSet::new();
            for page in pages(app, &path).await {
                errors.extend(schema_errors(&document, schema, &page, &path));
                for figure in page["data"].as_array().unwrap() {
                    let figure_id = figure["id"].as_str().unwrap().to_owned();
                    assert!(ids.insert(figure_id), "{path}: {} twice", figure["id"]);
                    figures.push(figure.clone());
                }
            }
        }
    }
    assert!(
        errors.is_empty(),
        "{} errors:\n{}",
        errors.len(),
        errors[..errors.len().min(20)].join("\n")
    );
    figures
}

#[tokio::test]
async fn the_schema_check_finds_what_the_old_derived_shape_got_wrong() {
    let app = TestApp::spawn().await;
    let document = app.get_ok("/openapi.json").await;
    // A derived figure as transforms wrote it before issue 15.
    let old = json!({
        "data": [{"id": "t-change-2020-2023", "indicator": "t", "derived": true,
                  "description": "change", "value": 1, "unit": "cny", "qualifier": "about",
                  "period": {"start": "2020", "end": "2023", "label": "2020 to 2023"},
                  "formula": "2 - 1", "inputs": ["a", "b"]}],
        "meta": {"count": 1, "total": 1, "limit": 100},
        "links": {"self": "/", "next": null, "prev": null}
    });
    let errors = schema_errors(&document, answer_schema(&document, SERIES), &old, "old");
    for expected in [
        "old.data[0].indicator: \"t\" is not of type [\"object\"]",
        "old.data[0]: no member region",
        "old.data[0]: no member bounds",
        "old.data[0]: derived is not in the document",
        "old.data[0].period: no member kind",
    ] {
        assert!(
            errors.iter().any(|e| e == expected),
            "{expected}: {errors:#?}"
        );
    }
}

#[tokio::test]
async fn every_transform_of_the_articles_indicators_is_a_documented_figure() {
    let app = TestApp::spawn().await;
    let figures = every_transform_checked(&app).await;
    // The article's series of two periods or more: the technology contracts and the count of
    // trillion-yuan clusters, three transforms each.
    let mut ids: Vec<&str> = figures.iter().map(|f| f["id"].as_str().unwrap()).collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            "technology-contract-value-cagr-guangdong-2020-2023",
            "technology-contract-value-change-guangdong-2020-2023",
            "technology-contract-value-pct_change-guangdong-2020-2023",
            "trillion-yuan-cluster-count-cagr-guangdong-trillion-yuan-industrial-clusters-2023-2024",
            "trillion-yuan-cluster-count-change-guangdong-trillion-yuan-industrial-clusters-2023-2024",
            "trillion-yuan-cluster-count-pct_change-guangdong-trillion-yuan-industrial-clusters-2023-2024",
        ]
    );
    // /v1/derived serves the same shape.
    let document = app.get_ok("/openapi.json").await;
    let derived = app.get_ok("/v1/derived").await;
    let errors = schema_errors(
        &document,
        answer_schema(&document, "/v1/derived"),
        &derived,
        "derived",
    );
    assert!(errors.is_empty(), "{errors:#?}");
}

#[tokio::test]
async fn every_transform_of_a_generated_database_is_a_documented_like_for_like_figure() {
    let app = TestApp::spawn().await;
    let output = app
        .generate(&["--observations", "4000", "--seed", "15"])
        .await;
    assert!(output.status.success(), "{output:?}");

    let figures = every_transform_checked(&app).await;
    assert!(figures.len() > 1000, "{} derived figures", figures.len());
    // Generated ids end with their period: a month (2024-03) or a year (2024). A monthly
    // figure never pairs with a yearly one, nor a region with another.
    let month = |id: &str| id.as_bytes()[id.len() - 3] == b'-';
    let region = |id: &str| id.rsplit_once('-').map(|(prefix, _)| prefix.to_owned());
    let mut monthly = 0;
    for figure in &figures {
        let inputs: Vec<&str> = figure["derived_from"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| id.as_str().unwrap())
            .collect();
        let [from, to] = inputs[..] else {
            panic!("two inputs: {figure}")
        };
        assert_eq!(month(from), month(to), "{from} paired with {to}");
        let strip = |id: &str| {
            let id = if month(id) { &id[..id.len() - 3] } else { id };
            region(id)
        };
        assert_eq!(strip(from), strip(to), "{from} paired with {to}");
        monthly += usize::from(month(from));
    }
    assert!(monthly > 0 && monthly < figures.len(), "both frequencies");
}

#[tokio::test]
async fn a_transform_says_why_a_subject_gives_nothing_in_json_and_in_a_header() {
    let app = TestApp::spawn().await;
    let path = "/v1/indicators/hengqin-gdp/observations?transform=cagr";
    let answer = app.get_ok(path).await;
    assert_eq!(answer["data"], json!([]));
    let note = "hengqin-gdp in hengqin: hengqin-gdp-span-start, hengqin-gdp-span-end carry no \
                years, or periods without a start or an end.";
    assert_eq!(
        answer["meta"]["notes"],
        json!([{
            "subject": {"indicator": "hengqin-gdp", "region": "hengqin", "cluster": null,
                        "cluster_group": null, "company": null, "city_plan": null},
            "figures": ["hengqin-gdp-span-start", "hengqin-gdp-span-end"],
            "note": note,
        }])
    );
    // CSV has no envelope: the notes come in a header, as RFC 8941 strings.
    let csv = app.get(&format!("{path}&format=csv")).await;
    assert_eq!(header(&csv, "transform-notes"), format!("\"{note}\""));
    assert_eq!(
        csv.text().await.unwrap().lines().count(),
        1,
        "the header row only"
    );
    // Nine clusters, nine subjects of one figure each; the new-energy one among them.
    let revenue = app
        .get_ok("/v1/indicators/cluster-operating-revenue/observations?transform=change")
        .await;
    let notes = revenue["meta"]["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 9);
    assert!(notes.iter().any(|n| n["note"]
        == "cluster-operating-revenue in guangdong (cluster new-energy, cluster group \
            trillion-yuan-industrial-clusters): new-energy-operating-revenue-2024 (yearly, \
            2024) is the only figure of its frequency."));
    // Where every figure gives something, the notes are empty, and there is no header.
    let counts = app
        .get("/v1/indicators/trillion-yuan-cluster-count/observations?transform=change")
        .await;
    assert!(counts.headers().get("transform-notes").is_none());
    let counts: Value = counts.json().await.unwrap();
    assert_eq!(counts["meta"]["notes"], json!([]));
    // Lists that transform nothing carry no notes at all.
    let stated = app.get_ok("/v1/indicators/hengqin-gdp/observations").await;
    assert!(stated["meta"].get("notes").is_none());
}

#[tokio::test]
async fn scale_and_currency_apply_to_derived_figures() {
    let app = TestApp::spawn().await;
    let path = "/v1/indicators/technology-contract-value/observations?transform=change";
    let billions = &app.get_list(path).await[0];
    assert_eq!(
        (&billions["value"], &billions["scale"]),
        (&json!(100), &json!("billion"))
    );
    let trillions = &app.get_list(&format!("{path}&scale=trillion")).await[0];
    assert_eq!(trillions["value"], json!(0.1));
    assert_eq!(trillions["scale"], "trillion");
    assert_eq!(trillions["conversion"]["stated_scale"], "billion");
    assert_eq!(
        trillions["id"], billions["id"],
        "the same figure, presented"
    );
    let dollars = &app.get_list(&format!("{path}&currency=USD")).await[0];
    assert_eq!(
        (&dollars["unit"], &dollars["currency"]),
        (&json!("usd"), &json!("USD"))
    );
    assert_eq!(dollars["conversion"]["stated_unit"], "cny");
    // /v1/derived too: 10.8 trillion yuan is 10,800 billion.
    let derived = app.get_list("/v1/derived?scale=billion").await;
    let start = by_id(
        &derived,
        "gba-economic-aggregate-change-2018-2024-implied-start",
    );
    assert_eq!(
        (&start["value"], &start["scale"]),
        (&json!(10800), &json!("billion"))
    );
    assert_eq!(start["bounds"]["lower"]["value"], 10800);
}

#[tokio::test]
async fn every_figure_carries_the_bounds_its_qualifier_states() {
    let app = TestApp::spawn().await;
    let bounds = |figure: &Value| figure["bounds"].clone();
    let cases = [
        // Over 340 billion: more than 340, no upper bound.
        (
            "technology-contract-value-2020",
            json!({"lower": {"value": 340, "inclusive": false}, "upper": null}),
        ),
        // About 510 billion: ± half a unit of its last significant digit (the 1 of 510).
        (
            "rd-expenditure-2024",
            json!({"lower": {"value": 505, "inclusive": true},
                   "upper": {"value": 515, "inclusive": true}}),
        ),
        // Nearly 270 journalists: from 265 up to 270.
        (
            "open-day-journalists-caption",
            json!({"lower": {"value": 265, "inclusive": true},
                   "upper": {"value": 270, "inclusive": true}}),
        ),
        // Less than 1 percent of the land: no lower bound.
        (
            "gba-share-of-national-land",
            json!({"lower": null, "upper": {"value": 1, "inclusive": false}}),
        ),
        // Exactly 1.1 trillion: a point.
        (
            "new-energy-operating-revenue-2024",
            json!({"lower": {"value": 1.1, "inclusive": true},
                   "upper": {"value": 1.1, "inclusive": true}}),
        ),
    ];
    for (id, expected) in cases {
        let figure = app.get_ok(&format!("/v1/observations/{id}")).await;
        assert_eq!(bounds(&figure), expected, "{id}");
    }
    // A conversion moves the bounds with the value: 505 to 515 billion yuan in trillions.
    let trillions = app
        .get_ok("/v1/observations/rd-expenditure-2024?scale=trillion")
        .await;
    assert_eq!(
        bounds(&trillions),
        json!({"lower": {"value": 0.505, "inclusive": true},
               "upper": {"value": 0.515, "inclusive": true}})
    );
}

#[tokio::test]
async fn min_and_max_compare_the_stated_value_not_the_bounds() {
    let app = TestApp::spawn().await;
    let series = "/v1/indicators/technology-contract-value/observations";
    let ids = |figures: Vec<Value>| -> Vec<String> {
        figures
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_owned())
            .collect()
    };
    // "Over 340 billion" may well be over 400 billion, but its stated value is not: min
    // leaves it out.
    assert_eq!(
        ids(app.get_list(&format!("{series}?min=400000000000")).await),
        ["technology-contract-value-2023"]
    );
    // And its stated value is at most 340 billion, though its bounds are all above: max keeps
    // it.
    assert_eq!(
        ids(app.get_list(&format!("{series}?max=340000000000")).await),
        ["technology-contract-value-2020"]
    );
    // An "about" figure is compared as stated too: about 510 billion (505 to 515) is not
    // within max=508 billion.
    let rd = "/v1/indicators/rd-expenditure/observations?unit=cny";
    assert!(app
        .get_list(&format!("{rd}&max=508000000000"))
        .await
        .is_empty());
    assert_eq!(
        ids(app
            .get_list(&format!("{rd}&min=510000000000&max=510000000000"))
            .await),
        ["rd-expenditure-2024"]
    );
}

/// The document's path examples are real: a client driven by the document (the CI's
/// schema-driven fuzz run) reaches every resource, and an indicator's transforms, with them.
#[tokio::test]
async fn every_path_example_of_the_document_names_a_real_resource() {
    let app = TestApp::spawn().await;
    let document = app.get_ok("/openapi.json").await;
    let mut checked = 0;
    for (template, item) in document["paths"].as_object().unwrap() {
        let mut path = template.clone();
        for parameter in item["get"]["parameters"].as_array().into_iter().flatten() {
            if parameter["in"] == "path" {
                let example = parameter["example"].as_str();
                let example = example.unwrap_or_else(|| panic!("{template} has an example"));
                path = path.replace(
                    &format!("{{{}}}", parameter["name"].as_str().unwrap()),
                    example,
                );
            }
        }
        if path != *template {
            let status = app.get(&path).await.status();
            assert_eq!(status, reqwest::StatusCode::OK, "{path}");
            checked += 1;
        }
    }
    assert!(checked >= 13, "{checked} paths with parameters");
    let transformed = app
        .get_list("/v1/indicators/technology-contract-value/observations?transform=cagr")
        .await;
    assert_eq!(
        transformed.len(),
        1,
        "the example indicator has a transform"
    );
}
