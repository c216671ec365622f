//! The OpenAPI document says what the server answers and accepts: every status an operation
//! can answer, the live database's ids as enumerations (and after an import, the new ones),
//! the words and fields each parameter takes, the CSV columns a figure list is served with,
//! and its tags in a reading order.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::TestApp;

/// The schema of query parameter `name` of the GET at `path`.
fn parameter<'a>(document: &'a Value, path: &str, name: &str) -> &'a Value {
    document["paths"][path]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{path} takes {name}"))
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("{value} is a list"))
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

/// The ids of every item of a collection.
async fn ids(app: &TestApp, collection: &str) -> Vec<String> {
    let mut ids: Vec<String> = app
        .get_list(&format!("{collection}?limit=1000"))
        .await
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn every_operation_documents_every_status_it_can_answer() {
    let app = TestApp::spawn().await;
    let document = app.get_ok("/openapi.json").await;
    for (path, item) in document["paths"].as_object().unwrap() {
        let responses = item["get"]["responses"].as_object().unwrap();
        for status in [
            "200", "304", "400", "405", "406", "414", "429", "431", "503",
        ] {
            assert!(responses.contains_key(status), "{path} documents {status}");
        }
        assert_eq!(
            responses.contains_key("404"),
            path.contains('{'),
            "{path}: 404"
        );
        assert_eq!(
            responses.contains_key("410"),
            path == "/v1/observations/{id}",
            "{path}: 410"
        );
        for (status, response) in responses {
            if status.starts_with('4') || status.starts_with('5') {
                assert_eq!(
                    response["content"]["application/problem+json"]["schema"]["$ref"],
                    "#/components/schemas/Problem",
                    "{path} {status}"
                );
            }
        }
    }
    // What the document says answers so: a method the API does not serve, a retracted figure.
    let response = app
        .client
        .post(format!("{}/v1/regions", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn the_catalogue_ids_are_enumerated_from_the_live_database() {
    let app = TestApp::spawn().await;
    let document = app.get_ok("/openapi.json").await;
    let regions = ids(&app, "/v1/regions").await;
    let region = parameter(&document, "/v1/observations", "region");
    assert_eq!(region["style"], "form");
    assert_eq!(region["explode"], false);
    let mut enumerated = strings(&region["schema"]["items"]["enum"]);
    enumerated.sort();
    assert_eq!(enumerated, regions);
    let path = parameter(&document, "/v1/regions/{id}", "id");
    assert_eq!(path["in"], "path");
    let mut enumerated = strings(&path["schema"]["enum"]);
    enumerated.sort();
    assert_eq!(enumerated, regions);
    let mut sources =
        strings(&parameter(&document, "/v1/observations", "source")["schema"]["items"]["enum"]);
    sources.sort();
    assert_eq!(sources, ids(&app, "/v1/sources").await);

    // A retracted figure answers 410, so its id is not one to name.
    let retracted = "new-energy-operating-revenue-threshold-2024";
    let figure = parameter(&document, "/v1/observations/{id}", "id");
    let figures = strings(&figure["schema"]["enum"]);
    assert!(figures.contains(&"rd-expenditure-2024".to_owned()));
    assert!(!figures.contains(&retracted.to_owned()), "{retracted}");
    let response = app.get(&format!("/v1/observations/{retracted}")).await;
    assert_eq!(response.status(), StatusCode::GONE);

    // An import that adds regions: the next document lists them.
    let output = app
        .generate(&["--observations", "200", "--seed", "17"])
        .await;
    assert!(output.status.success(), "{output:?}");
    let after = ids(&app, "/v1/regions").await;
    assert!(after.len() > regions.len(), "the import added regions");
    let document = app.get_ok("/openapi.json").await;
    let mut enumerated =
        strings(&parameter(&document, "/v1/observations", "region")["schema"]["items"]["enum"]);
    enumerated.sort();
    assert_eq!(enumerated, after);
}

/// Past a thousand figures their ids are not listed: at a million the document passed the
/// largest body the server sends (a 500). A figure's path then takes any id; the other kinds
/// stay enumerated.
#[tokio::test]
async fn figure_ids_are_enumerated_only_up_to_a_thousand_figures() {
    let app = TestApp::spawn().await;
    let figure_path = |document: &Value| {
        document["paths"]["/v1/observations/{id}"]["get"]["parameters"][0]["schema"].clone()
    };
    let small: Value = app.get("/openapi.json").await.json().await.unwrap();
    assert!(figure_path(&small)["enum"].is_array());

    let output = app
        .generate(&["--observations", "1200", "--seed", "3"])
        .await;
    assert!(output.status.success(), "{output:?}");
    let response = app.get("/openapi.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    let large: Value = response.json().await.unwrap();
    assert_eq!(
        figure_path(&large),
        serde_json::json!({"type": "string", "minLength": 1})
    );
    let revisions = &large["paths"]["/v1/observations/{id}/revisions"]["get"]["parameters"][0];
    assert_eq!(revisions["schema"]["enum"], Value::Null);
    let regions = &large["paths"]["/v1/regions/{id}"]["get"]["parameters"][0]["schema"]["enum"];
    assert!(
        regions.as_array().is_some_and(|ids| ids.len() > 20),
        "{regions}"
    );
}

#[tokio::test]
async fn words_and_fields_are_enumerated_as_the_server_takes_them() {
    let app = TestApp::spawn().await;
    let document = app.get_ok("/openapi.json").await;
    // Words are listed as answers spell them, and taken in any case.
    let unit = &parameter(&document, "/v1/observations", "unit")["schema"];
    let words = strings(&unit["items"]["anyOf"][0]["enum"]);
    assert!(words.contains(&"cny".to_owned()), "{words:?}");
    let response = app.get("/v1/observations?unit=CNY&limit=1").await;
    assert_eq!(response.status(), StatusCode::OK);
    // transform takes one word: a list is refused, and documented as one string.
    let series = "/v1/indicators/{id}/observations";
    let transform = &parameter(&document, series, "transform")["schema"];
    assert!(
        transform["type"].is_null() && transform["anyOf"].is_array(),
        "{transform}"
    );
    assert_eq!(
        strings(&transform["anyOf"][0]["enum"]),
        ["level", "change", "pct_change", "cagr"]
    );
    let problem = app
        .get_problem(
            "/v1/indicators/rd-expenditure/observations?transform=change,cagr",
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(problem.parameter(), "transform");
    // Sort keys in both directions.
    let sort = strings(&parameter(&document, "/v1/regions", "sort")["schema"]["items"]["enum"]);
    assert_eq!(sort, ["id", "-id", "name", "-name", "kind", "-kind"]);
    // A figure's fields by their dotted paths, each of them accepted.
    let fields =
        strings(&parameter(&document, "/v1/observations", "fields")["schema"]["items"]["enum"]);
    for path in ["id", "period", "period.label", "provenance.source.id"] {
        assert!(fields.contains(&path.to_owned()), "{path} in {fields:?}");
    }
    for field in &fields {
        let response = app
            .get(&format!("/v1/observations?fields={field}&limit=1"))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "fields={field}");
    }
    // Another list's fields are its items' members, in either language (`name_en` is in
    // Chinese answers only).
    let fields = strings(&parameter(&document, "/v1/regions", "fields")["schema"]["items"]["enum"]);
    let mut members: Vec<String> = Vec::new();
    for lang in ["en", "zh"] {
        let region = &app
            .get_list(&format!("/v1/regions?limit=1&lang={lang}"))
            .await[0];
        for member in region.as_object().unwrap().keys() {
            if !members.contains(member) {
                members.push(member.clone());
            }
        }
    }
    members.sort();
    let mut sorted = fields.clone();
    sorted.sort();
    assert_eq!(sorted, members);
}

#[tokio::test]
async fn the_csv_columns_documented_are_the_header_served() {
    let app = TestApp::spawn().await;
    let document = app.get_ok("/openapi.json").await;
    for path in ["/v1/observations", "/v1/revenues", "/v1/derived"] {
        let csv = &document["paths"][path]["get"]["responses"]["200"]["content"]["text/csv"];
        let columns = strings(&csv["x-columns"]);
        let served = app.get_csv(&format!("{path}?format=csv&limit=1")).await;
        assert_eq!(columns, served.columns, "{path}");
        let description = csv["schema"]["description"].as_str().unwrap();
        assert!(description.contains(&columns.join(", ")), "{path}");
    }
}

#[tokio::test]
async fn tags_list_the_data_first_then_analytics_probes_metrics_and_docs() {
    let app = TestApp::spawn().await;
    let document = app.get_ok("/openapi.json").await;
    let tags: Vec<&str> = document["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tag| tag["name"].as_str().unwrap())
        .collect();
    assert_eq!(tags[0], "regions");
    assert_eq!(
        &tags[tags.len() - 4..],
        ["analytics", "probes", "metrics", "docs"]
    );
    // Every operation's tag is listed.
    for (path, item) in document["paths"].as_object().unwrap() {
        let tag = item["get"]["tags"][0].as_str().unwrap();
        assert!(tags.contains(&tag), "{path}: {tag}");
    }
    assert_eq!(document["paths"]["/healthz"]["get"]["tags"][0], "probes");
    assert_eq!(
        document["paths"]["/v1/derived"]["get"]["tags"][0],
        "analytics"
    );
}
