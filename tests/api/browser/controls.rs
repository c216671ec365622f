//! The dashboard's controls: money as printed, in yuan or US dollars at a chosen scale, and
//! names in English or Chinese, each checked against the API's own answers.

use super::*;

#[tokio::test]
async fn the_currency_and_scale_controls_show_the_apis_converted_values() {
    let test = "the_currency_and_scale_controls_show_the_apis_converted_values";
    let Some(browser) = browser_or_skip(test) else {
        return;
    };
    let mut chromium = Chromium::launch(&browser).await;
    let app = TestApp::spawn().await;
    let printed = article_figures(&app, "").await;
    let dollars = article_figures(&app, "currency=USD").await;
    let billions = article_figures(&app, "currency=USD&scale=billion").await;
    let yuan = article_figures(&app, "currency=CNY&scale=billion").await;
    assert_ne!(
        printed["rd-expenditure-2024"]["value"], dollars["rd-expenditure-2024"]["value"],
        "the API converts"
    );
    for size in WIDTHS {
        let context = format!("{} px", size.0);
        open_settled(&mut chromium, &format!("{}/", app.address), size).await;
        assert_every_figure_shown(&mut chromium, &printed, &context).await;

        chromium.click("input[name='currency'][value='USD']").await;
        wait_for_redraw(&mut chromium, 2).await;
        assert_clean(&mut chromium, &context).await;
        assert_every_figure_shown(&mut chromium, &dollars, &format!("{context}, in US$")).await;
        let search = chromium.eval("location.search").await;
        assert_eq!(
            search, "?currency=USD",
            "{context}: the URL keeps the choice"
        );

        chromium
            .eval(
                "(() => { const s = document.querySelector('select[name=scale]'); s.focus();
                   s.value = 'billion'; s.dispatchEvent(new Event('change', { bubbles: true })); })()",
            )
            .await;
        wait_for_redraw(&mut chromium, 3).await;
        assert_clean(&mut chromium, &context).await;
        assert_every_figure_shown(
            &mut chromium,
            &billions,
            &format!("{context}, US$ billions"),
        )
        .await;

        // The choice survives a reload: the URL carries it.
        open_settled(
            &mut chromium,
            &format!("{}/?currency=USD&scale=billion", app.address),
            size,
        )
        .await;
        assert_every_figure_shown(&mut chromium, &billions, &format!("{context}, reloaded")).await;
        let checked = chromium
            .eval("document.querySelector('input[name=currency]:checked').value + ' ' + document.querySelector('select[name=scale]').value")
            .await;
        assert_eq!(checked, "USD billion", "{context}");
        assert_clean(&mut chromium, &context).await;

        // From the keyboard: the arrow keys move through the currencies, from US$ round to
        // "as printed", then to yuan.
        chromium
            .eval("document.querySelector(\"input[name='currency']:checked\").focus()")
            .await;
        for generation in [2, 3] {
            chromium.press("ArrowRight", 39).await;
            wait_for_redraw(&mut chromium, generation).await;
        }
        assert_every_figure_shown(
            &mut chromium,
            &yuan,
            &format!("{context}, yuan by keyboard"),
        )
        .await;
        assert_clean(&mut chromium, &context).await;
    }
}

/// What the page shows as names, by kind and id: the text of each name, and in Chinese its
/// English (`data-name-en`), its `lang` and the English shown beside it, if any.
const SHOWN_NAMES: &str = "(() => {
  const read = (node) => {
    if (!node) { return null; }
    const first = node.firstChild;
    if (first && first.nodeType === 1 && first.classList.contains('name')) {
      const beside = node.querySelector(':scope > .name-en');
      return { name: first.textContent, en: first.dataset.nameEn || null, lang: first.lang || null,
               beside: beside ? beside.textContent : null };
    }
    return { name: first ? first.textContent : null, en: null, lang: null, beside: null };
  };
  const all = (selector, id, inner) => Object.fromEntries(
    [...document.querySelectorAll(selector)].map((e) => [id(e), read(inner(e))]));
  return {
    company: all('article[data-company]', (e) => e.dataset.company, (e) => e.querySelector(':scope > h3')),
    cluster: all('article.cluster[data-cluster]', (e) => e.dataset.cluster, (e) => e.querySelector(':scope > h4')),
    speaker: all('tr[data-speaker]', (e) => e.dataset.speaker, (e) => e.querySelector(':scope > th')),
    facility: all('tr[data-facility]', (e) => e.dataset.facility, (e) => e.querySelector(':scope > th')),
    indicator: all('article[data-card-indicator]', (e) => e.dataset.cardIndicator, (e) => e.querySelector(':scope > h3')),
    region: all('[data-figure]', (e) => e.dataset.figure, (e) => e.querySelector(':scope > .when .region')),
    source: all('li[data-source]', (e) => e.dataset.source,
      (e) => e.querySelector(':scope > cite > a') || e.querySelector(':scope > cite')),
  };
})()";

/// The names the API gives in Chinese (`lang=zh`), by kind and id: `name` and `name_en`.
async fn names_in_chinese(
    app: &TestApp,
) -> BTreeMap<&'static str, BTreeMap<String, (String, String)>> {
    let mut names = BTreeMap::new();
    for (kind, list, name, english) in [
        ("company", "/v1/companies?lang=zh", "name", "name_en"),
        ("cluster", "/v1/clusters?lang=zh", "name", "name_en"),
        ("speaker", "/v1/speakers?lang=zh", "name", "name_en"),
        ("facility", "/v1/facilities?lang=zh", "name", "name_en"),
        (
            "indicator",
            "/v1/indicators?lang=zh&limit=1000",
            "name",
            "name_en",
        ),
        ("source", "/v1/sources?lang=zh", "headline", "headline_en"),
    ] {
        let items = app.get_list(list).await;
        assert!(!items.is_empty(), "{list}");
        let by_id = items
            .iter()
            .map(|item| {
                let text = |field: &str| {
                    item[field]
                        .as_str()
                        .unwrap_or_else(|| panic!("{list}: {field} of {item}"))
                        .to_owned()
                };
                assert_ne!(
                    text(name),
                    text(english),
                    "{list}: a Chinese name differs from the English"
                );
                (
                    item["id"].as_str().unwrap().to_owned(),
                    (text(name), text(english)),
                )
            })
            .collect();
        names.insert(kind, by_id);
    }
    // A figure names its region in the language asked, and only in that one.
    let chinese = article_figures(app, "lang=zh").await;
    let english = article_figures(app, "").await;
    names.insert(
        "region",
        chinese
            .iter()
            .map(|(id, figure)| {
                let name = figure["region"]["name"].as_str().unwrap().to_owned();
                let en = english[id]["region"]["name"].as_str().unwrap().to_owned();
                (id.clone(), (name, en))
            })
            .collect(),
    );
    names
}

/// Waits until the page has drawn itself `generation` times since it loaded (each control
/// change redraws it once) and is settled.
async fn wait_for_redraw(chromium: &mut Chromium, generation: u32) {
    chromium
        .wait_for(&format!(
            "document.body.dataset.generation === '{generation}' && document.body.dataset.ready === 'true'"
        ))
        .await;
}

/// Every name the page shows (of companies, clusters, speakers, facilities, indicator cards,
/// figures' regions and sources) is the API's, in Chinese (`zh`) with the English as its title
/// and, for headings, beside it; or in English, with nothing marked Chinese left.
async fn assert_names_shown(
    chromium: &mut Chromium,
    names: &BTreeMap<&'static str, BTreeMap<String, (String, String)>>,
    zh: bool,
    context: &str,
) {
    let shown = chromium.eval(SHOWN_NAMES).await;
    let root = chromium.eval("document.documentElement.lang").await;
    assert_eq!(root, if zh { "zh" } else { "en" }, "{context}: <html lang>");
    for (kind, expected) in names {
        let on_page = shown[*kind].as_object().unwrap();
        assert!(!on_page.is_empty(), "{context}: no {kind} name on the page");
        if ["company", "speaker", "facility"].contains(kind) {
            let ids: Vec<&String> = expected.keys().collect();
            let mut page_ids: Vec<&String> = on_page.keys().collect();
            page_ids.sort();
            assert_eq!(page_ids, ids, "{context}: every {kind} on the page");
        }
        let beside = ["company", "cluster", "indicator", "source"].contains(kind);
        for (id, seen) in on_page {
            let (name, en) = expected
                .get(id)
                .unwrap_or_else(|| panic!("{context}: {kind} {id} is not the API's"));
            let want = if zh {
                json!({ "name": name, "en": en, "lang": "zh", "beside": if beside { json!(en) } else { Value::Null } })
            } else {
                json!({ "name": en, "en": null, "lang": null, "beside": null })
            };
            assert_eq!(seen, &want, "{context}: the name of {kind} {id}");
        }
    }
    let marked = chromium
        .eval("document.querySelectorAll('[lang=zh]:not(label span)').length")
        .await;
    if !zh {
        assert_eq!(marked, 0, "{context}: Chinese left on the page");
    }
}

#[tokio::test]
async fn the_language_switch_shows_the_apis_chinese_names_and_back() {
    let test = "the_language_switch_shows_the_apis_chinese_names_and_back";
    let Some(browser) = browser_or_skip(test) else {
        return;
    };
    let axe = axe::axe_or_skip(test);
    let mut chromium = Chromium::launch(&browser).await;
    let app = TestApp::spawn().await;
    let names = names_in_chinese(&app).await;

    // By click, at the desktop width.
    let context = "1280 px";
    open_settled(&mut chromium, &format!("{}/", app.address), WIDTHS[0]).await;
    assert_names_shown(&mut chromium, &names, false, context).await;
    chromium.click("input[name='lang'][value='zh']").await;
    wait_for_redraw(&mut chromium, 2).await;
    assert_clean(&mut chromium, context).await;
    assert_names_shown(
        &mut chromium,
        &names,
        true,
        &format!("{context}, 中文 clicked"),
    )
    .await;
    let search = chromium.eval("location.search").await;
    assert_eq!(search, "?lang=zh", "{context}: the URL keeps the choice");
    let link = chromium
        .eval("document.querySelector('#companies .data-links a[data-format=json]').getAttribute('href')")
        .await;
    assert!(
        link.as_str().unwrap().contains("lang=zh"),
        "{context}: the data links ask for the names shown: {link}"
    );
    if let Some(axe) = &axe {
        let found = axe::violations(&mut chromium, axe).await;
        let serious = axe::serious(&found);
        assert!(
            serious.is_empty(),
            "{context}, in Chinese: axe-core finds serious or critical violations: {serious:#?}"
        );
    }
    chromium.click("input[name='lang'][value='']").await;
    wait_for_redraw(&mut chromium, 3).await;
    assert_clean(&mut chromium, context).await;
    assert_names_shown(
        &mut chromium,
        &names,
        false,
        &format!("{context}, English clicked"),
    )
    .await;
    let search = chromium.eval("location.search").await;
    assert_eq!(
        search, "",
        "{context}: English is the default, not in the URL"
    );

    // From the URL, with the currency, at the phone's width; then back by keyboard.
    let context = "390 px";
    open_settled(
        &mut chromium,
        &format!("{}/?lang=zh&currency=USD", app.address),
        WIDTHS[1],
    )
    .await;
    assert_clean(&mut chromium, context).await;
    let checked = chromium
        .eval("document.querySelector('input[name=lang]:checked').value + ' ' + document.querySelector('input[name=currency]:checked').value")
        .await;
    assert_eq!(checked, "zh USD", "{context}");
    assert_names_shown(
        &mut chromium,
        &names,
        true,
        &format!("{context}, from the URL"),
    )
    .await;
    chromium
        .eval("document.querySelector(\"input[name='lang']:checked\").focus()")
        .await;
    chromium.press("ArrowLeft", 37).await;
    wait_for_redraw(&mut chromium, 2).await;
    assert_clean(&mut chromium, context).await;
    assert_names_shown(
        &mut chromium,
        &names,
        false,
        &format!("{context}, English by keyboard"),
    )
    .await;
    let search = chromium.eval("location.search").await;
    assert_eq!(
        search, "?currency=USD",
        "{context}: only the language is dropped"
    );
}
