//! The dashboard in a real browser: headless Chromium, driven over the DevTools protocol
//! (`browser/cdp.rs`), loads `/` from the real app at a desktop width (1280 px) and a phone's
//! (390 px), and the test compares what the page shows with what the API answers: every figure
//! of the article with its value, qualifier and period, the consistency report's warnings, the
//! currency and scale controls, search and deep links, chart text, the console, and axe-core's
//! accessibility check (`browser/axe.rs`). It also holds back or fails the page's API requests
//! to see each section say so.
//!
//! Chromium is found at `$CHROMIUM`, `/usr/bin/chromium`, or as `chromium-browser` or
//! `chromium` in `PATH`. Without one the tests are skipped with a message, except under CI
//! (`CI` set), where a missing browser is a failure: `.ci/run` installs Debian's chromium.

mod axe;
mod cdp;
mod controls;
mod cross_origin;
mod failures;
mod navigation;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{header, seed_csv, TestApp};
use cdp::{find_browser, Chromium};

/// The widths the page is tested at, each with a window height: a desktop and a phone.
const WIDTHS: [(u32, u32); 2] = [(1280, 900), (390, 844)];

/// The sections that load figures or entities from the API, as the page names them.
const PARTS: [&str; 13] = [
    "industry",
    "greater-bay-area",
    "media",
    "talent",
    "innovation",
    "companies",
    "city-plans",
    "marine-economy",
    "facilities",
    "speakers",
    "derived",
    "consistency",
    "sources",
];

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

/// Opens `url` at `width` and waits until the page has settled (`data-ready`).
async fn open_settled(chromium: &mut Chromium, url: &str, (width, height): (u32, u32)) {
    chromium.set_width(width, height).await;
    chromium.open(url).await;
    chromium
        .wait_for("document.body.dataset.ready === 'true'")
        .await;
}

/// The page settled with nothing failed, nothing thrown, no error shown and nothing logged.
async fn assert_clean(chromium: &mut Chromium, context: &str) {
    let state = chromium
        .eval(
            "({ fetchErrors: document.body.dataset.fetchErrors,
                jsErrors: document.documentElement.dataset.jsErrors,
                status: document.getElementById('status').textContent,
                errors: [...document.querySelectorAll('.error')].map((e) => e.textContent) })",
        )
        .await;
    assert_eq!(state["fetchErrors"], "0", "{context}: {state}");
    assert_eq!(state["jsErrors"], "0", "{context}: {state}");
    assert_eq!(state["errors"], json!([]), "{context}: an error is shown");
    let console = chromium.take_console();
    assert!(
        console.is_empty(),
        "{context}: the page logged to the console: {console:#?}"
    );
}

/// The ids of the article's stories.
async fn article_sources(app: &TestApp) -> Vec<Value> {
    let sources: Vec<Value> = app
        .get_list("/v1/sources")
        .await
        .into_iter()
        .filter(|s| s["publication"] == "China Daily" && s["page"] == "GD Today")
        .collect();
    assert_eq!(sources.len(), 3, "the article's three stories");
    sources
}

/// Every figure of the article and every derived one, as the API serves them with `query`
/// (`currency=USD`...), by id.
async fn article_figures(app: &TestApp, query: &str) -> BTreeMap<String, Value> {
    let ids: Vec<String> = article_sources(app)
        .await
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    let and = if query.is_empty() {
        String::new()
    } else {
        format!("&{query}")
    };
    let mut figures = app
        .get_list(&format!(
            "/v1/observations?source={}&limit=1000{and}",
            ids.join(",")
        ))
        .await;
    assert_eq!(figures.len(), 69, "the article's 69 figures");
    figures.extend(app.get_list(&format!("/v1/derived?limit=1000{and}")).await);
    figures
        .into_iter()
        .map(|f| (f["id"].as_str().unwrap().to_owned(), f))
        .collect()
}

/// A number as the page shows it: two decimals, more below 1 (one more per leading zero, at
/// most six), rounded half up from the shortest decimal that reads back as the number (as
/// JavaScript's `Intl.NumberFormat` does), thousands grouped.
fn shown_number(value: f64) -> String {
    let magnitude = if value == 0.0 {
        0
    } else {
        value.abs().log10().floor() as i32
    };
    let digits = (-magnitude).clamp(0, 4) as usize + 2;
    let shortest = format!("{}", value.abs());
    let (whole, fraction) = shortest.split_once('.').unwrap_or((&shortest, ""));
    let kept: String = fraction
        .chars()
        .chain(std::iter::repeat('0'))
        .take(digits)
        .collect();
    let mut scaled: u128 = format!("{whole}{kept}").parse().expect("digits");
    if fraction.chars().nth(digits).is_some_and(|d| d >= '5') {
        scaled += 1;
    }
    let unit = 10u128.pow(digits as u32);
    let (whole, fraction) = (scaled / unit, scaled % unit);
    let whole = whole.to_string();
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let fraction = format!("{fraction:0digits$}");
    let fraction = fraction.trim_end_matches('0');
    let sign = if value < 0.0 { "-" } else { "" };
    match fraction {
        "" => format!("{sign}{grouped}"),
        _ => format!("{sign}{grouped}.{fraction}"),
    }
}

#[test]
fn numbers_read_as_the_page_words_them() {
    for (value, shown) in [
        (0.285, "0.285"),
        (11.1111111111, "11.11"),
        (24.75, "24.75"),
        (77000.0, "77,000"),
        (0.0393, "0.0393"),
        (1.005, "1.01"),
        (-7.421, "-7.42"),
        (0.0, "0"),
    ] {
        assert_eq!(shown_number(value), shown, "{value}");
    }
}

/// A figure's value with its scale and unit, as the page words it ("1.1 trillion yuan").
fn shown_amount(figure: &Value) -> String {
    let number = shown_number(figure["value"].as_f64().unwrap());
    let scaled = match figure["scale"].as_str().unwrap() {
        "unit" => number,
        scale => format!("{number} {scale}"),
    };
    match figure["unit"].as_str().unwrap() {
        "cny" => format!("{scaled} yuan"),
        "usd" => format!("US${scaled}"),
        "percent" => format!("{scaled}%"),
        "rank" => format!("No. {scaled}"),
        "count" => scaled,
        "percentage_points" => format!("{scaled} percentage points"),
        unit => format!("{scaled} {unit}"),
    }
}

fn shown_qualifier(figure: &Value) -> String {
    match figure["qualifier"].as_str().unwrap() {
        "indeterminate" => "one-sided".to_owned(),
        qualifier => qualifier.replace('_', " "),
    }
}

/// Each figure on the page, by id: how many elements claim it, the value its own reading
/// shows, and its own text (without the figures printed beside it).
const FIGURES_ON_PAGE: &str = "(() => {
  const found = {};
  for (const home of document.querySelectorAll('[data-figure]')) {
    const id = home.dataset.figure;
    const own = home.cloneNode(true);
    own.querySelectorAll('[data-figure], details').forEach((e) => e.remove());
    const value = home.querySelector(':scope > .reading .value');
    const entry = found[id] || { count: 0 };
    entry.count += 1;
    entry.value = value ? Number(value.dataset.value) : null;
    entry.text = own.textContent.replace(/\\s+/g, ' ');
    entry.elementId = home.id;
    found[id] = entry;
  }
  return found;
})()";

/// The page shows every figure of `expected` once, in an element with the figure's id, with
/// the API's value, qualifier, period, region, printed words and story; and nothing else.
async fn assert_every_figure_shown(
    chromium: &mut Chromium,
    expected: &BTreeMap<String, Value>,
    context: &str,
) {
    let shown = chromium.eval(FIGURES_ON_PAGE).await;
    let shown = shown.as_object().expect("the figures on the page");
    for (id, figure) in expected {
        let entry = shown
            .get(id)
            .unwrap_or_else(|| panic!("{context}: figure {id} is not on the page"));
        assert_eq!(entry["count"], 1, "{context}: {id} has one home");
        assert_eq!(
            entry["elementId"],
            id.as_str(),
            "{context}: /#{id} links to it"
        );
        assert_eq!(
            entry["value"].as_f64(),
            figure["value"].as_f64(),
            "{context}: {id}"
        );
        let text = entry["text"].as_str().unwrap();
        let mut words = vec![
            shown_amount(figure),
            shown_qualifier(figure),
            figure["period"]["label"].as_str().unwrap().to_owned(),
            figure["region"]["name"].as_str().unwrap().to_owned(),
            figure["stated"].as_str().unwrap().to_owned(),
            figure["provenance"]["source"]["headline"]
                .as_str()
                .unwrap()
                .to_owned(),
            figure["provenance"]["section"].as_str().unwrap().to_owned(),
        ];
        if let Some(speaker) = figure["provenance"]["speaker"]["name"].as_str() {
            words.push(speaker.to_owned());
        }
        for word in words {
            assert!(
                text.contains(&word),
                "{context}: {id} shows '{text}', without '{word}'"
            );
        }
    }
    let extra: Vec<&String> = shown
        .keys()
        .filter(|id| !expected.contains_key(*id))
        .collect();
    assert!(
        extra.is_empty(),
        "{context}: figures the API did not give: {extra:?}"
    );
}

#[tokio::test]
async fn the_dashboard_shows_every_figure_of_the_article_at_both_widths() {
    let test = "the_dashboard_shows_every_figure_of_the_article_at_both_widths";
    let Some(browser) = browser_or_skip(test) else {
        return;
    };
    let axe = axe::axe_or_skip(test);
    let mut chromium = Chromium::launch(&browser).await;

    // The console check can fail: an uncaught error in a page is seen.
    chromium
        .open("data:text/html,<script>notAFunction()</script>")
        .await;
    chromium.pump(Duration::from_millis(200)).await;
    let logged = chromium.take_console();
    assert!(
        logged.iter().any(|line| line.contains("notAFunction")),
        "an uncaught error is not seen; the console check would miss errors: {logged:?}"
    );

    let app = TestApp::spawn().await;
    let page = app.get("/").await;
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    assert_eq!(header(&page, "content-type"), "text/html; charset=utf-8");
    assert!(header(&page, "content-security-policy").contains("script-src 'self'"));
    for (path, content_type) in [
        ("/dashboard.js", "text/javascript; charset=utf-8"),
        ("/dashboard-charts.js", "text/javascript; charset=utf-8"),
        ("/dashboard-figures.js", "text/javascript; charset=utf-8"),
        ("/dashboard-sections.js", "text/javascript; charset=utf-8"),
        ("/dashboard.css", "text/css; charset=utf-8"),
    ] {
        let response = app.get(path).await;
        assert_eq!(header(&response, "content-type"), content_type, "{path}");
        assert!(!header(&response, "etag").is_empty(), "{path}");
    }

    let figures = article_figures(&app, "").await;
    let report = app.get_ok("/v1/consistency").await;
    let flagged: Vec<(String, String, String)> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["verdict"] == "inconsistent")
        .flat_map(|c| {
            c["figures"].as_array().unwrap().iter().map(|f| {
                (
                    f.as_str().unwrap().to_owned(),
                    c["id"].as_str().unwrap().to_owned(),
                    c["explanation"].as_str().unwrap().to_owned(),
                )
            })
        })
        .collect();
    assert!(
        flagged
            .iter()
            .any(|(f, _, _)| f == "hengqin-gdp-average-growth"),
        "the report flags Hengqin's 27.4%"
    );
    let screenshots = Path::new(env!("CARGO_TARGET_TMPDIR"));

    for size in WIDTHS {
        let context = format!("{} px", size.0);
        open_settled(&mut chromium, &format!("{}/", app.address), size).await;
        assert_clean(&mut chromium, &context).await;
        assert_every_figure_shown(&mut chromium, &figures, &context).await;

        // Every figure the consistency report flags carries a visible warning that opens the
        // arithmetic; no other figure carries one.
        let warnings = chromium
            .eval(
                "[...document.querySelectorAll('details.warning')].map((d) => ({
                   figure: d.closest('[data-figure]').dataset.figure, check: d.dataset.warning,
                   visible: d.querySelector('summary').getBoundingClientRect().height > 0,
                   text: d.textContent }))",
            )
            .await;
        let warnings = warnings.as_array().unwrap();
        assert_eq!(warnings.len(), flagged.len(), "{context}: {warnings:?}");
        for (figure, check, explanation) in &flagged {
            let warning = warnings
                .iter()
                .find(|w| w["figure"] == figure.as_str() && w["check"] == check.as_str())
                .unwrap_or_else(|| panic!("{context}: {figure} has no warning of {check}"));
            assert_eq!(warning["visible"], true, "{context}: {figure}");
            assert!(
                warning["text"].as_str().unwrap().contains(explanation),
                "{context}: {figure}'s warning has the arithmetic"
            );
        }
        let hengqin = "#hengqin-gdp-average-growth details.warning";
        chromium.click(&format!("{hengqin} summary")).await;
        let opened = chromium
            .eval(&format!(
                "(() => {{ const d = document.querySelector('{hengqin}');
                   return d.open && d.querySelector('.arithmetic').getBoundingClientRect().height > 0; }})()"
            ))
            .await;
        assert_eq!(opened, true, "{context}: a click opens the arithmetic");

        assert_entities_shown(&mut chromium, &app, &report, &context).await;
        assert_data_links_answer(&mut chromium, &app, &context).await;
        assert_charts_readable(&mut chromium, &figures, &context).await;

        let overflow = chromium
            .eval("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            .await;
        assert_eq!(overflow, 0, "{context}: the page scrolls sideways");

        if let Some(axe) = &axe {
            let found = axe::violations(&mut chromium, axe).await;
            let serious = axe::serious(&found);
            assert!(
                serious.is_empty(),
                "{context}: axe-core finds serious or critical violations: {serious:#?}"
            );
        }

        // Screenshots for people to look at: the top of the page and the whole of it.
        let name = if size.0 < 600 {
            "dashboard-phone"
        } else {
            "dashboard"
        };
        chromium.eval("window.scrollTo(0, 0)").await;
        chromium
            .set_width(size.0, if size.0 < 600 { 1600 } else { 1500 })
            .await;
        for (file, whole) in [
            (format!("{name}.png"), false),
            (format!("{name}-full.png"), true),
        ] {
            let file = screenshots.join(file);
            chromium.screenshot(&file, whole).await;
            let png = std::fs::read(&file).unwrap();
            assert!(
                png.starts_with(b"\x89PNG") && png.len() > 10_000,
                "{}",
                file.display()
            );
        }
        assert_clean(&mut chromium, &context).await;
    }
}

/// Companies, facilities, speakers, city plans, the consistency report and the sources, each
/// as the API lists them; and no stored file's path anywhere.
async fn assert_entities_shown(
    chromium: &mut Chromium,
    app: &TestApp,
    report: &Value,
    context: &str,
) {
    for (list, prefix, name) in [
        ("/v1/companies", "company", "name"),
        ("/v1/facilities", "facility", "name"),
        ("/v1/speakers", "speaker", "name"),
        ("/v1/city-plans", "plan", "summary"),
    ] {
        let items = app.get_list(list).await;
        assert!(!items.is_empty(), "{list}");
        for item in items {
            let id = format!("{prefix}-{}", item["id"].as_str().unwrap());
            let text = chromium
                .eval(&format!(
                    "(document.getElementById('{id}') || {{}}).textContent || null"
                ))
                .await;
            let text = text
                .as_str()
                .unwrap_or_else(|| panic!("{context}: #{id} is not on the page"));
            assert!(
                text.contains(item[name].as_str().unwrap()),
                "{context}: #{id} shows '{text}'"
            );
        }
    }
    for check in report["checks"].as_array().unwrap() {
        let id = check["id"].as_str().unwrap();
        let text = chromium
            .eval(&format!(
                "(document.querySelector('[data-check-row=\"{id}\"]') || {{}}).textContent || null"
            ))
            .await;
        let text = text
            .as_str()
            .unwrap_or_else(|| panic!("{context}: check {id} is not in the report's table"));
        assert!(
            text.contains(check["explanation"].as_str().unwrap()),
            "{context}: {id}"
        );
    }
    let html = chromium.eval("document.documentElement.outerHTML").await;
    let html = html.as_str().unwrap();
    for source in article_sources(app).await {
        let id = source["id"].as_str().unwrap();
        let text = chromium
            .eval(&format!(
                "(document.getElementById('source-{id}') || {{}}).textContent || null"
            ))
            .await;
        let text = text
            .as_str()
            .unwrap_or_else(|| panic!("{context}: source {id} is not cited"));
        for field in ["headline", "publication", "byline"] {
            if let Some(words) = source[field].as_str() {
                assert!(text.contains(words), "{context}: {id} without its {field}");
            }
        }
    }
    // The API serves no file path (a source is cited by its publication), nor does the page
    // show the one stored beside each source.
    assert!(
        !html.contains("shared/sources/"),
        "{context}: the page shows a stored file path"
    );
}

/// Under each section, links to its data as CSV and JSON (the consistency report, which the
/// API serves as JSON only, has JSON), and each link answers.
async fn assert_data_links_answer(chromium: &mut Chromium, app: &TestApp, context: &str) {
    let links = chromium
        .eval(
            "Object.fromEntries([...document.querySelectorAll('section.part')].map((s) => [s.id,
               [...s.querySelectorAll(':scope > .slot > .data-links a')].map((a) =>
                 [a.dataset.format, a.getAttribute('href')])]))",
        )
        .await;
    for part in PARTS {
        let links = links[part].as_array().cloned().unwrap_or_default();
        let formats: Vec<&str> = links.iter().filter_map(|l| l[0].as_str()).collect();
        assert!(
            formats.contains(&"json"),
            "{context}: {part} has no JSON link"
        );
        if part != "consistency" {
            assert!(
                formats.contains(&"csv"),
                "{context}: {part} has no CSV link"
            );
        }
        for link in &links {
            let href = link[1].as_str().unwrap();
            let response = app.get(href).await;
            assert_eq!(response.status(), reqwest::StatusCode::OK, "{href}");
            let expected = if link[0] == "csv" {
                "text/csv"
            } else {
                "application/json"
            };
            assert!(
                header(&response, "content-type").starts_with(expected),
                "{context}: {href}"
            );
        }
    }
}

/// Every chart's text is at least 11 px as shown, no chart is wider than the page, and each
/// bar is drawn as its figure's bounds say: a lower bound open-ended, an exact figure plain.
async fn assert_charts_readable(
    chromium: &mut Chromium,
    figures: &BTreeMap<String, Value>,
    context: &str,
) {
    let charts = chromium
        .eval(
            "[...document.querySelectorAll('svg.chart-svg')].map((svg) => {
               const box = svg.getBoundingClientRect();
               const scale = box.width / svg.viewBox.baseVal.width;
               return {
                 label: svg.getAttribute('aria-label'),
                 overflow: box.right - document.documentElement.clientWidth,
                 smallest: Math.min(...[...svg.querySelectorAll('text')].map((t) =>
                   parseFloat(getComputedStyle(t).fontSize) * scale)),
                 bars: [...svg.querySelectorAll('[data-chart-figure]')].map((g) => ({
                   figure: g.dataset.chartFigure,
                   plain: !!g.querySelector('.bar') && !g.querySelector('.open, .band, .outline'),
                   open: !!g.querySelector('.open') && !!g.querySelector('.arrow'),
                   band: !!g.querySelector('.band'),
                   outline: !!g.querySelector('.outline') && !g.querySelector('.bar') })) };
             })",
        )
        .await;
    let charts = charts.as_array().unwrap();
    assert!(charts.len() >= 7, "{context}: {} charts", charts.len());
    let mut kinds = BTreeMap::new();
    for chart in charts {
        let label = chart["label"].as_str().unwrap_or_default();
        assert!(
            label.len() > 20,
            "{context}: a chart without a text alternative"
        );
        let smallest = chart["smallest"].as_f64().unwrap();
        assert!(
            smallest >= 11.0,
            "{context}: text of {smallest} px in '{label}'"
        );
        assert!(
            chart["overflow"].as_f64().unwrap() <= 0.5,
            "{context}: '{label}' is too wide"
        );
        for bar in chart["bars"].as_array().unwrap() {
            let id = bar["figure"].as_str().unwrap();
            let bounds = &figures[id]["bounds"];
            let (lower, upper) = (&bounds["lower"], &bounds["upper"]);
            let kind = match (lower.is_null(), upper.is_null()) {
                (false, true) => "open",
                (true, false) => "outline",
                _ if lower["value"] == upper["value"] => "plain",
                _ => "band",
            };
            assert_eq!(
                bar[kind], true,
                "{context}: {id} is not drawn {kind}: {bar}"
            );
            *kinds.entry(kind).or_insert(0) += 1;
        }
    }
    for kind in ["open", "outline", "plain", "band"] {
        assert!(
            kinds.contains_key(kind),
            "{context}: no chart draws a {kind} bar: {kinds:?}"
        );
    }
}
