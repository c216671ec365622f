//! Filters: several values, ranges, a region with everything inside it, and combined with a
//! sort.

use std::collections::{BTreeSet, HashSet};

use reqwest::StatusCode;

use crate::helpers::{header, ids, live_seed_figures, seed_table, Csv, Figure, TestApp};

#[tokio::test]
async fn trillion_yuan_figures_of_2024_for_guangdong_or_the_bay_area_largest_first_as_csv() {
    let app = TestApp::spawn().await;
    let path = "/v1/observations?region=guangdong,greater-bay-area&year=2024&unit=cny\
                &min=1000000000000&sort=-value&format=csv";
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, "content-type").starts_with("text/csv"));
    assert_eq!(
        header(&response, "content-disposition"),
        "attachment; filename=\"gd-indicators-observations.csv\""
    );
    let csv = Csv::parse(&response.text().await.unwrap());
    // The export's flat columns, stored ones first: the file imports back.
    assert_eq!(&csv.columns[..3], ["id", "indicator_id", "region_id"]);
    let (region, value, unit, start, end) = (
        csv.column("region_id"),
        csv.column("value_in_units"),
        csv.column("unit"),
        csv.column("period_start"),
        csv.column("period_end"),
    );
    let rows = &csv.rows;
    let values: Vec<f64> = rows.iter().map(|r| r[value].parse().unwrap()).collect();
    assert_eq!(values[0], 14.5e12, "the Bay Area's 2024 aggregate leads");
    assert!(
        values.windows(2).all(|w| w[0] >= w[1]),
        "largest first: {values:?}"
    );
    assert!(values.iter().all(|v| *v >= 1e12));
    for row in rows {
        assert!(["guangdong", "greater-bay-area"].contains(&row[region].as_str()));
        assert_eq!(row[unit], "cny");
        assert!(
            row[start].as_str() <= "2024" && row[end].as_str() >= "2024",
            "{row:?}"
        );
    }
    let found: HashSet<&str> = csv.cells("id").into_iter().collect();
    for expected in [
        "gba-economic-aggregate-2024",
        "marine-gdp-2024",
        "new-energy-operating-revenue-2024",
    ] {
        assert!(found.contains(expected), "{expected} in {found:?}");
    }
    // Hengqin's and the automotive cluster's figures are outside the region or the year.
    assert!(!found.contains("automotive-operating-revenue-2023"));
}

#[tokio::test]
async fn filters_take_several_values_and_ranges() {
    let app = TestApp::spawn().await;
    let both = app
        .get_figures("/v1/observations?region=hengqin&region=maoming")
        .await;
    assert!(both.iter().any(|f| f.region.id == "hengqin"));
    assert!(both.iter().any(|f| f.region.id == "maoming"));
    assert!(both
        .iter()
        .all(|f| ["hengqin", "maoming"].contains(&f.region.id.as_str())));

    let contracts = app
        .get_list("/v1/observations?indicator=technology-contract-value&from=2021&to=2023")
        .await;
    assert_eq!(ids(&contracts), ["technology-contract-value-2023"]);

    let small = app
        .get_figures("/v1/observations?unit=percent&max=10&qualifier=exact,about")
        .await;
    assert!(!small.is_empty());
    assert!(small.iter().all(|f| f.value.f64() <= 10.0
        && f.unit == "percent"
        && ["exact", "about"].contains(&f.qualifier.as_str())));

    let years = app.get_list("/v1/observations?year=2020,2023").await;
    assert!(ids(&years).contains(&"technology-contract-value-2020"));
    assert!(ids(&years).contains(&"automotive-operating-revenue-2023"));
}

/// Words of an enumeration are read in any case and answered as the API spells them: lower
/// case, but ISO 4217 currency codes in capitals; `unit=USD` and `currency=usd` both work.
#[tokio::test]
async fn enumerated_values_are_read_in_any_case_and_answered_in_one() {
    let app = TestApp::spawn().await;
    for (any_case, documented) in [
        (
            "/v1/observations?unit=USD,Cny&qualifier=AT_LEAST",
            "/v1/observations?unit=usd,cny&qualifier=at_least",
        ),
        (
            "/v1/observations?currency=usd&scale=Billion",
            "/v1/observations?currency=USD&scale=billion",
        ),
        (
            "/v1/indicators/technology-contract-value/observations?transform=CAGR",
            "/v1/indicators/technology-contract-value/observations?transform=cagr",
        ),
        ("/v1/regions?kind=City", "/v1/regions?kind=city"),
    ] {
        let (asked, answered) = (app.get_ok(any_case).await, app.get_ok(documented).await);
        assert!(
            !answered["data"].as_array().unwrap().is_empty(),
            "{documented}"
        );
        assert_eq!(asked["data"], answered["data"], "{any_case}");
    }
    let dollars = app.get_figures("/v1/observations?currency=usd").await;
    assert!(dollars
        .iter()
        .filter(|f| f.currency.is_some())
        .all(|f| f.unit == "usd" && f.currency.as_deref() == Some("USD")));
    let response = app.get("/v1/regions?format=CSV").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, "content-type").starts_with("text/csv"));
    // A word in no case is still refused, with the words in the API's spelling.
    let problem = app
        .get_problem("/v1/observations?currency=eur", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(
        problem.detail,
        "currency: 'eur' is not accepted. Accepted values: CNY, USD."
    );
}

/// The regions inside `region` by the seed alone, itself included: its children, a grouping's
/// members, and what is inside those, to any depth.
fn seed_regions_inside(region: &str) -> BTreeSet<String> {
    let links: Vec<(String, String)> = seed_table("regions")
        .into_iter()
        .filter(|row| !row["parent_id"].is_empty())
        .map(|row| (row["parent_id"].clone(), row["id"].clone()))
        .chain(
            seed_table("region_members")
                .into_iter()
                .map(|row| (row["region_id"].clone(), row["member_id"].clone())),
        )
        .collect();
    let mut inside = BTreeSet::from([region.to_owned()]);
    loop {
        let more: Vec<String> = links
            .iter()
            .filter(|(outer, inner)| inside.contains(outer) && !inside.contains(inner))
            .map(|(_, inner)| inner.clone())
            .collect();
        if more.is_empty() {
            return inside;
        }
        inside.extend(more);
    }
}

#[tokio::test]
async fn within_reads_the_figures_of_a_region_and_of_everything_inside_it() {
    let app = TestApp::spawn().await;
    let figures = live_seed_figures();
    for region in [
        "china",
        "guangdong",
        "greater-bay-area",
        "zhuhai",
        "hengqin",
        "maoming",
    ] {
        let inside = seed_regions_inside(region);
        let mut expected: Vec<&str> = figures
            .iter()
            .filter(|figure| inside.contains(&figure["region_id"]))
            .map(|figure| figure["id"].as_str())
            .collect();
        let path = format!("/v1/observations?within={region}&limit=1000");
        let listed = app.get_figures(&path).await;
        let mut got: Vec<&str> = listed.iter().map(|f| f.id.as_str()).collect();
        expected.sort();
        got.sort();
        assert_eq!(got, expected, "{path}");
    }
    // Guangdong's own figures and its cities' and Hengqin's; not the Bay Area's as a whole.
    let guangdong = app
        .get_figures("/v1/observations?within=guangdong&limit=1000")
        .await;
    let regions: BTreeSet<&str> = guangdong.iter().map(|f| f.region.id.as_str()).collect();
    for region in ["guangdong", "guangzhou", "shenzhen", "maoming", "hengqin"] {
        assert!(regions.contains(region), "{region} in {regions:?}");
    }
    assert!(!regions.contains("greater-bay-area"));
    let own = app
        .get_figures("/v1/observations?region=guangdong&limit=1000")
        .await;
    assert!(own.len() < guangdong.len());
    assert!(own.iter().all(|f| f.region.id == "guangdong"));
    // The Bay Area's: its own, its members' and Hengqin's (inside Zhuhai), not Maoming's.
    let area = app
        .get_figures("/v1/observations?within=greater-bay-area&limit=1000")
        .await;
    let regions: BTreeSet<&str> = area.iter().map(|f| f.region.id.as_str()).collect();
    assert!(regions.contains("greater-bay-area") && regions.contains("hengqin"));
    assert!(!regions.contains("maoming") && !regions.contains("guangdong"));
}

#[tokio::test]
async fn within_combines_with_the_other_filters_and_refuses_an_unknown_region() {
    let app = TestApp::spawn().await;
    // And: Shenzhen's figures, which are inside Guangdong.
    let both = app
        .get_figures("/v1/observations?region=shenzhen&within=guangdong")
        .await;
    let shenzhen = app.get_figures("/v1/observations?region=shenzhen").await;
    assert!(!shenzhen.is_empty());
    assert_eq!(both, shenzhen);
    assert!(app
        .get_figures("/v1/observations?region=maoming&within=greater-bay-area")
        .await
        .is_empty());
    // Several regions: either.
    let either = app
        .get_page::<Figure>("/v1/observations?within=zhuhai,maoming")
        .await;
    let zhuhai = app
        .get_page::<Figure>("/v1/observations?within=zhuhai")
        .await;
    let maoming = app
        .get_page::<Figure>("/v1/observations?within=maoming")
        .await;
    assert_eq!(either.meta.total, zhuhai.meta.total + maoming.meta.total);
    // The same on every figure list, the export included.
    let csv = app.get_csv("/v1/export?within=zhuhai&format=csv").await;
    assert_eq!(csv.rows.len(), zhuhai.meta.total);
    let problem = app
        .get_problem("/v1/observations?within=atlantis", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem.parameter(), "within");
    assert!(problem.detail.contains("atlantis"), "{}", problem.detail);
}

#[tokio::test]
async fn a_filter_takes_at_most_fifty_values_counting_repeats() {
    let app = TestApp::spawn().await;
    let fifty = vec!["guangdong"; 50].join(",");
    let figures = app
        .get_list(&format!("/v1/observations?region={fifty}&limit=1000"))
        .await;
    assert!(!figures.is_empty());
    assert!(figures.iter().all(|f| f["region"]["id"] == "guangdong"));
    let problem = app
        .get_problem(
            &format!("/v1/observations?region={fifty},guangdong"),
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(problem.parameter(), "region");
    assert_eq!(problem.detail, "region: 51 values; give at most 50.");
}
