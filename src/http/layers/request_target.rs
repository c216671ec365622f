//! The request's target and `Host`, checked before anything else is spent on it: a path or
//! query string over its cap is a 414, and an HTTP/1.1 request without exactly one valid
//! `Host` is a 400 (RFC 9112 §3.2). Also how much of a long target is echoed and logged.

use std::cell::RefCell;
use std::fmt;

use axum::extract::Request;
use axum::http::uri::Authority;
use axum::http::{header, HeaderValue, StatusCode, Version};
use axum::response::Response;

use crate::http::problem::problem_response;

/// Bytes of a request's path or query echoed in an error's detail; the rest is elided.
pub const MAX_ECHOED_BYTES: usize = 200;

/// The caps on a request's target.
#[derive(Debug, Clone, Copy)]
pub struct TargetLimits {
    pub max_path_bytes: usize,
    pub max_query_bytes: usize,
}

/// The refusal of a request whose path or query is over its cap (414) or whose `Host` is
/// missing (HTTP/1.1), repeated or malformed (400); `None` for the rest.
pub fn check_target(limits: TargetLimits, request: &Request) -> Option<Response> {
    let path_bytes = request.uri().path().len();
    if path_bytes > limits.max_path_bytes {
        return Some(problem_response(
            StatusCode::URI_TOO_LONG,
            format!(
                "The path is {path_bytes} bytes; the limit is {}. Every resource of this API \
                 has a shorter one: see /v1.",
                limits.max_path_bytes
            ),
        ));
    }
    let query_bytes = request.uri().query().map_or(0, str::len);
    if query_bytes > limits.max_query_bytes {
        return Some(problem_response(
            StatusCode::URI_TOO_LONG,
            format!(
                "The query string is {query_bytes} bytes; the limit is {}. Use fewer or shorter \
                 filter values.",
                limits.max_query_bytes
            ),
        ));
    }
    if let Some(detail) = host_problem(request) {
        // The connection ends with the answer: a client that gets Host wrong may frame what
        // follows wrongly too.
        let mut response = problem_response(StatusCode::BAD_REQUEST, detail.to_owned());
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return Some(response);
    }
    None
}

/// What is wrong with the request's `Host`, if anything: RFC 9112 §3.2 asks for a 400 when an
/// HTTP/1.1 request has none, and when any request has more than one or an invalid one.
fn host_problem(request: &Request) -> Option<&'static str> {
    let mut hosts = request.headers().get_all(header::HOST).iter();
    let Some(host) = hosts.next() else {
        return (request.version() == Version::HTTP_11)
            .then_some("An HTTP/1.1 request must carry a Host header.");
    };
    if hosts.next().is_some() {
        return Some("A request must carry one Host header, not several.");
    }
    (!valid_host(host)).then_some("The Host header is not a host name with an optional port.")
}

thread_local! {
    /// The last `Host` this thread found valid: a client sends the same one on every request.
    static LAST_VALID_HOST: RefCell<Option<HeaderValue>> = const { RefCell::new(None) };
}

/// Empty, for a target without a host; or a host and maybe a port.
fn valid_host(host: &HeaderValue) -> bool {
    if host.is_empty() {
        return true;
    }
    LAST_VALID_HOST.with_borrow_mut(|last| {
        if last.as_ref() == Some(host) {
            return true;
        }
        let valid = host
            .to_str()
            .ok()
            .and_then(|host| host.parse::<Authority>().ok())
            .is_some_and(|authority| !authority.as_str().contains('@'));
        if valid {
            // A copy: the request's value is a slice of its whole head, which it would keep.
            *last = HeaderValue::from_bytes(host.as_bytes()).ok();
        }
        valid
    })
}

/// At most `max` bytes of `text` (cut at a character boundary), then how long it was: for
/// echoing or logging what a client sent without letting it choose how much.
pub struct Abbreviated<'a> {
    text: &'a str,
    max: usize,
}

impl<'a> Abbreviated<'a> {
    pub fn new(text: &'a str, max: usize) -> Self {
        Abbreviated { text, max }
    }

    /// What is kept of the text, and its whole length if it was cut: what `Display` writes
    /// is the text kept, then `... (length bytes)` after a cut.
    pub fn parts(&self) -> (&'a str, Option<usize>) {
        if self.text.len() <= self.max {
            return (self.text, None);
        }
        let mut end = self.max;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        (&self.text[..end], Some(self.text.len()))
    }
}

impl fmt::Display for Abbreviated<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.parts() {
            (text, None) => f.write_str(text),
            (kept, Some(length)) => write!(f, "{kept}... ({length} bytes)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviation_keeps_short_text_and_cuts_long_text_at_a_character() {
        assert_eq!(
            Abbreviated::new("/v1/regions", 20).to_string(),
            "/v1/regions"
        );
        assert_eq!(
            Abbreviated::new("abcdef", 3).to_string(),
            "abc... (6 bytes)"
        );
        // '广' is three bytes: a cut inside it backs off to its start.
        assert_eq!(Abbreviated::new("a广东", 2).to_string(), "a... (7 bytes)");
    }

    fn host_problem_of(version: Version, hosts: &[&str]) -> Option<&'static str> {
        let mut request = Request::builder().version(version).uri("/v1");
        for host in hosts {
            request = request.header(header::HOST, *host);
        }
        host_problem(&request.body(axum::body::Body::empty()).unwrap())
    }

    #[test]
    fn exactly_one_valid_host_is_required_of_http_1_1() {
        for fine in [
            &["localhost:8080"][..],
            &["example.org"],
            &[""],
            &["[::1]:80"],
        ] {
            assert_eq!(host_problem_of(Version::HTTP_11, fine), None, "{fine:?}");
        }
        assert_eq!(host_problem_of(Version::HTTP_10, &[]), None);
        for wrong in [&[][..], &["a", "b"], &["a b"], &["user@host"], &["a", "a"]] {
            assert!(
                host_problem_of(Version::HTTP_11, wrong).is_some(),
                "{wrong:?}"
            );
        }
        assert!(host_problem_of(Version::HTTP_10, &["a", "b"]).is_some());
    }

    #[test]
    fn a_host_found_valid_stays_valid_and_makes_no_other_valid() {
        let http_11 = Version::HTTP_11;
        assert_eq!(host_problem_of(http_11, &["example.org:8080"]), None);
        assert_eq!(host_problem_of(http_11, &["example.org:8080"]), None);
        assert!(host_problem_of(http_11, &["example.org:8080 "]).is_some());
        assert!(host_problem_of(http_11, &["user@example.org:8080"]).is_some());
        assert_eq!(host_problem_of(http_11, &["example.org:8080"]), None);
    }
}
