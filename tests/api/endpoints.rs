//! Every endpoint answers with the article's figures, their meaning and their provenance.

use serde_json::Value;

use crate::helpers::{by_id, ids, TestApp};
use crate::seed::{live_seed_figures, seed_table};

/// The figure with this id among a resource's `figures`.
fn figure<'a>(resource: &'a Value, id: &str) -> &'a Value {
    by_id(resource["figures"].as_array().expect("figures"), id)
}

#[tokio::test]
async fn health_and_readiness_report_the_migrations() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get_ok("/healthz").await["status"], "ok");
    let ready = app.get_ok("/readyz").await;
    assert_eq!(ready["status"], "ready");
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .count();
    assert_eq!(ready["migrations"], migrations);
}

#[tokio::test]
async fn the_index_links_to_every_collection_and_each_link_answers() {
    let app = TestApp::spawn().await;
    let index = app.get_ok("/v1").await;
    let links = index["links"].as_object().unwrap();
    assert!(links.len() >= 12, "{index}");
    for (name, link) in links {
        let link = link.as_str().unwrap();
        if name == "docs" || name == "dashboard" {
            let response = app.get(link).await;
            assert_eq!(response.status(), reqwest::StatusCode::OK);
            assert!(crate::helpers::header(&response, "content-type").starts_with("text/html"));
        } else if name == "metrics" {
            let response = app.get(link).await;
            assert_eq!(response.status(), reqwest::StatusCode::OK);
            assert!(crate::helpers::header(&response, "content-type").starts_with("text/plain"));
        } else {
            app.get_ok(link).await;
        }
    }
}

#[tokio::test]
async fn regions_form_a_tree_under_china() {
    let app = TestApp::spawn().await;
    let regions = app.get_list("/v1/regions").await;
    assert_eq!(regions.len(), seed_table("regions").len());
    let guangdong = by_id(&regions, "guangdong");
    assert_eq!(guangdong["kind"], "province");
    assert_eq!(guangdong["parent"]["id"], "china");
    assert_eq!(guangdong["parent"]["name"], "China");

    let cities = app.get_list("/v1/regions?kind=city").await;
    assert!(cities.iter().all(|city| city["kind"] == "city"));
    assert!(ids(&cities).contains(&"maoming"));

    let hengqin = app.get_ok("/v1/regions/hengqin").await;
    assert_eq!(hengqin["kind"], "cooperation_zone");
    let start = figure(&hengqin, "hengqin-gdp-span-start");
    assert_eq!(start["value"], 285);
    assert_eq!(start["scale"], "million");
    assert_eq!(start["value_in_units"], 285_000_000);
    let growth = figure(&hengqin, "hengqin-gdp-average-growth");
    assert_eq!(growth["value"], 27.4);
    assert_eq!(growth["unit"], "percent");
    assert_eq!(
        figure(&hengqin, "hengqin-gdp-growth-span")["qualifier"],
        "over"
    );

    let china = app.get_ok("/v1/regions/china").await;
    let children = china["children"].as_array().unwrap();
    assert!(ids(children).contains(&"greater-bay-area"));
}

#[tokio::test]
async fn the_nine_trillion_yuan_clusters_and_when_the_last_two_joined() {
    let app = TestApp::spawn().await;
    let clusters = app
        .get_list("/v1/clusters?group=trillion-yuan-industrial-clusters")
        .await;
    assert_eq!(clusters.len(), 9);
    assert!(clusters
        .iter()
        .all(|cluster| cluster["group"]["id"] == "trillion-yuan-industrial-clusters"));
    let automotive = by_id(&clusters, "automotive");
    assert_eq!(automotive["reached_year"], 2023);
    assert_eq!(by_id(&clusters, "new-energy")["reached_year"], 2024);
    assert_eq!(
        by_id(&clusters, "smart-home-appliances")["reached_year"],
        Value::Null
    );
    // Each carries its figures: at least 1 trillion yuan of annual operating revenue, as a
    // bound (seven clusters and automotive) or as a level (new energy's 1.1 trillion).
    for cluster in &clusters {
        let figures = cluster["figures"].as_array().unwrap();
        assert!(
            figures.iter().any(|f| ["at_least", "exact"]
                .contains(&f["qualifier"].as_str().unwrap())
                && f["value_in_units"].as_f64() >= Some(1e12)
                && f["unit"] == "cny"),
            "{}",
            cluster["id"]
        );
    }

    let new_energy = app.get_ok("/v1/clusters/new-energy").await;
    let revenue = figure(&new_energy, "new-energy-operating-revenue-2024");
    assert_eq!(revenue["value"], 1.1);
    assert_eq!(revenue["value_in_units"], 1_100_000_000_000_i64);
    assert_eq!(revenue["qualifier"], "exact");
    assert_eq!(revenue["provenance"]["cited_source"], "official data");

    let strategic = app
        .get_list("/v1/clusters?group=strategic-industry-clusters")
        .await;
    assert_eq!(strategic.len(), 7);
    assert!(ids(&strategic).contains(&"ship-and-marine-engineering"));
}

#[tokio::test]
async fn cluster_groups_carry_counts_thresholds_and_members() {
    let app = TestApp::spawn().await;
    let group = app
        .get_ok("/v1/cluster-groups/trillion-yuan-industrial-clusters")
        .await;
    assert_eq!(group["clusters"].as_array().unwrap().len(), 9);
    assert_eq!(
        figure(&group, "trillion-yuan-cluster-count-2024")["value"],
        9
    );
    assert_eq!(
        figure(&group, "trillion-yuan-cluster-count-2023")["value"],
        8
    );
    let usd = figure(&group, "cluster-revenue-threshold-trillion-yuan-usd");
    assert_eq!(usd["value"], 137.97);
    assert_eq!(usd["unit"], "usd");
    assert_eq!(
        usd["equivalent_of"],
        "cluster-revenue-threshold-trillion-yuan"
    );

    let maoming_groups = app.get_list("/v1/cluster-groups?region=maoming").await;
    assert_eq!(
        ids(&maoming_groups),
        [
            "maoming-agricultural-industry-clusters",
            "maoming-whole-industry-chains"
        ]
    );
}

#[tokio::test]
async fn revenues_filter_by_cluster_year_and_currency() {
    let app = TestApp::spawn().await;
    // One figure: the copy of the group's threshold is retracted (migration 0007).
    let new_energy = app.get_list("/v1/revenues?cluster=new-energy").await;
    assert_eq!(ids(&new_energy), ["new-energy-operating-revenue-2024"]);

    let in_2023 = app.get_list("/v1/revenues?year=2023").await;
    assert_eq!(ids(&in_2023), ["automotive-operating-revenue-2023"]);

    let dollars = app.get_list("/v1/revenues?unit=usd").await;
    let values: Vec<f64> = dollars
        .iter()
        .map(|f| f["value"].as_f64().unwrap())
        .collect();
    assert_eq!(values, [137.97, 1.38]);

    let maoming = app.get_list("/v1/revenues?region=maoming&unit=cny").await;
    assert_eq!(maoming.len(), 1);
    assert_eq!(maoming[0]["value_in_units"], 10_000_000_000_i64);
    assert_eq!(maoming[0]["qualifier"], "at_least");
}

#[tokio::test]
async fn patents_of_the_strategic_clusters_january_to_october_2024() {
    let app = TestApp::spawn().await;
    let patents = app.get_list("/v1/patents").await;
    let granted = by_id(&patents, "invention-patents-granted-2024-jan-oct");
    assert_eq!(granted["value"], 93200);
    assert_eq!(granted["period"]["kind"], "span");
    assert_eq!(granted["period"]["start"], "2024-01");
    assert_eq!(granted["period"]["end"], "2024-10");
    assert_eq!(granted["cluster_group"], "strategic-industry-clusters");
    let growth = by_id(&patents, "invention-patents-yoy-growth-2024-jan-oct");
    assert_eq!(growth["value"], 24.75);
    let infographic = by_id(
        &patents,
        "invention-patents-granted-2024-jan-oct-infographic",
    );
    assert_eq!(
        infographic["restates"],
        "invention-patents-granted-2024-jan-oct"
    );
    assert_eq!(infographic["provenance"]["section"], "Infographic");
    assert!(app.get_list("/v1/patents?year=2023").await.is_empty());
}

#[tokio::test]
async fn city_plans_hold_each_citys_targets_and_who_stated_them() {
    let app = TestApp::spawn().await;
    let plans = app.get_list("/v1/city-plans").await;
    assert_eq!(ids(&plans), ["guangzhou", "shenzhen", "maoming"]);

    let guangzhou = app.get_ok("/v1/city-plans/guangzhou").await;
    assert_eq!(guangzhou["speaker"]["name"], "Guo Yonghang");
    assert_eq!(
        guangzhou["speaker"]["title"],
        "Party secretary of Guangzhou"
    );
    let area = figure(&guangzhou, "guangzhou-industrial-base-area");
    assert_eq!(
        (area["value"].clone(), area["unit"].clone()),
        (667.into(), "hectares".into())
    );
    let output = figure(&guangzhou, "guangzhou-industrial-base-output-target");
    assert_eq!(output["qualifier"], "at_least");
    assert_eq!(output["value_in_units"], 100_000_000_000_i64);
    assert_eq!(output["period"]["kind"], "target");
    assert_eq!(
        figure(&guangzhou, "guangzhou-strategic-cluster-count")["value"],
        15
    );

    let shenzhen = app.get_ok("/v1/city-plans/shenzhen").await;
    assert_eq!(
        figure(&shenzhen, "shenzhen-strategic-cluster-count")["value"],
        20
    );
    assert_eq!(
        figure(&shenzhen, "shenzhen-future-industry-count")["value"],
        8
    );

    let maoming = app.get_ok("/v1/city-plans/maoming").await;
    let urbanization = figure(&maoming, "maoming-urbanization-rate-change-2021-2024");
    assert_eq!(urbanization["unit"], "percentage_points");
    assert_eq!(urbanization["period"]["start"], "2021");
    let chains = maoming["cluster_groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|group| group["id"] == "maoming-whole-industry-chains")
        .expect("the industry chains");
    let products: Vec<&str> = chains["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(products.len(), 6);
    assert!(products.contains(&"Lychee") && products.contains(&"Tilapia"));
    assert_eq!(
        figure(&maoming, "maoming-industry-chain-output-value-2024")["qualifier"],
        "over"
    );
}

#[tokio::test]
async fn indicators_catalogue_every_figure() {
    let app = TestApp::spawn().await;
    let indicators = app.get_list("/v1/indicators").await;
    assert_eq!(indicators.len(), seed_table("indicators").len());
    let total: i64 = indicators
        .iter()
        .map(|i| i["observation_count"].as_i64().unwrap())
        .sum();
    assert_eq!(total as usize, live_seed_figures().len());
    assert!(indicators
        .iter()
        .all(|i| i["observation_count"].as_i64() > Some(0)));

    let rd = app.get_ok("/v1/indicators/rd-expenditure").await;
    assert_eq!(rd["unit"], "cny");
    assert_eq!(
        rd["links"]["observations"],
        "/v1/indicators/rd-expenditure/observations"
    );
    let series = app
        .get_list("/v1/indicators/rd-expenditure/observations")
        .await;
    assert_eq!(series.len(), 2);
    assert_eq!(
        (series[0]["value"].clone(), series[0]["qualifier"].clone()),
        (510.into(), "about".into())
    );
    assert_eq!(series[1]["unit"], "usd");
    assert_eq!(series[1]["value"], 70.3);
    assert_eq!(series[1]["equivalent_of"], "rd-expenditure-2024");
    assert_eq!(
        series[0]["provenance"]["cited_source"],
        "Guangdong provincial government work report, 2025"
    );
    let usd_only = app
        .get_list("/v1/indicators/rd-expenditure/observations?unit=usd")
        .await;
    assert_eq!(ids(&usd_only), ["rd-expenditure-2024-usd"]);

    let marine = app.get_list("/v1/indicators?topic=marine_economy").await;
    assert_eq!(marine.len(), 3);
}

#[tokio::test]
async fn streaks_targets_and_qualifiers_keep_their_meaning() {
    let app = TestApp::spawn().await;
    let rank = app
        .get_ok("/v1/observations/marine-economy-national-rank-1995-2024")
        .await;
    assert_eq!(rank["period"]["kind"], "streak");
    assert_eq!(
        (
            rank["period"]["start"].clone(),
            rank["period"]["end"].clone()
        ),
        ("1995".into(), "2024".into())
    );
    assert_eq!(rank["unit"], "rank");
    assert_eq!(rank["provenance"]["speaker"]["name"], "Ai Xuefeng");

    let land = app
        .get_ok("/v1/observations/gba-share-of-national-land")
        .await;
    assert_eq!(land["qualifier"], "less_than");
    let caption = app
        .get_ok("/v1/observations/open-day-journalists-caption")
        .await;
    assert_eq!(caption["qualifier"], "nearly");
    assert_eq!(caption["value"], 270);
    let talent = app
        .get_ok("/v1/observations/talent-plan-graduates-target")
        .await;
    assert_eq!(talent["value_in_units"], 1_000_000);
    assert_eq!(talent["period"]["kind"], "target");

    let over = app.get_list("/v1/observations?qualifier=over").await;
    assert!(ids(&over).contains(&"technology-contract-value-2020"));
    assert!(over.iter().all(|f| f["qualifier"] == "over"));
}

#[tokio::test]
async fn every_printed_dollar_amount_points_at_its_yuan_figure() {
    let app = TestApp::spawn().await;
    let dollars = app.get_list("/v1/observations?unit=usd").await;
    let printed: Vec<f64> = dollars
        .iter()
        .map(|f| f["value"].as_f64().unwrap())
        .collect();
    assert_eq!(printed, [137.97, 70.3, 13.79, 275.86, 1.38]);
    for dollar in &dollars {
        let yuan_id = dollar["equivalent_of"].as_str().expect("equivalent_of");
        let yuan = app.get_ok(&format!("/v1/observations/{yuan_id}")).await;
        assert_eq!(yuan["unit"], "cny");
        assert_eq!(yuan["period"], dollar["period"]);
        // The article's own rates all sit between 7.24 and 7.26 yuan a dollar.
        let rate =
            yuan["value_in_units"].as_f64().unwrap() / dollar["value_in_units"].as_f64().unwrap();
        assert!((7.24..7.26).contains(&rate), "{yuan_id}: {rate}");
    }
}

#[tokio::test]
async fn sources_cite_the_stories_and_list_their_sections() {
    let app = TestApp::spawn().await;
    let sources = app.get_list("/v1/sources").await;
    assert_eq!(sources.len(), 3);
    let clusters = by_id(&sources, "gdtoday-industry-clusters");
    assert_eq!(clusters["byline"], "Hao Nan");
    assert_eq!(
        clusters["citation"],
        "Hao Nan. \"Industry clusters power province's progress\". China Daily, GD Today, 2025-03."
    );
    assert_eq!(
        by_id(&sources, "gdtoday-what-they-say")["byline"],
        Value::Null
    );

    let innovation = app.get_ok("/v1/sources/gdtoday-innovation").await;
    let sections = innovation["sections"].as_array().unwrap();
    assert!(sections.contains(&"Infographic".into()));
    assert!(innovation["figures"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["provenance"]["source"]["id"] == "gdtoday-innovation"));
}

#[tokio::test]
async fn speakers_come_with_the_figures_they_stated() {
    let app = TestApp::spawn().await;
    let speakers = app.get_list("/v1/speakers").await;
    assert_eq!(speakers.len(), seed_table("speakers").len());
    let wang = by_id(&speakers, "wang-xiongfei");
    assert_eq!(wang["title"], "Mayor of Maoming");
    assert_eq!(wang["figure_count"], 5);
    // Quoted without figures, still listed.
    assert_eq!(by_id(&speakers, "feng-xingya")["figure_count"], 0);

    let ai = app.get_ok("/v1/speakers/ai-xuefeng").await;
    let marine = figure(&ai, "marine-gdp-2024");
    assert_eq!(marine["qualifier"], "over");
    assert_eq!(marine["value_in_units"], 2_000_000_000_000_i64);
    assert_eq!(ai["figures"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn companies_and_facilities() {
    let app = TestApp::spawn().await;
    let byd = app.get_ok("/v1/companies/byd").await;
    assert_eq!(
        figure(&byd, "byd-cumulative-nev-production")["value_in_units"],
        10_000_000
    );
    assert_eq!(figure(&byd, "byd-years-to-10-million-nev")["value"], 16);
    assert_eq!(app.get_list("/v1/companies").await.len(), 4);

    let facilities = app.get_list("/v1/facilities").await;
    assert_eq!(facilities.len(), 5);
    let juno = app
        .get_ok("/v1/facilities/jiangmen-underground-neutrino-observatory")
        .await;
    assert_eq!(juno["region"]["id"], "jiangmen");
    assert_eq!(juno["speaker"]["name"], "Huang Kunming");
}
