//! Names in English and Chinese: `lang=zh` or `Accept-Language: zh` answers with each name in
//! Chinese (`name`), the English kept beside it (`name_en`); English is the default; every
//! answer that names things says its `Content-Language` and varies by `Accept-Language`.

use std::collections::HashMap;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{by_id, header, seed_table, Csv, Figure, TestApp};

/// Each catalogue list, the seed table it lists, and the field its name is in.
const CATALOGUE: &[(&str, &str, &str)] = &[
    ("/v1/regions", "regions", "name"),
    ("/v1/clusters", "clusters", "name"),
    ("/v1/cluster-groups", "cluster_groups", "name"),
    ("/v1/city-plans", "city_plans", "name"),
    ("/v1/indicators", "indicators", "name"),
    ("/v1/sources", "sources", "headline"),
    ("/v1/speakers", "speakers", "name"),
    ("/v1/companies", "companies", "name"),
    ("/v1/facilities", "facilities", "name"),
];

/// `{id: name_zh}` of a seed table.
fn chinese_names(table: &str) -> HashMap<String, String> {
    seed_table(table)
        .into_iter()
        .map(|row| (row["id"].clone(), row["name_zh"].clone()))
        .collect()
}

/// GET `path` with `headers`: the body, its Content-Language and its Vary.
async fn named(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> (Value, String, String) {
    let response = app.get_with(path, headers).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    let language = header(&response, "content-language");
    let vary = header(&response, "vary");
    (response.json().await.unwrap(), language, vary)
}

#[tokio::test]
async fn lang_zh_names_every_catalogue_row_in_chinese_and_keeps_the_english() {
    let app = TestApp::spawn().await;
    for (list, table, field) in CATALOGUE {
        let chinese = chinese_names(table);
        let english = app.get_list(&format!("{list}?limit=1000")).await;
        let path = format!("{list}?lang=zh&limit=1000");
        let (body, language, vary) = named(&app, &path, &[]).await;
        assert_eq!(language, "zh", "{path}");
        assert!(vary.contains("accept-language"), "{path}: {vary}");
        let items = body["data"].as_array().unwrap();
        assert_eq!(items.len(), chinese.len(), "{path}");
        for item in items {
            let id = item["id"].as_str().unwrap();
            let in_english = by_id(&english, id);
            assert_eq!(item[*field], chinese[id].as_str(), "{path}: {id}");
            assert_eq!(
                item[format!("{field}_en")],
                in_english[*field],
                "{path}: {id}"
            );
            assert_ne!(item[*field], in_english[*field], "{path}: {id}");
            // In English there is no second name.
            assert!(
                in_english.get(format!("{field}_en")).is_none(),
                "{list}: {id}"
            );
        }
    }
}

#[tokio::test]
async fn a_region_in_chinese_names_its_parent_children_and_figures_in_chinese() {
    let app = TestApp::spawn().await;
    let regions = chinese_names("regions");
    let indicators = chinese_names("indicators");
    let (guangdong, language, _) = named(&app, "/v1/regions/guangdong?lang=zh", &[]).await;
    assert_eq!(language, "zh");
    assert_eq!(guangdong["name"], "广东省");
    assert_eq!(guangdong["name_en"], "Guangdong");
    assert_eq!(guangdong["parent"]["name"], regions["china"].as_str());
    for child in guangdong["children"].as_array().unwrap() {
        let id = child["id"].as_str().unwrap();
        assert_eq!(child["name"], regions[id].as_str(), "{id}");
    }
    let figures = guangdong["figures"].as_array().unwrap();
    assert!(!figures.is_empty());
    for figure in figures {
        let indicator = figure["indicator"]["id"].as_str().unwrap();
        assert_eq!(figure["indicator"]["name"], indicators[indicator].as_str());
        assert_eq!(figure["region"]["name"], "广东省");
    }
}

#[tokio::test]
async fn figures_carry_chinese_names_in_json_and_csv_and_their_numbers_do_not_change() {
    let app = TestApp::spawn().await;
    let path = "/v1/observations/rd-expenditure-2024";
    let english = app.get_figure(path).await;
    let chinese: Figure = app.get_json(&format!("{path}?lang=zh")).await;
    assert_eq!(
        chinese.indicator.name,
        chinese_names("indicators")["rd-expenditure"]
    );
    assert_eq!(chinese.region.name, "广东省");
    assert_eq!(
        chinese.provenance.source.headline,
        chinese_names("sources")[&english.provenance.source.id]
    );
    assert_eq!(chinese.value, english.value);
    assert_eq!(chinese.stated, english.stated);

    let csv = app
        .get_csv("/v1/observations?region=guangdong&lang=zh&format=csv")
        .await;
    let row = csv.row("rd-expenditure-2024");
    assert_eq!(row.get("region_name"), "广东省");
    assert_eq!(row.get("indicator_name"), chinese.indicator.name);
    let english_csv: Csv = app
        .get_csv("/v1/observations?region=guangdong&format=csv")
        .await;
    assert_eq!(
        english_csv.row("rd-expenditure-2024").get("region_name"),
        "Guangdong"
    );
}

#[tokio::test]
async fn accept_language_chooses_chinese_and_lang_overrides_it() {
    let app = TestApp::spawn().await;
    let path = "/v1/regions/shenzhen";
    for (accept_language, expected, tag) in [
        ("zh", "深圳市", "zh"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "深圳市", "zh"),
        ("zh-Hant-HK", "深圳市", "zh"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "Shenzhen", "en"),
        // A language the API does not speak is no reason to refuse: English.
        ("fr-FR, de;q=0.5", "Shenzhen", "en"),
        ("fr, zh;q=0.3", "深圳市", "zh"),
    ] {
        let (body, language, vary) =
            named(&app, path, &[("accept-language", accept_language)]).await;
        assert_eq!(body["name"], expected, "Accept-Language: {accept_language}");
        assert_eq!(language, tag, "Accept-Language: {accept_language}");
        assert_eq!(vary, "accept, accept-encoding, accept-language");
    }
    // `lang` wins over the header, either way.
    let (body, language, _) = named(
        &app,
        "/v1/regions/shenzhen?lang=en",
        &[("accept-language", "zh")],
    )
    .await;
    assert_eq!(
        (body["name"].as_str(), language.as_str()),
        (Some("Shenzhen"), "en")
    );
    assert!(body.get("name_en").is_none());
    let (body, language, _) = named(
        &app,
        "/v1/regions/shenzhen?lang=zh",
        &[("accept-language", "en")],
    )
    .await;
    assert_eq!(
        (body["name"].as_str(), language.as_str()),
        (Some("深圳市"), "zh")
    );
}

#[tokio::test]
async fn english_is_the_default_and_says_so() {
    let app = TestApp::spawn().await;
    for path in [
        "/v1/regions/shenzhen",
        "/v1/regions",
        "/v1/observations?limit=2",
        "/v1/search?q=robot",
    ] {
        let (body, language, vary) = named(&app, path, &[]).await;
        assert_eq!(language, "en", "{path}");
        assert_eq!(vary, "accept, accept-encoding, accept-language", "{path}");
        assert!(!body.to_string().contains("name_en"), "{path}");
    }
    // What names nothing neither says a language nor varies by one.
    for path in ["/healthz", "/openapi.json"] {
        let response = app.get(path).await;
        assert_eq!(header(&response, "content-language"), "", "{path}");
        assert_eq!(
            header(&response, "vary"),
            "accept, accept-encoding",
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_response_cache_never_serves_one_language_for_another() {
    let app = TestApp::spawn().await;
    let path = "/v1/regions/zhuhai";
    let chinese = [("accept-language", "zh-CN")];
    for round in 0..2 {
        let (body, _, _) = named(&app, path, &chinese).await;
        assert_eq!(body["name"], "珠海市", "round {round}");
        let (body, _, _) = named(&app, path, &[]).await;
        assert_eq!(body["name"], "Zhuhai", "round {round}");
    }
    // Ranges that choose the same language share an entry: the second is a hit.
    let response = app.get_with(path, &[("accept-language", "zh")]).await;
    assert_eq!(header(&response, "x-cache"), "hit");
}

#[tokio::test]
async fn a_page_in_chinese_continues_in_chinese_and_a_bad_lang_is_refused_by_name() {
    let app = TestApp::spawn().await;
    let first = app
        .get_page::<Value>("/v1/regions?lang=zh&sort=name&limit=5")
        .await;
    let next = first.links.next.expect("more regions");
    let second = app.get_page::<Value>(&next).await;
    let regions = chinese_names("regions");
    for region in &second.data {
        assert_eq!(
            region["name"],
            regions[region["id"].as_str().unwrap()].as_str()
        );
    }
    for bad in ["fr", "zh,en", ""] {
        let path = format!("/v1/regions?lang={bad}");
        let problem = app.get_problem(&path, StatusCode::BAD_REQUEST).await;
        assert_eq!(problem.parameter(), "lang", "{path}");
    }
    // A single resource takes it too, and refuses it as strictly.
    let problem = app
        .get_problem("/v1/regions/shenzhen?lang=de", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem.parameter(), "lang");
}
