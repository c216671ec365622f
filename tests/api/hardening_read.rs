//! Issue 13's read-path defects: each answer a hostile but well-formed request gets is a
//! problem a person can act on, never a 500, a hang or a loop.

use std::process::{Command, Stdio};

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::TestApp;

const BINARY: &str = env!("CARGO_BIN_EXE_gd-indicators");

/// Every endpoint that takes `as_of`.
const AS_OF_ENDPOINTS: &[&str] = &[
    "/v1/observations",
    "/v1/observations/rd-expenditure-2024",
    "/v1/revenues",
    "/v1/patents",
    "/v1/export",
    "/v1/indicators/rd-expenditure/observations",
];

/// D2: a time whose UTC instant falls past year 9999 (or before year 0) is refused by name,
/// on every endpoint that takes one and by `export --query`; it used to panic (a 500, and
/// exit 101).
#[tokio::test]
async fn a_time_past_the_calendar_is_a_400_everywhere() {
    let app = TestApp::spawn().await;
    for moment in [
        "9999-12-31T23:59:59-23:59",
        "0000-01-01T00:00:00+23:59",
        "9999-12-31T23:59:59.999999999-00:01",
    ] {
        let encoded = moment.replace('+', "%2B");
        for endpoint in AS_OF_ENDPOINTS {
            let path = format!("{endpoint}?as_of={encoded}");
            let problem = app.get_problem(&path, StatusCode::BAD_REQUEST).await;
            assert_eq!(problem["invalid_params"][0]["name"], "as_of", "{path}");
        }
        let output = Command::new(BINARY)
            .args(["export", "--database-url", &app.db_url, "--query"])
            .arg(format!("as_of={encoded}"))
            .stdin(Stdio::null())
            .output()
            .expect("the binary runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{moment}: {stderr}");
        assert!(stderr.contains("as_of"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// D6: a cursor's sort-key values are bound as what the key holds: a cursor whose `value`
/// key is not a number (the JSON of a non-finite number is `null`) is refused, never bound as
/// text, which matched no row (or every one) and made a page point at itself.
#[tokio::test]
async fn a_cursor_whose_key_is_not_of_its_type_is_refused() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    let app = TestApp::spawn().await;
    for sort in ["value", "-value", "period", "id"] {
        let first = app
            .get_ok(&format!("/v1/observations?sort={sort}&limit=2"))
            .await;
        let next = first["links"]["next"].as_str().unwrap();
        let (prefix, token) = next.split_once("cursor=").unwrap();
        let mut cursor: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(token).unwrap()).unwrap();
        let wrong = if sort.ends_with("value") {
            vec![Value::Null, Value::from("510"), Value::from(true)]
        } else {
            vec![Value::Null, Value::from(2024), Value::from(false)]
        };
        for key in wrong {
            cursor["k"][0] = key.clone();
            let tampered = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&cursor).unwrap());
            let path = format!("{prefix}cursor={tampered}");
            let problem = app.get_problem(&path, StatusCode::BAD_REQUEST).await;
            assert_eq!(
                problem["invalid_params"][0]["name"], "cursor",
                "{sort}: {key}"
            );
        }
    }
}
