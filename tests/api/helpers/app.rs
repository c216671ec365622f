//! `TestApp`: the real router, in-process, on an ephemeral port over a fresh, migrated SQLite
//! file; and the requests tests make of it, answered raw or read strictly into the typed
//! bodies of [`super::bodies`].

use gd_indicators::store::database::{open_and_migrate, open_serving};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sqlx::SqlitePool;
use tempfile::TempDir;

use super::bodies::{Figure, HasId, List, Problem};

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
        tokio::spawn(gd_indicators::serve(
            listener,
            app,
            &settings,
            std::future::pending(),
        ));
        TestApp {
            address,
            client: reqwest::Client::new(),
            pool,
            db_url: url.to_owned(),
            _dir: dir,
        }
    }

    /// The URL of `path` on this app; an absolute URL (a link the API served) as it is.
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}{path}", self.address)
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request reaches the server")
    }

    /// HEAD of `path`.
    pub async fn head(&self, path: &str) -> reqwest::Response {
        self.client
            .head(self.url(path))
            .send()
            .await
            .expect("request reaches the server")
    }

    /// GET with extra request headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.client.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("request reaches the server")
    }

    /// GET that must answer 200 with JSON; returns the body.
    pub async fn get_ok(&self, path: &str) -> Value {
        self.get_json(path).await
    }

    /// GET that must answer 200 with JSON of the shape `T`; returns the body read as `T`.
    pub async fn get_json<T: DeserializeOwned>(&self, path: &str) -> T {
        let response = self.get(path).await;
        let status = response.status();
        let content_type = header(&response, "content-type");
        let body = response.text().await.expect("a body");
        assert_eq!(
            status,
            StatusCode::OK,
            "GET {path} answered {status}: {body}"
        );
        assert_eq!(content_type, "application/json", "GET {path}");
        read(&body, path)
    }

    /// GET of one figure (`/v1/observations/{id}`, with any query).
    pub async fn get_figure(&self, path: &str) -> Figure {
        self.get_json(path).await
    }

    /// GET that must answer `status` with an RFC 9457 problem; returns the problem.
    pub async fn get_problem(&self, path: &str, status: StatusCode) -> Problem {
        self.get_problem_with(path, &[], status).await
    }

    /// `get_problem` with extra request headers.
    pub async fn get_problem_with(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        status: StatusCode,
    ) -> Problem {
        let response = self.get_with(path, headers).await;
        assert_eq!(response.status(), status, "GET {path}");
        assert_eq!(
            header(&response, "content-type"),
            "application/problem+json",
            "GET {path}"
        );
        let problem: Problem = read(&response.text().await.expect("a body"), path);
        assert_problem_shape(&problem, status);
        problem
    }

    /// GET of a page of a list: the envelope read whole, its counts and its own link (the
    /// absolute URL of `path`; the export's is `path` itself, as the command writes it too)
    /// checked.
    pub async fn get_page<T: DeserializeOwned>(&self, path: &str) -> List<T> {
        let page: List<T> = self.get_json(path).await;
        assert_eq!(page.meta.count, page.data.len(), "meta.count of {path}");
        assert!(page.meta.total >= page.data.len(), "meta.total of {path}");
        let own = if path.starts_with("/v1/export") {
            path.to_owned()
        } else {
            self.url(path)
        };
        assert_eq!(page.links.self_link, own, "links.self of {path}");
        page
    }

    /// GET of a list: checks the envelope and returns its `data`.
    pub async fn get_list(&self, path: &str) -> Vec<Value> {
        self.get_page(path).await.data
    }

    /// GET of a list of figures: each read whole.
    pub async fn get_figures(&self, path: &str) -> Vec<Figure> {
        self.get_page(path).await.data
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

pub fn assert_problem_shape(problem: &Problem, status: StatusCode) {
    assert_eq!(problem.status, status.as_u16(), "{problem:?}");
    assert_eq!(problem.problem_type, "about:blank", "{problem:?}");
    assert_eq!(
        problem.title,
        status.canonical_reason().unwrap(),
        "{problem:?}"
    );
    assert!(!problem.detail.is_empty(), "{problem:?}");
}

/// `body` read as `T`, every member as `T` declares it; a mismatch fails the test with the body.
pub fn read<T: DeserializeOwned>(body: &str, what: &str) -> T {
    serde_json::from_str(body).unwrap_or_else(|error| {
        panic!(
            "{what}: the body is not a {}: {error}\n{body}",
            std::any::type_name::<T>()
        )
    })
}

/// `value` (a part of a body) read as `T`, as [`read`].
pub fn read_value<T: DeserializeOwned>(value: &Value) -> T {
    read(&value.to_string(), "a part of a body")
}

/// The `figures` a resource (a cluster, a city plan, a speaker...) carries, each read whole.
pub fn figures_of(resource: &Value) -> Vec<Figure> {
    assert!(resource["figures"].is_array(), "no figures in {resource}");
    read_value(&resource["figures"])
}

/// The ids of a list's items, in order.
pub fn ids<T: HasId>(items: &[T]) -> Vec<&str> {
    items.iter().map(HasId::id).collect()
}

/// The one item of `items` with this id.
pub fn by_id<'a, T: HasId>(items: &'a [T], id: &str) -> &'a T {
    items
        .iter()
        .find(|item| item.id() == id)
        .unwrap_or_else(|| panic!("no item '{id}' among {:?}", ids(items)))
}
