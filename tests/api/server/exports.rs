//! D9: the bulk export's four places are shared fairly. Four clients reading at about 95 KB/s
//! held them for as long as they liked (the stall guard catches only clients that stop), and
//! the fifth export got a 503. Now one client holds at most two places, an export whose
//! client reads below the minimum rate is cut off, and none lasts past the maximum duration.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use super::{socket_address, with_synthetic_figures};
use crate::helpers::{assert_problem_shape, header, Problem, TestApp};

/// Loopback clients are exempt from per-client limits unless asked, as for the rate limit.
fn per_client_limits() -> gd_indicators::HttpSettings {
    gd_indicators::HttpSettings {
        rate_limit_per_second: 0,
        rate_limit_loopback: true,
        ..Default::default()
    }
}

/// A connection from `source` (any address of 127/8 is this host) with a small receive
/// buffer, so the server meets the reader's pace instead of filling megabytes of buffers.
async fn connect_from(source: Ipv4Addr, address: &str) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(16 * 1024).unwrap();
    socket.bind(SocketAddr::new(IpAddr::V4(source), 0)).unwrap();
    socket
        .connect(socket_address(address).parse().unwrap())
        .await
        .unwrap()
}

/// An export asked for on a raw connection from `source`, its status line read; the body is
/// left in the socket.
async fn start_export(source: Ipv4Addr, address: &str) -> TcpStream {
    let mut stream = connect_from(source, address).await;
    stream
        .write_all(b"GET /v1/export HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut first = [0u8; 12];
    stream.read_exact(&mut first).await.unwrap();
    assert_eq!(&first, b"HTTP/1.1 200", "the export starts");
    stream
}

/// Keeps reading `chunk` bytes every `pause` until the server ends the body.
async fn read_at_pace(mut stream: TcpStream, chunk: usize, pause: Duration) {
    let mut buffer = vec![0u8; chunk];
    while let Ok(1..) = stream.read(&mut buffer).await {
        tokio::time::sleep(pause).await;
    }
}

/// Takes every one of the export places with four clients (127.0.0.1 to .4) reading at the
/// given pace, in the background.
async fn occupy_every_place(app: &TestApp, chunk: usize, pause: Duration) {
    for last in 1..=gd_indicators::http::export_stream::STREAMED_EXPORTS as u8 {
        let stream = start_export(Ipv4Addr::new(127, 0, 0, last), &app.address).await;
        tokio::spawn(read_at_pace(stream, chunk, pause));
    }
}

/// How long a fifth client (127.0.0.5) waited for an export place, or the status it got
/// instead.
async fn fifth_client_waits(app: &TestApp) -> Result<Duration, StatusCode> {
    let client = reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 5)))
        .build()
        .unwrap();
    let started = Instant::now();
    let response = client
        .get(format!("{}/v1/export", app.address))
        .send()
        .await
        .unwrap();
    match response.status() {
        StatusCode::OK => Ok(started.elapsed()),
        status => Err(status),
    }
}

#[tokio::test]
async fn one_client_holds_at_most_two_export_places_and_others_still_get_theirs() {
    let app = TestApp::spawn_with(per_client_limits()).await;
    with_synthetic_figures(&app, 20_000).await;
    let greedy = Ipv4Addr::new(127, 0, 0, 1);
    let mut held = Vec::new();
    for _ in 0..2 {
        held.push(start_export(greedy, &app.address).await);
    }
    let started = Instant::now();
    let third = app.get("/v1/export").await;
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "refused at once"
    );
    assert_eq!(header(&third, "retry-after"), "1");
    assert_eq!(header(&third, "content-type"), "application/problem+json");
    let problem: Problem = third.json().await.unwrap();
    assert_problem_shape(&problem, StatusCode::TOO_MANY_REQUESTS);
    assert!(problem.detail.contains("2 exports"), "{problem:?}");
    // A HEAD takes no place, and another client gets its export.
    assert_eq!(app.head("/v1/export").await.status(), StatusCode::OK);
    start_export(Ipv4Addr::new(127, 0, 0, 2), &app.address).await;
    // A place comes back when its client leaves.
    drop(held.pop());
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let status = app.get("/v1/export").await.status();
        if status == StatusCode::OK {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the place never came back: {status}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Four readers at about 10 KB/s, under a minimum of 1 MiB/s measured over 1 s windows, hold
/// the four places only until their first slow window ends; a fifth client waiting for a
/// place gets one then (it used to wait for a 503).
#[tokio::test]
async fn exports_read_below_the_minimum_rate_are_cut_off_and_free_their_places() {
    let app = TestApp::spawn_with(gd_indicators::HttpSettings {
        export_min_bytes_per_second: 1 << 20,
        export_rate_window: Duration::from_secs(1),
        request_timeout: Duration::from_secs(10),
        ..Default::default()
    })
    .await;
    with_synthetic_figures(&app, 20_000).await;
    occupy_every_place(&app, 1024, Duration::from_millis(100)).await;
    let waited = fifth_client_waits(&app).await;
    assert!(
        waited.is_ok_and(|waited| waited < Duration::from_secs(8)),
        "the fifth client waited for a place in vain: {waited:?}"
    );
}

/// Readers with no minimum rate to meet still hold their places no longer than the maximum
/// duration.
#[tokio::test]
async fn exports_are_cut_off_at_their_maximum_duration_and_free_their_places() {
    let app = TestApp::spawn_with(gd_indicators::HttpSettings {
        export_min_bytes_per_second: 0,
        export_max_duration: Duration::from_secs(2),
        request_timeout: Duration::from_secs(10),
        ..Default::default()
    })
    .await;
    with_synthetic_figures(&app, 20_000).await;
    occupy_every_place(&app, 16 * 1024, Duration::from_millis(100)).await;
    let waited = fifth_client_waits(&app).await;
    assert!(
        waited.is_ok_and(|waited| waited < Duration::from_secs(8)),
        "the fifth client waited for a place in vain: {waited:?}"
    );
}
