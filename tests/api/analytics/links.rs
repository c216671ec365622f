//! The analytics follow the links between figures, including those an import adds.

use super::{close, unrounded, MEDIAN_RATE};
use crate::helpers::{by_id, figures_of, read_value, ConsistencyReport, ExchangeRate, TestApp};

/// Figures an import links to others: a dollar equivalent of the Greater Bay Area's 14.5
/// trillion yuan, an infographic's repeat of R&D spending and a count of clusters for 2022;
/// and the marine dollar figure, whose rate was the median, retracted.
fn linked_figures() -> String {
    let figure = |cells: &'static [(&'static str, &'static str)]| (cells[0].1, cells);
    crate::helpers::seed_csv(&[
        figure(&[
            ("id", "gba-economic-aggregate-2024-usd"),
            ("indicator_id", "gba-economic-aggregate"),
            ("region_id", "greater-bay-area"),
            ("value", "2"),
            ("scale", "trillion"),
            ("unit", "usd"),
            ("qualifier", "about"),
            ("stated", "$2 trillion"),
            ("period_kind", "year"),
            ("period_start", "2024"),
            ("period_end", "2024"),
            ("period_label", "2024"),
            ("equivalent_of", "gba-economic-aggregate-2024"),
            ("source_id", "gdtoday-industry-clusters"),
            ("section", "Greater Bay Area"),
        ]),
        figure(&[
            ("id", "rd-expenditure-2024-infographic"),
            ("indicator_id", "rd-expenditure"),
            ("region_id", "guangdong"),
            ("value", "510"),
            ("scale", "billion"),
            ("unit", "cny"),
            ("qualifier", "about"),
            ("stated", "510 billion yuan"),
            ("period_kind", "year"),
            ("period_start", "2024"),
            ("period_end", "2024"),
            ("period_label", "2024"),
            ("restates", "rd-expenditure-2024"),
            ("source_id", "gdtoday-innovation"),
            ("section", "Infographic"),
        ]),
        figure(&[
            ("id", "trillion-yuan-cluster-count-2022"),
            ("indicator_id", "trillion-yuan-cluster-count"),
            ("region_id", "guangdong"),
            ("cluster_group_id", "trillion-yuan-industrial-clusters"),
            ("value", "7"),
            ("scale", "unit"),
            ("unit", "count"),
            ("qualifier", "exact"),
            ("stated", "seventh trillion-yuan cluster"),
            ("period_kind", "year"),
            ("period_start", "2022"),
            ("period_end", "2022"),
            ("period_label", "2022"),
            ("source_id", "gdtoday-industry-clusters"),
            ("section", "Trillion-yuan clusters"),
        ]),
        figure(&[
            ("id", "marine-gdp-2024-usd"),
            ("action", "retract"),
            ("reason", "a test of the rate"),
        ]),
    ])
}

/// The analytics read the figures their claims involve, found through the links between
/// figures, not every figure: synthetic figures, which link to nothing, change no answer; the
/// links an import adds are followed by the first request after it, rate and conversions
/// included (the rate is kept per data version).
#[tokio::test]
async fn the_analytics_follow_the_links_between_figures_and_nothing_else() {
    let app = TestApp::spawn().await;
    let analytics = ["/v1/exchange-rate", "/v1/consistency", "/v1/derived"];
    let mut before = Vec::new();
    for path in analytics {
        before.push(app.get_ok(path).await);
    }
    let rd = "/v1/observations/rd-expenditure-2024?currency=USD";
    assert!(close(
        unrounded(&app.get_figure(rd).await),
        510.0 / MEDIAN_RATE,
        1e-4
    ));

    let output = app.generate(&["--observations", "1000"]).await;
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    for (path, before) in analytics.iter().zip(&before) {
        assert_eq!(&app.get_ok(path).await, before, "{path}");
    }

    app.import("links.csv", &linked_figures())
        .await
        .expect("the linked figures import");
    // 10/1.38 = 7.24638, 1000/137.97 = 7.24795, 14.5/2 = 7.25, 100/13.79 = 7.25163 and
    // 510/70.3 = 7.25462: the new pair is the median.
    let rate: ExchangeRate = app.get_json("/v1/exchange-rate").await;
    assert!(close(rate.cny_per_usd, 7.25, 1e-9), "{rate:?}");
    let pairs: Vec<&str> = (rate.pairs.iter())
        .map(|pair| pair.usd_observation.as_str())
        .collect();
    assert!(
        pairs.contains(&"gba-economic-aggregate-2024-usd"),
        "{pairs:?}"
    );
    assert!(!pairs.contains(&"marine-gdp-2024-usd"), "{pairs:?}");
    assert_eq!(pairs.len(), 5);
    let converted = app.get_figure(rd).await;
    assert!(
        close(unrounded(&converted), 510.0 / 7.25, 1e-6),
        "{converted:?}"
    );
    let conversion = converted.conversion.expect("converted");
    assert!(close(conversion.cny_per_usd, 7.25, 1e-9));
    let source = app
        .get_ok("/v1/sources/gdtoday-innovation?currency=USD")
        .await;
    let figures = figures_of(&source);
    let figure = by_id(&figures, "rd-expenditure-2024");
    assert!(close(unrounded(figure), 510.0 / 7.25, 1e-6), "{figure:?}");

    let report: ConsistencyReport = app.get_json("/v1/consistency").await;
    let checks = &report.checks;
    assert_eq!(
        by_id(checks, "conversion-gba-economic-aggregate-2024-usd").verdict,
        "consistent",
        "the median pair agrees with the median"
    );
    assert_eq!(
        by_id(checks, "repeat-rd-expenditure-2024-infographic").verdict,
        "consistent"
    );
    // Seven named members had reached a trillion yuan by 2022: all but automotive (2023) and
    // new energy (2024).
    let count = by_id(checks, "count-trillion-yuan-cluster-count-2022");
    assert_eq!(count.stated.clone().unwrap(), 7);
    assert_eq!(count.implied.clone().unwrap(), 7);
    assert!(!checks
        .iter()
        .any(|check| check.id == "conversion-marine-gdp-2024-usd"));
    let checks_before: ConsistencyReport = read_value(&before[1]);
    assert_eq!(report.summary.checks, checks_before.summary.checks + 2);
}
