//! Sparse fields: `fields=` keeps only what was asked, in JSON and CSV.

use reqwest::StatusCode;

use crate::helpers::TestApp;

#[tokio::test]
async fn sparse_fields_keep_only_what_was_asked() {
    let app = TestApp::spawn().await;
    let figures = app
        .get_list("/v1/observations?fields=id,value,unit&limit=5")
        .await;
    assert_eq!(figures.len(), 5, "a page of five");
    for figure in &figures {
        let keys: Vec<&String> = figure.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "value", "unit"]);
    }
    let csv = app
        .get_csv("/v1/revenues?fields=id,value_in_units&format=csv")
        .await;
    assert_eq!(csv.columns, ["id", "value_in_units"]);
    assert_eq!(csv.rows.len(), app.get_list("/v1/revenues").await.len());
    let problem = app
        .get_problem("/v1/observations?fields=id,colour", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem.parameter(), "fields");
}

#[tokio::test]
async fn nested_fields_keep_the_nesting_in_json_and_map_to_their_columns_in_csv() {
    let app = TestApp::spawn().await;
    let path = "/v1/observations?fields=id,period.label,provenance.source.id&limit=3";
    let figures = app.get_list(path).await;
    let whole = app.get_list("/v1/observations?limit=3").await;
    assert_eq!(figures.len(), 3);
    for (figure, whole) in figures.iter().zip(&whole) {
        assert_eq!(
            *figure,
            serde_json::json!({
                "id": whole["id"],
                "period": {"label": whole["period"]["label"]},
                "provenance": {"source": {"id": whole["provenance"]["source"]["id"]}},
            })
        );
    }
    // An object asked whole and one of its members is the object, whole.
    let figures = app
        .get_list("/v1/observations?fields=period.label,period&limit=1")
        .await;
    assert_eq!(figures[0]["period"], whole[0]["period"]);
    let csv = app.get_csv(&format!("{path}&format=csv")).await;
    assert_eq!(csv.columns, ["id", "period_label", "source_id"]);
    assert_eq!(csv.rows.len(), 3);
    let row = csv.row(whole[0]["id"].as_str().unwrap());
    assert_eq!(row.get("period_label"), whole[0]["period"]["label"]);
    assert_eq!(row.get("source_id"), whole[0]["provenance"]["source"]["id"]);
    // An unknown path names the parameter and lists the paths it takes.
    let problem = app
        .get_problem(
            "/v1/observations?fields=period.colour",
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(problem.parameter(), "fields");
    assert!(
        problem.detail.contains("'period.colour'") && problem.detail.contains("period.label"),
        "{}",
        problem.detail
    );
}

#[tokio::test]
async fn a_catalogue_list_takes_every_member_its_items_declare_in_either_language() {
    let app = TestApp::spawn().await;
    // name_en is in Chinese answers only: asked in English, items simply lack it.
    let english = app.get_list("/v1/regions?fields=id,name_en").await;
    assert!(!english.is_empty());
    for region in &english {
        let keys: Vec<&String> = region.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id"], "{region}");
    }
    let chinese = app.get_list("/v1/regions?fields=id,name_en&lang=zh").await;
    let zhuhai = chinese.iter().find(|r| r["id"] == "zhuhai").unwrap();
    assert_eq!(zhuhai["name_en"], "Zhuhai");
    let problem = app
        .get_problem("/v1/regions?fields=id,name_fr", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem.parameter(), "fields");
    assert!(problem.detail.contains("name_en"), "{}", problem.detail);
}
