//! `/v1/sources`: the stories the figures are printed in.

use serde_json::Value;

use crate::helpers::{by_id, figures_of, live_seed_figures, TestApp};

#[tokio::test]
async fn sources_cite_the_stories_and_list_their_sections() {
    let app = TestApp::spawn().await;
    let sources = app.get_list("/v1/sources").await;
    assert_eq!(sources.len(), 3);
    let clusters = by_id(&sources, "gdtoday-industry-clusters");
    assert_eq!(clusters["byline"], "Hao Nan");
    assert_eq!(
        clusters["citation"],
        "Hao Nan. \"Industry clusters power province's progress\". China Daily, GD Today, 2025-03."
    );
    assert_eq!(
        by_id(&sources, "gdtoday-what-they-say").get("byline"),
        Some(&Value::Null),
        "no byline: said, as null"
    );

    let innovation = app.get_ok("/v1/sources/gdtoday-innovation").await;
    let sections = innovation["sections"].as_array().unwrap();
    assert!(sections.contains(&"Infographic".into()));
    // Every figure the story prints, and only those.
    let figures = figures_of(&innovation);
    let printed = (live_seed_figures().iter())
        .filter(|row| row["source_id"] == "gdtoday-innovation")
        .count();
    assert!(printed > 0);
    assert_eq!(figures.len(), printed);
    assert!(figures
        .iter()
        .all(|f| f.provenance.source.id == "gdtoday-innovation"));
}

/// A source as served: what a citation names, and nothing about where a copy is kept.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Source {
    id: String,
    publication: String,
    page: String,
    headline: String,
    #[serde(default)]
    headline_en: Option<String>,
    byline: Option<String>,
    published: String,
    description: String,
    citation: String,
    links: Value,
}

/// A source is cited by publication, page, headline, byline and date; the path of the stored
/// copy it was read from (outside the repository, on the machine that read it) is served
/// nowhere: not in JSON or CSV, not in either language, not for a generated source, not in
/// the OpenAPI document. It stays stored.
#[tokio::test]
async fn sources_are_cited_by_publication_and_serve_no_file_path() {
    let app = TestApp::spawn().await;
    let output = app.generate(&["--observations", "10"]).await;
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    for path in ["/v1/sources", "/v1/sources?lang=zh"] {
        let sources: Vec<Source> = app.get_page(path).await.data;
        assert_eq!(
            sources.len(),
            4,
            "the article's three and the generated one"
        );
        for source in &sources {
            for part in [&source.publication, &source.page, &source.published] {
                assert!(source.citation.contains(part.as_str()), "{source:?}");
            }
            let printed = source.headline_en.as_ref().unwrap_or(&source.headline);
            assert!(source.citation.contains(printed.as_str()), "{source:?}");
            assert!(!source.description.is_empty() && source.links.is_object());
        }
        let innovation = sources.iter().find(|s| s.id == "gdtoday-innovation");
        assert_eq!(innovation.unwrap().byline.as_deref(), Some("Hao Nan"));
    }
    let csv = app.get_csv("/v1/sources?format=csv").await;
    assert!(
        !csv.columns.contains(&"document".to_owned()),
        "{:?}",
        csv.columns
    );
    assert!(csv.columns.contains(&"citation".to_owned()));
    let one: Value = app.get_ok("/v1/sources/gdtoday-industry-clusters").await;
    assert_eq!(one["publication"], "China Daily");
    assert!(one.get("document").is_none(), "{one}");
    let document: Value = app.get_ok("/openapi.json").await;
    let served = &document["components"]["schemas"]["SourceRow"]["properties"];
    assert!(served["publication"].is_object(), "{served}");
    assert!(served.get("document").is_none(), "{served}");
    for path in [
        "/v1/sources",
        "/v1/sources?format=csv",
        "/v1/sources/gdtoday-innovation",
        "/v1/sources/synthetic",
        "/openapi.json",
    ] {
        let body = app.get(path).await.text().await.unwrap();
        for leak in ["shared/", ".txt", "not read from a document"] {
            assert!(!body.contains(leak), "{path} serves '{leak}'");
        }
    }
    // Nothing is lost: the stored copy's path is still kept with each source.
    let kept: Vec<String> = sqlx::query_scalar("SELECT document FROM sources ORDER BY rowid")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(kept.len(), 4);
    assert!(kept[0].starts_with("shared/sources/"), "{kept:?}");
}
