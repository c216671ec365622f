//! Page orders read off an index: a series by period, pages by indicator, by id through a
//! concept, by period then amount, by amount within a unit, an indicator or a region, a
//! year's figures by period, a few figures by amount, and a past vintage in every order.

use gd_indicators::service::figures::Vintage;

use super::*;

/// The dashboard's query, one indicator in one region by period, is read straight from one
/// index in page order, on every page: a cursor seeks, and nothing is sorted. Ties go in
/// source order both ways, so each direction has its index (0005, 0016), walked backwards
/// before a cursor.
#[tokio::test]
async fn a_series_by_period_pages_straight_off_one_index() {
    let app = TestApp::spawn().await;
    let filter = ObservationFilter {
        indicators: vec!["technology-contract-value".to_owned()],
        regions: vec!["guangdong".to_owned()],
        ..Default::default()
    };
    for descending in [false, true] {
        for before in [None, Some(false), Some(true)] {
            let order = ObservationOrder {
                keys: vec![("period", descending)],
                keyset: before.map(|before| Keyset {
                    values: vec![json!("2020")],
                    position: 10,
                    before,
                }),
                limit: Some(PAGE),
                ..Default::default()
            };
            let plan = list_plan(&app, &filter, &order).await;
            let reads = figure_reads(&plan);
            let index = if descending {
                "observations_indicator_region_period_desc"
            } else {
                "observations_indicator_region_period"
            };
            assert!(
                reads.len() == 1
                    && reads[0].0.starts_with(&format!(
                        "SEARCH observations USING INDEX {index} (indicator_id=? AND region_id=?"
                    ))
                    && !plan.steps.iter().any(|step| step.contains("TEMP B-TREE")),
                "descending {descending}, keyset {before:?}:\n{plan}"
            );
            if before.is_some() {
                assert!(
                    reads[0].0.contains("period_sort_key"),
                    "the cursor seeks: {plan}"
                );
            }
        }
    }
}

/// A page sorted by indicator (then, ascending, by period descending) is read straight off an
/// index in page order (0010, 0016), with or without a cursor: unfiltered, it walks the index;
/// for a broad concept or topic, it seeks each of their indicators' runs in the key's order
/// rather than walking every indicator's figures. Nothing is sorted.
#[tokio::test]
async fn pages_by_indicator_read_straight_off_an_index() {
    let app = TestApp::spawn().await;
    let filters = [
        ("no filter", ObservationFilter::default()),
        (
            "concept",
            ObservationFilter {
                concepts: vec!["operating_revenue".to_owned()],
                ..Default::default()
            },
        ),
        (
            "topic",
            ObservationFilter {
                topics: vec!["innovation".to_owned()],
                ..Default::default()
            },
        ),
    ];
    let sorts: [&[(&str, bool)]; 3] = [
        &[("indicator", false)],
        &[("indicator", true)],
        &[("indicator", false), ("period", true)],
    ];
    let mut failures = Vec::new();
    for (label, filter) in &filters {
        for keys in sorts {
            for before in [None, Some(false), Some(true)] {
                let order = page_at(keys, before);
                // A total above `BROAD`, as on a million figures.
                let plan = store::query_plans::explain_page(&app.pool, filter, &order, 100_000)
                    .await
                    .unwrap();
                let reads = figure_reads(&plan);
                let seeks_its_indicators = filter.concepts.is_empty() && filter.topics.is_empty()
                    || reads.len() == 1 && reads[0].0.contains("(indicator_id=?");
                let sorted = plan.steps.iter().any(|step| step.contains("TEMP B-TREE"));
                if reads.len() != 1 || !seeks_its_indicators || sorted {
                    failures.push(format!(
                        "{label}, {keys:?}, keyset {before:?}: {reads:?}\n{plan}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A broad concept or topic sorted by id alone seeks each of its indicators' first ids after
/// the cursor on `(indicator_id, id)` (0015), up to a bound found on that index too, and sorts
/// those few: the walk of the id order read every other indicator's run between them. No step
/// scans the figures, with or without a cursor, either direction.
#[tokio::test]
async fn pages_by_id_through_a_concept_seek_each_indicators_first_ids() {
    let app = TestApp::spawn().await;
    let filters = [
        ObservationFilter {
            concepts: vec!["operating_revenue".to_owned()],
            ..Default::default()
        },
        ObservationFilter {
            topics: vec!["innovation".to_owned()],
            ..Default::default()
        },
    ];
    let mut failures = Vec::new();
    for filter in &filters {
        for descending in [false, true] {
            for before in [None, Some(false), Some(true)] {
                let order = page_at(&[("id", descending)], before);
                let plan = store::query_plans::explain_page(&app.pool, filter, &order, 100_000)
                    .await
                    .unwrap();
                let reads = figure_reads(&plan);
                let seeks = reads
                    .iter()
                    .filter(|(step, _)| step.contains("observations_indicator_id (indicator_id=?"))
                    .count();
                // The page's own rows (the bound reads the index alone).
                let page_seeks_ids = plan.steps.iter().any(|step| {
                    step.contains("USING INDEX observations_indicator_id (indicator_id=? AND id")
                });
                if !page_seeks_ids || seeks < 2 || reads.iter().any(|(_, scan)| *scan) {
                    failures.push(format!(
                        "{filter:?}, descending {descending}, keyset {before:?}: {reads:?}\n{plan}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A page by period and then by amount descending (`sort=period,-value`) reads 0019's index in
/// page order, unfiltered or from a year on (where the periods spanning into the year, few,
/// are merged in from their own index), first page or at a cursor: no period's figures are
/// sorted by amount.
#[tokio::test]
async fn pages_by_period_then_amount_read_off_one_index() {
    let app = TestApp::spawn().await;
    let filters = [
        ObservationFilter::default(),
        ObservationFilter {
            from: Some(2020),
            ..Default::default()
        },
    ];
    let mut failures = Vec::new();
    for filter in &filters {
        for before in [None, Some(false), Some(true)] {
            let order = page_at(&[("period", false), ("value", true)], before);
            let plan = store::query_plans::explain_page(&app.pool, filter, &order, 1_000_000)
                .await
                .unwrap();
            let reads = figure_reads(&plan);
            let by_index = reads
                .iter()
                .any(|(step, _)| step.contains("observations_period_value_desc"));
            // The spanning periods' part sorts its few; the page's own read never does.
            let sorted = plan
                .steps
                .iter()
                .filter(|s| s.contains("TEMP B-TREE FOR LAST"))
                .count();
            let allowed = usize::from(filter.from.is_some());
            if !by_index || sorted > allowed {
                failures.push(format!(
                    "{:?}, keyset {before:?}: {reads:?}\n{plan}",
                    filter.from
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A broad filter that holds values of its own size, sorted by value (a unit, an indicator),
/// and the multi-key sort `-region,value`: each read in page order off a composite index of
/// 0013, never a walk of `value_in_units` that checks each figure nor a sort of a region's.
#[tokio::test]
async fn value_order_within_a_unit_an_indicator_or_a_region_is_read_off_an_index() {
    let app = TestApp::spawn().await;
    let indicator = ObservationFilter {
        indicators: vec!["technology-contract-value".to_owned()],
        ..Default::default()
    };
    let unit = ObservationFilter {
        units: vec!["cny".to_owned()],
        ..Default::default()
    };
    let cases = [
        (
            &indicator,
            vec![("value", false)],
            "observations_indicator_value",
        ),
        (
            &indicator,
            vec![("value", true)],
            "observations_indicator_value",
        ),
        (&unit, vec![("value", false)], "observations_unit_value"),
        (&unit, vec![("value", true)], "observations_unit_value"),
        (
            &unit,
            vec![("region", true), ("value", false), ("id", false)],
            "observations_region_desc_value_unit",
        ),
    ];
    let mut failures = Vec::new();
    for (filter, keys, index) in cases {
        for before in [None, Some(false), Some(true)] {
            let order = page_at(&keys, before);
            let plan = store::query_plans::explain_page(&app.pool, filter, &order, 1_000_000)
                .await
                .unwrap();
            let reads = figure_reads(&plan);
            let through_index = reads.len() == 1 && reads[0].0.contains(index);
            if !through_index || sorts_everything(&plan) {
                failures.push(format!("{keys:?}, keyset {before:?}: {reads:?}\n{plan}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A broad page that walks its sort key's index past a filter the walk checks on each figure
/// (years or a concept on a page by amount; an amount, years or a unit on a page by indicator
/// then period descending) walks that order's index with the filtered columns appended
/// (0020), so the filter is checked on the index entry: `to=2000&sort=value` read 15,000
/// figures of a million for its 100, 42-60 ms. Only ties are sorted, never the whole filter.
/// An indicator's amounts keep their own index (0013), and a filter known to keep few keeps
/// its own. One indicator by region then amount seeks the indicator on (indicator, region,
/// period) (0005) and sorts each region's figures, where walking the region's amounts checked
/// the indicator on each figure (38-81 ms for a series of a million figures).
#[tokio::test]
async fn a_broad_pages_filter_is_checked_on_the_walks_index() {
    let app = TestApp::spawn().await;
    let concept: String = sqlx::query_scalar("SELECT concept FROM indicators LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let by_value = [
        ObservationFilter {
            to: Some(2000),
            ..Default::default()
        },
        ObservationFilter {
            from: Some(2020),
            ..Default::default()
        },
        ObservationFilter {
            years: vec![2019, 2021],
            regions: vec!["guangdong".to_owned()],
            ..Default::default()
        },
        ObservationFilter {
            concepts: vec![concept],
            ..Default::default()
        },
    ];
    let by_indicator_then_period = [
        ObservationFilter {
            max: Some(100.0),
            ..Default::default()
        },
        ObservationFilter {
            min: Some(1e12),
            ..Default::default()
        },
        ObservationFilter {
            units: vec!["percent".to_owned()],
            ..Default::default()
        },
        ObservationFilter {
            to: Some(2000),
            ..Default::default()
        },
    ];
    let indicator_in_years = ObservationFilter {
        indicators: vec!["technology-contract-value".to_owned()],
        to: Some(2000),
        ..Default::default()
    };
    let (value_index, indicator_index) = (
        "observations_value_indicator_years",
        "observations_indicator_period_desc_value_unit_years",
    );
    let mut cases = Vec::new();
    for filter in &by_value {
        for descending in [false, true] {
            cases.push((
                filter,
                vec![("value", descending)],
                1_000_000,
                Some(value_index),
            ));
        }
        cases.push((filter, vec![("value", false)], 10, None));
    }
    for filter in &by_indicator_then_period {
        let keys = vec![("indicator", false), ("period", true)];
        cases.push((filter, keys.clone(), 1_000_000, Some(indicator_index)));
        cases.push((filter, keys, 10, None));
    }
    cases.push((
        &indicator_in_years,
        vec![("value", false)],
        1_000_000,
        Some("observations_indicator_value"),
    ));
    // One indicator by region then amount: its figures sought in region order, each region's
    // sorted by amount, not the last region's every figure checked for the indicator.
    let one_indicator = ObservationFilter {
        indicators: vec!["technology-contract-value".to_owned()],
        ..Default::default()
    };
    for keys in [
        vec![("region", true), ("value", false), ("id", false)],
        vec![("region", false), ("value", true)],
    ] {
        cases.push((
            &one_indicator,
            keys,
            1_000_000,
            Some("observations_indicator_region_period"),
        ));
    }
    let mut failures = Vec::new();
    for (filter, keys, total, expected) in cases {
        for before in [None, Some(false), Some(true)] {
            let order = page_at(&keys, before);
            let plan = store::query_plans::explain_page(&app.pool, filter, &order, total)
                .await
                .unwrap();
            let reads = figure_reads(&plan);
            let as_expected = match expected {
                Some(index) => {
                    reads.len() == 1
                        && reads[0].0.split_whitespace().any(|word| word == index)
                        && (filter.indicators.is_empty() || !reads[0].1)
                        && !sorts_everything(&plan)
                }
                None => !reads
                    .iter()
                    .any(|(step, _)| step.contains(value_index) || step.contains(indicator_index)),
            };
            if !as_expected {
                failures.push(format!(
                    "{keys:?}, total {total}, keyset {before:?}, expected {expected:?}: \
                     {reads:?}\n{plan}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A page by period of the figures from a year on (`from`, `year`, several years), either
/// direction, first page or after a cursor, its total unknown or broad: the figures starting
/// in the first year or later are a range of the sort key's own index (seeked from the year,
/// never walked from the oldest period), merged with the periods that started before and span
/// into it, off their partial index (0014). Neither part sorts all it reads.
#[tokio::test]
async fn a_years_figures_by_period_are_a_range_of_the_sort_key_and_the_spanning_periods() {
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
            years: vec![2019, 2021],
            ..Default::default()
        },
    ];
    let mut failures = Vec::new();
    for filter in &filters {
        for descending in [false, true] {
            for before in [None, Some(false), Some(true)] {
                let order = ObservationOrder {
                    keys: vec![("period", descending)],
                    keyset: before.map(|before| Keyset {
                        values: vec![json!("2020")],
                        position: 10,
                        before,
                    }),
                    limit: Some(PAGE),
                    ..Default::default()
                };
                for total in [None, Some(1_000_000)] {
                    let plan = match total {
                        None => list_plan(&app, filter, &order).await,
                        Some(total) => {
                            store::query_plans::explain_page(&app.pool, filter, &order, total)
                                .await
                                .unwrap()
                        }
                    };
                    let starting = subtree(&plan, "LEFT")
                        .map(|part| {
                            figure_reads(&part)
                                .iter()
                                .map(|(step, _)| step.to_string())
                                .collect::<Vec<_>>()
                        })
                        .unwrap_or_default();
                    let seeks_the_year = starting.len() == 1
                        && starting[0]
                            .starts_with("SEARCH observations USING INDEX observations_period")
                        && starting[0].contains("period_sort_key>");
                    let why = spanning_page_reads_everything(&plan, true, before.is_some());
                    if !seeks_the_year || why.is_some() {
                        failures.push(format!(
                            "{:?} {:?}, descending {descending}, keyset {before:?}, total {total:?}: \
                             {why:?} {starting:?}\n{plan}",
                            filter.from, filter.years
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A page of one series (one indicator in one region) sorted by amount, or by region then
/// amount (`-region,value,id`), as stored or as money in another currency, whose total says it
/// keeps few: the series' index finds them and only they are sorted, never a walk of one
/// region's amounts checking the indicator (30,000 of a million figures; `-region,value,id`
/// took 45-50 ms), nor each unit's range of `(unit, value_in_units)`, which repeated the
/// filter per unit and read a unit holding none of its figures whole.
#[tokio::test]
async fn a_few_figures_sorted_by_amount_are_found_by_their_filter() {
    use gd_indicators::domain::analytics::conversion::{Currency, Exchange};
    let app = TestApp::spawn().await;
    let series = ObservationFilter {
        indicators: vec!["technology-contract-value".to_owned()],
        regions: vec!["guangdong".to_owned()],
        ..Default::default()
    };
    let in_dollars = ObservationFilter {
        exchange: Some(Exchange {
            to: Currency::Usd,
            cny_per_usd: 7.2,
        }),
        ..series.clone()
    };
    let sorts: BTreeSet<String> = ["value"].map(str::to_owned).into();
    let mut orders: Vec<(String, ObservationOrder)> = page_orders(&sorts)
        .into_iter()
        .filter(|(_, order)| !order.keys.is_empty())
        .collect();
    for before in [None, Some(false), Some(true)] {
        let keys = [("region", true), ("value", false), ("id", false)];
        orders.push((
            format!("sort=-region,value,id, keyset {before:?}"),
            page_at(&keys, before),
        ));
    }
    let mut failures = Vec::new();
    for (order_label, order) in orders {
        for filter in [&series, &in_dollars] {
            let plan = store::query_plans::explain_page(&app.pool, filter, &order, 10)
                .await
                .unwrap();
            let reads = figure_reads(&plan);
            // Either of the series' indexes (0005, 0016).
            let by_the_filter = reads.len() == 1
                && reads[0].0.starts_with(
                    "SEARCH observations USING INDEX observations_indicator_region_period",
                )
                && reads[0].0.contains(" (indicator_id=? AND region_id=?");
            if !by_the_filter || plan.sql.contains("o.position IN (") {
                failures.push(format!(
                    "{order_label}, {:?}: {reads:?}\n{plan}",
                    filter.exchange
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A page of a past vintage, in source order or any other, passes the figures added since
/// without reading them: the vintage, resolved as the service resolves it, carries the place
/// of the last figure added by then, and the page binds it as a number, which SQLite checks on
/// each index entry before reading the figure. The bisection that finds the place, left in
/// the statement, SQLite would check only after reading each figure.
#[tokio::test]
async fn a_past_vintages_pages_bound_their_walk_with_a_number() {
    let app = TestApp::spawn().await;
    // Between the article's first recording (2025-03-01) and its corrections (2026-12-01).
    let vintage = Vintage::of(&app.pool, Some("2025-06-01T00:00:00Z"))
        .await
        .unwrap();
    assert!(matches!(vintage, Vintage::Past { .. }));
    let filter = vintage.filter(&ObservationFilter::default()).unwrap();
    let sorts: [&[(&str, bool)]; 4] = [
        &[],
        &[("id", true)],
        &[("indicator", true)],
        &[("value", false)],
    ];
    for keys in sorts {
        let order = page_at(keys, None);
        let plan = store::query_plans::explain_page(&app.pool, &filter, &order, 1_000_000)
            .await
            .unwrap();
        let bound = if keys.is_empty() {
            "o.position <= ?"
        } else {
            "+o.position <= ?"
        };
        assert!(
            plan.sql.contains(bound) && !plan.steps.iter().any(|step| step.contains("probe")),
            "{keys:?}:\n{plan}"
        );
    }
}
