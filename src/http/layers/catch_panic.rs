//! A panic while answering becomes a problem+json 500, not a dropped connection. Its message
//! is logged once, at error level, with the method and route, inside the request's span (so
//! with its id); the client gets only the generic 500 and that id.

use std::any::Any;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::task::Poll;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

use crate::http::problem::internal_error;

/// Innermost: answers what panics below with a 500 and logs the panic's message.
pub async fn catch_panic(request: Request, next: Next) -> Response {
    // Read before the request is handed on: after a panic nothing of it is left.
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().cloned();
    let mut answer = std::pin::pin!(next.run(request));
    let answered = std::future::poll_fn(|context| {
        match panic::catch_unwind(AssertUnwindSafe(|| answer.as_mut().poll(context))) {
            Ok(poll) => poll.map(Ok),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    })
    .await;
    match answered {
        Ok(response) => response,
        Err(panic) => {
            let route = route.as_ref().map_or("-", MatchedPath::as_str);
            let message = panic_message(panic.as_ref());
            tracing::error!(%method, route, panic = message, "panicked while answering a request");
            internal_error(
                "The server failed while answering; report it with this response's x-request-id.",
            )
        }
    }
}

/// What `panic!` was given: a literal, or a formatted message.
fn panic_message(panic: &(dyn Any + Send)) -> &str {
    if let Some(message) = panic.downcast_ref::<&'static str>() {
        message
    } else if let Some(message) = panic.downcast_ref::<String>() {
        message
    } else {
        "a panic without a message"
    }
}
