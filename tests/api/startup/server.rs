//! The server process: the port it logs, its JSON logs, the `healthcheck` command, SIGTERM
//! under load, and running as an unprivileged user.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::helpers::{command, command_at, http_get, http_get_with, run, Server, BINARY};

#[test]
fn port_zero_is_logged_served_and_sigterm_shuts_down_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("fresh.db");
    // DATABASE_URL: the env fallback of --database-url.
    let mut server = Server::start(&[], &database);
    let address = server.address.clone();
    assert!(
        !address.ends_with(":0"),
        "the real port is logged: {address}"
    );
    assert!(database.exists(), "the database was created");

    let body = http_get(&address, "/readyz");
    assert!(body.contains("\"status\":\"ready\""), "{body}");

    assert_eq!(server.terminate(), Some(0));
}

#[test]
fn json_logs_and_the_healthcheck_command_follow_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut json_logs = command(&["--addr", "127.0.0.1:0", "--log-format", "json"]);
    json_logs
        .arg("--database-url")
        .arg(dir.path().join("json.db"))
        .env("RUST_LOG", "gd_indicators=info,tower_http=info");
    let mut server = Server::start_command(json_logs);
    let events: Vec<serde_json::Value> = (server.started.iter())
        .map(|line| serde_json::from_str(line).expect("every log line is a JSON object"))
        .collect();
    let listening = events.last().unwrap();
    assert!(listening["fields"]["message"]
        .as_str()
        .unwrap()
        .contains("listening on"));
    assert_eq!(listening["fields"]["addr"], server.address.as_str());
    let address = server.address.clone();

    let healthcheck = |address: &str| run(&["healthcheck", "--addr", address]);
    let ready = healthcheck(&address);
    assert_eq!(ready.status.code(), Some(0), "{ready:?}");

    // A client's request id is echoed and names the request's log line, with its outcome.
    let response = http_get_with(
        &address,
        "/v1/regions/guangdong?format=json",
        "x-request-id: trace-4711\r\n",
    );
    assert!(response
        .to_ascii_lowercase()
        .contains("x-request-id: trace-4711"));
    let logged = loop {
        let line = server
            .log()
            .next()
            .expect("a log line per request")
            .unwrap();
        let event: serde_json::Value = serde_json::from_str(&line).unwrap();
        if event["fields"]["request_id"] == "trace-4711" {
            break event;
        }
    };
    assert_eq!(logged["level"], "INFO");
    assert_eq!(logged["fields"]["status"], 200);
    assert_eq!(logged["fields"]["method"], "GET");
    assert_eq!(logged["fields"]["uri"], "/v1/regions/guangdong?format=json");
    assert_eq!(
        logged["fields"]["route"], "/v1/regions/{id}",
        "the route template"
    );
    assert!(
        logged["fields"]["latency_ms"].as_f64() >= Some(0.0),
        "{logged}"
    );

    assert_eq!(server.terminate(), Some(0));
    let down = healthcheck(&address);
    assert_eq!(down.status.code(), Some(1));
    let stderr = String::from_utf8(down.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("gd-indicators: no server at"),
        "{stderr}"
    );
}

/// How one request of the shutdown test ended.
enum Ending {
    /// A whole 200 response: its body as long as Content-Length says, or (the export is
    /// streamed) every chunk of it up to the last, empty one.
    Complete {
        finished: Instant,
    },
    /// Connection refused or closed before any byte of a response: a new connection the
    /// stopping server did not take.
    NotTaken,
    Broken(String),
}

fn request_export(address: &str) -> Ending {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(address) else {
        return Ending::NotTaken;
    };
    if write!(
        stream,
        "GET /v1/export HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .is_err()
    {
        return Ending::NotTaken;
    }
    let mut response = Vec::new();
    let read = stream.read_to_end(&mut response);
    if response.is_empty() {
        return Ending::NotTaken;
    }
    if let Err(error) = read {
        return Ending::Broken(format!("cut off after {} bytes: {error}", response.len()));
    }
    let Some(end) = response.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Ending::Broken("no end of headers".to_owned());
    };
    let head = String::from_utf8_lossy(&response[..end]);
    let body = &response[end + 4..];
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length: "))
        .and_then(|n| n.trim().parse::<usize>().ok());
    let whole = match length {
        Some(length) => length == body.len(),
        None => head.contains("transfer-encoding: chunked") && chunked_whole(body),
    };
    if !head.starts_with("HTTP/1.1 200") || !whole {
        return Ending::Broken(head.lines().next().unwrap_or_default().to_owned());
    }
    Ending::Complete {
        finished: Instant::now(),
    }
}

/// Whether a chunked body is every chunk as long as it says, ending with the last, empty one.
fn chunked_whole(mut body: &[u8]) -> bool {
    loop {
        let Some(end) = body.windows(2).position(|w| w == b"\r\n") else {
            return false;
        };
        let Some(size) = std::str::from_utf8(&body[..end])
            .ok()
            .and_then(|size| usize::from_str_radix(size.trim(), 16).ok())
        else {
            return false;
        };
        body = &body[end + 2..];
        if size == 0 {
            return body == b"\r\n";
        }
        if body.len() < size + 2 || &body[size..size + 2] != b"\r\n" {
            return false;
        }
        body = &body[size + 2..];
    }
}

#[test]
fn sigterm_under_load_finishes_in_flight_requests_refuses_new_ones_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(
        &["--rate-limit-per-second", "0"],
        &dir.path().join("load.db"),
    );
    server.drain_log();
    let address = server.address.clone();

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let clients: Vec<_> = (0..16)
        .map(|_| {
            let address = address.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut endings = Vec::new();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let started = Instant::now();
                    endings.push((started, request_export(&address)));
                }
                endings
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let signalled = Instant::now();
    assert_eq!(server.terminate(), Some(0), "a clean exit");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);

    let endings: Vec<(Instant, Ending)> = clients
        .into_iter()
        .flat_map(|c| c.join().unwrap())
        .collect();
    let broken: Vec<&String> = endings
        .iter()
        .filter_map(|(_, ending)| match ending {
            Ending::Broken(why) => Some(why),
            _ => None,
        })
        .collect();
    assert!(broken.is_empty(), "broken responses: {broken:?}");
    let completed = endings
        .iter()
        .filter(|(_, e)| matches!(e, Ending::Complete { .. }))
        .count();
    let finished_after_signal = endings
        .iter()
        .filter(|(started, ending)| {
            *started < signalled
                && matches!(ending, Ending::Complete { finished } if *finished > signalled)
        })
        .count();
    assert!(completed > 16, "the server was under load: {completed}");
    assert!(
        finished_after_signal > 0,
        "requests in flight at the signal were finished"
    );
    // Once it has exited, nothing listens.
    assert!(std::net::TcpStream::connect(&address).is_err());
}

/// The binary as the container image runs it: an unprivileged user (the image's UID 10001;
/// `nobody` here), bound to every interface, its data in a fresh directory it owns. The
/// `healthcheck` command, the image's HEALTHCHECK, follows it up and down.
#[test]
fn the_binary_serves_as_an_unprivileged_user_on_all_interfaces_and_healthcheck_follows_it() {
    use std::os::unix::fs::PermissionsExt;
    const NOBODY: u32 = 65534;
    let dir = tempfile::tempdir().unwrap();
    // The user must reach the binary and its data directory; nothing else of the checkout.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let binary = dir.path().join("gd-indicators");
    std::fs::copy(BINARY, &binary).unwrap();
    std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let as_root = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap();
    let mut command = if as_root {
        std::os::unix::fs::chown(&data, Some(NOBODY), Some(NOBODY)).unwrap();
        let mut drop_privileges = Command::new("setpriv");
        drop_privileges
            .args([
                "--reuid",
                &NOBODY.to_string(),
                "--regid",
                &NOBODY.to_string(),
            ])
            .arg("--clear-groups")
            .arg(&binary);
        drop_privileges
    } else {
        // Already unprivileged.
        command_at(&binary, &[])
    };
    command
        .args(["--addr", "0.0.0.0:0", "--database-url"])
        .arg(data.join("gd-indicators.db"));
    let mut server = Server::start_command(command);
    let port = (server.address.strip_prefix("0.0.0.0:"))
        .unwrap_or_else(|| panic!("listens on every interface: {}", server.address))
        .to_owned();
    server.drain_log();

    let status = std::fs::read_to_string(format!("/proc/{}/status", server.pid())).unwrap();
    let uid_line = status.lines().find(|l| l.starts_with("Uid:")).unwrap();
    assert!(
        uid_line.split_whitespace().skip(1).all(|uid| uid != "0"),
        "the server runs without root: {uid_line}"
    );
    assert!(
        data.join("gd-indicators.db").exists(),
        "the database is created in the data directory"
    );

    let healthcheck = |address: &str| {
        command_at(&binary, &["healthcheck", "--addr", address])
            .output()
            .unwrap()
    };
    let address = format!("127.0.0.1:{port}");
    let up = healthcheck(&address);
    assert_eq!(up.status.code(), Some(0), "{up:?}");
    assert!(http_get(&address, "/v1/regions/guangdong").starts_with("HTTP/1.1 200"));

    assert_eq!(server.terminate(), Some(0));
    let down = healthcheck(&address);
    assert_eq!(down.status.code(), Some(1), "{down:?}");
}
