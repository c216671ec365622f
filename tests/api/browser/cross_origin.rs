//! A page on another origin reads the API in Chromium: its script `fetch`es a list with the
//! headers a dashboard sends (which makes the browser preflight it) and reads the response
//! headers a dashboard needs; what the script saw must be what the API sent.

use super::*;

/// The other origin's page: its script fetches the API whose address follows `#`, and leaves
/// what it read (or why it could not) in `window.seen`.
const PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Another origin</title></head>
<body><script>
const api = decodeURIComponent(location.hash.slice(1));
fetch(api + '/v1/observations?limit=2&sort=id', {
  headers: {
    'accept': 'application/json',
    'accept-language': 'en',
    'content-type': 'application/json',
    'if-none-match': '"not-the-current-tag"',
    'x-request-id': 'from-another-origin-1',
  },
})
  .then(async (response) => {
    const body = await response.json();
    window.seen = {
      status: response.status,
      etag: response.headers.get('etag'),
      link: response.headers.get('link'),
      requestId: response.headers.get('x-request-id'),
      next: body.links.next,
    };
  })
  .catch((error) => { window.seen = { error: String(error) }; });
</script></body></html>"#;

/// Serves [`PAGE`] at `/` on a port of its own: another origin than the API's. Returns its
/// address as `http://localhost:PORT`, so host and port both differ from the API's.
async fn serve_other_origin() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind an ephemeral port");
    let port = listener.local_addr().unwrap().port();
    let page = axum::Router::new().route(
        "/",
        axum::routing::get(|| async { axum::response::Html(PAGE) }),
    );
    tokio::spawn(async move { axum::serve(listener, page).await });
    format!("http://localhost:{port}")
}

#[tokio::test]
async fn a_page_on_another_origin_fetches_with_a_dashboards_headers_and_reads_the_answers() {
    let test = "a_page_on_another_origin_fetches_with_a_dashboards_headers_and_reads_the_answers";
    let Some(browser) = browser_or_skip(test) else {
        return;
    };
    let mut chromium = Chromium::launch(&browser).await;
    chromium.call("Network.enable", json!({})).await;
    let app = TestApp::spawn().await;
    let origin = serve_other_origin().await;
    assert!(!app.address.starts_with(&origin));

    chromium.open(&format!("{origin}/#{}", app.address)).await;
    chromium.wait_for("window.seen !== undefined").await;
    let seen = chromium.eval("window.seen").await;
    assert_eq!(seen["error"], Value::Null, "the fetch failed: {seen}");
    assert_eq!(seen["status"], 200, "{seen}");

    // What the API sent, as the browser received it off the wire.
    chromium.pump(Duration::from_millis(100)).await;
    let api_url = format!("{}/v1/observations", app.address);
    let (preflights, answers): (Vec<Value>, Vec<Value>) = chromium
        .take_events("Network.responseReceived")
        .into_iter()
        .map(|event| event["params"].clone())
        .filter(|params| {
            params["response"]["url"]
                .as_str()
                .is_some_and(|url| url.starts_with(&api_url))
        })
        .partition(|params| params["type"] == "Preflight");
    // The headers a dashboard sends are not CORS-safelisted: the browser asked first.
    assert_eq!(preflights.len(), 1, "one preflight: {preflights:#?}");
    assert_eq!(
        preflights[0]["response"]["headers"]["access-control-max-age"],
        "7200"
    );
    assert_eq!(answers.len(), 1, "one answer from the API: {answers:#?}");
    let sent = &answers[0]["response"]["headers"];
    let sent_header = |name: &str| {
        sent.as_object()
            .unwrap()
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .and_then(|(_, value)| value.as_str())
            .unwrap_or_else(|| panic!("the API sent no {name}: {sent}"))
            .to_owned()
    };
    assert_eq!(seen["etag"], sent_header("etag").as_str());
    assert!(seen["etag"].as_str().unwrap().starts_with('"'), "{seen}");
    assert_eq!(seen["link"], sent_header("link").as_str());
    assert_eq!(seen["requestId"], sent_header("x-request-id").as_str());
    assert_eq!(seen["requestId"], "from-another-origin-1");

    // The same link as any client gets, pointing at the page after.
    let direct = app.get("/v1/observations?limit=2&sort=id").await;
    let link = header(&direct, "link");
    assert_eq!(seen["link"], link.as_str());
    let next = seen["next"].as_str().unwrap();
    assert!(link.contains(next), "{link} names {next}");
    assert!(link.ends_with("; rel=\"next\""), "{link}");
}
