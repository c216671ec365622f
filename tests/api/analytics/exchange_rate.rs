//! `/v1/exchange-rate`: the rate the article's own pairs of figures imply.

use super::{close, MEDIAN_RATE};
use crate::helpers::{ExchangeRate, TestApp};

#[tokio::test]
async fn the_exchange_rate_is_the_median_of_the_articles_own_pairs() {
    let app = TestApp::spawn().await;
    let rate: ExchangeRate = app.get_json("/v1/exchange-rate").await;
    // Hand-worked: 1000/137.97 = 7.24795, 510/70.3 = 7.25462, 100/13.79 = 7.25163,
    // 2000/275.86 = 7.25005, 10/1.38 = 7.24638; sorted, the middle one is 7.25005.
    assert!(close(rate.cny_per_usd, MEDIAN_RATE, 1e-9), "{rate:?}");
    assert!(rate.method.contains("median of the 5"), "{}", rate.method);
    let expected = [
        (
            "maoming-agricultural-cluster-revenue-threshold-2024",
            10.0 / 1.38,
        ),
        ("cluster-revenue-threshold-trillion-yuan", 1000.0 / 137.97),
        ("marine-gdp-2024", 2000.0 / 275.86),
        ("guangzhou-industrial-base-output-target", 100.0 / 13.79),
        ("rd-expenditure-2024", 510.0 / 70.3),
    ];
    assert_eq!(rate.pairs.len(), expected.len());
    for (pair, (yuan, rate)) in rate.pairs.iter().zip(expected) {
        assert_eq!(pair.cny_observation, yuan);
        assert_eq!(pair.usd_observation, format!("{yuan}-usd"));
        assert!(close(pair.cny_per_usd, rate, 1e-9), "{pair:?}");
    }
}
