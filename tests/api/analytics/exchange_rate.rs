//! `/v1/exchange-rate`: the rate the article's own pairs of figures imply.

use super::{close, MEDIAN_RATE};
use crate::helpers::TestApp;

#[tokio::test]
async fn the_exchange_rate_is_the_median_of_the_articles_own_pairs() {
    let app = TestApp::spawn().await;
    let rate = app.get_ok("/v1/exchange-rate").await;
    // Hand-worked: 1000/137.97 = 7.24795, 510/70.3 = 7.25462, 100/13.79 = 7.25163,
    // 2000/275.86 = 7.25005, 10/1.38 = 7.24638; sorted, the middle one is 7.25005.
    assert!(close(&rate["cny_per_usd"], MEDIAN_RATE, 1e-9), "{rate}");
    let pairs = rate["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 5);
    let expected = [
        (
            "maoming-agricultural-cluster-revenue-threshold-2024-usd",
            10.0 / 1.38,
        ),
        (
            "cluster-revenue-threshold-trillion-yuan-usd",
            1000.0 / 137.97,
        ),
        ("marine-gdp-2024-usd", 2000.0 / 275.86),
        ("guangzhou-industrial-base-output-target-usd", 100.0 / 13.79),
        ("rd-expenditure-2024-usd", 510.0 / 70.3),
    ];
    for (pair, (usd, rate)) in pairs.iter().zip(expected) {
        assert_eq!(pair["usd_observation"], usd);
        assert!(close(&pair["cny_per_usd"], rate, 1e-9), "{pair}");
    }
}
