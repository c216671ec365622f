//! Termination signals, shared by `serve` (graceful shutdown) and `export` (no file left
//! behind).

use std::future::Future;

/// Listens for Ctrl-C or, on Unix, SIGTERM (what container orchestrators send) from the moment
/// it is called, and completes when one arrives. The handlers are installed here rather than
/// when the future is first polled: until then a SIGTERM would still kill the process outright
/// (an export would leave its temporary file behind).
pub fn termination_requested() -> impl Future<Output = ()> + Send {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            tokio::select! {
                () = received(interrupt) => {},
                () = received(terminate) => {},
            }
        }
    }
    #[cfg(not(unix))]
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Completes when `signal` arrives; never, when its handler could not be installed.
#[cfg(unix)]
async fn received(signal: std::io::Result<tokio::signal::unix::Signal>) {
    match signal {
        Ok(mut signal) => {
            signal.recv().await;
        }
        Err(_) => std::future::pending::<()>().await,
    }
}

/// [`termination_requested`], said in the log: the server then finishes in-flight requests.
pub async fn shutdown_signal() {
    termination_requested().await;
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
