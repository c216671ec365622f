//! `currency=` and `scale=`: money converted at the stated rate, on every endpoint that returns it.

use reqwest::StatusCode;
use serde_json::Value;

use super::{close, unrounded, MEDIAN_RATE};
use crate::helpers::{by_id, figures_of, ids, read_value, Figure, TestApp};

#[tokio::test]
async fn money_converts_between_currencies_and_scales_with_the_rate_stated() {
    let app = TestApp::spawn().await;
    let rd = app
        .get_figure("/v1/observations/rd-expenditure-2024?currency=USD")
        .await;
    assert_eq!(rd.qualifier, "about");
    // 510,000,000,000 / 7.250054 = 70,344,300,000 dollars; 510 is stated to the ten billion
    // (2 digits), so the dollars are shown to 3: 70.3 billion, as the article prints them.
    assert_eq!(rd.unit, "usd");
    assert_eq!(rd.currency.as_deref(), Some("USD"));
    assert_eq!(rd.scale, "billion");
    assert_eq!(rd.value, 70.3);
    assert_eq!(rd.value_in_units, 70_300_000_000_i64);
    assert!(close(unrounded(&rd), 510.0 / MEDIAN_RATE, 1e-6), "{rd:?}");
    let conversion = rd
        .conversion
        .expect("a converted figure says what was stated");
    assert_eq!(conversion.stated_value.unwrap(), 510);
    assert_eq!(conversion.stated_scale.as_deref(), Some("billion"));
    assert_eq!(conversion.stated_unit.as_deref(), Some("cny"));
    assert!(close(conversion.cny_per_usd, MEDIAN_RATE, 1e-9));
    assert!(conversion.rate_method.unwrap().contains("median of the 5"));

    // Back from a printed dollar amount: 275.86 billion × 7.250054 = 2 trillion yuan.
    let marine = app
        .get_figure("/v1/observations/marine-gdp-2024-usd?currency=CNY&scale=trillion")
        .await;
    assert_eq!(
        (marine.unit.as_str(), marine.scale.as_str()),
        ("cny", "trillion")
    );
    assert!(close(marine.value.f64(), 2.0, 1e-6), "{marine:?}");
    let conversion = marine.conversion.expect("converted");
    assert_eq!(conversion.stated_value.unwrap(), 275.86);
    assert_eq!(conversion.stated_unit.as_deref(), Some("usd"));

    // Without a scale, a converted figure reads at the largest scale that keeps it at 1 or
    // more: 1 trillion yuan (1 digit) is $137.93 billion, shown as 140 billion.
    let lead = app
        .get_figure("/v1/observations/cluster-revenue-threshold-trillion-yuan?currency=USD")
        .await;
    assert_eq!((lead.value.f64(), lead.scale.as_str()), (140.0, "billion"));
    assert!(
        close(unrounded(&lead), 1000.0 / MEDIAN_RATE, 1e-6),
        "{lead:?}"
    );
    let lead = app
        .get_figure(
            "/v1/observations/cluster-revenue-threshold-trillion-yuan?currency=USD&scale=trillion",
        )
        .await;
    assert_eq!((lead.value.f64(), lead.scale.as_str()), (0.14, "trillion"));

    // Scale alone: 14.5 trillion is 14,500,000 million, with no rate involved.
    let gba = app
        .get_figure("/v1/observations/gba-economic-aggregate-2024?scale=million")
        .await;
    assert_eq!(gba.value, 14_500_000);
    let conversion = gba
        .conversion
        .expect("a change of scale says what was stated");
    assert_eq!(conversion.stated_value.unwrap(), 14.5);
    assert_eq!(conversion.stated_scale.as_deref(), Some("trillion"));
    assert_eq!(conversion.stated_unit.as_deref(), Some("cny"));
    assert_eq!(
        (
            conversion.cny_per_usd,
            conversion.rate_method,
            conversion.unrounded_value
        ),
        (None, None, None),
        "no rate involved, nothing rounded"
    );

    // Non-money figures are untouched; a list converts every money figure on it.
    let count = app
        .get_figure("/v1/observations/high-tech-enterprises-2024?currency=USD")
        .await;
    assert_eq!(count.value, 77000);
    assert_eq!(count.conversion, None);
    assert_eq!(
        count,
        app.get_figure("/v1/observations/high-tech-enterprises-2024")
            .await,
        "the figure as stored"
    );
    let revenues = app
        .get_figures("/v1/revenues?currency=USD&scale=billion")
        .await;
    assert!(revenues
        .iter()
        .all(|r| r.unit == "usd" && r.scale == "billion"));
    let automotive = by_id(&revenues, "automotive-operating-revenue-2023");
    assert_eq!(automotive.value, 140);
    assert!(close(unrounded(automotive), 1000.0 / MEDIAN_RATE, 1e-6));

    let problem = app
        .get_problem("/v1/revenues?currency=EUR", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem.parameter(), "currency");
}

/// Every figure anywhere in `body`: each object with a figure's `value_in_units` and
/// `provenance`, read whole.
fn figures_in(body: &Value) -> Vec<Figure> {
    match body {
        Value::Object(members)
            if members.contains_key("value_in_units") && members.contains_key("provenance") =>
        {
            vec![read_value(body)]
        }
        Value::Object(members) => members.values().flat_map(figures_in).collect(),
        Value::Array(items) => items.iter().flat_map(figures_in).collect(),
        _ => Vec::new(),
    }
}

#[tokio::test]
async fn every_endpoint_that_returns_money_converts_it() {
    let app = TestApp::spawn().await;
    // 1.1 trillion yuan / 7.250054 = 151.723 billion dollars.
    let cluster = app
        .get_ok("/v1/clusters/new-energy?currency=USD&scale=billion")
        .await;
    let figures = figures_of(&cluster);
    let revenue = by_id(&figures, "new-energy-operating-revenue-2024");
    assert_eq!(revenue.unit, "usd");
    assert_eq!(revenue.qualifier, "about", "exact yuan, estimated dollars");
    // 1.1 trillion yuan (2 digits) / 7.250054 = 151.72 billion dollars: 152.
    assert_eq!(revenue.value, 152, "{revenue:?}");
    assert!(
        close(unrounded(revenue), 1100.0 / MEDIAN_RATE, 1e-6),
        "{revenue:?}"
    );

    let plan = app.get_ok("/v1/city-plans/guangzhou?scale=trillion").await;
    let figures = figures_of(&plan);
    let target = by_id(&figures, "guangzhou-industrial-base-output-target");
    assert_eq!(
        (target.value.f64(), target.scale.as_str()),
        (0.1, "trillion")
    );
    let hectares = by_id(&figures, "guangzhou-industrial-base-area");
    assert_eq!(hectares.value, 667, "not money: unchanged");

    // Each converts every money figure it serves, and says from what and at which rate.
    for path in [
        "/v1/observations?currency=USD",
        "/v1/clusters?currency=USD",
        "/v1/cluster-groups?currency=USD",
        "/v1/city-plans?currency=USD",
        "/v1/regions/greater-bay-area?currency=USD",
        "/v1/speakers/ai-xuefeng?currency=USD",
        "/v1/sources/gdtoday-innovation?currency=USD",
        "/v1/cluster-groups/trillion-yuan-industrial-clusters?currency=USD",
    ] {
        let body = app.get_ok(path).await;
        assert!(
            !body.to_string().contains("\"unit\":\"cny\""),
            "{path} still has yuan"
        );
        let figures = figures_in(&body);
        let converted: Vec<&Figure> = (figures.iter())
            .filter(|figure| figure.conversion.is_some())
            .collect();
        assert!(!converted.is_empty(), "{path} converts no figure");
        for figure in converted {
            let conversion = figure.conversion.as_ref().unwrap();
            assert_eq!(figure.unit, "usd", "{path}: {figure:?}");
            assert_eq!(conversion.stated_unit.as_deref(), Some("cny"), "{path}");
            assert!(close(conversion.cny_per_usd, MEDIAN_RATE, 1e-9), "{path}");
        }
    }
    // The export's rows are flat: the same conversion, in columns.
    let export = app.get_list("/v1/export?currency=USD").await;
    assert!(
        !export.iter().any(|row| row["unit"] == "cny"),
        "the export still has yuan"
    );
    let converted: Vec<&Value> = (export.iter())
        .filter(|row| row["stated_unit"] == "cny")
        .collect();
    assert!(!converted.is_empty(), "the export converts no figure");
    for row in converted {
        assert_eq!(row["unit"], "usd", "{row}");
        assert!(
            close(row["cny_per_usd"].as_f64(), MEDIAN_RATE, 1e-9),
            "{row}"
        );
    }
    // The companies' figures hold no money: a scale leaves every one as it is.
    assert_eq!(
        app.get_ok("/v1/companies?scale=million").await["data"],
        app.get_ok("/v1/companies").await["data"],
    );

    let problem = app
        .get_problem(
            "/v1/regions/guangdong?currency=EUR",
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(problem.parameter(), "currency");
}

/// With a currency asked for, `sort=value`, `min` and `max` compare the amounts as presented:
/// printed dollars and converted yuan alike in dollars, converted ones as rounded. So the
/// printed $137.97 billion sorts below the four trillion-yuan thresholds' $140 billion (1
/// trillion yuan, stated to one digit, is $137.93 billion shown to two), pages follow that
/// order across cursors, and the export agrees. Without a currency, yuan and dollars compare
/// as stated, as before.
#[tokio::test]
async fn sort_min_and_max_compare_money_as_presented() {
    let app = TestApp::spawn().await;
    let path = "/v1/revenues?currency=USD&sort=-value&limit=1000";
    let revenues = app.get_figures(path).await;
    let shown: Vec<f64> = revenues.iter().map(|f| f.value_in_units.f64()).collect();
    assert!(
        shown.windows(2).all(|w| w[0] >= w[1]),
        "largest first, as shown: {shown:?}"
    );
    assert_eq!(
        revenues[0].id, "new-energy-operating-revenue-2024",
        "$152 billion"
    );
    let place = |id: &str| revenues.iter().position(|f| f.id == id).unwrap();
    let printed = place("cluster-revenue-threshold-trillion-yuan-usd");
    let converted = place("cluster-revenue-threshold-trillion-yuan");
    assert!(converted < printed, "$140 billion before $137.97 billion");
    assert_eq!(revenues[converted].value, 140);
    assert_eq!(revenues[printed].value, 137.97);

    // Page by page, two at a time, the same order.
    let mut paged = Vec::new();
    let mut next = Some("/v1/revenues?currency=USD&sort=-value&limit=2".to_owned());
    while let Some(url) = next {
        let page = app.get_page::<crate::helpers::Figure>(&url).await;
        paged.extend(page.data.into_iter().map(|f| f.id));
        next = page.links.next;
    }
    assert_eq!(paged, ids(&revenues));
    let exported = app
        .get_list("/v1/export?concept=operating_revenue&currency=USD&sort=-value")
        .await;
    assert_eq!(ids(&exported), ids(&revenues), "the export sorts alike");

    // At least $138 billion: the converted thresholds, not the printed $137.97 billion.
    let large = app
        .get_figures("/v1/revenues?currency=USD&min=138000000000&limit=1000")
        .await;
    assert!(ids(&large).contains(&"cluster-revenue-threshold-trillion-yuan"));
    assert!(!ids(&large).contains(&"cluster-revenue-threshold-trillion-yuan-usd"));
    assert!(large.iter().all(|f| f.value_in_units.f64() >= 138e9));
    // At most $1.39 billion: the printed $1.38 billion, not Maoming's converted $1.4 billion.
    let small = app
        .get_figures("/v1/revenues?currency=USD&max=1390000000&limit=1000")
        .await;
    assert_eq!(
        ids(&small),
        ["maoming-agricultural-cluster-revenue-threshold-2024-usd"]
    );
    // Without a currency, amounts compare as stated: 1 trillion yuan is at least 200
    // billion; in dollars it is not.
    let path = "/v1/revenues?min=200000000000&limit=1000";
    let stated = app.get_figures(path).await;
    assert!(ids(&stated).contains(&"cluster-revenue-threshold-trillion-yuan"));
    let dollars = app.get_figures(&format!("{path}&currency=USD")).await;
    assert!(dollars.is_empty(), "{:?}", ids(&dollars));
}
