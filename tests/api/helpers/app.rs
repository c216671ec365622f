//! `TestApp`: the real router on an ephemeral port over a fresh, migrated SQLite file.

use gd_indicators::store::database::{open_and_migrate, open_serving};
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::SqlitePool;
use tempfile::TempDir;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub pool: SqlitePool,
    /// The database file, for writers (imports) beside the server.
    pub db_url: String,
    _dir: TempDir,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(gd_indicators::HttpSettings::default()).await
    }

    pub async fn spawn_with(settings: gd_indicators::HttpSettings) -> TestApp {
        let dir = tempfile::tempdir().expect("temporary directory");
        let db_path = dir.path().join("gd-indicators.db");
        let url = db_path.to_str().expect("utf-8 path");
        let migrated = open_and_migrate(url)
            .await
            .expect("a fresh database opens and migrates");
        migrated.close().await;
        // The same read-only pool the server runs on.
        let pool = open_serving(url)
            .await
            .expect("the migrated database opens for reading");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind an ephemeral port");
        let address = format!("http://{}", listener.local_addr().unwrap());
        let app = gd_indicators::app(pool.clone(), &settings)
            .await
            .expect("the app reads the data version");
        tokio::spawn(gd_indicators::serve(listener, app, std::future::pending()));
        TestApp {
            address,
            client: reqwest::Client::new(),
            pool,
            db_url: url.to_owned(),
            _dir: dir,
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request reaches the server")
    }

    /// HEAD of `path`.
    pub async fn head(&self, path: &str) -> reqwest::Response {
        self.client
            .head(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request reaches the server")
    }

    /// GET with extra request headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.address));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("request reaches the server")
    }

    /// GET that must answer 200 with JSON; returns the body.
    pub async fn get_ok(&self, path: &str) -> Value {
        let response = self.get(path).await;
        let status = response.status();
        let content_type = header(&response, "content-type");
        let body: Value = response.json().await.expect("a JSON body");
        assert_eq!(
            status,
            StatusCode::OK,
            "GET {path} answered {status}: {body}"
        );
        assert_eq!(content_type, "application/json", "GET {path}");
        body
    }

    /// GET that must answer `status` with an RFC 9457 problem; returns the problem.
    pub async fn get_problem(&self, path: &str, status: StatusCode) -> Value {
        self.get_problem_with(path, &[], status).await
    }

    /// `get_problem` with extra request headers.
    pub async fn get_problem_with(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        status: StatusCode,
    ) -> Value {
        let response = self.get_with(path, headers).await;
        assert_eq!(response.status(), status, "GET {path}");
        assert_eq!(
            header(&response, "content-type"),
            "application/problem+json",
            "GET {path}"
        );
        let problem: Value = response.json().await.expect("a JSON problem");
        assert_problem_shape(&problem, status);
        problem
    }

    /// GET of a list: checks the envelope and returns its `data`.
    pub async fn get_list(&self, path: &str) -> Vec<Value> {
        let body = self.get_ok(path).await;
        let data = body["data"].as_array().expect("data is an array").clone();
        assert_eq!(body["meta"]["count"], data.len(), "meta.count of {path}");
        assert!(
            body["meta"]["total"].as_u64() >= Some(data.len() as u64),
            "meta.total of {path}"
        );
        assert_eq!(body["links"]["self"], path, "links.self of {path}");
        data
    }

    /// The data version the server reports on `/readyz`: the last import it has seen.
    pub async fn data_version(&self) -> i64 {
        let ready = self.get("/readyz").await.json::<Value>().await.unwrap();
        ready["data_version"]
            .as_i64()
            .expect("readyz has a data_version")
    }

    /// Waits until the server has seen import `id`; the README promises within a second.
    pub async fn wait_for_data_version(&self, id: i64) -> std::time::Duration {
        let start = std::time::Instant::now();
        while self.data_version().await < id {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(1),
                "import {id} unseen after a second"
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        start.elapsed()
    }
}

pub fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

pub fn assert_problem_shape(problem: &Value, status: StatusCode) {
    assert_eq!(problem["status"], status.as_u16(), "{problem}");
    assert_eq!(problem["type"], "about:blank", "{problem}");
    assert_eq!(
        problem["title"],
        status.canonical_reason().unwrap(),
        "{problem}"
    );
    let detail = problem["detail"].as_str().expect("a detail");
    assert!(!detail.is_empty(), "{problem}");
}

/// The ids of a list's items, in order.
pub fn ids(items: &[Value]) -> Vec<&str> {
    items
        .iter()
        .map(|item| item["id"].as_str().expect("an id"))
        .collect()
}

/// The one item of `items` with this id.
pub fn by_id<'a>(items: &'a [Value], id: &str) -> &'a Value {
    items
        .iter()
        .find(|item| item["id"] == id)
        .unwrap_or_else(|| panic!("no item '{id}' among {:?}", ids(items)))
}
