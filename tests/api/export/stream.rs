//! `GET /v1/export`: every figure as a flat row, streamed, tagged by the data version, compressed, capped.

use std::path::Path;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use super::{with_revised_figures, with_synthetic_figures};
use crate::helpers::{gunzip, header, live_seed_figures, seed_csv, Csv, TestApp};
use crate::server::{exchange, raw_header};

#[tokio::test]
async fn the_export_is_every_figure_as_a_flat_row_shaped_like_the_seed() {
    let app = TestApp::spawn().await;
    let seed = live_seed_figures();
    let rows = app.get_list("/v1/export").await;
    assert_eq!(rows.len(), seed.len());
    let export = app.get_csv("/v1/export?format=csv").await;
    let seed_columns =
        Csv::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("seed/observations.csv")).columns;
    assert_eq!(
        &export.columns[..seed_columns.len()],
        seed_columns.as_slice()
    );
    assert!(export.columns.contains(&"speaker_name".to_owned()));
    assert_eq!(export.rows.len(), seed.len());
    let rd = export.row("rd-expenditure-2024");
    assert_eq!(rd.get("value"), "510");
    assert_eq!(rd.get("value_in_units"), "510000000000");
    assert_eq!(rd.get("qualifier"), "about");
}

#[tokio::test]
async fn the_export_is_streamed_and_tagged_by_the_data_version_without_being_kept() {
    let app = TestApp::spawn().await;
    with_revised_figures(&app).await;
    let version = app.data_version().await;
    let path = "/v1/export?format=csv";

    let first = app.get(path).await;
    assert_eq!(first.status(), StatusCode::OK);
    // Written as it is read: no length announced, chunks instead.
    assert_eq!(header(&first, "content-length"), "");
    assert_eq!(header(&first, "transfer-encoding"), "chunked");
    assert_eq!(
        header(&first, "content-disposition"),
        "attachment; filename=\"gd-indicators-export.csv\""
    );
    // Its names are in a language, which Accept-Language may choose.
    assert_eq!(header(&first, "content-language"), "en");
    assert_eq!(
        header(&first, "vary"),
        "accept, accept-encoding, accept-language"
    );
    assert_eq!(header(&first, "cache-control"), "public, max-age=300");
    assert_eq!(header(&first, "x-cache"), "miss");
    let tag = header(&first, "etag");
    assert!(tag.starts_with(&format!("\"export-v{version}-")), "{tag}");
    let csv = first.bytes().await.unwrap();
    assert!(
        csv.len() > 4 * 64 * 1024,
        "several chunks: {} bytes",
        csv.len()
    );

    // The same request: the same tag and bytes, and still from the database, never kept.
    let again = app.get(path).await;
    assert_eq!(header(&again, "etag"), tag);
    assert_eq!(header(&again, "x-cache"), "miss");
    assert_eq!(again.bytes().await.unwrap(), csv);

    // Revalidation answers from the tag alone.
    let revalidated = app.get_with(path, &[("if-none-match", &tag)]).await;
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&revalidated, "etag"), tag);
    assert!(revalidated.bytes().await.unwrap().is_empty());
    let head = app.head(path).await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(header(&head, "etag"), tag);

    // Another representation, or the same one asked differently, is another entity.
    let json = app.get("/v1/export").await;
    assert_eq!(header(&json, "content-type"), "application/json");
    assert_ne!(header(&json, "etag"), tag);
    let sorted = app.get("/v1/export?format=csv&sort=-value").await;
    assert_ne!(header(&sorted, "etag"), tag);

    // An import moves the data version, and so the tag: the old one matches no more.
    let correction = seed_csv(&[(
        "rd-expenditure-2024",
        &[("value", "514"), ("reason", "test correction")],
    )]);
    app.import("fix.csv", &correction)
        .await
        .expect("the correction applies");
    let after = app.get_with(path, &[("if-none-match", &tag)]).await;
    assert_eq!(after.status(), StatusCode::OK);
    let new_tag = header(&after, "etag");
    assert!(
        new_tag.starts_with(&format!("\"export-v{}-", app.data_version().await)),
        "{new_tag}"
    );
    assert_ne!(new_tag, tag);
    let corrected = Csv::parse(&after.text().await.unwrap());
    assert_eq!(
        corrected.row("rd-expenditure-2024").get("value"),
        "514",
        "the corrected figure is exported"
    );
}

#[tokio::test]
async fn a_streamed_export_is_compressed_and_revalidated_per_coding() {
    let app = TestApp::spawn().await;
    with_revised_figures(&app).await;
    let identity = app.get("/v1/export").await;
    let identity_tag = header(&identity, "etag");
    let identity = identity.text().await.unwrap();

    let gzip = app
        .get_with("/v1/export", &[("accept-encoding", "gzip")])
        .await;
    assert_eq!(gzip.status(), StatusCode::OK);
    assert_eq!(header(&gzip, "content-encoding"), "gzip");
    assert_eq!(header(&gzip, "content-length"), "");
    let tag = header(&gzip, "etag");
    assert_eq!(
        tag,
        format!("{}-gzip\"", identity_tag.trim_end_matches('"'))
    );
    let compressed = gzip.bytes().await.unwrap();
    assert!(
        compressed.len() < identity.len() / 4,
        "{}",
        compressed.len()
    );
    let mut text = String::new();
    gunzip(&compressed, &mut text);
    assert_eq!(text, identity, "the gzip body is the identity body");

    let revalidated = app
        .get_with(
            "/v1/export",
            &[("accept-encoding", "gzip"), ("if-none-match", &tag)],
        )
        .await;
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    // The gzip tag names the gzip bytes only.
    let plain = app.get_with("/v1/export", &[("if-none-match", &tag)]).await;
    assert_eq!(plain.status(), StatusCode::OK);

    let br = app
        .get_with("/v1/export?format=csv", &[("accept-encoding", "br")])
        .await;
    assert_eq!(header(&br, "content-encoding"), "br");
    assert!(header(&br, "etag").ends_with("-br\""));
}

#[tokio::test]
async fn a_streamed_export_takes_fields_and_refuses_a_bad_query_before_any_byte() {
    let app = TestApp::spawn().await;
    with_revised_figures(&app).await;
    let full = app.get_list("/v1/export").await;
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM observations WHERE retracted = 0")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(full.len() as i64, stored, "every figure");
    let projected = app.get_list("/v1/export?fields=value,id").await;
    assert_eq!(projected.len(), full.len());
    for (figure, row) in full.iter().zip(&projected) {
        let expected = serde_json::json!({"value": figure["value"], "id": figure["id"]});
        // In the order asked for.
        assert_eq!(row.to_string(), expected.to_string());
    }
    let csv = app.get_csv("/v1/export?fields=value,id&format=csv").await;
    assert_eq!(csv.columns, ["value", "id"]);
    assert_eq!(csv.rows.len(), full.len());

    // Refusals are problems, with nothing streamed.
    let problem = app
        .get_problem("/v1/export?fields=id,colour", StatusCode::BAD_REQUEST)
        .await;
    assert!(problem.detail.contains("'colour'"));
    let problem = app
        .get_problem_with(
            "/v1/export",
            &[("accept", "application/xml")],
            StatusCode::NOT_ACCEPTABLE,
        )
        .await;
    assert!(problem.detail.contains("text/csv"), "{problem:?}");
    let problem = app
        .get_problem("/v1/export?limit=5", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem.parameter(), "limit", "the export is never paged");
}

/// Each streamed export holds a database connection while its client reads, so only a few run
/// at once, and one more waits for a place; a client that leaves frees its place at once.
#[tokio::test]
async fn streamed_exports_are_capped_and_a_client_that_leaves_frees_its_place() {
    // The timeout bounds both the wait that ends in a 503 and the time the stalled exports'
    // places have to come free once their clients leave: generous, for loaded CI machines.
    let app = TestApp::spawn_with(gd_indicators::HttpSettings {
        request_timeout: Duration::from_secs(2),
        ..Default::default()
    })
    .await;
    // About 19 MB of JSON per export: several times what the kernel's socket buffers hold
    // for a client that stops reading (4 MB or so each way here), so a stalled export keeps
    // its place even where the buffers are larger.
    with_synthetic_figures(&app, 20_000).await;
    let mut stalled = Vec::new();
    for _ in 0..gd_indicators::http::export_stream::STREAMED_EXPORTS {
        let response = app.get("/v1/export").await;
        assert_eq!(response.status(), StatusCode::OK);
        stalled.push(response);
    }
    let waited = app.get("/v1/export").await;
    assert_eq!(waited.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(header(&waited, "retry-after"), "1");
    // A HEAD sends no body, so it needs no place: it answers at once, with the same tag.
    let head = app.head("/v1/export").await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(header(&head, "etag"), header(&stalled[0], "etag"));
    // The rest of the API has its connections.
    app.get_list("/v1/regions").await;

    // Once their clients leave, the stalled exports notice and give up their places; how soon
    // depends on the machine, so ask again for a while.
    drop(stalled);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let response = loop {
        let response = app.get("/v1/export").await;
        if response.status() != StatusCode::SERVICE_UNAVAILABLE
            || std::time::Instant::now() > deadline
        {
            break response;
        }
    };
    assert_eq!(response.status(), StatusCode::OK, "the places are free");
    let export: Value = response.json().await.unwrap();
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM observations WHERE retracted = 0")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(export["meta"]["total"], stored);
    assert_eq!(export["data"].as_array().unwrap().len() as i64, stored);
}

/// A HEAD announces what its GET does: the export, streamed in chunks, has no length to
/// announce, in either format, and a compressed list neither; a list sent whole has its
/// length. Read on raw connections, where nothing fills in a header that was not sent.
#[tokio::test]
async fn a_head_announces_no_length_where_its_get_streams_the_body() {
    let app = TestApp::spawn().await;
    let cases = [
        ("/v1/export?format=csv", ""),
        ("/v1/export?format=json", ""),
        ("/v1/export", "Accept-Encoding: gzip\r\n"),
        ("/v1/observations", "Accept-Encoding: gzip\r\n"),
        ("/v1/observations", ""),
    ];
    for (path, headers) in cases {
        let ask = |method: &str| {
            format!("{method} {path} HTTP/1.1\r\nHost: x\r\n{headers}Connection: close\r\n\r\n")
        };
        let wait = Duration::from_secs(30);
        let get = exchange(&app.address, ask("GET").as_bytes(), wait).await;
        let head = exchange(&app.address, ask("HEAD").as_bytes(), wait).await;
        assert!(get.starts_with("HTTP/1.1 200 "), "{path}: {get:.300}");
        assert!(head.starts_with("HTTP/1.1 200 "), "{path}: {head}");
        if path.starts_with("/v1/export") {
            assert_eq!(raw_header(&get, "transfer-encoding"), Some("chunked"));
            assert_eq!(raw_header(&get, "content-length"), None, "{path}");
        }
        assert_eq!(
            raw_header(&head, "content-length"),
            raw_header(&get, "content-length"),
            "{path} {headers}: {head}"
        );
        for name in ["etag", "content-type", "content-encoding", "vary"] {
            assert_eq!(
                raw_header(&head, name),
                raw_header(&get, name),
                "{path}: {name}"
            );
        }
        assert!(head.ends_with("\r\n\r\n"), "a HEAD has no body: {head}");
    }
}
