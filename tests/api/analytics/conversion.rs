//! `currency=` and `scale=`: money converted at the stated rate, on every endpoint that returns it.

use reqwest::StatusCode;
use serde_json::Value;

use super::{close, MEDIAN_RATE};
use crate::helpers::{by_id, TestApp};

#[tokio::test]
async fn money_converts_between_currencies_and_scales_with_the_rate_stated() {
    let app = TestApp::spawn().await;
    let rd = app
        .get_ok("/v1/observations/rd-expenditure-2024?currency=USD")
        .await;
    assert_eq!(rd["qualifier"], "about");
    // 510,000,000,000 / 7.250054 = 70,344,300,000 dollars.
    assert_eq!(rd["unit"], "usd");
    assert_eq!(rd["currency"], "USD");
    assert_eq!(rd["scale"], "billion");
    assert!(close(&rd["value"], 510.0 / MEDIAN_RATE, 1e-4), "{rd}");
    assert_eq!(rd["conversion"]["stated_value"], 510);
    assert_eq!(rd["conversion"]["stated_unit"], "cny");
    assert!(close(&rd["conversion"]["cny_per_usd"], MEDIAN_RATE, 1e-9));
    assert!(rd["conversion"]["rate_method"]
        .as_str()
        .unwrap()
        .contains("median of the 5"));

    // Back from a printed dollar amount: 275.86 billion × 7.250054 = 2 trillion yuan.
    let marine = app
        .get_ok("/v1/observations/marine-gdp-2024-usd?currency=CNY&scale=trillion")
        .await;
    assert_eq!(
        (marine["unit"].clone(), marine["scale"].clone()),
        ("cny".into(), "trillion".into())
    );
    assert!(close(&marine["value"], 2.0, 1e-6), "{marine}");

    // Scale alone: 14.5 trillion is 14,500,000 million, with no rate involved.
    let gba = app
        .get_ok("/v1/observations/gba-economic-aggregate-2024?scale=million")
        .await;
    assert_eq!(gba["value"], 14_500_000);
    assert_eq!(gba["conversion"]["cny_per_usd"], Value::Null);

    // Non-money figures are untouched; a list converts every money figure on it.
    let count = app
        .get_ok("/v1/observations/high-tech-enterprises-2024?currency=USD")
        .await;
    assert_eq!(
        (count["value"].clone(), count["conversion"].clone()),
        (77000.into(), Value::Null)
    );
    let revenues = app
        .get_list("/v1/revenues?currency=USD&scale=billion")
        .await;
    assert!(revenues
        .iter()
        .all(|r| r["unit"] == "usd" && r["scale"] == "billion"));
    let automotive = by_id(&revenues, "automotive-operating-revenue-2023");
    assert!(close(&automotive["value"], 1000.0 / MEDIAN_RATE, 1e-4));

    app.get_problem("/v1/revenues?currency=EUR", StatusCode::BAD_REQUEST)
        .await;
}

#[tokio::test]
async fn every_endpoint_that_returns_money_converts_it() {
    let app = TestApp::spawn().await;
    // 1.1 trillion yuan / 7.250054 = 151.723 billion dollars.
    let cluster = app
        .get_ok("/v1/clusters/new-energy?currency=USD&scale=billion")
        .await;
    let revenue = by_id(
        cluster["figures"].as_array().unwrap(),
        "new-energy-operating-revenue-2024",
    );
    assert_eq!(revenue["unit"], "usd");
    assert_eq!(
        revenue["qualifier"], "about",
        "exact yuan, estimated dollars"
    );
    assert!(
        close(&revenue["value"], 1100.0 / MEDIAN_RATE, 1e-4),
        "{revenue}"
    );

    let plan = app.get_ok("/v1/city-plans/guangzhou?scale=trillion").await;
    let target = by_id(
        plan["figures"].as_array().unwrap(),
        "guangzhou-industrial-base-output-target",
    );
    assert_eq!(
        (target["value"].clone(), target["scale"].clone()),
        (0.1.into(), "trillion".into())
    );
    let hectares = by_id(
        plan["figures"].as_array().unwrap(),
        "guangzhou-industrial-base-area",
    );
    assert_eq!(hectares["value"], 667, "not money: unchanged");

    for path in [
        "/v1/observations?currency=USD",
        "/v1/export?currency=USD",
        "/v1/clusters?currency=USD",
        "/v1/cluster-groups?currency=USD",
        "/v1/city-plans?currency=USD",
        "/v1/companies?scale=million",
        "/v1/regions/greater-bay-area?currency=USD",
        "/v1/speakers/ai-xuefeng?currency=USD",
        "/v1/sources/gdtoday-innovation?currency=USD",
        "/v1/cluster-groups/trillion-yuan-industrial-clusters?currency=USD",
    ] {
        let body = app.get_ok(path).await;
        let text = body.to_string();
        assert!(!text.contains("\"unit\":\"cny\""), "{path} still has yuan");
    }
    app.get_problem(
        "/v1/regions/guangdong?currency=EUR",
        StatusCode::BAD_REQUEST,
    )
    .await;
}
