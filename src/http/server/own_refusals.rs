//! hyper refuses what it cannot parse before any layer sees a request: 400 for a malformed
//! head, 414 for a target over its 65,534 bytes, 431 for a head over `--max-header-bytes`. It
//! writes a bare head (`connection: close`, `content-length: 0`, `date`) and closes, without
//! the headers every other answer carries. This stream wrapper recognises such a head as hyper
//! writes it and sends instead what every other refusal looks like: a problem+json with
//! `nosniff`, no referrer and `no-store`.
//!
//! A write is taken for hyper's refusal only when it is exactly such a head, whole: the
//! app's own answers always carry `x-content-type-options`, and a body would have to consist
//! of precisely those bytes, in one write, to be mistaken for one.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use axum::http::StatusCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::http::problem::{problem_body, PROBLEM_JSON};

/// The status lines hyper's refusals start with.
const REFUSALS: [(StatusCode, &[u8]); 3] = [
    (StatusCode::BAD_REQUEST, b"HTTP/1.1 400 Bad Request\r\n"),
    (StatusCode::URI_TOO_LONG, b"HTTP/1.1 414 URI Too Long\r\n"),
    (
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        b"HTTP/1.1 431 Request Header Fields Too Large\r\n",
    ),
];

/// `inner`, with hyper's bare refusals replaced by problems.
pub struct OwnRefusals<T> {
    inner: T,
    /// The head-size cap, which the 431's detail names.
    max_header_bytes: usize,
    /// A replacement being written, and how much of it has been.
    replacement: Option<(Vec<u8>, usize)>,
}

impl<T> OwnRefusals<T> {
    pub fn new(inner: T, max_header_bytes: usize) -> Self {
        OwnRefusals {
            inner,
            max_header_bytes,
            replacement: None,
        }
    }
}

/// If `bytes` are exactly hyper's refusal head, its status and `date` value.
fn hyper_refusal(bytes: &[u8]) -> Option<(StatusCode, &[u8])> {
    let (status, line) = REFUSALS.iter().find(|(_, line)| bytes.starts_with(line))?;
    let headers = bytes[line.len()..].strip_suffix(b"\r\n")?;
    let mut date = None;
    let mut empty_body = false;
    for header in headers.split_inclusive(|byte| *byte == b'\n') {
        let header = header.strip_suffix(b"\r\n")?;
        match header {
            b"connection: close" => {}
            b"content-length: 0" => empty_body = true,
            _ => date = Some(header.strip_prefix(b"date: ")?),
        }
    }
    empty_body.then_some((*status, date?))
}

/// The problem that replaces hyper's refusal with `status`, dated as hyper dated it.
fn replacement(status: StatusCode, date: &[u8], max_header_bytes: usize) -> Vec<u8> {
    let detail = match status {
        StatusCode::URI_TOO_LONG => "The request target is longer than the server reads \
             (65534 bytes). Use a shorter path, or fewer or shorter filter values."
            .to_owned(),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => format!(
            "The request's head (request line and headers) is larger than the server reads \
             ({max_header_bytes} bytes). Send fewer or shorter headers."
        ),
        _ => "The request could not be read as HTTP/1.1: its request line or a header is \
              malformed."
            .to_owned(),
    };
    let body = problem_body(status, detail);
    let mut bytes = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: {PROBLEM_JSON}\r\ncontent-length: {}\r\n\
         x-content-type-options: nosniff\r\nreferrer-policy: no-referrer\r\n\
         cache-control: no-store\r\nconnection: close\r\ndate: ",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error"),
        body.len(),
    )
    .into_bytes();
    bytes.extend_from_slice(date);
    bytes.extend_from_slice(b"\r\n\r\n");
    bytes.extend_from_slice(&body);
    bytes
}

impl<T: AsyncWrite + Unpin> OwnRefusals<T> {
    /// Writes what is left of a replacement, if any; ready once none is left.
    fn poll_replacement(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.replacement {
            if *written == bytes.len() {
                self.replacement = None;
                break;
            }
            let sent = ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]))?;
            if sent == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += sent;
        }
        Poll::Ready(Ok(()))
    }

    /// Takes `bytes` for hyper's refusal, replacing it, or says it is not one.
    fn replaced(&mut self, bytes: &[u8]) -> bool {
        let Some((status, date)) = hyper_refusal(bytes) else {
            return false;
        };
        self.replacement = Some((replacement(status, date, self.max_header_bytes), 0));
        true
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for OwnRefusals<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for OwnRefusals<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.poll_replacement(cx))?;
        if self.replaced(buf) {
            // hyper's bytes count as written; the replacement goes out before anything else.
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        ready!(self.poll_replacement(cx))?;
        if let Some(first) = bufs.iter().find(|buf| !buf.is_empty()) {
            if self.replaced(first) {
                return Poll::Ready(Ok(first.len()));
            }
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_replacement(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_replacement(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATE: &[u8] = b"Tue, 01 Dec 2026 23:13:21 GMT";

    fn head(status_line: &str, headers: &[&str]) -> Vec<u8> {
        let mut head = format!("{status_line}\r\n");
        for header in headers {
            head.push_str(header);
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        head.into_bytes()
    }

    #[test]
    fn only_hyper_s_bare_refusals_are_recognised() {
        let date = format!("date: {}", std::str::from_utf8(DATE).unwrap());
        let bare = ["connection: close", "content-length: 0", date.as_str()];
        for (status, line) in [
            (400, "HTTP/1.1 400 Bad Request"),
            (414, "HTTP/1.1 414 URI Too Long"),
            (431, "HTTP/1.1 431 Request Header Fields Too Large"),
        ] {
            let refusal = head(line, &bare);
            let (found, date) = hyper_refusal(&refusal).expect(line);
            assert_eq!((found.as_u16(), date), (status, DATE));
            // Anything more, or less, is not hyper's refusal.
            assert!(hyper_refusal(&head(line, &bare[1..])).is_some());
            assert!(hyper_refusal(&head(line, &bare[..2])).is_none(), "no date");
            let nosniff = [&bare[..], &["x-content-type-options: nosniff"]].concat();
            assert!(hyper_refusal(&head(line, &nosniff)).is_none());
            let mut with_body = refusal.clone();
            with_body.extend_from_slice(b"{}");
            assert!(hyper_refusal(&with_body).is_none());
            assert!(
                hyper_refusal(&refusal[..refusal.len() - 2]).is_none(),
                "cut"
            );
        }
        assert!(hyper_refusal(&head("HTTP/1.1 404 Not Found", &bare)).is_none());
    }

    #[test]
    fn the_replacement_is_a_problem_with_the_protective_headers() {
        let bytes = replacement(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, DATE, 65536);
        let text = String::from_utf8(bytes).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        for line in [
            "content-type: application/problem+json",
            "x-content-type-options: nosniff",
            "referrer-policy: no-referrer",
            "cache-control: no-store",
            "connection: close",
            "date: Tue, 01 Dec 2026 23:13:21 GMT",
        ] {
            assert!(head.lines().any(|l| l == line), "{line} in {head}");
        }
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let problem: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(problem["status"], 431);
        assert!(problem["detail"].as_str().unwrap().contains("65536"));
    }
}
