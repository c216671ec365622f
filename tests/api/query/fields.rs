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
