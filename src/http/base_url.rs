//! The base URL the API's links start with, so that `links.*`, the `Link` header and every
//! entity's links are absolute and a page on another origin can follow them as they are:
//! `--public-url` when it is set; else `http://` and the request's `Host`; with
//! `--trust-forwarded`, the scheme and host a reverse proxy names in `X-Forwarded-Proto` and
//! `X-Forwarded-Host` (which any client could send, so they are ignored without it).
//!
//! The `public-url` layer (`layers/public_url.rs`) computes it once per request, ahead of the
//! response cache, whose keys include it: two hosts never get each other's links. Handlers
//! take it as an extractor.

use std::cell::RefCell;
use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::uri::{Authority, Scheme};
use axum::http::{header, Extensions, HeaderMap, HeaderName, HeaderValue, Uri};

const X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
const X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");

/// Where the API is reached: a scheme, a host and an optional path prefix, without a trailing
/// slash (`https://stats.example/gd`). Empty when a request names no host (HTTP/1.0 without
/// `Host`): its links stay relative.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct BaseUrl(Arc<str>);

impl BaseUrl {
    /// The absolute URL of `path_and_query` (which starts with `/`).
    pub fn href(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn from_parts(scheme: &str, authority: &Authority) -> BaseUrl {
        BaseUrl(Arc::from(format!("{scheme}://{authority}")))
    }
}

/// A `--public-url`: an http or https URL with a host, maybe a path prefix, and no user, query
/// or fragment. The refusal says what is wrong in a phrase.
pub fn parse_public_url(text: &str) -> Result<BaseUrl, String> {
    let expected = "expected an http(s) URL like https://stats.example or https://example.org/gd";
    if text.contains(['?', '#']) {
        return Err(format!("{expected}; it has no query or fragment"));
    }
    let uri: Uri = text
        .parse()
        .map_err(|_| format!("{expected}; '{text}' is not a URL"))?;
    let scheme = uri.scheme_str().map(str::to_ascii_lowercase);
    if !matches!(scheme.as_deref(), Some("http" | "https")) {
        return Err(format!("{expected}; the scheme is not http or https"));
    }
    let authority = uri
        .authority()
        .filter(|authority| !authority.host().is_empty())
        .ok_or_else(|| format!("{expected}; it names no host"))?;
    if authority.as_str().contains('@') {
        return Err(format!("{expected}; it has no user or password"));
    }
    let prefix = uri.path().trim_end_matches('/');
    Ok(BaseUrl(Arc::from(format!(
        "{}://{authority}{prefix}",
        scheme.unwrap_or_default()
    ))))
}

/// How a request's base URL is found.
#[derive(Debug, Clone, Default)]
pub struct LinkBase {
    /// `--public-url`: every link starts with it, whatever the request says.
    pub public_url: Option<BaseUrl>,
    /// `--trust-forwarded`: a proxy's `X-Forwarded-Proto` and `X-Forwarded-Host` are honoured.
    pub trust_forwarded: bool,
}

impl LinkBase {
    /// The base URL of a request with `headers` and `uri`.
    pub fn of(&self, headers: &HeaderMap, uri: &Uri) -> BaseUrl {
        if let Some(public_url) = &self.public_url {
            return public_url.clone();
        }
        if !self.trust_forwarded {
            if let Some(base) = headers.get(header::HOST).and_then(of_host) {
                return base;
            }
        }
        let host = headers
            .get(header::HOST)
            .and_then(|host| authority(host.to_str().ok()?))
            .or_else(|| uri.authority().cloned());
        if !self.trust_forwarded {
            return host.map_or_else(BaseUrl::default, |host| {
                BaseUrl::from_parts(Scheme::HTTP.as_str(), &host)
            });
        }
        let scheme = first_item(headers, &X_FORWARDED_PROTO)
            .map(str::to_ascii_lowercase)
            .filter(|scheme| scheme == "http" || scheme == "https")
            .unwrap_or_else(|| Scheme::HTTP.as_str().to_owned());
        let host = first_item(headers, &X_FORWARDED_HOST)
            .and_then(authority)
            .or(host);
        host.map_or_else(BaseUrl::default, |host| BaseUrl::from_parts(&scheme, &host))
    }
}

thread_local! {
    /// The last valid `Host` this thread saw, and its base URL: a client sends the same one on
    /// every request, and parsing and formatting it anew cost a twentieth of a cache hit.
    static LAST_HOST: RefCell<Option<(HeaderValue, BaseUrl)>> = const { RefCell::new(None) };
}

/// `http://` and `host`, when `host` is a valid host and optional port.
fn of_host(host: &HeaderValue) -> Option<BaseUrl> {
    LAST_HOST.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((seen, base)) = &*last {
            if seen == host {
                return Some(base.clone());
            }
        }
        let base = BaseUrl::from_parts(Scheme::HTTP.as_str(), &authority(host.to_str().ok()?)?);
        // A copy: the request's value is a slice of its whole head, which it would keep.
        let seen = HeaderValue::from_bytes(host.as_bytes()).ok()?;
        *last = Some((seen, base.clone()));
        Some(base)
    })
}

/// The first of a header's comma-separated items (a proxy chain appends to them), if any.
fn first_item<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a str> {
    let value = headers.get(name)?.to_str().ok()?;
    let first = value.split(',').next()?.trim();
    (!first.is_empty()).then_some(first)
}

/// A host and optional port, never a user: anything else is no host to link to.
fn authority(text: &str) -> Option<Authority> {
    let authority: Authority = text.parse().ok()?;
    (!authority.host().is_empty() && !authority.as_str().contains('@')).then_some(authority)
}

/// The base URL the `public-url` layer put in `extensions`; without that layer (the benchmark's
/// partial stacks), the one `Host` gives.
pub fn base_url_of(extensions: &Extensions, headers: &HeaderMap, uri: &Uri) -> BaseUrl {
    extensions
        .get::<BaseUrl>()
        .cloned()
        .unwrap_or_else(|| LinkBase::default().of(headers, uri))
}

impl<S: Send + Sync> FromRequestParts<S> for BaseUrl {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(base_url_of(&parts.extensions, &parts.headers, &parts.uri))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| (HeaderName::from_static(name), value.parse().unwrap()))
            .collect()
    }

    #[test]
    fn a_public_url_is_an_http_url_with_a_host_and_maybe_a_prefix() {
        for (text, base) in [
            ("https://stats.example", "https://stats.example"),
            ("https://stats.example/", "https://stats.example"),
            (
                "HTTP://stats.example:8080/gd/",
                "http://stats.example:8080/gd",
            ),
            ("http://[::1]:8080/api/v", "http://[::1]:8080/api/v"),
        ] {
            assert_eq!(parse_public_url(text).unwrap().as_str(), base, "{text}");
        }
        for (text, why) in [
            ("stats.example", "scheme"),
            ("ftp://stats.example", "scheme"),
            ("https://stats.example/?a=1", "query"),
            ("https://stats.example/#top", "fragment"),
            ("https://user@stats.example", "user"),
            ("https:///gd", "URL"),
            ("", "URL"),
        ] {
            let refusal = parse_public_url(text).unwrap_err();
            assert!(refusal.contains(why), "{text}: {refusal}");
        }
    }

    #[test]
    fn forwarded_headers_count_only_when_trusted() {
        let uri: Uri = "/v1".parse().unwrap();
        let request = headers(&[
            ("host", "127.0.0.1:8080"),
            ("x-forwarded-proto", "https, http"),
            ("x-forwarded-host", "stats.example, proxy.internal"),
        ]);
        let plain = LinkBase::default();
        assert_eq!(plain.of(&request, &uri).as_str(), "http://127.0.0.1:8080");
        let trusting = LinkBase {
            trust_forwarded: true,
            ..LinkBase::default()
        };
        assert_eq!(
            trusting.of(&request, &uri).as_str(),
            "https://stats.example"
        );
        // A scheme or host that is none falls back to what the request itself says.
        let odd = headers(&[
            ("host", "127.0.0.1:8080"),
            ("x-forwarded-proto", "gopher"),
            ("x-forwarded-host", "a b"),
        ]);
        assert_eq!(trusting.of(&odd, &uri).as_str(), "http://127.0.0.1:8080");
        assert_eq!(plain.of(&HeaderMap::new(), &uri).as_str(), "");
    }

    #[test]
    fn each_host_gets_its_own_base_url_on_one_thread() {
        let uri: Uri = "/v1".parse().unwrap();
        let plain = LinkBase::default();
        for (host, base) in [
            ("stats.example", "http://stats.example"),
            ("stats.example", "http://stats.example"),
            ("127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("stats.example", "http://stats.example"),
            // Not a host: no link base, whatever this thread saw before.
            ("a b", ""),
            ("user@stats.example", ""),
            ("stats.example", "http://stats.example"),
        ] {
            assert_eq!(
                plain.of(&headers(&[("host", host)]), &uri).as_str(),
                base,
                "{host}"
            );
        }
    }
}
