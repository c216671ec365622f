//! An API that fails or is slow: each section says so in place and the page never throws.

use super::*;

/// What each section says: (section, what its slot shows).
async fn sections_say(chromium: &mut Chromium) -> BTreeMap<String, String> {
    let said = chromium
        .eval(
            "Object.fromEntries([...document.querySelectorAll('section.part')].map((s) =>
               [s.id, s.querySelector('.slot').textContent]))",
        )
        .await;
    said.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

#[tokio::test]
async fn the_dashboard_says_so_when_the_api_fails_or_is_slow() {
    let test = "the_dashboard_says_so_when_the_api_fails_or_is_slow";
    let Some(browser) = browser_or_skip(test) else {
        return;
    };
    let mut chromium = Chromium::launch(&browser).await;
    let app = TestApp::spawn().await;
    for size in WIDTHS {
        let context = format!("{} px", size.0);

        // Slow: every request to the API held back; each section says it is waiting, and once
        // the answers come the page finishes as if nothing happened.
        chromium.set_width(size.0, size.1).await;
        chromium.intercept("*/v1/*").await;
        chromium.open(&format!("{}/", app.address)).await;
        chromium.pump(Duration::from_millis(3500)).await;
        let said = sections_say(&mut chromium).await;
        for part in PARTS {
            assert!(
                said[part].contains("The API is slow to answer"),
                "{context}: {part} says '{}'",
                said[part]
            );
        }
        while chromium.eval("document.body.dataset.ready").await != "true" {
            for (request, _) in chromium.held().await {
                chromium.release(&request).await;
            }
        }
        chromium.stop_intercepting().await;
        assert_clean(&mut chromium, &format!("{context}, after a slow API")).await;

        // Down: every request to the API fails; each section says so, nothing is thrown.
        chromium.intercept("*/v1/*").await;
        chromium.open(&format!("{}/", app.address)).await;
        while chromium.eval("document.body.dataset.ready").await != "true" {
            for (request, _) in chromium.held().await {
                chromium.fail(&request).await;
            }
        }
        chromium.stop_intercepting().await;
        assert_says_failed(&mut chromium, &context).await;
    }

    // The database gone: the API answers 500s, and the page says so the same way. (A fresh
    // app: the first one's response cache would still answer.)
    let app = TestApp::spawn().await;
    app.pool.close().await;
    for size in WIDTHS {
        open_settled(&mut chromium, &format!("{}/", app.address), size).await;
        assert_says_failed(&mut chromium, &format!("{} px, no database", size.0)).await;
    }
}

/// Each section says it could not load, the status line counts the failures, nothing threw.
async fn assert_says_failed(chromium: &mut Chromium, context: &str) {
    let state = chromium
        .eval(
            "({ failed: Number(document.body.dataset.fetchErrors),
                jsErrors: document.documentElement.dataset.jsErrors,
                status: document.getElementById('status').textContent,
                statusIsError: document.getElementById('status').classList.contains('error') })",
        )
        .await;
    assert_eq!(
        state["jsErrors"], "0",
        "{context}: failures are handled, not thrown"
    );
    assert!(
        state["failed"].as_u64().unwrap() > 0,
        "{context}: no failure counted"
    );
    assert_eq!(state["statusIsError"], true, "{context}");
    assert!(
        state["status"]
            .as_str()
            .unwrap()
            .contains("could not be loaded"),
        "{context}: {state}"
    );
    let said = sections_say(chromium).await;
    for part in PARTS {
        assert!(
            said[part].starts_with("Could not load"),
            "{context}: {part} says '{}'",
            said[part]
        );
    }
    let thrown: Vec<String> = chromium
        .take_console()
        .into_iter()
        .filter(|line| line.starts_with("uncaught"))
        .collect();
    assert!(thrown.is_empty(), "{context}: {thrown:?}");
}
