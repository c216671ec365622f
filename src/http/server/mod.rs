//! Serving the app on a listener with the deadlines `axum::serve` lacks: hyper's HTTP/1.1
//! connections with a header-read timeout (which, since hyper starts it whenever a connection
//! waits for a request, is also the idle keep-alive timeout), a send timeout, a cap on the
//! head's size and on open connections, and a drain on shutdown bounded by a grace period.
//! What hyper refuses itself is answered like every other refusal.

/// hyper's own bare refusals, rewritten as problems.
mod own_refusals;
/// Writes that make no progress fail after the send timeout.
mod send_deadline;

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tower_http::add_extension::AddExtension;

use super::settings::HttpSettings;
use own_refusals::OwnRefusals;
use send_deadline::SendDeadline;

/// Serves `app` on `listener` until `shutdown` completes; then stops accepting, lets the
/// requests in flight finish for at most the shutdown grace, and closes what is still open.
/// Each request carries its peer's address as [`ConnectInfo`], which per-client limits key
/// on.
pub fn serve(
    listener: TcpListener,
    app: Router,
    settings: &HttpSettings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> impl Future<Output = io::Result<()>> + Send + 'static {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(settings.header_read_timeout)
        .max_header_size(settings.max_header_bytes);
    let places = Arc::new(Semaphore::new(settings.max_connections));
    let send_timeout = settings.send_timeout;
    let max_header_bytes = settings.max_header_bytes;
    let grace = settings.shutdown_grace;
    async move {
        let graceful = GracefulShutdown::new();
        let mut connections = JoinSet::new();
        tokio::pin!(shutdown);
        loop {
            while connections.try_join_next().is_some() {}
            // At the cap, nothing is accepted: new connections wait in the kernel's backlog.
            let place = tokio::select! {
                () = &mut shutdown => break,
                place = places.clone().acquire_owned() => {
                    place.expect("the connection places are never closed")
                }
            };
            let (stream, peer) = tokio::select! {
                () = &mut shutdown => break,
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        refused(error).await;
                        continue;
                    }
                },
            };
            let connection = http.serve_connection(
                io(stream, send_timeout, max_header_bytes),
                TowerToHyperService::new(AddExtension::new(app.clone(), ConnectInfo(peer))),
            );
            let connection = graceful.watch(connection);
            connections.spawn(async move {
                if let Err(error) = connection.await {
                    // Timeouts, resets and malformed requests: the client's business.
                    tracing::debug!(%peer, %error, "connection ended with an error");
                }
                drop(place);
            });
        }
        drop(listener);
        drain(graceful, connections, grace).await;
        Ok(())
    }
}

/// A connection's stream as hyper takes it.
fn io(
    stream: TcpStream,
    send_timeout: Duration,
    max_header_bytes: usize,
) -> TokioIo<OwnRefusals<SendDeadline<TcpStream>>> {
    // Responses are written whole or in large chunks; waiting to coalesce them only adds
    // latency.
    let _ = stream.set_nodelay(true);
    let stream = SendDeadline::new(stream, send_timeout);
    TokioIo::new(OwnRefusals::new(stream, max_header_bytes))
}

/// A failed `accept`: one the client caused is skipped; anything else (out of file
/// descriptors, most often) is logged and waited out, so the loop does not spin.
async fn refused(error: io::Error) {
    if matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(%error, "cannot accept connections; retrying in 1 s");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Asks every connection to finish its request and close, waits at most `grace`, then
/// closes those still open (a request half sent, a slow export) so the process can exit.
async fn drain(graceful: GracefulShutdown, mut connections: JoinSet<()>, grace: Duration) {
    if tokio::time::timeout(grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            open = connections.len(),
            grace_ms = grace.as_millis() as u64,
            "connections still open after the shutdown grace; closing them"
        );
    }
    connections.shutdown().await;
}
