//! D4: connections have deadlines and a cap. A socket that sends nothing, or trickles its
//! head, or idles after its response, or stops reading what it asked for, is closed; at the
//! cap new connections wait in the backlog; and a termination signal drains for a bounded
//! time, then the process exits with connections still open.

use std::process::Command;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{socket_address, spawn_binary, with_synthetic_figures};
use crate::helpers::TestApp;

fn with_header_timeout(timeout: Duration) -> gd_indicators::HttpSettings {
    gd_indicators::HttpSettings {
        header_read_timeout: timeout,
        ..Default::default()
    }
}

/// Reads until the server closes the connection; how long that took, or `None` if it stayed
/// open for `wait`. What arrives first (a response) is read and dropped.
async fn closed_within(stream: &mut TcpStream, wait: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut sink = Vec::new();
    match tokio::time::timeout(wait, stream.read_to_end(&mut sink)).await {
        Ok(_) => Some(started.elapsed()),
        Err(_) => None,
    }
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_after_the_header_timeout() {
    let app = TestApp::spawn_with(with_header_timeout(Duration::from_millis(300))).await;
    let mut silent = TcpStream::connect(socket_address(&app.address))
        .await
        .unwrap();
    let closed = closed_within(&mut silent, Duration::from_secs(5)).await;
    assert!(
        closed.is_some_and(|after| after < Duration::from_secs(3)),
        "a silent connection stayed open: {closed:?}"
    );
}

/// The deadline is for the whole head, not per line: a line every 100 ms does not keep the
/// connection open.
#[tokio::test]
async fn a_head_trickled_line_by_line_is_cut_at_the_deadline() {
    let app = TestApp::spawn_with(with_header_timeout(Duration::from_millis(500))).await;
    let stream = TcpStream::connect(socket_address(&app.address))
        .await
        .unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let started = Instant::now();
    let trickle = tokio::spawn(async move {
        writer.write_all(b"GET /v1 HTTP/1.1\r\nHost: x\r\n").await?;
        for line in 0..100 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            writer
                .write_all(format!("x-trickle-{line}: 1\r\n").as_bytes())
                .await?;
        }
        std::io::Result::Ok(())
    });
    let mut sink = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(8), reader.read_to_end(&mut sink)).await;
    trickle.abort();
    assert!(closed.is_ok(), "a trickled head kept its connection open");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_header_timeout() {
    let app = TestApp::spawn_with(with_header_timeout(Duration::from_millis(300))).await;
    let mut stream = TcpStream::connect(socket_address(&app.address))
        .await
        .unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    // The response arrives, then the connection idles until the server closes it.
    let closed = closed_within(&mut stream, Duration::from_secs(5)).await;
    assert!(
        closed.is_some_and(|after| after < Duration::from_secs(3)),
        "an idle keep-alive connection stayed open: {closed:?}"
    );
}

/// At the cap a new connection waits in the backlog (it is not refused) and is served as
/// soon as a place frees.
#[tokio::test]
async fn past_the_connection_cap_a_new_connection_waits_for_a_place() {
    let app = TestApp::spawn_with(gd_indicators::HttpSettings {
        max_connections: 1,
        ..Default::default()
    })
    .await;
    let silent = TcpStream::connect(socket_address(&app.address))
        .await
        .unwrap();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(1000))
        .build()
        .unwrap();
    let url = format!("{}/healthz", app.address);
    assert!(
        client.get(&url).send().await.is_err(),
        "a second connection was served past a cap of one"
    );
    drop(silent);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match client.get(&url).send().await {
            Ok(response) => break assert_eq!(response.status(), 200),
            Err(error) => assert!(Instant::now() < deadline, "never served: {error}"),
        }
    }
}

/// A client that asks for a large body and takes none of it loses its connection (and so its
/// place among the connections, and its export's) after the send timeout.
#[tokio::test]
async fn a_client_that_stops_reading_is_cut_off_after_the_send_timeout() {
    let app = TestApp::spawn_with(gd_indicators::HttpSettings {
        send_timeout: Duration::from_millis(500),
        request_timeout: Duration::from_secs(5),
        ..Default::default()
    })
    .await;
    with_synthetic_figures(&app, 20_000).await;
    let whole = app.get("/v1/export").await.bytes().await.unwrap().len();
    let mut stalled = TcpStream::connect(socket_address(&app.address))
        .await
        .unwrap();
    stalled
        .write_all(b"GET /v1/export HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut received = Vec::new();
    let ended =
        tokio::time::timeout(Duration::from_secs(20), stalled.read_to_end(&mut received)).await;
    assert!(ended.is_ok(), "the stalled connection was never closed");
    assert!(
        received.len() < whole,
        "the whole export ({whole} bytes) was sent to a client that stopped reading"
    );
}

/// SIGTERM with a request half sent: the drain is bounded by the grace, then the server exits
/// 0 with the connection still open (it used to wait for the request for ever).
#[tokio::test]
async fn sigterm_with_a_half_sent_request_exits_within_the_grace() {
    let mut server = spawn_binary(&[
        ("SHUTDOWN_GRACE_MS", "1000"),
        ("HEADER_READ_TIMEOUT_MS", "60000"),
    ]);
    let mut half = TcpStream::connect(&server.address).await.unwrap();
    half.write_all(b"GET /v1 HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let signalled = Instant::now();
    let status = Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = loop {
        if let Some(exit) = server.child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(6),
            "the server was still draining 6 s after SIGTERM, with a grace of 1 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(exit.code(), Some(0));
    drop(half);
}
