//! Keyset paging: `limit`, and `links.next` / `links.prev` (and the `Link` header) that walk a
//! sorted list once, in order, both ways.

use serde_json::Value;

use crate::helpers::{header, ids, live_seed_figures, read, Figure, List, TestApp};

#[tokio::test]
async fn page_two_of_the_indicator_list_three_per_page() {
    let app = TestApp::spawn().await;
    let everything = app.get_list("/v1/indicators?limit=1000").await;
    let first: List<Value> = app.get_page("/v1/indicators?limit=3").await;
    assert_eq!(first.meta.total, everything.len());
    assert_eq!(first.meta.limit, Some(3));
    assert_eq!(first.links.prev, None);
    let next = first.links.next.as_deref().expect("a next page");

    let response = app.get(next).await;
    let link = header(&response, "link");
    let second: List<Value> = read(&response.text().await.unwrap(), next);
    assert_eq!(ids(&second.data), ids(&everything[3..6]));
    assert!(
        link.contains("rel=\"next\"") && link.contains("rel=\"prev\""),
        "{link}"
    );
    assert_eq!(second.meta.count, 3);
    assert_eq!(second.links.self_link, next);

    let back: List<Value> = app
        .get_page(second.links.prev.as_deref().expect("a previous page"))
        .await;
    assert_eq!(back.data, first.data);
}

#[tokio::test]
async fn walking_every_page_of_a_sorted_list_sees_each_figure_once_in_order() {
    let app = TestApp::spawn().await;
    let all = app.get_figures("/v1/observations?sort=-value,period").await;
    let mut seen: Vec<Figure> = Vec::new();
    let mut next = Some("/v1/observations?sort=-value,period&limit=7".to_owned());
    let mut pages = 0;
    while let Some(path) = next {
        let page: List<Figure> = app.get_page(&path).await;
        seen.extend(page.data);
        next = page.links.next;
        pages += 1;
    }
    assert_eq!(pages, all.len().div_ceil(7));
    assert_eq!(seen, all, "the pages hold the list, figure for figure");
    let values: Vec<f64> = all.iter().map(|f| f.value_in_units.f64()).collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]));
    assert_eq!(all.len(), live_seed_figures().len());
}

/// The seeks return exactly the pages: for every sort, one key or two in mixed directions, and
/// with filters that seek, walk, or are told apart by `likelihood`, walking `next` links visits
/// the whole list once in order, and walking `prev` links back visits it in reverse.
#[tokio::test]
async fn cursors_walk_every_sorted_list_forward_and_back() {
    let app = TestApp::spawn().await;
    let sorts = [
        "",
        "id",
        "-id",
        "period",
        "-period",
        "value",
        "-value",
        "indicator",
        "-indicator",
        "region",
        "-region",
        "indicator,-period",
        "-region,value,id",
    ];
    for filter in ["", "region=guangdong", "unit=cny", "year=2023,2024"] {
        for sort in sorts {
            let sort = if sort.is_empty() {
                String::new()
            } else {
                format!("sort={sort}")
            };
            let list = |limit: usize| {
                let parameters: Vec<String> = [filter, &sort, &format!("limit={limit}")]
                    .into_iter()
                    .filter(|parameter| !parameter.is_empty())
                    .map(str::to_owned)
                    .collect();
                format!("/v1/observations?{}", parameters.join("&"))
            };
            let query = list(1000);
            let all = app.get_list(&query).await;
            // Forward by `next`, and back by `prev` to the same figures (`every_page`).
            let forward = every_page(&app, list(4)).await;
            assert_eq!(ids(&forward), ids(&all), "{query}: forward");
        }
    }
}

/// Every page of a list sorted by money presented in another currency, or bounded by it: the
/// amounts are converted and rounded (so a figure's rank by amount presented is not its rank
/// by `value_in_units`), and a page is found among candidates read off an index of
/// `value_in_units`, within the rounding's margin. Walking `next` and then `prev` links must
/// still visit exactly the figures the amounts presented select, in their order (ties in
/// source order), on a generated database with a few thousand figures of every unit.
#[tokio::test]
async fn pages_sorted_or_bounded_by_money_in_another_currency_are_the_amounts_order() {
    let app = TestApp::spawn().await;
    let output = app
        .generate(&["--observations", "2500", "--seed", "7"])
        .await;
    assert!(output.status.success(), "{output:?}");
    let amount = |figure: &Value| figure["value_in_units"].as_f64().expect("an amount");
    for currency in ["USD", "CNY"] {
        let source_order = every_page(
            &app,
            format!("/v1/observations?currency={currency}&limit=1000"),
        )
        .await;
        let converted = source_order
            .iter()
            .filter(|figure| figure["conversion"].is_object())
            .count();
        // Yuan are most of the money generated, dollars a few.
        let least = if currency == "USD" { 100 } else { 1 };
        assert!(converted >= least, "{currency}: {converted} converted");
        for (min, max) in [
            (None, None),
            (Some(5e7), None),
            (Some(10.0), None),
            (None, Some(1000.0)),
            (None, Some(-0.5)),
            (Some(-1000.0), Some(2e9)),
        ] {
            let bounds: String = [("min", min), ("max", max)]
                .iter()
                .filter_map(|(name, bound)| bound.map(|bound| format!("&{name}={bound}")))
                .collect();
            // What the bounds keep, checked here on the amounts presented.
            let kept: Vec<Value> = source_order
                .iter()
                .filter(|figure| min.is_none_or(|min| amount(figure) >= min))
                .filter(|figure| max.is_none_or(|max| amount(figure) <= max))
                .cloned()
                .collect();
            assert!(kept.len() > 5, "{bounds}: {}", kept.len());
            let bounded = every_page(
                &app,
                format!("/v1/observations?currency={currency}{bounds}&limit=1000"),
            )
            .await;
            assert_eq!(ids(&bounded), ids(&kept), "{currency}{bounds}");
            for (sort, descending, by_id) in [
                ("value", false, false),
                ("-value", true, false),
                ("-value,id", true, true),
            ] {
                let mut expected = kept.clone();
                expected.sort_by(|a, b| by_amount(a, b, descending, by_id));
                let query = format!("/v1/observations?currency={currency}{bounds}&sort={sort}");
                let paged = every_page(&app, format!("{query}&limit=9")).await;
                assert_same_figures(&query, &paged, &expected);
            }
        }
    }
}

/// Every figure of a list, page by page from `first` along `next` links; then back along
/// `prev` links from the last page, which must visit the same figures in the same order.
async fn every_page(app: &TestApp, first: String) -> Vec<Value> {
    let mut figures: Vec<Value> = Vec::new();
    let mut next = Some(first.clone());
    let mut last = None;
    while let Some(path) = next {
        let page: List<Value> = app.get_page(&path).await;
        figures.extend(page.data.iter().cloned());
        next = page.links.next.clone();
        last = Some(page);
    }
    let mut backward: Vec<Value> = Vec::new();
    let mut page = last.expect("a last page");
    loop {
        backward.splice(0..0, page.data.iter().cloned());
        match page.links.prev.as_deref() {
            Some(prev) => page = app.get_page(prev).await,
            None => break,
        }
    }
    assert!(ids(&backward) == ids(&figures), "backward from {first}");
    figures
}

/// Two figures in the order of the amounts presented (`value_in_units` in the currency asked
/// for), either way, ties by id when `by_id` (otherwise left in the order they came).
fn by_amount(a: &Value, b: &Value, descending: bool, by_id: bool) -> std::cmp::Ordering {
    let amount = |figure: &Value| figure["value_in_units"].as_f64().expect("an amount");
    let order = amount(a).total_cmp(&amount(b));
    let order = if descending { order.reverse() } else { order };
    if by_id {
        order.then_with(|| a["id"].as_str().cmp(&b["id"].as_str()))
    } else {
        order
    }
}

/// That `paged` holds the figures of `expected`, in its order: where they part, if they do.
fn assert_same_figures(query: &str, paged: &[Value], expected: &[Value]) {
    let (paged, expected) = (ids(paged), ids(expected));
    let first_difference = paged.iter().zip(&expected).position(|(a, b)| a != b);
    assert!(
        paged.len() == expected.len() && first_difference.is_none(),
        "{query}: {} figures for {}, first apart at {first_difference:?}",
        paged.len(),
        expected.len()
    );
}

/// Sorted by region and then by money in another currency, a list whose total says it keeps
/// many figures (more than `BROAD`) finds each page's figures of its first region among that
/// region's candidates, and sorts those of the regions after it whole. Walking `next` and
/// then `prev` links, 200 at a time across a dozen generated regions of about 960 figures
/// each (every page but a few crosses into the next region or starts at a cursor), must
/// visit exactly the figures in region order, then the amounts presented, then id.
#[tokio::test]
async fn a_broad_list_by_region_then_money_in_another_currency_is_the_amounts_order() {
    let app = TestApp::spawn().await;
    let output = app
        .generate(&["--observations", "12000", "--seed", "7"])
        .await;
    assert!(output.status.success(), "{output:?}");
    let region = |figure: &Value| figure["region"]["id"].as_str().map(str::to_owned);
    for currency in ["USD", "CNY"] {
        let source_order = every_page(
            &app,
            format!("/v1/observations?currency={currency}&limit=1000"),
        )
        .await;
        assert!(source_order.len() > 12_000, "{}", source_order.len());
        for (sort, regions_descending, descending, by_id) in [
            ("-region,value,id", true, false, true),
            ("region,-value", false, true, false),
        ] {
            let mut expected = source_order.clone();
            expected.sort_by(|a, b| {
                let regions = region(a).cmp(&region(b));
                let regions = if regions_descending {
                    regions.reverse()
                } else {
                    regions
                };
                regions.then_with(|| by_amount(a, b, descending, by_id))
            });
            let query = format!("/v1/observations?currency={currency}&sort={sort}");
            let paged = every_page(&app, format!("{query}&limit=200")).await;
            assert_same_figures(&query, &paged, &expected);
        }
    }
}

/// A page by period of the figures from a year on (`from`, `year`) that keep many figures is the
/// merge of those whose period starts in that year or later and those that started before and
/// span into it. Read as the service reads a broad filter's pages (its total said a million),
/// page after page by keyset in both directions, it holds exactly the figures of the plan a
/// narrow filter gets (found and sorted), the spanning ones among them (a rank from 1995 to
/// 2024, a change from 2018 to 2024), in period order with ties in source order.
#[tokio::test]
async fn a_years_figures_by_period_hold_the_periods_spanning_into_it_in_order() {
    use gd_indicators::store::figures::{
        observations_page, Keyset, ObservationFilter, ObservationOrder,
    };
    let app = TestApp::spawn().await;
    let filters = [
        ObservationFilter {
            from: Some(2020),
            ..Default::default()
        },
        ObservationFilter {
            years: vec![2020],
            ..Default::default()
        },
        ObservationFilter {
            years: vec![2019, 2022],
            ..Default::default()
        },
        ObservationFilter {
            from: Some(2018),
            to: Some(2024),
            ..Default::default()
        },
    ];
    for filter in &filters {
        for descending in [false, true] {
            let read = |keyset: Option<Keyset>, matching: usize| {
                let order = ObservationOrder {
                    keys: vec![("period", descending)],
                    keyset,
                    limit: Some(3),
                    ..Default::default()
                };
                let pool = app.pool.clone();
                async move {
                    let mut page = observations_page(&pool, filter, &order, Some(matching))
                        .await
                        .unwrap();
                    if order.keyset.as_ref().is_some_and(|keyset| keyset.before) {
                        page.reverse();
                    }
                    page
                }
            };
            let sorted = {
                let order = ObservationOrder {
                    keys: vec![("period", descending)],
                    ..Default::default()
                };
                observations_page(&app.pool, filter, &order, Some(10))
                    .await
                    .unwrap()
            };
            let label = format!(
                "{:?} {:?}, descending {descending}",
                filter.from, filter.years
            );
            let keys: Vec<(String, i64)> = sorted
                .iter()
                .map(|figure| (figure.period_sort_key.clone(), figure.position))
                .collect();
            let mut expected = keys.clone();
            expected.sort_by(|a, b| {
                let by_period = if descending {
                    b.0.cmp(&a.0)
                } else {
                    a.0.cmp(&b.0)
                };
                by_period.then(a.1.cmp(&b.1))
            });
            assert_eq!(keys, expected, "{label}: the narrow plan's order");
            assert!(
                sorted
                    .iter()
                    .any(|figure| figure.id == "marine-economy-national-rank-1995-2024"),
                "{label}: a period spanning into the years is kept"
            );
            let keyset = |figure: &gd_indicators::domain::figure::Observation, before| Keyset {
                values: vec![serde_json::json!(figure.period_sort_key)],
                position: figure.position,
                before,
            };
            let mut forward = Vec::new();
            let mut page = read(None, 1_000_000).await;
            while let Some(last) = page.last() {
                forward.extend(page.iter().map(|figure| figure.id.clone()));
                page = read(Some(keyset(last, false)), 1_000_000).await;
            }
            let ids: Vec<String> = sorted.iter().map(|figure| figure.id.clone()).collect();
            assert_eq!(forward, ids, "{label}: forward");
            let mut backward: Vec<String> = Vec::new();
            let mut page = read(Some(keyset(sorted.last().unwrap(), true)), 1_000_000).await;
            backward.push(sorted.last().unwrap().id.clone());
            while let Some(first) = page.first() {
                backward.splice(0..0, page.iter().map(|figure| figure.id.clone()));
                page = read(Some(keyset(first, true)), 1_000_000).await;
            }
            assert_eq!(backward, ids, "{label}: backward");
        }
    }
}

/// A topic's or a concept's figures by id, read as the service reads a broad filter's pages
/// (its total said a million): each indicator's first ids after the cursor, up to the nearest
/// indicator's `limit`-th, found and sorted. Page after page by keyset in both directions, and
/// with a second filter that the bound must apply too (a unit, a region), it holds exactly the figures
/// of the plan a narrow filter gets, in id order.
#[tokio::test]
async fn a_topics_figures_by_id_page_through_each_indicators_first_ids() {
    use gd_indicators::store::figures::{
        observations_page, Keyset, ObservationFilter, ObservationOrder,
    };
    let app = TestApp::spawn().await;
    // Beijing's, Tianjin's and some of Hebei's figures of eight indicators of `industry`, whose
    // ids run indicator by indicator, region by region.
    let output = app
        .generate(&["--observations", "2500", "--seed", "7"])
        .await;
    assert!(output.status.success(), "{output:?}");
    let filters = [
        (
            ObservationFilter {
                topics: vec!["industry".to_owned()],
                ..Default::default()
            },
            40,
        ),
        (
            ObservationFilter {
                concepts: vec!["gdp".to_owned(), "operating_revenue".to_owned()],
                ..Default::default()
            },
            40,
        ),
        (
            ObservationFilter {
                topics: vec!["innovation".to_owned()],
                units: vec!["percent".to_owned(), "rank".to_owned()],
                ..Default::default()
            },
            3,
        ),
        // Within an indicator, ids run region by region in name order: Hebei's lie between
        // Beijing's and Tianjin's, at neither end of the indicator's ids.
        (
            ObservationFilter {
                topics: vec!["industry".to_owned()],
                regions: vec!["synthetic-hebei".to_owned()],
                ..Default::default()
            },
            40,
        ),
    ];
    for (filter, limit) in &filters {
        for descending in [false, true] {
            let order = |keyset: Option<Keyset>, limit: Option<usize>| ObservationOrder {
                keys: vec![("id", descending)],
                keyset,
                limit,
                ..Default::default()
            };
            let sorted = observations_page(&app.pool, filter, &order(None, None), Some(10))
                .await
                .unwrap();
            let label = format!(
                "{:?} {:?} {:?} {:?}, descending {descending}",
                filter.topics, filter.concepts, filter.units, filter.regions
            );
            assert!(sorted.len() > 8, "{label}: {} figures", sorted.len());
            let ids: Vec<String> = sorted.iter().map(|figure| figure.id.clone()).collect();
            let mut expected = ids.clone();
            expected.sort();
            if descending {
                expected.reverse();
            }
            assert_eq!(ids, expected, "{label}: the narrow plan's order");
            let read = |keyset: Option<Keyset>| {
                let order = order(keyset, Some(*limit));
                let pool = app.pool.clone();
                async move {
                    let mut page = observations_page(&pool, filter, &order, Some(1_000_000))
                        .await
                        .unwrap();
                    if order.keyset.as_ref().is_some_and(|keyset| keyset.before) {
                        page.reverse();
                    }
                    page
                }
            };
            let keyset = |figure: &gd_indicators::domain::figure::Observation, before| Keyset {
                values: vec![serde_json::json!(figure.id)],
                position: figure.position,
                before,
            };
            let mut forward = Vec::new();
            let mut page = read(None).await;
            while let Some(last) = page.last() {
                forward.extend(page.iter().map(|figure| figure.id.clone()));
                page = read(Some(keyset(last, false))).await;
            }
            assert_eq!(forward, ids, "{label}: forward");
            let mut backward: Vec<String> = Vec::new();
            let mut page = read(Some(keyset(sorted.last().unwrap(), true))).await;
            backward.push(sorted.last().unwrap().id.clone());
            while let Some(first) = page.first() {
                backward.splice(0..0, page.iter().map(|figure| figure.id.clone()));
                page = read(Some(keyset(first, true))).await;
            }
            assert_eq!(backward, ids, "{label}: backward");
        }
    }
}
