//! Query power: filters, sorting, keyset pages, sparse fields, CSV, search, export, caching,
//! compression, CORS and the OpenAPI document, each as an analyst or a dashboard uses them.

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{by_id, header, ids, TestApp};
use crate::seed::{live_seed_figures, seed_table};

fn csv_rows(body: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

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
    let (columns, rows) = csv_rows(&response.text().await.unwrap());
    // The export's flat columns, stored ones first: the file imports back.
    assert_eq!(&columns[..3], ["id", "indicator_id", "region_id"]);
    let (region, value, unit, start, end) = (
        column(&columns, "region_id"),
        column(&columns, "value_in_units"),
        column(&columns, "unit"),
        column(&columns, "period_start"),
        column(&columns, "period_end"),
    );
    let values: Vec<f64> = rows.iter().map(|r| r[value].parse().unwrap()).collect();
    assert_eq!(values[0], 14.5e12, "the Bay Area's 2024 aggregate leads");
    assert!(
        values.windows(2).all(|w| w[0] >= w[1]),
        "largest first: {values:?}"
    );
    assert!(values.iter().all(|v| *v >= 1e12));
    for row in &rows {
        assert!(["guangdong", "greater-bay-area"].contains(&row[region].as_str()));
        assert_eq!(row[unit], "cny");
        assert!(
            row[start].as_str() <= "2024" && row[end].as_str() >= "2024",
            "{row:?}"
        );
    }
    let found: HashSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
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
async fn page_two_of_the_indicator_list_three_per_page() {
    let app = TestApp::spawn().await;
    let everything = app.get_list("/v1/indicators?limit=1000").await;
    let first = app.get_ok("/v1/indicators?limit=3").await;
    assert_eq!(first["meta"]["total"], everything.len());
    assert_eq!(first["links"]["prev"], Value::Null);
    let next = first["links"]["next"].as_str().expect("a next page");

    let response = app.get(next).await;
    let link = header(&response, "link");
    let second: Value = response.json().await.unwrap();
    let page_ids = ids(second["data"].as_array().unwrap());
    assert_eq!(page_ids, ids(&everything[3..6]));
    assert!(
        link.contains("rel=\"next\"") && link.contains("rel=\"prev\""),
        "{link}"
    );
    assert_eq!(second["meta"]["count"], 3);

    let back = app.get_ok(second["links"]["prev"].as_str().unwrap()).await;
    assert_eq!(back["data"], first["data"]);
}

#[tokio::test]
async fn walking_every_page_of_a_sorted_list_sees_each_figure_once_in_order() {
    let app = TestApp::spawn().await;
    let all = app.get_list("/v1/observations?sort=-value,period").await;
    let mut seen: Vec<Value> = Vec::new();
    let mut next = Some("/v1/observations?sort=-value,period&limit=7".to_owned());
    let mut pages = 0;
    while let Some(path) = next {
        let page = app.get_ok(&path).await;
        seen.extend(page["data"].as_array().unwrap().iter().cloned());
        next = page["links"]["next"].as_str().map(str::to_owned);
        pages += 1;
    }
    assert_eq!(pages, all.len().div_ceil(7));
    assert_eq!(ids(&seen), ids(&all));
    let values: Vec<f64> = all
        .iter()
        .map(|f| f["value_in_units"].as_f64().unwrap())
        .collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]));
    assert_eq!(all.len(), live_seed_figures().len());
}

#[tokio::test]
async fn the_same_request_with_its_etag_is_a_304() {
    let app = TestApp::spawn().await;
    let path = "/v1/indicators?limit=3";
    let response = app.get(path).await;
    let etag = header(&response, "etag");
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "a strong tag: {etag}"
    );
    assert_eq!(header(&response, "cache-control"), "public, max-age=300");
    assert!(header(&response, "vary").contains("accept"));

    let again = app.get_with(path, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&again, "etag"), etag);
    assert!(again.bytes().await.unwrap().is_empty());

    // Another representation of the same list is another tag, so it is sent in full.
    let csv = app
        .get_with(path, &[("if-none-match", &etag), ("accept", "text/csv")])
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert_ne!(header(&csv, "etag"), etag);
    // A stale tag gets the full body.
    let stale = app.get_with(path, &[("if-none-match", "\"stale\"")]).await;
    assert_eq!(stale.status(), StatusCode::OK);
}

#[tokio::test]
async fn compressed_bodies_are_negotiated_and_tagged_as_their_own_representation() {
    let app = TestApp::spawn().await;
    let plain = app.get("/v1/clusters").await;
    let plain_tag = header(&plain, "etag");
    let plain_length = plain.bytes().await.unwrap().len();

    let gzip = app
        .get_with("/v1/clusters", &[("accept-encoding", "gzip")])
        .await;
    assert_eq!(header(&gzip, "content-encoding"), "gzip");
    let gzip_tag = header(&gzip, "etag");
    assert_eq!(
        gzip_tag,
        format!("{}-gzip\"", plain_tag.trim_end_matches('"'))
    );
    assert!(gzip.bytes().await.unwrap().len() < plain_length / 3);

    let br = app
        .get_with("/v1/clusters", &[("accept-encoding", "br")])
        .await;
    assert_eq!(header(&br, "content-encoding"), "br");

    let revalidated = app
        .get_with(
            "/v1/clusters",
            &[("accept-encoding", "gzip"), ("if-none-match", &gzip_tag)],
        )
        .await;
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn head_answers_like_get_without_a_body() {
    let app = TestApp::spawn().await;
    let get = app.get("/v1/regions").await;
    let (tag, length) = (header(&get, "etag"), get.bytes().await.unwrap().len());
    let head = app.head("/v1/regions").await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(header(&head, "etag"), tag);
    assert_eq!(header(&head, "content-length"), length.to_string());
}

#[tokio::test]
async fn search_for_robot_ranks_hits_with_links_and_highlights() {
    let app = TestApp::spawn().await;
    let hits = app.get_list("/v1/search?q=robot").await;
    let found: Vec<(&str, &str)> = hits
        .iter()
        .map(|h| (h["type"].as_str().unwrap(), h["id"].as_str().unwrap()))
        .collect();
    for expected in [
        ("indicator", "industrial-robot-output-growth"),
        ("cluster", "intelligent-equipment-and-robotics"),
        ("city_plan", "shenzhen"),
    ] {
        assert!(found.contains(&expected), "{expected:?} in {found:?}");
    }
    let ranks: Vec<f64> = hits.iter().map(|h| h["rank"].as_f64().unwrap()).collect();
    assert!(
        ranks.windows(2).all(|w| w[0] <= w[1]),
        "best first: {ranks:?}"
    );
    let growth = by_id(&hits, "industrial-robot-output-growth");
    assert!(growth["title"]
        .as_str()
        .unwrap()
        .contains("<mark>robot</mark>"));
    for hit in &hits {
        app.get_ok(hit["links"]["self"].as_str().unwrap()).await;
    }
    let indicators_only = app.get_list("/v1/search?q=robot&type=indicator").await;
    assert!(indicators_only.iter().all(|h| h["type"] == "indicator"));
    assert!(app.get_list("/v1/search?q=zeppelin").await.is_empty());
    // Search syntax in the input is taken as words, never as an error.
    app.get_ok("/v1/search?q=%22robot%20OR%20(").await;
}

#[tokio::test]
async fn filters_take_several_values_and_ranges() {
    let app = TestApp::spawn().await;
    let both = app
        .get_list("/v1/observations?region=hengqin&region=maoming")
        .await;
    assert!(both.iter().any(|f| f["region"]["id"] == "hengqin"));
    assert!(both.iter().any(|f| f["region"]["id"] == "maoming"));
    assert!(both
        .iter()
        .all(|f| ["hengqin", "maoming"].contains(&f["region"]["id"].as_str().unwrap())));

    let contracts = app
        .get_list("/v1/observations?indicator=technology-contract-value&from=2021&to=2023")
        .await;
    assert_eq!(ids(&contracts), ["technology-contract-value-2023"]);

    let small = app
        .get_list("/v1/observations?unit=percent&max=10&qualifier=exact,about")
        .await;
    assert!(!small.is_empty());
    assert!(small.iter().all(|f| f["value"].as_f64().unwrap() <= 10.0));

    let years = app.get_list("/v1/observations?year=2020,2023").await;
    assert!(ids(&years).contains(&"technology-contract-value-2020"));
    assert!(ids(&years).contains(&"automotive-operating-revenue-2023"));
}

#[tokio::test]
async fn sparse_fields_keep_only_what_was_asked() {
    let app = TestApp::spawn().await;
    let figures = app
        .get_list("/v1/observations?fields=id,value,unit&limit=5")
        .await;
    for figure in &figures {
        let keys: Vec<&String> = figure.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "value", "unit"]);
    }
    let response = app
        .get("/v1/revenues?fields=id,value_in_units&format=csv")
        .await;
    let (columns, rows) = csv_rows(&response.text().await.unwrap());
    assert_eq!(columns, ["id", "value_in_units"]);
    assert_eq!(rows.len(), app.get_list("/v1/revenues").await.len());
    let problem = app
        .get_problem("/v1/observations?fields=id,colour", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem["invalid_params"][0]["name"], "fields");
}

#[tokio::test]
async fn every_list_speaks_csv_with_dotted_columns() {
    let app = TestApp::spawn().await;
    let response = app.get_with("/v1/regions", &[("accept", "text/csv")]).await;
    assert_eq!(
        header(&response, "content-disposition"),
        "attachment; filename=\"gd-indicators-regions.csv\""
    );
    let (columns, rows) = csv_rows(&response.text().await.unwrap());
    assert_eq!(rows.len(), seed_table("regions").len());
    assert!(columns.contains(&"parent.id".to_owned()));
    let clusters = app
        .get("/v1/clusters?format=csv&group=trillion-yuan-industrial-clusters")
        .await;
    let (columns, rows) = csv_rows(&clusters.text().await.unwrap());
    let figures = column(&columns, "figures");
    let new_energy = rows.iter().find(|r| r[0] == "new-energy").unwrap();
    assert_eq!(new_energy[figures], "new-energy-operating-revenue-2024");
}

#[tokio::test]
async fn the_export_is_every_figure_as_a_flat_row_shaped_like_the_seed() {
    let app = TestApp::spawn().await;
    let seed = live_seed_figures();
    let rows = app.get_list("/v1/export").await;
    assert_eq!(rows.len(), seed.len());
    let response = app.get("/v1/export?format=csv").await;
    let (columns, records) = csv_rows(&response.text().await.unwrap());
    let seed_columns: Vec<String> = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/seed/observations.csv"
    ))
    .unwrap()
    .lines()
    .next()
    .unwrap()
    .split(',')
    .map(str::to_owned)
    .collect();
    assert_eq!(&columns[..seed_columns.len()], seed_columns.as_slice());
    assert!(columns.contains(&"speaker_name".to_owned()));
    assert_eq!(records.len(), seed.len());
    let rd = records
        .iter()
        .find(|r| r[0] == "rd-expenditure-2024")
        .unwrap();
    assert_eq!(rd[column(&columns, "value")], "510");
    assert_eq!(rd[column(&columns, "value_in_units")], "510000000000");
    assert_eq!(rd[column(&columns, "qualifier")], "about");
}

#[tokio::test]
async fn paging_and_format_mistakes_are_400s_or_406s() {
    let app = TestApp::spawn().await;
    let page = app.get_ok("/v1/observations?limit=2&sort=value").await;
    let next = page["links"]["next"].as_str().unwrap();
    let cursor = next.split("cursor=").nth(1).unwrap();

    let other_query = format!("/v1/observations?limit=2&sort=-value&cursor={cursor}");
    let problem = app.get_problem(&other_query, StatusCode::BAD_REQUEST).await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("different query"));
    let other_endpoint = format!("/v1/revenues?limit=2&sort=value&cursor={cursor}");
    app.get_problem(&other_endpoint, StatusCode::BAD_REQUEST)
        .await;
    let mut tampered = cursor.to_owned();
    tampered.insert(5, 'x');
    let problem = app
        .get_problem(
            &format!("/v1/observations?limit=2&sort=value&cursor={tampered}"),
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(problem["invalid_params"][0]["name"], "cursor");

    for (path, name) in [
        ("/v1/observations?limit=0", "limit"),
        ("/v1/observations?limit=1001", "limit"),
        ("/v1/observations?sort=colour", "sort"),
        ("/v1/observations?from=2024&to=2020", "from"),
        ("/v1/observations?format=xml", "format"),
        ("/v1/export?limit=5", "limit"),
        ("/v1/search", "q"),
        ("/v1/search?q=%20%22%20", "q"),
    ] {
        let problem = app.get_problem(path, StatusCode::BAD_REQUEST).await;
        assert_eq!(problem["invalid_params"][0]["name"], name, "{path}");
    }

    let problem = app
        .get_problem_with(
            "/v1/regions",
            &[("accept", "application/xml")],
            StatusCode::NOT_ACCEPTABLE,
        )
        .await;
    assert!(problem["detail"].as_str().unwrap().contains("text/csv"));
    app.get_problem_with(
        "/v1/regions/guangdong",
        &[("accept", "text/csv")],
        StatusCode::NOT_ACCEPTABLE,
    )
    .await;
}

#[tokio::test]
async fn cors_exposes_the_caching_headers_and_honours_an_allow_list() {
    let open = TestApp::spawn().await;
    let response = open
        .get_with("/v1/regions", &[("origin", "https://anyone.example")])
        .await;
    assert_eq!(header(&response, "access-control-allow-origin"), "*");
    let exposed = header(&response, "access-control-expose-headers");
    for name in ["etag", "link", "x-request-id"] {
        assert!(exposed.contains(name), "{exposed}");
    }

    let settings = gd_indicators::HttpSettings {
        cors_allow_origins: vec!["https://dashboard.example".parse().unwrap()],
        ..Default::default()
    };
    let closed = TestApp::spawn_with(settings).await;
    let allowed = closed
        .get_with("/v1/regions", &[("origin", "https://dashboard.example")])
        .await;
    assert_eq!(
        header(&allowed, "access-control-allow-origin"),
        "https://dashboard.example"
    );
    let refused = closed
        .get_with("/v1/regions", &[("origin", "https://elsewhere.example")])
        .await;
    assert_eq!(header(&refused, "access-control-allow-origin"), "");
}

#[tokio::test]
async fn the_openapi_document_lists_exactly_the_paths_the_server_answers() {
    let app = TestApp::spawn().await;
    let document = app.get_ok("/openapi.json").await;
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    // The index lists every collection; each must be documented.
    let index = app.get_ok("/v1").await;
    for link in index["links"].as_object().unwrap().values() {
        let path = link.as_str().unwrap().split('?').next().unwrap();
        // The pages for people (the dashboard, Swagger UI) are not API operations.
        assert!(
            paths.contains_key(path) || path == "/docs/" || path == "/",
            "{path} is not documented"
        );
    }
    // Every documented path answers 200, with a real id where it takes one.
    for (path, item) in paths {
        let collection = path.rsplit_once("/{").map(|(base, _)| base).unwrap_or("");
        let url = if path.contains('{') {
            let first = app.get_list(collection).await;
            let id = first[0]["id"].as_str().unwrap().to_owned();
            let templated = path.split('{').next().unwrap();
            let rest = path.split('}').nth(1).unwrap_or("");
            format!("{templated}{id}{rest}")
        } else if path == "/v1/search" {
            "/v1/search?q=guangdong".to_owned()
        } else {
            path.clone()
        };
        let response = app.get(&url).await;
        assert_eq!(response.status(), StatusCode::OK, "{path} as {url}");
        let get = &item["get"];
        assert!(get["responses"]["200"].is_object(), "{path}");
        if get["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["name"] == "cursor"))
        {
            let body: Value = response.json().await.unwrap();
            assert!(body["meta"]["total"].is_u64(), "{path} is a paged list");
        }
    }
    // A path that is not documented is not served either.
    app.get_problem("/v1/figures", StatusCode::NOT_FOUND).await;
    let docs = app.get("/docs/").await;
    assert!(header(&docs, "content-type").starts_with("text/html"));
}

#[tokio::test]
async fn edge_cases_of_lists_stay_well_formed() {
    let app = TestApp::spawn().await;
    // Too many values for one filter is a 400, not a database error.
    let years: Vec<String> = (1901..2000).map(|y| y.to_string()).collect();
    let problem = app
        .get_problem(
            &format!("/v1/observations?year={}", years.join(",")),
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(problem["invalid_params"][0]["name"], "year");

    // An empty page still accepts the list's fields and still has its CSV header.
    let empty = app
        .get_list("/v1/regions?kind=country&parent=guangdong&fields=id")
        .await;
    assert!(empty.is_empty());
    let export = app.get("/v1/export?region=jiangmen&format=csv").await;
    let (columns, rows) = csv_rows(&export.text().await.unwrap());
    assert!(rows.is_empty());
    assert_eq!(columns[0], "id");
    let search = app.get("/v1/search?q=zeppelin&fields=id&format=csv").await;
    assert_eq!(search.text().await.unwrap().trim(), "id");

    // CSV columns follow the order of `fields`, as JSON keys do.
    let response = app
        .get("/v1/observations?fields=stated,id&format=csv&limit=1")
        .await;
    let (columns, _) = csv_rows(&response.text().await.unwrap());
    assert_eq!(columns, ["stated", "id"]);

    // The most specific Accept range decides.
    let csv = app
        .get_with("/v1/regions", &[("accept", "application/json;q=0, */*")])
        .await;
    assert!(header(&csv, "content-type").starts_with("text/csv"));

    // A HEAD carries exactly the headers of the GET, compressed or not.
    let get = app
        .get_with("/v1/regions", &[("accept-encoding", "gzip")])
        .await;
    let head = app
        .client
        .head(format!("{}/v1/regions", app.address))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&head, "etag"), header(&get, "etag"));
    assert_eq!(header(&head, "content-encoding"), "gzip");
}

#[tokio::test]
async fn single_resources_refuse_parameters_they_do_not_take() {
    let app = TestApp::spawn().await;
    let problem = app
        .get_problem("/v1/regions/guangdong?bogus=1", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem["invalid_params"][0]["name"], "bogus");
    let problem = app
        .get_problem(
            "/v1/observations/rd-expenditure-2024?format=csv",
            StatusCode::BAD_REQUEST,
        )
        .await;
    assert_eq!(problem["invalid_params"][0]["name"], "format");
    app.get_ok("/v1/regions/guangdong?format=json").await;
}

#[tokio::test]
async fn health_probes_are_never_cached() {
    let app = TestApp::spawn().await;
    for path in ["/healthz", "/readyz"] {
        let response = app.get(path).await;
        assert_eq!(header(&response, "cache-control"), "no-store", "{path}");
    }
}
