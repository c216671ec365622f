//! Getting to a figure: deep links, search results that scroll to it, and a series' line
//! chart with the transforms a click away.

use super::*;

/// Whether the element `id` is in the window, marked, and has the focus.
async fn revealed(chromium: &mut Chromium, id: &str) -> Value {
    chromium
        .eval(&format!(
            "(() => {{ const e = document.getElementById('{id}'); const r = e.getBoundingClientRect();
               return {{ inView: r.top >= 0 && r.top < window.innerHeight && r.height > 0,
                         marked: e.dataset.highlighted === 'true', focused: document.activeElement === e,
                         scrolled: window.scrollY > 0 }}; }})()"
        ))
        .await
}

#[tokio::test]
async fn search_results_and_deep_links_scroll_to_the_figure() {
    let test = "search_results_and_deep_links_scroll_to_the_figure";
    let Some(browser) = browser_or_skip(test) else {
        return;
    };
    let mut chromium = Chromium::launch(&browser).await;
    let app = TestApp::spawn().await;
    let target = "hengqin-gdp-average-growth";
    let all_in_view = json!({ "inView": true, "marked": true, "focused": true, "scrolled": true });
    for size in WIDTHS {
        let context = format!("{} px", size.0);

        // A deep link opens the page at its figure.
        open_settled(&mut chromium, &format!("{}/#{target}", app.address), size).await;
        assert_eq!(
            revealed(&mut chromium, target).await,
            all_in_view,
            "{context}: /#{target}"
        );
        assert_clean(&mut chromium, &context).await;

        // A search typed in the box lists the API's hits; a hit takes the reader to its figure.
        open_settled(&mut chromium, &format!("{}/", app.address), size).await;
        chromium.click("#search-input").await;
        chromium.type_text("hengqin").await;
        chromium.press("Enter", 13).await;
        chromium
            .wait_for("document.querySelector('#search-results [data-hits]')")
            .await;
        let hits = app.get_list("/v1/search?q=hengqin&limit=20").await;
        assert!(!hits.is_empty());
        for hit in &hits {
            let key = format!(
                "{}:{}",
                hit["type"].as_str().unwrap(),
                hit["id"].as_str().unwrap()
            );
            let shown = chromium
                .eval(&format!(
                    "(document.querySelector('[data-hit=\"{key}\"]') || {{}}).innerHTML || null"
                ))
                .await;
            let shown = shown
                .as_str()
                .unwrap_or_else(|| panic!("{context}: hit {key} is not listed"));
            assert!(
                shown.contains("<mark>"),
                "{context}: {key}: the match is highlighted"
            );
            assert!(
                shown.contains("href=\"#"),
                "{context}: {key} links into the page"
            );
        }
        chromium.eval("window.scrollTo(0, 0)").await;
        chromium
            .click(&format!("[data-hit='indicator:{target}'] a[data-target]"))
            .await;
        chromium.pump(Duration::from_millis(100)).await;
        assert_eq!(
            revealed(&mut chromium, target).await,
            all_in_view,
            "{context}: the hit"
        );
        let search = chromium.eval("location.search + location.hash").await;
        assert_eq!(search, format!("?q=hengqin#{target}"), "{context}");

        // ?q= runs the search as the page loads.
        open_settled(&mut chromium, &format!("{}/?q=robot", app.address), size).await;
        let listed = chromium
            .eval("[...document.querySelectorAll('[data-hit]')].map((e) => e.dataset.hit)")
            .await;
        let expected: Vec<String> = app
            .get_list("/v1/search?q=robot&limit=20")
            .await
            .iter()
            .map(|h| {
                format!(
                    "{}:{}",
                    h["type"].as_str().unwrap(),
                    h["id"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(listed, json!(expected), "{context}: ?q=robot");
        assert_clean(&mut chromium, &context).await;
    }
}

/// The points of the line chart of `series`, as (period label, shown value) pairs, once every
/// transform it loads has settled.
async fn line_points(chromium: &mut Chromium, series: &str) -> Value {
    let chart = format!("figure[data-series='{series}']");
    chromium
        .wait_for(&format!(
            "document.querySelector(\"{chart} .chart-status\").textContent === ''"
        ))
        .await;
    chromium
        .eval(&format!(
            "[...document.querySelectorAll(\"{chart} circle\")].map((c) => c.textContent)"
        ))
        .await
}

#[tokio::test]
async fn a_series_of_three_dated_points_gets_a_line_chart_with_the_transforms_a_click_away() {
    let test = "a_series_of_three_dated_points_gets_a_line_chart_with_the_transforms_a_click_away";
    let Some(browser) = browser_or_skip(test) else {
        return;
    };
    let mut chromium = Chromium::launch(&browser).await;
    let app = TestApp::spawn().await;
    let series = "technology-contract-value";
    let page = format!("{}/", app.address);

    // The article's two points draw no line.
    open_settled(&mut chromium, &page, WIDTHS[0]).await;
    let lines = chromium
        .eval("document.querySelectorAll('figure[data-series]').length")
        .await;
    assert_eq!(lines, 0, "two points are no series");

    // Two more years imported: four points, one line.
    let year = |id: &'static str, year: &'static str, value: &'static str| {
        (
            "technology-contract-value-2020",
            vec![
                ("id", id),
                ("value", value),
                ("qualifier", "exact"),
                ("stated", value),
                ("period_start", year),
                ("period_end", year),
                ("period_label", year),
                ("cited_source", ""),
            ],
        )
    };
    let rows = [
        year("technology-contract-value-2021", "2021", "380"),
        year("technology-contract-value-2022", "2022", "410"),
    ];
    let rows: Vec<(&str, &[(&str, &str)])> = rows.iter().map(|(b, c)| (*b, c.as_slice())).collect();
    app.import("series.csv", &seed_csv(&rows))
        .await
        .expect("the import is accepted");

    for size in WIDTHS {
        let context = format!("{} px", size.0);
        open_settled(&mut chromium, &page, size).await;
        assert_clean(&mut chromium, &context).await;
        for transform in ["level", "change", "pct_change", "cagr"] {
            chromium
                .click(&format!(
                    "figure[data-series='{series}'] button[data-transform='{transform}']"
                ))
                .await;
            let shown = line_points(&mut chromium, series).await;
            let query = if transform == "level" {
                String::new()
            } else {
                format!("&transform={transform}")
            };
            let expected: Vec<String> = app
                .get_list(&format!(
                    "/v1/indicators/{series}/observations?region=guangdong&sort=period{query}"
                ))
                .await
                .iter()
                .filter(|f| f["equivalent_of"].is_null() && f["restates"].is_null())
                .map(|f| {
                    format!(
                        "{}: {} {}",
                        f["period"]["label"].as_str().unwrap(),
                        shown_qualifier(f),
                        shown_amount(f)
                    )
                })
                .collect();
            assert!(expected.len() >= 3, "{transform}: {expected:?}");
            assert_eq!(shown, json!(expected), "{context}: {transform}");
            let pressed = chromium
                .eval(&format!(
                    "document.querySelector(\"figure[data-series='{series}'] [aria-pressed='true']\").dataset.transform"
                ))
                .await;
            assert_eq!(pressed, transform, "{context}");
        }
        let smallest = chromium
            .eval(&format!(
                "(() => {{ const svg = document.querySelector(\"figure[data-series='{series}'] svg\");
                   const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
                   return Math.min(...[...svg.querySelectorAll('text')].map((t) =>
                     parseFloat(getComputedStyle(t).fontSize) * scale)); }})()"
            ))
            .await;
        assert!(smallest.as_f64().unwrap() >= 11.0, "{context}: {smallest}");
        assert_clean(&mut chromium, &context).await;
    }
}
