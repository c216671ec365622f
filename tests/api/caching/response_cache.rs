//! The response cache: repeated requests are answered from memory, per representation and
//! coding, and an import, even by another process, is served within a second.

use reqwest::StatusCode;

use crate::helpers::{gunzip, header, read, run, seed_csv, Figure, Server, TestApp};

const FIGURE: &str = "/v1/observations/rd-expenditure-2024";

fn corrected_rd_expenditure(value: &str) -> String {
    seed_csv(&[(
        "rd-expenditure-2024",
        &[("value", value), ("reason", "test correction")],
    )])
}

#[tokio::test]
async fn a_repeated_request_is_a_hit_with_the_same_body_and_tag() {
    let app = TestApp::spawn().await;
    let path = "/v1/observations?region=guangdong&sort=-value&limit=5";
    let first = app.get(path).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(header(&first, "x-cache"), "miss");
    let first_tag = header(&first, "etag");
    let first_body = first.text().await.unwrap();

    let second = app.get(path).await;
    assert_eq!(header(&second, "x-cache"), "hit");
    assert_eq!(header(&second, "etag"), first_tag);
    assert_eq!(header(&second, "cache-control"), "public, max-age=300");
    assert_eq!(second.text().await.unwrap(), first_body);

    // A cached entry answers revalidation too.
    let revalidated = app.get_with(path, &[("if-none-match", &first_tag)]).await;
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&revalidated, "etag"), first_tag);
}

/// A hit's headers are made once, when its response is stored (CORS, security, a placeholder
/// for the request id): they must be the miss's own, in the same order, but for `x-cache` and
/// the request id, which is each request's (the client's own, echoed, when it sends one).
#[tokio::test]
async fn a_hit_carries_the_headers_of_the_miss_that_stored_it() {
    let app = TestApp::spawn().await;
    let headers = |response: &reqwest::Response| -> Vec<(String, String)> {
        response
            .headers()
            .iter()
            .filter(|(name, _)| !matches!(name.as_str(), "x-cache" | "x-request-id" | "date"))
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
            .collect()
    };
    let paths = [
        "/v1/clusters",
        "/v1/observations?region=guangdong&sort=-value&limit=5",
        "/v1/observations?region=guangdong&format=csv",
        "/v1/indicators/technology-contract-value/chart.svg",
    ];
    for path in paths {
        for request in [
            &[][..],
            &[("origin", "https://dashboard.example")][..],
            &[("x-request-id", "dashboard-7")][..],
        ] {
            let miss = app.get_with(path, request).await;
            assert_eq!(miss.status(), StatusCode::OK, "{path}");
            let hit = app.get_with(path, request).await;
            assert_eq!(header(&hit, "x-cache"), "hit", "{path} {request:?}");
            assert_eq!(headers(&hit), headers(&miss), "{path} {request:?}");
            let ids = [header(&miss, "x-request-id"), header(&hit, "x-request-id")];
            if let [(_, id)] = request
                .iter()
                .filter(|(n, _)| *n == "x-request-id")
                .collect::<Vec<_>>()[..]
            {
                assert_eq!(ids, [id.to_string(), id.to_string()], "{path}");
            } else {
                assert!(!ids[1].is_empty() && ids[0] != ids[1], "{path}: {ids:?}");
            }
            if request.iter().any(|(name, _)| *name == "origin") {
                assert_eq!(header(&hit, "access-control-allow-origin"), "*", "{path}");
            }
        }
    }
}

#[tokio::test]
async fn each_representation_and_coding_is_its_own_entry() {
    let app = TestApp::spawn().await;
    let path = "/v1/clusters";
    let identity = app.get(path).await.text().await.unwrap();

    let csv = app.get_with(path, &[("accept", "text/csv")]).await;
    assert_eq!(header(&csv, "x-cache"), "miss", "CSV is not the JSON entry");
    assert!(header(&csv, "content-type").starts_with("text/csv"));

    for _ in 0..2 {
        let gzip = app.get_with(path, &[("accept-encoding", "gzip")]).await;
        assert_eq!(header(&gzip, "content-encoding"), "gzip");
        let tag = header(&gzip, "etag");
        assert!(tag.ends_with("-gzip\""), "{tag}");
        let compressed = gzip.bytes().await.unwrap();
        let mut text = String::new();
        gunzip(&compressed, &mut text);
        assert_eq!(text, identity, "the cached gzip body is the identity body");
    }
    // The second gzip request was a hit; its coding was negotiated like the first's.
    let hit = app
        .get_with(path, &[("accept-encoding", "br;q=0.1, gzip;q=0.9")])
        .await;
    assert_eq!(header(&hit, "x-cache"), "hit");
    assert_eq!(header(&hit, "content-encoding"), "gzip");
}

#[tokio::test]
async fn an_import_replaces_cached_answers_within_a_second() {
    let app = TestApp::spawn().await;
    for expected in ["miss", "hit"] {
        let response = app.get(FIGURE).await;
        assert_eq!(header(&response, "x-cache"), expected);
        let figure: Figure = read(&response.text().await.unwrap(), FIGURE);
        assert_eq!(figure.value, 510);
    }
    let before = app.data_version().await;

    let (_, receipt) = app
        .import("fix.csv", &corrected_rd_expenditure("512"))
        .await
        .expect("the correction applies");
    let receipt = receipt.expect("a change was recorded");
    assert!(receipt.id > before, "the data version moves with an import");

    let response = app.get(FIGURE).await;
    assert_eq!(
        header(&response, "x-cache"),
        "miss",
        "the old entry is gone"
    );
    let figure: Figure = read(&response.text().await.unwrap(), FIGURE);
    assert_eq!(figure.value, 512);
    assert_eq!(figure.revision.number, 2);
}

#[tokio::test]
async fn a_response_larger_than_an_eighth_of_the_cache_is_served_but_not_kept() {
    let app = TestApp::spawn_with(gd_indicators::HttpSettings {
        response_cache_bytes: 64 * 1024,
        ..Default::default()
    })
    .await;
    for _ in 0..2 {
        let export = app.get("/v1/export").await;
        assert_eq!(export.status(), StatusCode::OK);
        assert_eq!(header(&export, "x-cache"), "miss");
        assert!(export.bytes().await.unwrap().len() > 8 * 1024);
    }
    for expected in ["miss", "hit"] {
        assert_eq!(header(&app.get("/v1/regions").await, "x-cache"), expected);
    }
}

/// The probes say how the service is now: no cache on the way may keep them (`no-store`),
/// and the response cache never answers them either.
#[tokio::test]
async fn probes_are_never_cached() {
    let app = TestApp::spawn().await;
    for path in ["/healthz", "/readyz"] {
        for _ in 0..2 {
            let response = app.get(path).await;
            assert_eq!(header(&response, "cache-control"), "no-store", "{path}");
            assert_eq!(
                header(&response, "x-cache"),
                "",
                "{path}: a probe never passes as cached"
            );
        }
    }
}

/// Two server processes over one database file answer alike, and both serve an import made
/// by a third process (the `import` command) within a second.
#[tokio::test]
async fn two_servers_over_one_file_pick_up_an_import_within_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("shared.db");
    let mut servers: Vec<Server> = (0..2)
        .map(|_| {
            let mut server = Server::start(&[], &database);
            server.drain_log();
            server
        })
        .collect();
    let urls: Vec<String> = servers.iter().map(Server::url).collect();
    let client = reqwest::Client::new();
    let get = |address: &str, path: &str| {
        // One Host for both, so that their links (and so their bodies) are the same.
        let request = client
            .get(format!("{address}{path}"))
            .header("host", "localhost:8080");
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response.text().await.unwrap()
        }
    };
    let paths = [
        FIGURE,
        "/v1/observations?indicator=rd-expenditure",
        "/v1/export",
    ];
    for path in paths {
        // Twice: the second answer comes from each server's cache.
        for _ in 0..2 {
            assert_eq!(get(&urls[0], path).await, get(&urls[1], path).await);
        }
    }

    let file = dir.path().join("fix.csv");
    std::fs::write(&file, corrected_rd_expenditure("513")).unwrap();
    let output = run(&[
        "import",
        file.to_str().unwrap(),
        "--database-url",
        database.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{output:?}");
    let imported = std::time::Instant::now();

    for address in &urls {
        loop {
            let figure: Figure = read(&get(address, FIGURE).await, FIGURE);
            if figure.value == 513 {
                break;
            }
            assert_eq!(figure.value, 510, "the old value until the new one");
            assert!(
                imported.elapsed() < std::time::Duration::from_secs(1),
                "{address} still serves the old value a second after the import"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
    for path in paths {
        assert_eq!(get(&urls[0], path).await, get(&urls[1], path).await);
    }
    for server in &mut servers {
        assert_eq!(server.terminate(), Some(0));
    }
}
