//! Money compared in another currency (`?currency=`): its candidates are found through
//! indexes, in a region too.

use super::*;

/// Money compared in another currency (`?currency=` with `sort=value`, `min` or `max`) is
/// converted and rounded, which no index holds: a page sorted by it finds its candidates unit
/// by unit on `(unit, value_in_units)` (0013) and sorts only those, and a bound finds its
/// figures on `value_in_units` within the rounding's margin. No step walks every figure, on
/// the first page or at a cursor, whatever the total.
#[tokio::test]
async fn money_in_another_currency_is_found_through_indexes() {
    use gd_indicators::domain::analytics::conversion::{Currency, Exchange};
    let app = TestApp::spawn().await;
    let mut failures = Vec::new();
    for to in [Currency::Usd, Currency::Cny] {
        let exchange = Some(Exchange {
            to,
            cny_per_usd: 7.2,
        });
        let filters = [
            ObservationFilter {
                exchange,
                ..Default::default()
            },
            ObservationFilter {
                exchange,
                min: Some(1e12),
                ..Default::default()
            },
            ObservationFilter {
                exchange,
                min: Some(-5.0),
                max: Some(1e6),
                units: vec!["cny".to_owned(), "count".to_owned()],
                ..Default::default()
            },
        ];
        let sorts: BTreeSet<String> = ["value", "period", "id"].map(str::to_owned).into();
        for filter in &filters {
            let bounded = filter.min.is_some();
            for (order_label, order) in page_orders(&sorts) {
                let by_value = order.keys.first().is_some_and(|(name, _)| *name == "value");
                if !by_value && !bounded {
                    continue;
                }
                // A bound keeps few of a million figures (a trillion dollars and up), or many.
                for total in [10, 1_000_000] {
                    if !by_value && total > 10 {
                        continue;
                    }
                    let plan = store::query_plans::explain_page(&app.pool, filter, &order, total)
                        .await
                        .unwrap();
                    let label = format!("{to:?} {filter:?}, {order_label}, total {total}");
                    let walks: Vec<_> = figure_reads(&plan)
                        .into_iter()
                        .filter(|(_, scan)| *scan)
                        .collect();
                    if !walks.is_empty() || not_flattened(&plan) {
                        failures.push(format!("{label}: {walks:?}\n{plan}"));
                    }
                    if by_value
                        && !plan
                            .steps
                            .iter()
                            .any(|step| step.contains("observations_unit_value (unit=?"))
                    {
                        failures.push(format!("{label}: not by unit and value\n{plan}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Sorted by region and then by money in another currency (`currency=USD&sort=-region,value,id`),
/// a page finds its first region's candidates in two groups, the other currency's figures and
/// the rest, each a seek into that region's amounts on 0018's index, which holds the unit,
/// rather than sorting every figure of the region by the amount presented: first page or at a
/// cursor, either direction.
#[tokio::test]
async fn a_region_by_money_in_another_currency_seeks_its_candidates_in_that_region() {
    use gd_indicators::domain::analytics::conversion::{Currency, Exchange};
    let app = TestApp::spawn().await;
    let filter = ObservationFilter {
        exchange: Some(Exchange {
            to: Currency::Usd,
            cny_per_usd: 7.2,
        }),
        ..Default::default()
    };
    let seek = "observations_region_desc_value_unit (region_id=?";
    let mut failures = Vec::new();
    for keys in [
        vec![("region", true), ("value", false), ("id", false)],
        vec![("region", false), ("value", true)],
    ] {
        for before in [None, Some(false), Some(true)] {
            let order = page_at(&keys, before);
            let plan = store::query_plans::explain_page(&app.pool, &filter, &order, 1_000_000)
                .await
                .unwrap();
            // Each group's `limit`-th amount, then its candidates up to it: four seeks.
            let seeks = plan.steps.iter().filter(|step| step.contains(seek)).count();
            if seeks < 4 || not_flattened(&plan) {
                failures.push(format!("{keys:?}, keyset {before:?}\n{plan}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
