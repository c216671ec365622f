//! The dashboard in a real browser: headless Chromium loads `/` from the real app, and the test
//! reads the DOM the page's script rendered (`--dump-dom`) and every console message it logged
//! (`--enable-logging=stderr`), and compares what the page shows with what the API answers.
//!
//! Chromium is found at `$CHROMIUM`, `/usr/bin/chromium`, or as `chromium-browser` or
//! `chromium` in `PATH`. Without one the test is skipped with a message, except under CI
//! (`CI` set), where a missing browser is a failure: `.ci/run` installs Debian's chromium.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{figures_of, header, Figure, TestApp};

/// Longest a browser run may take before the test gives up on it.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(90);

fn find_browser() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        assert!(path.is_file(), "CHROMIUM={} is not a file", path.display());
        return Some(path);
    }
    let installed = Path::new("/usr/bin/chromium");
    if installed.is_file() {
        return Some(installed.to_owned());
    }
    let search = std::env::var_os("PATH")?;
    ["chromium-browser", "chromium"].iter().find_map(|name| {
        std::env::split_paths(&search)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// What one headless run left behind.
struct BrowserRun {
    /// `--dump-dom`: the DOM once the page settled, serialised.
    stdout: String,
    /// Chromium's log, console messages included.
    stderr: String,
}

impl BrowserRun {
    /// Every console message the page logged. The dashboard logs nothing when all is well, so
    /// any message (an uncaught error, a CSP violation, a failed load) is a fault.
    fn console(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|line| line.contains(":CONSOLE"))
            .collect()
    }
}

/// Runs headless Chromium on `url` with `extra` flags, in a fresh profile, off the async
/// runtime (the app under test runs on it), and kills it if it takes too long.
async fn browse(browser: &Path, url: &str, extra: &[String]) -> BrowserRun {
    let browser = browser.to_owned();
    let url = url.to_owned();
    let extra = extra.to_vec();
    tokio::task::spawn_blocking(move || {
        let profile = tempfile::tempdir().expect("a profile directory");
        let stdout_path = profile.path().join("stdout");
        let stderr_path = profile.path().join("stderr");
        let mut child = Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                // Without these Chromium keeps trying to reach Google's servers.
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                // Containers often give /dev/shm only 64 MB, too little for a renderer.
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--enable-logging=stderr",
                "--v=0",
                // Virtual time stands still while requests are in flight, so the budget only
                // runs out once the page has nothing left to load.
                "--virtual-time-budget=30000",
            ])
            .arg(format!(
                "--user-data-dir={}",
                profile.path().join("profile").display()
            ))
            .args(&extra)
            .arg(&url)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout_path).expect("a stdout file"))
            .stderr(std::fs::File::create(&stderr_path).expect("a stderr file"))
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", browser.display()));
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("the browser's status") {
                break status;
            }
            if started.elapsed() > BROWSER_TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "{} did not finish {url} within {BROWSER_TIMEOUT:?}",
                    browser.display()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let run = BrowserRun {
            stdout: std::fs::read_to_string(&stdout_path).unwrap_or_default(),
            stderr: std::fs::read_to_string(&stderr_path).unwrap_or_default(),
        };
        assert!(
            status.success(),
            "the browser failed on {url}: {status}\n{}",
            run.stderr
        );
        run
    })
    .await
    .expect("the browser run completes")
}

/// Every element `<tag ...>...</tag>` of `html` that has `name`, with that attribute's value.
/// Enough for the dashboard's markup, where no element is nested in one of its own kind.
fn elements<'a>(html: &'a str, tag: &str, name: &str) -> Vec<(&'a str, &'a str)> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = html[from..].find(&open).map(|offset| from + offset) {
        from = at + open.len();
        let rest = &html[from..];
        if !rest.starts_with([' ', '>']) {
            continue; // <figcaption> is not a <figure>
        }
        let Some(end) = rest.find(&close) else {
            continue;
        };
        let block = &html[at..from + end + close.len()];
        if let Some(value) = attribute(block, name) {
            found.push((value, block));
        }
    }
    found
}

/// The element `<tag ... name="value" ...>...</tag>` of `html`.
fn element<'a>(html: &'a str, tag: &str, name: &str, value: &str) -> Option<&'a str> {
    elements(html, tag, name)
        .into_iter()
        .find(|(found, _)| *found == value)
        .map(|(_, block)| block)
}

/// The value of `attribute` on the first tag of `html`.
fn attribute<'a>(html: &'a str, attribute: &str) -> Option<&'a str> {
    let tag = &html[..html.find('>')?];
    let start = tag.find(&format!(" {attribute}=\""))? + attribute.len() + 3;
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// The text of an HTML fragment: tags dropped, entities decoded, white space collapsed.
fn text(html: &str) -> String {
    let mut plain = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                plain.push(' ');
            }
            _ if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let decoded = plain
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A number as the page shows it: at most two decimals, thousands grouped.
fn shown_number(value: f64) -> String {
    let fixed = format!("{:.2}", value.abs());
    let fixed = fixed.trim_end_matches('0').trim_end_matches('.');
    let (whole, fraction) = fixed.split_once('.').unwrap_or((fixed, ""));
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if value < 0.0 { "-" } else { "" };
    match fraction {
        "" => format!("{sign}{grouped}"),
        _ => format!("{sign}{grouped}.{fraction}"),
    }
}

/// A figure's value with its scale and unit, as the page words it ("1.1 trillion yuan").
fn shown_amount(figure: &Figure) -> String {
    let number = shown_number(figure.value.f64());
    let scaled = match figure.scale.as_str() {
        "unit" => number,
        scale => format!("{number} {scale}"),
    };
    match figure.unit.as_str() {
        "cny" => format!("{scaled} yuan"),
        "usd" => format!("US${scaled}"),
        "percent" => format!("{scaled}%"),
        "rank" => format!("No. {scaled}"),
        "count" => scaled,
        "percentage_points" => format!("{scaled} percentage points"),
        unit => format!("{scaled} {unit}"),
    }
}

fn shown_qualifier(figure: &Figure) -> String {
    figure.qualifier.replace('_', " ")
}

/// The page shows `figure` in an element marked with its id, with its value, unit, qualifier
/// and period.
fn assert_figure_shown(within: &str, figure: &Figure, context: &str) {
    let id = figure.id.as_str();
    let block = ["tr", "article"]
        .iter()
        .find_map(|tag| element(within, tag, "data-figure", id))
        .unwrap_or_else(|| panic!("{context}: figure {id} is not on the page"));
    let value_tag = &block[block.find("<span class=\"value\"").expect("a value")..];
    let shown_value: f64 = attribute(value_tag, "data-value")
        .expect("a data-value")
        .parse()
        .expect("a number");
    assert_eq!(figure.value, shown_value, "{context}: {id}");
    let words = text(block);
    for expected in [
        shown_amount(figure),
        shown_qualifier(figure),
        figure.period.label.clone(),
    ] {
        assert!(
            words.contains(&expected),
            "{context}: {id} shows '{words}', without '{expected}'"
        );
    }
}

/// The browser, or `None` (after saying so) when there is none and CI is not set.
fn browser_or_skip(test: &str) -> Option<PathBuf> {
    let browser = find_browser();
    if browser.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but no Chromium was found ($CHROMIUM, /usr/bin/chromium, chromium-browser \
             or chromium in PATH): {test} cannot run"
        );
        eprintln!(
            "SKIPPED {test}: no Chromium found ($CHROMIUM, /usr/bin/chromium, chromium-browser \
             or chromium in PATH); install Debian's chromium to run it"
        );
    }
    browser
}

#[tokio::test]
async fn the_dashboard_shows_the_apis_figures_in_a_real_browser() {
    let Some(browser) = browser_or_skip("the_dashboard_shows_the_apis_figures_in_a_real_browser")
    else {
        return;
    };
    let dump = ["--dump-dom".to_owned()];

    // The console check can fail: an uncaught error in a page is seen.
    let broken = browse(
        &browser,
        "data:text/html,<script>notAFunction()</script>",
        &dump,
    )
    .await;
    assert!(
        broken
            .console()
            .iter()
            .any(|line| line.contains("Uncaught")),
        "the browser's log shows no console messages; the console check would miss errors:\n{}",
        broken.stderr
    );

    let app = TestApp::spawn().await;
    let page = app.get("/").await;
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    assert_eq!(header(&page, "content-type"), "text/html; charset=utf-8");
    assert!(header(&page, "content-security-policy").contains("script-src 'self'"));
    let script = app.get("/dashboard.js").await;
    assert_eq!(
        header(&script, "content-type"),
        "text/javascript; charset=utf-8"
    );
    assert!(!header(&script, "etag").is_empty());
    let stylesheet = app.get("/dashboard.css").await;
    assert_eq!(
        header(&stylesheet, "content-type"),
        "text/css; charset=utf-8"
    );

    // One load shows everything: the figures, the charts, and the search that ?q= runs.
    let term = "robot";
    let run = browse(&browser, &format!("{}/?q={term}", app.address), &dump).await;
    let dom = run.stdout.as_str();
    let status = element(dom, "p", "id", "status")
        .map(text)
        .unwrap_or_default();
    assert!(
        dom.contains(" data-ready=\"true\""),
        "the page never finished loading; status: {status}\nconsole: {:#?}",
        run.console()
    );
    assert!(
        dom.contains(" data-fetch-errors=\"0\""),
        "parts of the page failed to load: {status}"
    );
    assert!(
        dom.contains(" data-js-errors=\"0\""),
        "the script failed: {status}"
    );
    assert!(!dom.contains("class=\"error\""), "an error is shown: {dom}");
    assert!(
        run.console().is_empty(),
        "the page logged to the console: {:#?}",
        run.console()
    );

    // The nine trillion-yuan clusters, each with its figures, as the API gives them.
    let groups = app
        .get_list("/v1/cluster-groups?kind=trillion_yuan_industrial")
        .await;
    assert_eq!(groups.len(), 1);
    let group = groups[0]["id"].as_str().unwrap();
    let clusters = app.get_list(&format!("/v1/clusters?group={group}")).await;
    assert_eq!(clusters.len(), 9, "the article's nine clusters");
    let table = element(dom, "table", "data-group", group).expect("the clusters' table");
    assert_eq!(
        elements(table, "tbody", "data-cluster").len(),
        clusters.len()
    );
    for cluster in &clusters {
        let id = cluster["id"].as_str().unwrap();
        let rows = element(table, "tbody", "data-cluster", id)
            .unwrap_or_else(|| panic!("cluster {id} is not in the table"));
        let name = cluster["name"].as_str().unwrap();
        assert!(text(rows).contains(name), "{id}: '{}'", text(rows));
        let figures: Vec<Figure> = figures_of(cluster)
            .into_iter()
            .filter(Figure::is_stated)
            .collect();
        assert!(!figures.is_empty(), "{id} has figures");
        for figure in &figures {
            assert_figure_shown(rows, figure, name);
        }
    }

    // R&D, the Bay Area, the marine economy, patents and the city plans: every stated figure.
    for topic in ["innovation", "greater_bay_area", "marine_economy"] {
        let figures = app
            .get_figures(&format!("/v1/observations?topic={topic}&limit=1000"))
            .await;
        assert!(!figures.is_empty(), "{topic}");
        for figure in figures.iter().filter(|f| f.is_stated()) {
            assert_figure_shown(dom, figure, topic);
        }
    }
    let patents = app.get_figures("/v1/patents").await;
    assert!(patents.iter().any(Figure::is_stated), "the API has patents");
    for figure in patents.iter().filter(|f| f.is_stated()) {
        let patents = element(dom, "section", "id", "patents").expect("the patents section");
        assert_figure_shown(patents, figure, "patents");
    }
    let plans = app.get_list("/v1/city-plans").await;
    assert_eq!(plans.len(), 3, "the article's three city plans");
    for plan in plans {
        let id = plan["id"].as_str().unwrap();
        let shown = element(dom, "article", "data-plan", id)
            .unwrap_or_else(|| panic!("plan {id} is not on the page"));
        assert!(text(shown).contains(plan["city"]["name"].as_str().unwrap()));
        let figures: Vec<Figure> = figures_of(&plan)
            .into_iter()
            .filter(Figure::is_stated)
            .collect();
        assert!(!figures.is_empty(), "plan {id} has figures");
        for figure in &figures {
            assert_figure_shown(shown, figure, id);
        }
    }

    // Charts: the chart endpoint's SVGs, loaded, each with a text alternative.
    let charts = elements(dom, "figure", "data-chart");
    assert!(!charts.is_empty(), "no chart on the page");
    for (indicator, chart) in &charts {
        let image = &chart[chart.find("<img").expect("an image")..];
        assert_eq!(attribute(image, "data-loaded"), Some("true"), "{indicator}");
        assert!(
            attribute(image, "alt").is_some_and(|alt| alt.len() > 20),
            "{indicator}"
        );
        let source = attribute(image, "src").unwrap().replace("&amp;", "&");
        assert!(source.starts_with(&format!("/v1/indicators/{indicator}/chart.svg")));
        let svg = app.get(&source).await;
        assert_eq!(svg.status(), reqwest::StatusCode::OK, "{source}");
        assert!(header(&svg, "content-type").starts_with("image/svg+xml"));
    }

    // The search ?q= ran: the API's hits, listed.
    let hits = app.get_list(&format!("/v1/search?q={term}&limit=20")).await;
    assert!(!hits.is_empty(), "the API finds '{term}'");
    let results = element(dom, "div", "id", "search-results").expect("the search results");
    for hit in &hits {
        let key = format!(
            "{}:{}",
            hit["type"].as_str().unwrap(),
            hit["id"].as_str().unwrap()
        );
        let shown = element(results, "li", "data-hit", &key)
            .unwrap_or_else(|| panic!("hit {key} is not listed: {}", text(results)));
        assert!(shown.contains("<mark>"), "{key}: the match is highlighted");
    }

    // The stories the figures come from, and the links out.
    let sources = app.get_list("/v1/sources").await;
    assert_eq!(sources.len(), 3, "the article's three stories");
    for source in sources {
        let id = source["id"].as_str().unwrap();
        let cited = element(dom, "li", "data-source", id).expect("a cited source");
        assert!(text(cited).contains(source["headline"].as_str().unwrap()));
    }
    for link in ["href=\"/docs/\"", "href=\"/v1/export?format=csv\""] {
        assert!(dom.contains(link), "the page links {link}");
    }

    // Screenshots for people to look at: a desktop window and a phone-sized one.
    let screenshots = Path::new(env!("CARGO_TARGET_TMPDIR"));
    for (name, size) in [
        ("dashboard.png", "1280,1950"),
        ("dashboard-phone.png", "390,1600"),
    ] {
        let file = screenshots.join(name);
        let _ = std::fs::remove_file(&file);
        let run = browse(
            &browser,
            &format!("{}/", app.address),
            &[
                format!("--screenshot={}", file.display()),
                format!("--window-size={size}"),
            ],
        )
        .await;
        assert!(run.console().is_empty(), "{name}: {:#?}", run.console());
        let png = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{name}");
    }
}

#[tokio::test]
async fn the_dashboard_says_so_when_the_api_fails() {
    let Some(browser) = browser_or_skip("the_dashboard_says_so_when_the_api_fails") else {
        return;
    };
    let app = TestApp::spawn().await;
    // The page needs no database; every figure behind it does, and now fails with a 500.
    app.pool.close().await;
    let run = browse(
        &browser,
        &format!("{}/", app.address),
        &["--dump-dom".to_owned()],
    )
    .await;
    let dom = run.stdout.as_str();
    assert!(
        dom.contains(" data-ready=\"true\""),
        "the page never settled"
    );
    assert!(
        dom.contains(" data-js-errors=\"0\""),
        "failures are handled, not thrown"
    );
    let failed: usize = attribute(
        &dom[dom.find("<body").expect("a body")..],
        "data-fetch-errors",
    )
    .expect("failures counted")
    .parse()
    .unwrap();
    assert!(failed > 0, "no failure counted");
    let status = element(dom, "p", "id", "status").expect("the status line");
    assert!(attribute(status, "class").is_some_and(|c| c.contains("error")));
    assert!(
        text(status).contains("could not be loaded"),
        "{}",
        text(status)
    );
    let shown = elements(dom, "p", "class")
        .into_iter()
        .filter(|(class, block)| *class == "error" && text(block).starts_with("Could not load"))
        .count();
    assert!(
        shown >= failed,
        "each failed part says so where it would be"
    );
}
