//! `bom=true`: a CSV body that starts with a UTF-8 byte-order mark, for Excel; and the file
//! name every download carries.

use reqwest::StatusCode;

use crate::helpers::{header, TestApp};

const BOM: &[u8] = b"\xEF\xBB\xBF";

async fn body(app: &TestApp, path: &str) -> (String, Vec<u8>) {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    let disposition = header(&response, "content-disposition");
    (disposition, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn bom_true_puts_a_byte_order_mark_before_every_csv_and_nothing_else() {
    let app = TestApp::spawn().await;
    for path in [
        "/v1/regions?format=csv",
        "/v1/observations?format=csv&lang=zh",
        "/v1/export?format=csv",
        "/v1/observations?format=sdmx-csv",
    ] {
        let (_, plain) = body(&app, path).await;
        let (_, marked) = body(&app, &format!("{path}&bom=true")).await;
        assert!(!plain.starts_with(BOM), "{path}");
        assert_eq!(&marked[..3], BOM, "{path}");
        assert_eq!(&marked[3..], plain, "{path}");
        let (_, unmarked) = body(&app, &format!("{path}&bom=false")).await;
        assert_eq!(unmarked, plain, "{path}");
    }
    // Chinese names read as UTF-8 after the mark.
    let (_, marked) = body(&app, "/v1/regions?format=csv&lang=zh&bom=true").await;
    assert!(String::from_utf8(marked[3..].to_vec())
        .unwrap()
        .contains("广东"));
    // JSON has no byte-order mark.
    let (_, json) = body(&app, "/v1/regions?bom=true").await;
    assert_eq!(json[0], b'{');
    let problem = app
        .get_problem("/v1/regions?format=csv&bom=yes", StatusCode::BAD_REQUEST)
        .await;
    assert_eq!(problem.parameter(), "bom");
    assert!(problem.detail.contains("true, false"), "{}", problem.detail);
}

#[tokio::test]
async fn every_download_is_named() {
    let app = TestApp::spawn().await;
    for (path, file) in [
        ("/v1/regions?format=csv", "gd-indicators-regions.csv"),
        ("/v1/export?format=csv", "gd-indicators-export.csv"),
        ("/v1/export", "gd-indicators-export.json"),
        (
            "/v1/indicators/open-day-journalists/observations?format=jsonstat",
            "gd-indicators-open-day-journalists-observations.jsonstat.json",
        ),
        (
            "/v1/observations?format=sdmx-csv",
            "gd-indicators-observations.sdmx.csv",
        ),
    ] {
        let (disposition, _) = body(&app, path).await;
        assert_eq!(
            disposition,
            format!("attachment; filename=\"{file}\""),
            "{path}"
        );
    }
}
