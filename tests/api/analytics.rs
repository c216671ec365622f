//! Units and currency, derived figures, the consistency report and charts, each checked against
//! arithmetic worked by hand from the article's numbers.

use std::process::{Command, Stdio};

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{by_id, header, ids, TestApp};

/// The rate the article's marine figure implies: 2 trillion yuan printed as $275.86 billion.
const MEDIAN_RATE: f64 = 2_000.0 / 275.86; // 7.250054...

fn close(actual: &Value, expected: f64, tolerance: f64) -> bool {
    actual
        .as_f64()
        .is_some_and(|a| (a - expected).abs() <= tolerance)
}

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

#[tokio::test]
async fn transforms_of_a_series_are_derived_with_their_formula() {
    let app = TestApp::spawn().await;
    let path = "/v1/indicators/technology-contract-value/observations";
    // Over 340 billion (2020) to over 440 billion (2023), worked by hand.
    let change = app.get_list(&format!("{path}?transform=change")).await;
    assert_eq!(change.len(), 1);
    assert_eq!(change[0]["value_in_units"], 100_000_000_000_i64);
    assert_eq!(change[0]["formula"], "440000000000 - 340000000000");
    assert_eq!(change[0]["period"]["start"], "2020");
    assert_eq!(change[0]["period"]["end"], "2023");
    assert_eq!(
        change[0]["qualifier"], "indeterminate",
        "two lower bounds bound no difference"
    );
    assert_eq!(
        change[0]["derived_from"],
        serde_json::json!([
            "technology-contract-value-2020",
            "technology-contract-value-2023"
        ])
    );

    let pct = app.get_list(&format!("{path}?transform=pct_change")).await;
    assert!(close(&pct[0]["value"], (440.0 / 340.0 - 1.0) * 100.0, 1e-6)); // 29.4118
    assert_eq!(pct[0]["unit"], "percent");

    let cagr = app.get_list(&format!("{path}?transform=cagr")).await;
    let expected = ((440.0_f64 / 340.0).powf(1.0 / 3.0) - 1.0) * 100.0; // 8.9744
    assert!(close(&cagr[0]["value"], expected, 1e-6), "{}", cagr[0]);
    assert!(cagr[0]["formula"].as_str().unwrap().contains("^(1/3)"));

    let level = app.get_list(&format!("{path}?transform=level")).await;
    assert_eq!(
        ids(&level),
        [
            "technology-contract-value-2020",
            "technology-contract-value-2023"
        ]
    );

    // Two clusters are two series: no growth from one cluster to another, and a report date
    // (as_of) is not a period to grow from.
    let revenue = app
        .get_list("/v1/indicators/cluster-operating-revenue/observations?transform=pct_change")
        .await;
    assert!(revenue.is_empty(), "{revenue:?}");
    let count_change = app
        .get_list("/v1/indicators/trillion-yuan-cluster-count/observations?transform=change")
        .await;
    assert_eq!(count_change[0]["value"], 1);
    assert_eq!(count_change[0]["qualifier"], "exact");
    app.get_problem(&format!("{path}?transform=log"), StatusCode::BAD_REQUEST)
        .await;
}

#[tokio::test]
async fn figures_the_source_implies_are_served_as_derived() {
    let app = TestApp::spawn().await;
    let derived = app.get_list("/v1/derived").await;
    assert!(derived.iter().all(|d| d["derived_from"].is_array()));
    // 14.5 trillion in 2024, 3.7 trillion more than in 2018: 10.8 trillion in 2018.
    let gba_2018 = by_id(
        &derived,
        "gba-economic-aggregate-change-2018-2024-implied-start",
    );
    assert_eq!(gba_2018["value_in_units"], 10_800_000_000_000_i64);
    assert_eq!(gba_2018["period"]["start"], "2018");
    // One-ninth of the national economy: 14.5 × 9 = 130.5 trillion.
    let national = by_id(
        &derived,
        "gba-share-of-national-economy-implied-national-total",
    );
    assert_eq!(national["value_in_units"], 130_500_000_000_000_i64);
    // About one-fifth (15 to 25 %): over 2 trillion / 0.2 = 10 trillion, known only to be
    // more than 2 / 0.25 = 8 trillion.
    let marine = by_id(
        &derived,
        "marine-gdp-national-share-2024-implied-national-total",
    );
    assert_eq!(marine["value_in_units"], 10_000_000_000_000_i64);
    assert_eq!(marine["qualifier"], "indeterminate");
    assert_eq!(marine["bounds"]["lower"]["value"], 8);
    // 93,200 after a 24.75% rise: 93,200 / 1.2475 = 74,709.42, so about 74,709 a year earlier.
    let patents = by_id(
        &derived,
        "invention-patents-granted-2024-jan-oct-implied-previous",
    );
    assert_eq!(patents["value"], 74_709);
    assert_eq!(patents["qualifier"], "about");
    assert_eq!(
        national["qualifier"], "about",
        "one-ninth is a rounded share"
    );
    assert_eq!(patents["period"]["start"], "2023-01");
    assert_eq!(patents["period"]["end"], "2023-10");
}

#[tokio::test]
async fn the_consistency_report_flags_the_articles_own_contradictions() {
    let app = TestApp::spawn().await;
    let report = app.get_ok("/v1/consistency").await;
    let checks = report["checks"].as_array().unwrap();
    let summary = &report["summary"];
    assert_eq!(summary["checks"], checks.len());
    let total = ["consistent", "inconsistent", "unverifiable"]
        .iter()
        .map(|k| summary[k].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(total as usize, checks.len());

    // Hengqin: 285 million to 53.8 billion is ×188.77; over 15 years that is
    // 188.77^(1/15) - 1 = 41.8% a year, not the stated 27.4% (which needs 21.6 years).
    let hengqin = by_id(checks, "average-growth-hengqin-gdp-average-growth");
    assert_eq!(hengqin["verdict"], "inconsistent");
    let ratio: f64 = 53.8e9 / 285e6;
    assert!(close(
        &hengqin["implied"],
        (ratio.powf(1.0 / 15.0) - 1.0) * 100.0,
        1e-4
    ));
    assert!(hengqin["explanation"]
        .as_str()
        .unwrap()
        .contains("21.6 years"));

    // The lead's rate (1000/137.97 = 7.2480) is not the marine figure's (7.2501): at the
    // median rate, 1 trillion yuan is $137.93 billion, 0.04 off the printed 137.97.
    let lead = by_id(
        checks,
        "conversion-cluster-revenue-threshold-trillion-yuan-usd",
    );
    assert_eq!(lead["verdict"], "inconsistent");
    assert!(close(&lead["implied"], 1000.0 / MEDIAN_RATE, 1e-4));
    assert!(close(
        &lead["difference"],
        137.97 - 1000.0 / MEDIAN_RATE,
        1e-4
    ));
    for consistent in [
        "conversion-rd-expenditure-2024-usd",
        "conversion-marine-gdp-2024-usd",
        "conversion-guangzhou-industrial-base-output-target-usd",
        "conversion-maoming-agricultural-cluster-revenue-threshold-2024-usd",
        "count-trillion-yuan-cluster-count-2024",
        "count-trillion-yuan-cluster-count-2023",
        "count-trillion-yuan-clusters-besides-auto-and-new-energy",
        "repeat-open-day-journalists-caption",
        "repeat-invention-patents-granted-2024-jan-oct-infographic",
    ] {
        assert_eq!(
            by_id(checks, consistent)["verdict"],
            "consistent",
            "{consistent}"
        );
    }
    let nine = by_id(checks, "count-trillion-yuan-cluster-count-2024");
    assert_eq!(
        (nine["stated"].clone(), nine["implied"].clone()),
        (9.into(), 9.into())
    );
    // Claims nothing else in the article can check say so, and why.
    for unverifiable in checks.iter().filter(|c| c["verdict"] == "unverifiable") {
        assert!(unverifiable["stated"].is_null());
        assert!(!unverifiable["explanation"].as_str().unwrap().is_empty());
    }
    assert_eq!(
        by_id(checks, "count-guangzhou-strategic-cluster-count")["verdict"],
        "unverifiable"
    );
    assert_eq!(summary["inconsistent"], 2);
}

/// Figures an import links to others: a dollar equivalent of the Greater Bay Area's 14.5
/// trillion yuan, an infographic's repeat of R&D spending and a count of clusters for 2022;
/// and the marine dollar figure, whose rate was the median, retracted.
fn linked_figures() -> String {
    let figure = |cells: &'static [(&'static str, &'static str)]| (cells[0].1, cells);
    crate::imports::seed_csv(&[
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
        &app.get_ok(rd).await["value"],
        510.0 / MEDIAN_RATE,
        1e-4
    ));

    let output = crate::generate::generate(&app, &["--observations", "1000"]).await;
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    for (path, before) in analytics.iter().zip(&before) {
        assert_eq!(&app.get_ok(path).await, before, "{path}");
    }

    crate::imports::import_text(&app, "links.csv", &linked_figures())
        .await
        .expect("the linked figures import");
    // 10/1.38 = 7.24638, 1000/137.97 = 7.24795, 14.5/2 = 7.25, 100/13.79 = 7.25163 and
    // 510/70.3 = 7.25462: the new pair is the median.
    let rate = app.get_ok("/v1/exchange-rate").await;
    assert!(close(&rate["cny_per_usd"], 7.25, 1e-9), "{rate}");
    let pairs: Vec<&str> = (rate["pairs"].as_array().unwrap().iter())
        .map(|pair| pair["usd_observation"].as_str().unwrap())
        .collect();
    assert!(
        pairs.contains(&"gba-economic-aggregate-2024-usd"),
        "{pairs:?}"
    );
    assert!(!pairs.contains(&"marine-gdp-2024-usd"), "{pairs:?}");
    assert_eq!(pairs.len(), 5);
    let converted = app.get_ok(rd).await;
    assert!(
        close(&converted["value"], 510.0 / 7.25, 1e-6),
        "{converted}"
    );
    assert!(close(&converted["conversion"]["cny_per_usd"], 7.25, 1e-9));
    let source = app
        .get_ok("/v1/sources/gdtoday-innovation?currency=USD")
        .await;
    let figure = by_id(source["figures"].as_array().unwrap(), "rd-expenditure-2024");
    assert!(close(&figure["value"], 510.0 / 7.25, 1e-6), "{figure}");

    let report = app.get_ok("/v1/consistency").await;
    let checks = report["checks"].as_array().unwrap();
    assert_eq!(
        by_id(checks, "conversion-gba-economic-aggregate-2024-usd")["verdict"],
        "consistent",
        "the median pair agrees with the median"
    );
    assert_eq!(
        by_id(checks, "repeat-rd-expenditure-2024-infographic")["verdict"],
        "consistent"
    );
    // Seven named members had reached a trillion yuan by 2022: all but automotive (2023) and
    // new energy (2024).
    let count = by_id(checks, "count-trillion-yuan-cluster-count-2022");
    assert_eq!(
        (&count["stated"], &count["implied"]),
        (&7.into(), &7.into())
    );
    assert!(!checks
        .iter()
        .any(|check| check["id"] == "conversion-marine-gdp-2024-usd"));
    let checks_before = before[1]["summary"]["checks"].as_u64().unwrap();
    assert_eq!(report["summary"]["checks"], checks_before + 2);
}

#[test]
fn the_check_command_prints_the_report_and_fails_on_contradictions() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_gd-indicators"))
        .args(["check", "--database-url"])
        .arg(dir.path().join("check.db"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "inconsistent data exits 1");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("Consistency of the source: "), "{text}");
    assert!(text.contains("2 inconsistent"), "{text}");
    assert!(
        text.contains("INCONSISTENT  an average annual growth rate of 27.4 percent"),
        "{text}"
    );
    assert!(
        text.contains("Exchange rate: 7.2501 yuan per dollar"),
        "{text}"
    );
}

#[tokio::test]
async fn a_chart_has_a_title_units_labels_marks_a_source_and_one_bar_per_period() {
    let app = TestApp::spawn().await;
    let response = app
        .get("/v1/indicators/technology-contract-value/chart.svg?width=800&height=500")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header(&response, "content-type"),
        "image/svg+xml; charset=utf-8"
    );
    let svg = response.text().await.unwrap();
    let document = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("800"));
    assert_eq!(root.attribute("height"), Some("500"));
    let texts: Vec<String> = root
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().trim().to_owned())
        .collect();
    for expected in [
        "Value of registered technology contracts — Guangdong",
        "billion yuan",
        "2020",
        "2023",
        ">340",
        ">440",
    ] {
        assert!(
            texts.iter().any(|t| t == expected),
            "'{expected}' in {texts:?}"
        );
    }
    assert!(texts.iter().any(|t| t.starts_with("Source: China Daily")));
    let bars = root
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("#1F77B4"))
        .count();
    assert_eq!(bars, 2, "one bar per period");

    // A single figure is one bar of positive width, with its qualifier marked.
    let about = app.get("/v1/indicators/rd-expenditure/chart.svg").await;
    let svg = about.text().await.unwrap();
    assert!(svg.contains("≈510"), "the qualifier is marked");
    let document = roxmltree::Document::parse(&svg).unwrap();
    let widths: Vec<f64> = document
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("#1F77B4"))
        .map(|n| n.attribute("width").unwrap().parse().unwrap())
        .collect();
    assert_eq!(widths.len(), 1);
    assert!(widths[0] > 50.0, "{widths:?}");

    // Bars of different clusters are numbered and keyed by cluster and date.
    let clusters = app
        .get("/v1/indicators/cluster-operating-revenue/chart.svg")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        clusters.contains("1 automotive 2023;"),
        "a key names each bar"
    );
    // Money is drawn in the scale of its largest figure: 0.285 and 53.8 billion yuan.
    let hengqin = app
        .get("/v1/indicators/hengqin-gdp/chart.svg")
        .await
        .text()
        .await
        .unwrap();
    assert!(hengqin.contains("0.285") && hengqin.contains("billion yuan"));
    // A rank is a position, not a quantity.
    app.get_problem(
        "/v1/indicators/marine-economy-national-rank/chart.svg",
        StatusCode::BAD_REQUEST,
    )
    .await;

    app.get_problem("/v1/indicators/atlantis/chart.svg", StatusCode::NOT_FOUND)
        .await;
    app.get_problem(
        "/v1/indicators/rd-expenditure/chart.svg?width=5",
        StatusCode::BAD_REQUEST,
    )
    .await;
}
