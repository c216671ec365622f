//! Headless Chromium driven over the DevTools protocol: a tab whose size the test sets, scripts
//! it runs in the page, clicks and keys as a person gives them, the console it keeps, and the
//! requests it can hold back or fail. The protocol runs over a WebSocket, spoken here directly
//! (text frames, masked as a client must; enough for the browser on the loopback).

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Longest any one step (a start, a command, a load) may take.
const STEP_TIMEOUT: Duration = Duration::from_secs(60);

/// A running headless Chromium with one tab, killed when dropped.
pub struct Chromium {
    child: Child,
    _profile: tempfile::TempDir,
    socket: TcpStream,
    next_id: u64,
    session: String,
    incoming: Incoming,
    events: VecDeque<Value>,
    console: Vec<String>,
}

impl Drop for Chromium {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Chromium {
    /// Starts `browser` headless with a fresh profile and opens a tab on `about:blank`.
    pub async fn launch(browser: &Path) -> Chromium {
        let profile = tempfile::tempdir().expect("a profile directory");
        let log = std::fs::File::create(profile.path().join("chromium.log")).expect("a log file");
        let child = Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                // Without these Chromium keeps trying to reach Google's servers.
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                // Containers often give /dev/shm only 64 MB, too little for a renderer.
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--mute-audio",
                "--force-device-scale-factor=1",
                "--remote-debugging-port=0",
            ])
            .arg(format!(
                "--user-data-dir={}",
                profile.path().join("profile").display()
            ))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", browser.display()));
        let port_file = profile.path().join("profile").join("DevToolsActivePort");
        let started = Instant::now();
        let endpoint = loop {
            if let Ok(text) = std::fs::read_to_string(&port_file) {
                let mut lines = text.lines();
                if let (Some(port), Some(path)) = (lines.next(), lines.next()) {
                    break (port.trim().to_owned(), path.trim().to_owned());
                }
            }
            assert!(
                started.elapsed() < STEP_TIMEOUT,
                "Chromium did not open its DevTools port: {}",
                std::fs::read_to_string(profile.path().join("chromium.log")).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let socket = handshake(&format!("127.0.0.1:{}", endpoint.0), &endpoint.1).await;
        let mut chromium = Chromium {
            child,
            _profile: profile,
            socket,
            next_id: 0,
            session: String::new(),
            incoming: Incoming::default(),
            events: VecDeque::new(),
            console: Vec::new(),
        };
        let target = chromium
            .send(None, "Target.createTarget", json!({ "url": "about:blank" }))
            .await;
        let attached = chromium
            .send(
                None,
                "Target.attachToTarget",
                json!({ "targetId": target["targetId"], "flatten": true }),
            )
            .await;
        chromium.session = attached["sessionId"]
            .as_str()
            .expect("a session")
            .to_owned();
        for domain in ["Page.enable", "Runtime.enable", "Log.enable"] {
            chromium.call(domain, json!({})).await;
        }
        chromium
    }

    /// A command to the tab; panics on a protocol error.
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        let session = self.session.clone();
        self.send(Some(&session), method, params).await
    }

    async fn send(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        write_frame(&mut self.socket, message.to_string().as_bytes()).await;
        let deadline = Instant::now() + STEP_TIMEOUT;
        loop {
            let message = self.receive(deadline).await.unwrap_or_else(|| {
                panic!("Chromium did not answer {method} within {STEP_TIMEOUT:?}")
            });
            if message["id"] == json!(id) {
                if let Some(error) = message.get("error") {
                    panic!("{method}: {error}");
                }
                return message["result"].clone();
            }
            self.keep(message);
        }
    }

    /// The next message, or `None` once `deadline` has passed. Reads are whole chunks into
    /// a buffer, so a read cut short by the deadline loses nothing.
    async fn receive(&mut self, deadline: Instant) -> Option<Value> {
        loop {
            match self.incoming.next_message() {
                Some(Ok(text)) => return Some(serde_json::from_str(&text).expect("JSON")),
                Some(Err(ping)) => {
                    let mut pong = vec![0x8a, 0x80 | ping.len() as u8, 0, 0, 0, 0];
                    pong.extend_from_slice(&ping);
                    self.socket.write_all(&pong).await.expect("a pong");
                    continue;
                }
                None => {}
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let mut chunk = vec![0u8; 64 * 1024];
            let read = tokio::time::timeout(left, self.socket.read(&mut chunk))
                .await
                .ok()?
                .expect("the DevTools connection");
            assert!(read > 0, "Chromium closed the DevTools connection");
            self.incoming.bytes.extend_from_slice(&chunk[..read]);
        }
    }

    /// An event: the console's messages are kept apart, the rest queued for `take_events`.
    fn keep(&mut self, event: Value) {
        let params = &event["params"];
        match event["method"].as_str().unwrap_or_default() {
            "Runtime.consoleAPICalled" => {
                let words: Vec<String> = params["args"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|arg| {
                        arg["value"]
                            .as_str()
                            .map(str::to_owned)
                            .unwrap_or_else(|| arg["description"].to_string())
                    })
                    .collect();
                self.console
                    .push(format!("console.{}: {}", params["type"], words.join(" ")));
            }
            "Runtime.exceptionThrown" => {
                let details = &params["exceptionDetails"];
                self.console.push(format!(
                    "uncaught: {} {}",
                    details["text"], details["exception"]["description"]
                ));
            }
            "Log.entryAdded" => {
                let entry = &params["entry"];
                self.console.push(format!(
                    "{} {}: {} {}",
                    entry["source"], entry["level"], entry["text"], entry["url"]
                ));
            }
            _ => self.events.push_back(event),
        }
    }

    /// Every console message, uncaught error and browser log entry since the last call.
    pub fn take_console(&mut self) -> Vec<String> {
        std::mem::take(&mut self.console)
    }

    /// The events of `method` received so far, taken from the queue.
    pub fn take_events(&mut self, method: &str) -> Vec<Value> {
        let (taken, kept): (Vec<Value>, Vec<Value>) = self
            .events
            .drain(..)
            .partition(|event| event["method"] == json!(method));
        self.events = kept.into();
        taken
    }

    /// Reads what has arrived, for up to `wait`.
    pub async fn pump(&mut self, wait: Duration) {
        let deadline = Instant::now() + wait;
        while let Some(message) = self.receive(deadline).await {
            self.keep(message);
        }
    }

    /// Sizes the tab as a desktop window or, under 600 px, as a phone.
    pub async fn set_width(&mut self, width: u32, height: u32) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600 }),
        )
        .await;
    }

    /// Opens `url` and waits for the page's load event.
    pub async fn open(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url })).await;
        self.wait_for("document.readyState === 'complete'").await;
    }

    /// The value of `expression` in the page (awaited, if a promise); panics if it throws.
    pub async fn eval(&mut self, expression: &str) -> Value {
        let result = self
            .call(
                "Runtime.evaluate",
                json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
            )
            .await;
        if let Some(exception) = result.get("exceptionDetails") {
            panic!("{expression}\nthrew: {exception}");
        }
        result["result"]["value"].clone()
    }

    /// Waits until `condition` is true in the page.
    pub async fn wait_for(&mut self, condition: &str) {
        let started = Instant::now();
        loop {
            if self.eval(&format!("Boolean({condition})")).await == json!(true) {
                return;
            }
            assert!(
                started.elapsed() < STEP_TIMEOUT,
                "never true in the page: {condition}; the console: {:#?}",
                self.console
            );
            self.pump(Duration::from_millis(50)).await;
        }
    }

    /// A mouse click at the middle of the element `selector` names, scrolled into view first.
    pub async fn click(&mut self, selector: &str) {
        let point = self
            .eval(&format!(
                "(() => {{ const e = document.querySelector({selector:?}); if (!e) return null;
                   e.scrollIntoView({{ block: 'center' }}); const r = e.getBoundingClientRect();
                   return [r.left + r.width / 2, r.top + r.height / 2]; }})()"
            ))
            .await;
        let (x, y) = match point.as_array().map(Vec::as_slice) {
            Some([x, y]) => (x.clone(), y.clone()),
            _ => panic!("nothing to click: {selector}"),
        };
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
            )
            .await;
        }
    }

    /// Types `text` where the focus is.
    pub async fn type_text(&mut self, text: &str) {
        self.call("Input.insertText", json!({ "text": text })).await;
    }

    /// Presses and releases a key (`Enter`, `Tab`...).
    pub async fn press(&mut self, key: &str, code: u32) {
        for kind in ["keyDown", "keyUp"] {
            let mut event =
                json!({ "type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code });
            if key == "Enter" && kind == "keyDown" {
                event["text"] = json!("\r");
            }
            self.call("Input.dispatchKeyEvent", event).await;
        }
    }

    /// Writes a PNG of the page: the whole of it, or what the window shows.
    pub async fn screenshot(&mut self, file: &Path, whole_page: bool) {
        let mut params = json!({ "format": "png" });
        if whole_page {
            let metrics = self.call("Page.getLayoutMetrics", json!({})).await;
            let size = &metrics["cssContentSize"];
            params["captureBeyondViewport"] = json!(true);
            params["clip"] = json!({ "x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1 });
        }
        let shot = self.call("Page.captureScreenshot", params).await;
        use base64::Engine as _;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("image data"))
            .expect("base64");
        std::fs::write(file, png).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }

    /// Holds back every request whose URL matches `pattern` (a `*` glob), until released.
    pub async fn intercept(&mut self, pattern: &str) {
        self.call(
            "Fetch.enable",
            json!({ "patterns": [{ "urlPattern": pattern }] }),
        )
        .await;
    }

    /// The requests held back so far: (request id, URL).
    pub async fn held(&mut self) -> Vec<(String, String)> {
        self.pump(Duration::from_millis(20)).await;
        self.take_events("Fetch.requestPaused")
            .into_iter()
            .map(|event| {
                let params = &event["params"];
                (
                    params["requestId"].as_str().unwrap().to_owned(),
                    params["request"]["url"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    pub async fn release(&mut self, request: &str) {
        self.call("Fetch.continueRequest", json!({ "requestId": request }))
            .await;
    }

    pub async fn fail(&mut self, request: &str) {
        self.call(
            "Fetch.failRequest",
            json!({ "requestId": request, "errorReason": "ConnectionRefused" }),
        )
        .await;
    }

    pub async fn stop_intercepting(&mut self) {
        self.call("Fetch.disable", json!({})).await;
    }
}

/// Opens the WebSocket at `address` + `path`.
async fn handshake(address: &str, path: &str) -> TcpStream {
    let mut socket = TcpStream::connect(address)
        .await
        .unwrap_or_else(|e| panic!("cannot reach Chromium at {address}: {e}"));
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    socket
        .write_all(request.as_bytes())
        .await
        .expect("a handshake");
    // Byte by byte, so that nothing after the head is read here.
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        head.push(socket.read_u8().await.expect("the handshake's answer"));
    }
    let head = String::from_utf8_lossy(&head);
    assert!(
        head.starts_with("HTTP/1.1 101"),
        "Chromium refused the WebSocket: {head}"
    );
    socket
}

/// Sends one text frame, masked as the protocol requires of a client.
async fn write_frame(socket: &mut TcpStream, payload: &[u8]) {
    let mut frame = vec![0x81];
    match payload.len() {
        n if n < 126 => frame.push(0x80 | n as u8),
        n if n <= 0xffff => {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            frame.push(0x80 | 127);
            frame.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    let mask = [0x1f, 0x2e, 0x3d, 0x4c];
    frame.extend_from_slice(&mask);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    socket.write_all(&frame).await.expect("a frame sent");
}

/// What has arrived on a WebSocket and not yet been read as a message.
#[derive(Default)]
struct Incoming {
    bytes: Vec<u8>,
    /// The frames of a message that continues.
    partial: Vec<u8>,
}

impl Incoming {
    /// The next whole message in what has arrived, if there is one; pings come back as
    /// `Err(payload)`, to be answered.
    fn next_message(&mut self) -> Option<Result<String, Vec<u8>>> {
        loop {
            let (first, second) = (*self.bytes.first()?, *self.bytes.get(1)?);
            let (length, mut at) = match second & 0x7f {
                126 => (
                    u64::from(u16::from_be_bytes(self.bytes.get(2..4)?.try_into().ok()?)),
                    4,
                ),
                127 => (
                    u64::from_be_bytes(self.bytes.get(2..10)?.try_into().ok()?),
                    10,
                ),
                n => (u64::from(n), 2),
            };
            let masked = second & 0x80 != 0;
            let mask: [u8; 4] = if masked {
                let mask = self.bytes.get(at..at + 4)?.try_into().ok()?;
                at += 4;
                mask
            } else {
                [0; 4]
            };
            let end = at + usize::try_from(length).expect("a frame that fits");
            let mut payload = self.bytes.get(at..end)?.to_vec();
            self.bytes.drain(..end);
            if masked {
                for (i, byte) in payload.iter_mut().enumerate() {
                    *byte ^= mask[i % 4];
                }
            }
            match first & 0x0f {
                0x9 => return Some(Err(payload)),
                0xa => continue,
                0x8 => panic!("Chromium closed the DevTools connection"),
                _ => self.partial.extend_from_slice(&payload),
            }
            if first & 0x80 != 0 {
                let message = std::mem::take(&mut self.partial);
                return Some(Ok(String::from_utf8(message).expect("a UTF-8 message")));
            }
        }
    }
}

/// Chromium: `$CHROMIUM`, `/usr/bin/chromium`, or `chromium-browser` or `chromium` in `PATH`.
pub fn find_browser() -> Option<PathBuf> {
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
