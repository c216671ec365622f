//! Golden responses: the bytes users see, pinned before the redesign of issue 14 (module
//! layout, figure schema, typed parameters) so that the redesign provably changes none.
//!
//! The test starts the real app over a fresh database holding exactly the article's data
//! (data version 1, every revision recorded at a fixed time), requests a fixed list of URLs
//! and the URLs built from their answers (every single resource the lists name, every
//! indicator's series and chart, and the `links.next`/`links.prev` of a few pages), and
//! compares each answer's status, `content-type`, the other headers users act on
//! ([`PINNED_HEADERS`]) and body bytes with its file in `tests/golden/`. A file holds the
//! request (`request:` and `request-header:` lines), then `status:`, `content-type:` and the
//! pinned header lines, a blank line and the body exactly as served. Every request names
//! `Host: localhost:8080`, so the absolute links in answers do not depend on the port. Its
//! name is the request's path and query with unsafe characters replaced (`~`), plus a short
//! hash only where names would collide or grow too long.
//!
//! Every mismatch is collected and reported at the end, with its URL, its file and the first
//! differing line of expected and actual; a file in `tests/golden/` that no request produces
//! fails too, so a rename leaves no stale file behind.
//!
//! After a deliberate change, rewrite the files and review them:
//!
//! ```sh
//! GOLDEN_UPDATE=1 cargo test --test api golden   # writes every file, removes stale ones
//! git diff tests/golden                          # then name the change in its commit
//! ```
//!
//! With `GOLDEN_UPDATE=1` the test writes instead of comparing and fails nothing.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde_json::Value;

use crate::helpers::TestApp;

const GOLDEN_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");
const EXTENSION: &str = ".golden";
/// The `Host` every request names, whatever port the app listens on, so that the absolute
/// links the API serves are the same bytes in every run.
const HOST: &str = "localhost:8080";
/// What links in the answers start with.
const BASE_URL: &str = "http://localhost:8080";
/// Longest file name, extension included; longer ones are cut and given a hash.
const MAX_NAME: usize = 150;

mod urls;

use urls::{COOKBOOK, DOCUMENTS, ERRORS, FOLLOW, LISTS, QUERIES, SINGLES, SORT_KEYS, WITH_HEADERS};

#[derive(Clone, PartialEq, Eq, Hash)]
struct Request {
    method: &'static str,
    path: String,
    headers: &'static [(&'static str, &'static str)],
}

impl Request {
    fn get(path: impl Into<String>) -> Request {
        Request {
            method: "GET",
            path: path.into(),
            headers: &[],
        }
    }

    /// How a failure names it.
    fn describe(&self) -> String {
        let mut text = format!("{} {}", self.method, self.path);
        for (name, value) in self.headers {
            text.push_str(&format!(" [{name}: {value}]"));
        }
        text
    }
}

/// Response headers users act on besides `content-type`, pinned where present: paging links,
/// download names, the methods allowed, redirects, the language of names, and what caches key
/// and keep.
const PINNED_HEADERS: [&str; 8] = [
    "link",
    "content-language",
    "content-disposition",
    "allow",
    "location",
    "vary",
    "cache-control",
    "transform-notes",
];

struct Answer {
    status: u16,
    content_type: Option<String>,
    /// The [`PINNED_HEADERS`] the answer carries, in that order.
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

/// The requests made so far, in order, each once, with their answers.
struct Run {
    address: String,
    client: reqwest::Client,
    requests: Vec<Request>,
    answers: HashMap<Request, Result<Answer, String>>,
    /// What could not be built from an answer (a list without ids, a page without a link).
    problems: Vec<String>,
}

impl Run {
    async fn fetch(&mut self, request: Request) {
        if self.answers.contains_key(&request) {
            return;
        }
        let method = reqwest::Method::from_bytes(request.method.as_bytes()).expect("a method");
        let mut builder = self
            .client
            .request(method, format!("{}{}", self.address, request.path));
        if !request
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("host"))
        {
            builder = builder.header("host", HOST);
        }
        for (name, value) in request.headers {
            builder = builder.header(*name, *value);
        }
        let answer = async {
            let response = builder.send().await.map_err(|e| e.to_string())?;
            let status = response.status().as_u16();
            let content_type = response
                .headers()
                .get("content-type")
                .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
            let headers = PINNED_HEADERS
                .into_iter()
                .flat_map(|name| {
                    response
                        .headers()
                        .get_all(name)
                        .into_iter()
                        .map(move |value| {
                            (name, String::from_utf8_lossy(value.as_bytes()).into_owned())
                        })
                })
                .collect();
            let body = response.bytes().await.map_err(|e| e.to_string())?.to_vec();
            Ok(Answer {
                status,
                content_type,
                headers,
                body,
            })
        }
        .await;
        self.requests.push(request.clone());
        self.answers.insert(request, answer);
    }

    /// The JSON body of a GET of `path`, fetched (and so compared) if it was not yet.
    async fn json(&mut self, path: &str) -> Option<Value> {
        let request = Request::get(path);
        self.fetch(request.clone()).await;
        let parsed = match &self.answers[&request] {
            Ok(answer) if answer.status == 200 => serde_json::from_slice(&answer.body)
                .map_err(|error| format!("its body is not JSON: {error}")),
            Ok(answer) => Err(format!("it answered {}", answer.status)),
            Err(error) => Err(error.clone()),
        };
        parsed
            .map_err(|error| self.problem(format!("GET {path}: {error}")))
            .ok()
    }

    /// Notes what could not be built, once however often it is asked.
    fn problem(&mut self, problem: String) {
        if !self.problems.contains(&problem) {
            self.problems.push(problem);
        }
    }

    /// The `id` of every item of the list at `path`.
    async fn ids(&mut self, path: &str) -> Vec<String> {
        let Some(body) = self.json(path).await else {
            return Vec::new();
        };
        let ids: Option<Vec<String>> = body["data"].as_array().and_then(|items| {
            items
                .iter()
                .map(|item| item["id"].as_str().map(str::to_owned))
                .collect()
        });
        ids.unwrap_or_else(|| {
            self.problem(format!("GET {path}: no data[].id to build requests from"));
            Vec::new()
        })
    }

    /// Fetches the link `rel` (`next`, `prev`) of the page at `path` and returns it.
    async fn follow(&mut self, path: &str, rel: &str) -> Option<String> {
        let body = self.json(path).await?;
        let Some(link) = body["links"][rel]
            .as_str()
            .and_then(|link| link.strip_prefix(BASE_URL))
        else {
            self.problem(format!(
                "GET {path}: links.{rel} is not a link to {BASE_URL} to follow"
            ));
            return None;
        };
        self.fetch(Request::get(link)).await;
        Some(link.to_owned())
    }
}

/// Appends `query` (`key=value`) to `path`, which may already have one.
fn with(path: &str, query: &str) -> String {
    let separator = if path.contains('?') { '&' } else { '?' };
    format!("{path}{separator}{query}")
}

/// An id as one path segment.
fn segment(id: &str) -> String {
    id.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// Every request, in a fixed order: the fixed lists first, then what their answers name.
async fn make_requests(run: &mut Run) {
    let fixed = COOKBOOK
        .iter()
        .chain(DOCUMENTS)
        .map(|path| path.to_string())
        .chain(LISTS.iter().flat_map(|list| {
            [
                list.to_string(),
                with(list, "format=csv"),
                with(list, "limit=1000"),
                with(list, "limit=1000&format=csv"),
            ]
        }))
        .chain(SORT_KEYS.iter().flat_map(|(list, keys)| {
            keys.iter().flat_map(move |key| {
                [
                    with(list, &format!("sort={key}")),
                    with(list, &format!("sort=-{key}")),
                ]
            })
        }))
        .chain(QUERIES.iter().chain(ERRORS).map(|path| path.to_string()));
    for path in fixed.collect::<Vec<_>>() {
        run.fetch(Request::get(path)).await;
    }
    // 50 values in one filter, and 51, one more than a filter takes; a query longer than the
    // server takes (2,048 bytes), a 414.
    for last in [1999, 2000] {
        let years: Vec<String> = (1950..=last).map(|year| year.to_string()).collect();
        run.fetch(Request::get(format!(
            "/v1/observations?year={}",
            years.join(",")
        )))
        .await;
    }
    run.fetch(Request::get(format!("/v1/search?q={}", "a".repeat(2100))))
        .await;
    for (method, path, headers) in WITH_HEADERS {
        run.fetch(Request {
            method,
            path: path.to_string(),
            headers,
        })
        .await;
    }

    // Every single resource the lists name; their golden files pin which ids exist.
    for (list, prefix) in SINGLES {
        for id in run.ids(list).await {
            run.fetch(Request::get(format!("{prefix}{}", segment(&id))))
                .await;
        }
    }
    for id in run.ids("/v1/observations?limit=1000").await {
        run.fetch(Request::get(format!(
            "/v1/observations/{}/revisions",
            segment(&id)
        )))
        .await;
    }
    // Every indicator's series and chart, and the transforms of each series of two or more.
    if let Some(catalogue) = run.json("/v1/indicators?limit=1000").await {
        let indicators: Vec<(String, u64)> = catalogue["data"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| {
                        Some((
                            item["id"].as_str()?.to_owned(),
                            item["observation_count"].as_u64()?,
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        if indicators.is_empty() {
            run.problem("GET /v1/indicators?limit=1000: no indicators with counts".to_owned());
        }
        for (id, count) in indicators {
            let base = format!("/v1/indicators/{}", segment(&id));
            run.fetch(Request::get(format!("{base}/observations")))
                .await;
            run.fetch(Request::get(format!("{base}/chart.svg"))).await;
            if count >= 2 {
                for transform in ["change", "pct_change", "cagr"] {
                    run.fetch(Request::get(format!(
                        "{base}/observations?transform={transform}"
                    )))
                    .await;
                }
            }
        }
    }
    // Pages: next once, then back.
    for path in FOLLOW {
        if let Some(next) = run.follow(path, "next").await {
            run.follow(&next, "prev").await;
        }
    }
}

/// 64-bit FNV-1a, folded to 32 bits: a short stable hash for file names.
fn short_hash(request: &Request) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let key = format!(
        "{}\n{}\n{:?}",
        request.method, request.path, request.headers
    );
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", (hash ^ (hash >> 32)) as u32)
}

/// The readable part of a file name: method (if not GET), path with `/` as `_`, `__` and
/// the query, `__name=value` per request header; other unsafe characters become `~`.
fn readable_name(request: &Request) -> String {
    fn safe(c: char) -> char {
        if c.is_ascii_alphanumeric() || "-_.=&,+%".contains(c) {
            c
        } else {
            '~'
        }
    }
    let (path, query) = match request.path.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (request.path.as_str(), None),
    };
    let mut name = String::new();
    if request.method != "GET" {
        name.push_str(request.method);
        name.push('_');
    }
    let path = path.trim_start_matches('/');
    if path.is_empty() {
        name.push_str("root");
    }
    name.extend(path.chars().map(|c| if c == '/' { '_' } else { safe(c) }));
    if let Some(query) = query {
        name.push_str("__");
        name.extend(query.chars().map(safe));
    }
    for (header, value) in request.headers {
        name.push_str("__");
        name.extend(header.to_ascii_lowercase().chars().map(safe));
        name.push('=');
        name.extend(value.chars().map(safe));
    }
    name
}

/// Each request's file name: readable, with a hash where names would be too long or would
/// collide (compared without case, for case-insensitive file systems).
fn file_names(requests: &[Request]) -> Vec<String> {
    let readable: Vec<String> = requests.iter().map(readable_name).collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for name in &readable {
        *seen.entry(name.to_ascii_lowercase()).or_default() += 1;
    }
    let names: Vec<String> = requests
        .iter()
        .zip(readable)
        .map(|(request, name)| {
            let fits = name.len() + EXTENSION.len() <= MAX_NAME;
            if fits && seen[&name.to_ascii_lowercase()] == 1 {
                format!("{name}{EXTENSION}")
            } else {
                let keep = name.len().min(MAX_NAME - EXTENSION.len() - 9);
                format!("{}~{}{EXTENSION}", &name[..keep], short_hash(request))
            }
        })
        .collect();
    let mut unique = HashSet::new();
    for name in &names {
        assert!(
            unique.insert(name.to_ascii_lowercase()),
            "two requests share the golden file name {name}"
        );
    }
    names
}

/// What a golden file holds for one answer.
fn golden_bytes(request: &Request, answer: &Result<Answer, String>) -> Vec<u8> {
    let mut text = format!("request: {} {}\n", request.method, request.path);
    for (name, value) in request.headers {
        text.push_str(&format!("request-header: {name}: {value}\n"));
    }
    match answer {
        Ok(answer) => {
            text.push_str(&format!("status: {}\n", answer.status));
            let content_type = answer.content_type.as_deref().unwrap_or("(none)");
            text.push_str(&format!("content-type: {content_type}\n"));
            for (name, value) in &answer.headers {
                text.push_str(&format!("{name}: {value}\n"));
            }
            text.push('\n');
            let mut bytes = text.into_bytes();
            bytes.extend_from_slice(&answer.body);
            bytes
        }
        Err(error) => {
            text.push_str(&format!("error: {error}\n"));
            text.into_bytes()
        }
    }
}

/// Where `expected` and `actual` first differ: the line, an excerpt of each around it and a
/// caret under the first differing byte.
fn first_difference(expected: &[u8], actual: &[u8]) -> String {
    let offset = expected
        .iter()
        .zip(actual)
        .position(|(e, a)| e != a)
        .unwrap_or(expected.len().min(actual.len()));
    let line = expected[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = expected[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |newline| newline + 1);
    let (before, expected_rest) = excerpt(expected, line_start, offset);
    let (_, actual_rest) = excerpt(actual, line_start, offset);
    format!(
        "first difference at line {line}, column {} (byte {offset}; expected {} bytes, got {}):\n    \
         expected: {before}{expected_rest}\n    \
         actual:   {before}{actual_rest}\n              {}^",
        offset - line_start + 1,
        expected.len(),
        actual.len(),
        " ".repeat(before.chars().count()),
    )
}

/// The line of `bytes` that starts at `line_start` and holds `offset`, as the part before
/// `offset` and the part from it, each cut to 70 bytes; control characters escaped.
fn excerpt(bytes: &[u8], line_start: usize, offset: usize) -> (String, String) {
    fn text(bytes: &[u8]) -> String {
        String::from_utf8_lossy(bytes)
            .chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect()
    }
    let start = offset.saturating_sub(70).max(line_start);
    let before = format!(
        "{}{}",
        if start > line_start { "..." } else { "" },
        text(&bytes[start..offset.min(bytes.len())]),
    );
    if offset >= bytes.len() {
        return (before, "(the file ends here)".to_owned());
    }
    let line_end = bytes[offset..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |newline| offset + newline);
    let end = (offset + 70).min(line_end);
    let rest = format!(
        "{}{}{}",
        text(&bytes[offset..end]),
        if end == line_end && end < bytes.len() {
            "\\n"
        } else {
            ""
        },
        if end < line_end { "..." } else { "" },
    );
    (before, rest)
}

#[tokio::test]
async fn every_url_answers_its_committed_bytes() {
    let update = std::env::var("GOLDEN_UPDATE").as_deref() == Ok("1");
    let app = TestApp::spawn().await;
    let mut run = Run {
        address: app.address.clone(),
        // Redirects are answers too: `/docs` is a 303.
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client"),
        requests: Vec::new(),
        answers: HashMap::new(),
        problems: Vec::new(),
    };
    make_requests(&mut run).await;
    let names = file_names(&run.requests);
    let dir = Path::new(GOLDEN_DIR);

    let produced: HashSet<&str> = names.iter().map(String::as_str).collect();
    let mut stale = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries {
            let name = entry.expect("a directory entry").file_name();
            let name = name.to_string_lossy().into_owned();
            if !name.starts_with('.') && !produced.contains(name.as_str()) {
                stale.push(name);
            }
        }
    }
    stale.sort();

    if update {
        std::fs::create_dir_all(dir).expect("create tests/golden");
        let mut written = 0;
        for (request, name) in run.requests.iter().zip(&names) {
            let bytes = golden_bytes(request, &run.answers[request]);
            let path = dir.join(name);
            if std::fs::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
                std::fs::write(&path, bytes).expect("write a golden file");
                written += 1;
            }
        }
        for name in &stale {
            std::fs::remove_file(dir.join(name)).expect("remove a stale golden file");
        }
        println!(
            "golden: {} requests; {written} files written, {} unchanged, {} stale removed{}",
            names.len(),
            names.len() - written,
            stale.len(),
            stale
                .iter()
                .map(|name| format!("\n  removed {name}"))
                .collect::<String>(),
        );
        for problem in &run.problems {
            println!("golden: warning: {problem}");
        }
        return;
    }

    let mut failures = Vec::new();
    for (request, name) in run.requests.iter().zip(&names) {
        let actual = golden_bytes(request, &run.answers[request]);
        let file = format!("tests/golden/{name}");
        match std::fs::read(dir.join(name)) {
            Err(_) => failures.push(format!(
                "{} ({file}): no golden file (GOLDEN_UPDATE=1 writes it)",
                request.describe()
            )),
            Ok(expected) if expected != actual => failures.push(format!(
                "{} ({file}): {}",
                request.describe(),
                first_difference(&expected, &actual)
            )),
            Ok(_) => {}
        }
    }
    for name in &stale {
        failures.push(format!(
            "tests/golden/{name}: stale, no request of the golden list produces it"
        ));
    }
    for problem in &run.problems {
        failures.push(format!("cannot build requests from an answer: {problem}"));
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden responses differ (or are stale):\n\n  {}\n\nIf every difference is \
         deliberate, run `GOLDEN_UPDATE=1 cargo test --test api golden` and name the change \
         in the commit.",
        failures.len(),
        names.len(),
        failures.join("\n  "),
    );
}
