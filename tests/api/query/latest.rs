//! `latest=N`: the last N figures of each series (one subject at one frequency, as the
//! transforms read series), as the World Bank's `mrv` gives them.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{ids, TestApp};

/// A month count of `text` (`2024` or `2024-03`): its first month, or with `last` its last.
fn month(text: &str, last: bool) -> Option<i64> {
    let year: i64 = text.get(..4)?.parse().ok()?;
    let month: i64 = match text.get(4..)? {
        "" if last => 12,
        "" => 1,
        rest => rest.strip_prefix('-')?.parse().ok()?,
    };
    Some(year * 12 + month - 1)
}

/// A figure's series, if it is a point of one: its subject and frequency (the length of its
/// period in months, and where in the year it starts modulo that), and the month it starts.
fn series_point(figure: &Value) -> Option<(String, (i64, i64), i64)> {
    let kind = figure["period"]["kind"].as_str()?;
    if !["year", "span"].contains(&kind)
        || !figure["equivalent_of"].is_null()
        || !figure["restates"].is_null()
    {
        return None;
    }
    let at = |key: &str| figure["period"][key].as_str();
    let (start, end) = match (at("start"), at("end")) {
        (Some(start), Some(end)) => (start, end),
        (Some(one), None) | (None, Some(one)) if kind == "year" => (one, one),
        _ => return None,
    };
    let (first, last) = (month(start, false)?, month(end, true)?);
    let length = last - first + 1;
    let step = (1..=12).rev().find(|d| length % d == 0 && 12 % d == 0)?;
    let subject = ["cluster", "cluster_group", "company", "city_plan"]
        .iter()
        .fold(
            format!("{} {}", figure["indicator"]["id"], figure["region"]["id"]),
            |subject, key| format!("{subject} {}", figure[key]),
        );
    Some((subject, (length, first.rem_euclid(12) % step), first))
}

/// Checks that `latest` holds, of every series among `all`, its `n` latest points and no
/// other figure.
fn assert_latest_of_each_series(all: &[Value], latest: &[Value], n: usize) {
    let mut series: BTreeMap<(String, (i64, i64)), Vec<i64>> = BTreeMap::new();
    for figure in all {
        if let Some((subject, frequency, start)) = series_point(figure) {
            series.entry((subject, frequency)).or_default().push(start);
        }
    }
    let mut kept: BTreeMap<(String, (i64, i64)), Vec<i64>> = BTreeMap::new();
    for figure in latest {
        let (subject, frequency, start) =
            series_point(figure).unwrap_or_else(|| panic!("a point of a series: {figure}"));
        kept.entry((subject, frequency)).or_default().push(start);
    }
    assert_eq!(kept.len(), series.len(), "every series, and only those");
    for (key, mut starts) in series {
        starts.sort_unstable_by(|a, b| b.cmp(a));
        starts.truncate(n);
        let mut got = kept.remove(&key).unwrap_or_default();
        got.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(got, starts, "{key:?}");
    }
}

#[tokio::test]
async fn latest_keeps_the_last_figures_of_each_series_of_the_article() {
    let app = TestApp::spawn().await;
    let contracts = "/v1/indicators/technology-contract-value/observations";
    let last = app.get_list(&format!("{contracts}?latest=1")).await;
    assert_eq!(ids(&last), ["technology-contract-value-2023"]);
    let both = app.get_list(&format!("{contracts}?latest=2")).await;
    assert_eq!(
        ids(&both),
        [
            "technology-contract-value-2020",
            "technology-contract-value-2023"
        ]
    );

    let all = app.get_list("/v1/observations?limit=1000").await;
    for n in [1, 2] {
        let latest = app
            .get_list(&format!("/v1/observations?latest={n}&limit=1000"))
            .await;
        assert!(latest.len() < all.len(), "targets and repeats are left out");
        assert_latest_of_each_series(&all, &latest, n);
    }
    // With a filter and a sort, paged like any list.
    let page = app
        .get_page::<Value>("/v1/observations?latest=1&region=guangdong&sort=-period&limit=2")
        .await;
    assert_eq!(page.data.len(), 2);
    assert!(page.links.next.is_some());
    let first = page.data[0]["period"]["start"].as_str().unwrap();
    let second = page.data[1]["period"]["start"].as_str().unwrap();
    assert!(first >= second, "{first} {second}");
}

#[tokio::test]
async fn latest_keeps_the_last_figures_of_each_series_of_a_generated_database() {
    let app = TestApp::spawn().await;
    let output = app
        .generate(&["--observations", "900", "--seed", "5"])
        .await;
    assert!(output.status.success(), "{output:?}");
    let all = app
        .get_list("/v1/observations?source=synthetic&limit=1000")
        .await;
    assert!(all.len() > 800, "{}", all.len());
    let latest = app
        .get_list("/v1/observations?source=synthetic&latest=3&limit=1000")
        .await;
    assert!(!latest.is_empty() && latest.len() < all.len());
    assert_latest_of_each_series(&all, &latest, 3);
}

#[tokio::test]
async fn latest_is_bounded_and_refused_by_name() {
    let app = TestApp::spawn().await;
    for (path, detail) in [
        (
            "/v1/observations?latest=0",
            "latest: 0 is not a whole number of figures from 1 to 100.",
        ),
        (
            "/v1/observations?latest=101",
            "latest: 101 is not a whole number of figures from 1 to 100.",
        ),
        (
            "/v1/observations?latest=last",
            "latest: 'last' is not a finite number. Give plain units, e.g. 1000000000000 for \
             1 trillion yuan.",
        ),
    ] {
        let problem = app.get_problem(path, StatusCode::BAD_REQUEST).await;
        assert_eq!(problem.parameter(), "latest", "{path}");
        assert_eq!(problem.detail, detail, "{path}");
    }
    let problem = app
        .get_problem(
            "/v1/indicators/technology-contract-value/observations?latest=1&transform=change",
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(problem.parameter(), "latest");
    let problem = app
        .get_problem(
            "/v1/observations?latest=1&facets=region",
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(problem.parameter(), "facets");
    let problem = app
        .get_problem("/v1/export?latest=1", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem.parameter(), "latest");
}
