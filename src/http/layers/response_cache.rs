//! The response cache: most requests are answered from memory without touching SQLite.
//!
//! The data changes only when an import commits (or a new build migrates, which means a
//! restart), so a rendered response stays right until the *data version* moves; the cache
//! follows the version with the service's follower task
//! ([`follow_data_version`](crate::service::versions::follow_data_version)).
//!
//! Entries are keyed by what a body depends on: the data version, the base URL and the path
//! and query as written (the body's links repeat them, so `?b=2&a=1` and `?a=1&b=2` are two
//! entries, and so are the same request to two hosts), the `Accept` header, the language
//! `Accept-Language` chooses (negotiated here as the handlers negotiate it, so
//! `zh-CN,zh;q=0.9` and `zh` share an entry, and any header that chooses English shares the
//! English one) and the content coding the response is sent in; so a compressed body is
//! cached compressed, a Chinese body is never served for English, a body is never served
//! with another host's links, and an entry of an older version is never served again (it is
//! dropped when the version moves, or evicted).
//!
//! Memory is bounded by a byte budget, with scan-resistant eviction (`quick_cache`'s
//! CLOCK-Pro). The budget holds whatever clients send: an entry owns exact-size copies of
//! everything it keeps (a request's `HeaderValue` is a slice of its whole head, which a
//! clone would keep alive unweighed), is weighed with its key, and a request whose `Accept`
//! is longer than any browser's is answered without being kept.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, Extensions, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::Response;
use sqlx::SqlitePool;

use super::metrics::CacheCounters;
use super::public_url::set_base_url;
use super::request_log::Route;
use super::revalidate::{not_modified, unmodified_since_tagged, Streamed};
use crate::domain::language::Language;
use crate::http::base_url::{base_url_of, BaseUrl};
use crate::http::problem::problem_response;
use crate::http::render::negotiate;
use crate::service::versions::{self, DataVersion, VersionFollower};

/// Says where a response came from: `hit` (memory) or `miss` (the database).
pub const X_CACHE: HeaderName = HeaderName::from_static("x-cache");

/// A content coding the compression layer can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Coding {
    Identity,
    Gzip,
    Br,
}

impl Coding {
    fn header(self) -> Option<HeaderValue> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some(HeaderValue::from_static("gzip")),
            Coding::Br => Some(HeaderValue::from_static("br")),
        }
    }
}

/// Longest `Accept` a response is kept for; browsers send about 150 bytes. A longer one is
/// answered but not kept, so that no client chooses how large keys grow.
const MAX_KEPT_ACCEPT_BYTES: usize = 512;

/// Bytes an entry costs beyond its key's and value's contents: the key and value structs,
/// the header map's table, the cache's own slot. An estimate on the generous side.
const ENTRY_OVERHEAD_BYTES: usize = 256;

/// Headers a hit gets after it leaves the cache: CORS's three, the request id and the
/// security headers.
const HEADERS_ADDED_OUTSIDE: usize = 7;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    version: i64,
    /// The base URL the body's links start with.
    base: BaseUrl,
    /// The path and query as the request wrote them.
    target: Box<str>,
    /// A copy of the request's `Accept`, at most [`MAX_KEPT_ACCEPT_BYTES`].
    accept: Option<Box<[u8]>>,
    /// The language of names `Accept-Language` chooses (a `lang` in the query is in
    /// `target`).
    language: Language,
    coding: Coding,
}

/// A request's [`CacheKey`], borrowing what the request holds: a lookup copies nothing, and
/// only a response being kept copies its key. Hashes as the key it stands for does (the same
/// fields in the same order, each hashing as its owned form).
#[derive(Hash)]
struct RequestKey<'a> {
    version: i64,
    base: &'a BaseUrl,
    target: &'a str,
    accept: Option<&'a [u8]>,
    language: Language,
    coding: Coding,
}

impl<'a> RequestKey<'a> {
    /// The key of `request`, whose base URL is `base`, or `None` when its response must not be
    /// kept.
    fn of(
        request: &'a Request,
        base: &'a BaseUrl,
        version: i64,
        coding: Coding,
    ) -> Option<RequestKey<'a>> {
        let accept = match request.headers().get(header::ACCEPT) {
            Some(accept) if accept.len() > MAX_KEPT_ACCEPT_BYTES => return None,
            accept => accept.map(HeaderValue::as_bytes),
        };
        let uri = request.uri();
        Some(RequestKey {
            version,
            base,
            target: uri.path_and_query().map_or(uri.path(), |pq| pq.as_str()),
            accept,
            language: negotiate::language(request.headers().get(header::ACCEPT_LANGUAGE)),
            coding,
        })
    }

    /// The key to store a response under: exact-size copies of what it borrows.
    fn to_owned(&self) -> CacheKey {
        CacheKey {
            version: self.version,
            base: self.base.clone(),
            target: Box::from(self.target),
            accept: self.accept.map(Box::from),
            language: self.language,
            coding: self.coding,
        }
    }
}

impl quick_cache::Equivalent<CacheKey> for RequestKey<'_> {
    fn equivalent(&self, key: &CacheKey) -> bool {
        self.version == key.version
            && *self.base == key.base
            && self.target == &*key.target
            && self.accept == key.accept.as_deref()
            && self.language == key.language
            && self.coding == key.coding
    }
}

/// A stored 200: its headers (with `x-cache: hit` last, as a hit is sent), its (possibly
/// compressed) body, and the route that answered (for the log line and the metrics), each an
/// exact-size copy owned by the entry; and, when the layers outside add the same headers to
/// every hit of it, its headers with those added, made once (see [`ResponseCache::answer`]).
#[derive(Debug, Clone)]
struct CachedResponse(Arc<Stored>);

#[derive(Debug)]
struct Stored {
    headers: HeaderMap,
    finished: Option<HeaderMap>,
    body: Bytes,
    route: Option<Route>,
}

impl CachedResponse {
    fn copy_of(
        headers: &HeaderMap,
        body: &[u8],
        extensions: &Extensions,
        finish: impl Fn(&mut HeaderMap) -> bool,
    ) -> CachedResponse {
        // Room for what the layers outside add to a hit, so that its copy of the map, which
        // keeps this table's size, is not rehashed into a larger one per request.
        let mut copy = HeaderMap::with_capacity(headers.len() + 1 + HEADERS_ADDED_OUTSIDE);
        for (name, value) in headers {
            let value = HeaderValue::from_bytes(value.as_bytes())
                .expect("a header value copies as a valid one");
            copy.append(name.clone(), value);
        }
        copy.insert(X_CACHE, HeaderValue::from_static("hit"));
        let mut finished = copy.clone();
        let finished = finish(&mut finished).then_some(finished);
        CachedResponse(Arc::new(Stored {
            headers: copy,
            finished,
            body: Bytes::copy_from_slice(body),
            route: extensions.get::<Route>().cloned(),
        }))
    }
}

#[derive(Debug, Clone)]
struct ByteWeighter;

impl quick_cache::Weighter<CacheKey, CachedResponse> for ByteWeighter {
    fn weight(&self, key: &CacheKey, value: &CachedResponse) -> u64 {
        let Stored {
            headers,
            finished,
            body,
            ..
        } = &*value.0;
        let header_bytes: usize = headers
            .iter()
            .chain(finished.iter().flatten())
            .map(|(name, value)| name.as_str().len() + value.len() + 32)
            .sum();
        let key_bytes = key.base.as_str().len()
            + key.target.len()
            + key.accept.as_ref().map_or(0, |accept| accept.len());
        // Never zero: a zero-weight entry would never be evicted.
        (key_bytes + header_bytes + body.len() + ENTRY_OVERHEAD_BYTES) as u64
    }
}

pub struct ResponseCache {
    /// Keys are hashed with foldhash, not the default SipHash: a hit hashes its whole key
    /// (base URL, path and query, `Accept`), and SipHash cost a few hundred instructions of it.
    /// Seeded per process, so clients still cannot aim keys at one slot.
    entries: quick_cache::sync::Cache<
        CacheKey,
        CachedResponse,
        ByteWeighter,
        foldhash::quality::RandomState,
    >,
    /// Bodies above this are served but not kept: one export must not flush everything else.
    max_entry_bytes: usize,
    pub version: Arc<DataVersion>,
    /// Hits and misses, for `/metrics`.
    pub counters: CacheCounters,
}

impl ResponseCache {
    /// A cache holding at most `capacity_bytes`; 0 turns caching off (every request is a miss
    /// that is not stored). Reads the data version, then starts the task that follows it;
    /// the task ends when the cache is dropped.
    pub async fn start(
        pool: SqlitePool,
        capacity_bytes: u64,
        poll: Duration,
    ) -> sqlx::Result<Arc<ResponseCache>> {
        let version = versions::last_import_id(&pool).await?;
        let cache = Arc::new(ResponseCache {
            // Responses average a few KiB; the estimate only sizes the initial tables.
            entries: quick_cache::sync::Cache::with(
                (capacity_bytes / 4096).clamp(16, 65_536) as usize,
                capacity_bytes.max(1),
                ByteWeighter,
                foldhash::quality::RandomState::default(),
                Default::default(),
            ),
            max_entry_bytes: (capacity_bytes / 8) as usize,
            version: Arc::new(DataVersion::new(version)),
            counters: CacheCounters::default(),
        });
        tokio::spawn(versions::follow_data_version(
            Arc::downgrade(&cache),
            pool,
            poll,
        ));
        Ok(cache)
    }
}

impl VersionFollower for ResponseCache {
    fn set_version(&self, version: i64) {
        let previous = self.version.swap(version);
        if previous != version {
            // Entries of the old version can never be asked for again; free them now.
            self.entries.clear();
            tracing::info!(
                previous,
                version,
                "data version changed; response cache cleared"
            );
        }
    }
}

/// The coding the client prefers among those the compression layer makes (RFC 9110
/// §12.5.3): the highest q wins, brotli on a tie, identity when nothing else is acceptable.
fn negotiate(accept_encoding: Option<&HeaderValue>) -> Coding {
    let Some(text) = accept_encoding.and_then(|value| value.to_str().ok()) else {
        return Coding::Identity;
    };
    let (mut br, mut gzip, mut any) = (None, None, None);
    for item in text.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let slot = if name.eq_ignore_ascii_case("br") {
            &mut br
        } else if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
            &mut gzip
        } else if name == "*" {
            &mut any
        } else {
            continue;
        };
        let q = parts
            .filter_map(|param| param.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        *slot = Some(q);
    }
    let br = br.or(any).unwrap_or(0.0);
    let gzip = gzip.or(any).unwrap_or(0.0);
    if br > 0.0 && br >= gzip {
        Coding::Br
    } else if gzip > 0.0 {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

/// What the cache answers: the response and, for a stored one, the route that first answered
/// it (a stored response carries no extensions: the route is all the layers outside read).
pub struct Answer {
    pub response: Response,
    pub stored_route: Option<Route>,
    /// A stored response whose headers already have what the layers outside add to every
    /// hit of it (`finish`, in [`ResponseCache::answer`], said so when it was kept).
    pub finished: bool,
}

impl ResponseCache {
    /// The step above everything that renders, tags, compresses, revalidates or limits a
    /// response, and below rate limiting and CORS: serves a stored response when it has one
    /// for this version, representation and coding, answering `If-None-Match` itself;
    /// otherwise asks `inner` (the layers below), and keeps a successful answer with all their
    /// headers (a [`Streamed`] one, the bulk export, passes uncollected). A hit skips the
    /// in-flight cap and timeout (it costs nothing); the target's caps are checked above.
    ///
    /// `base_url` is the request's, found by the public-url step, which the layers below get
    /// in the request's extensions; without that step, the one `Host` gives.
    ///
    /// `finish` adds to a response being kept the headers the layers outside add to every hit
    /// of it, if they depend on nothing but the response (`false` if not): its hits (but a
    /// 304) are then sent with those, and the layers outside skip them (`finished`).
    pub async fn answer<F, Answered>(
        &self,
        mut request: Request,
        base_url: Option<BaseUrl>,
        inner: F,
        finish: impl Fn(&mut HeaderMap) -> bool,
    ) -> Answer
    where
        F: FnOnce(Request) -> Answered,
        Answered: Future<Output = Response>,
    {
        if !matches!(*request.method(), Method::GET | Method::HEAD) {
            if let Some(base_url) = base_url {
                set_base_url(base_url, &mut request);
            }
            return Answer {
                response: inner(request).await,
                stored_route: None,
                finished: false,
            };
        }
        let coding = negotiate(request.headers().get(header::ACCEPT_ENCODING));
        let base = base_url
            .unwrap_or_else(|| base_url_of(request.extensions(), request.headers(), request.uri()));
        let key = RequestKey::of(&request, &base, self.version.get(), coding);
        if let Some(stored) = key.as_ref().and_then(|key| self.entries.get(key)) {
            self.counters.hits.inc();
            let Stored {
                headers,
                finished,
                body,
                route,
            } = &*stored.0;
            let (response, finished) =
                if unmodified_since_tagged(request.headers().get(header::IF_NONE_MATCH), headers) {
                    (not_modified(headers), false)
                } else {
                    let mut response = Response::new(Body::from(body.clone()));
                    *response.headers_mut() = finished.as_ref().unwrap_or(headers).clone();
                    (response, finished.is_some())
                };
            return Answer {
                response,
                stored_route: route.clone(),
                finished,
            };
        }
        let key = key.map(|key| key.to_owned());
        set_base_url(base, &mut request);
        // The compression layer below then makes exactly the coding the key names.
        match coding.header() {
            Some(value) => request.headers_mut().insert(header::ACCEPT_ENCODING, value),
            None => request.headers_mut().remove(header::ACCEPT_ENCODING),
        };
        Answer {
            response: self.keep(key, inner(request).await, finish).await,
            stored_route: None,
            finished: false,
        }
    }

    /// `response`, kept under `key` if it may be.
    async fn keep(
        &self,
        key: Option<CacheKey>,
        response: Response,
        finish: impl Fn(&mut HeaderMap) -> bool,
    ) -> Response {
        if response.status() != StatusCode::OK || no_store(&response) {
            return response;
        }
        self.counters.misses.inc();
        if self.max_entry_bytes == 0 {
            return response;
        }
        // A streamed response (the export) is written as it is sent, and too large to keep: it
        // is passed on, never collected; so is one whose request has no key.
        let streamed = response.extensions().get::<Streamed>().is_some();
        let Some(key) = key.filter(|_| !streamed) else {
            let mut response = response;
            response
                .headers_mut()
                .insert(X_CACHE, HeaderValue::from_static("miss"));
            return response;
        };
        let (mut parts, body) = response.into_parts();
        // The body is already in memory above the compressor (the tagger buffers it), so
        // reading it whole costs no more than passing it on.
        let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
            return problem_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The response could not be read to the end.".to_owned(),
            );
        };
        if bytes.len() <= self.max_entry_bytes {
            let stored = CachedResponse::copy_of(&parts.headers, &bytes, &parts.extensions, finish);
            self.entries.insert(key, stored);
        }
        parts
            .headers
            .insert(X_CACHE, HeaderValue::from_static("miss"));
        Response::from_parts(parts, Body::from(bytes))
    }
}

/// Probes and anything else marked `no-store` describe an instant, not the data.
fn no_store(response: &Response) -> bool {
    response
        .headers()
        .get(header::CACHE_CONTROL)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("no-store"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coding(header: &'static str) -> Coding {
        negotiate(Some(&HeaderValue::from_static(header)))
    }

    #[test]
    fn a_request_finds_the_entry_stored_under_its_key_and_no_other() {
        let entries = quick_cache::sync::Cache::<CacheKey, u8>::new(16);
        let base = BaseUrl::default();
        let request = Request::get("/v1/clusters?lang=zh")
            .header(header::ACCEPT, "text/csv")
            .body(Body::empty())
            .unwrap();
        let key = RequestKey::of(&request, &base, 7, Coding::Gzip).unwrap();
        entries.insert(key.to_owned(), 1);
        assert_eq!(entries.get(&key), Some(1));
        let other_version = RequestKey::of(&request, &base, 8, Coding::Gzip).unwrap();
        let other_coding = RequestKey::of(&request, &base, 7, Coding::Br).unwrap();
        assert_eq!(entries.get(&other_version), None);
        assert_eq!(entries.get(&other_coding), None);
        // Without `Accept`, and with another target: other entries.
        let bare = Request::get("/v1/clusters?lang=zh")
            .body(Body::empty())
            .unwrap();
        assert_eq!(
            entries.get(&RequestKey::of(&bare, &base, 7, Coding::Gzip).unwrap()),
            None
        );
        let other = Request::get("/v1/clusters?lang=en")
            .header(header::ACCEPT, "text/csv")
            .body(Body::empty())
            .unwrap();
        assert_eq!(
            entries.get(&RequestKey::of(&other, &base, 7, Coding::Gzip).unwrap()),
            None
        );
        entries.insert(
            RequestKey::of(&bare, &base, 7, Coding::Gzip)
                .unwrap()
                .to_owned(),
            2,
        );
        assert_eq!(
            entries.get(&RequestKey::of(&bare, &base, 7, Coding::Gzip).unwrap()),
            Some(2)
        );
    }

    #[test]
    fn negotiation_follows_q_values_and_prefers_brotli_on_ties() {
        assert_eq!(negotiate(None), Coding::Identity);
        assert_eq!(coding("gzip, deflate, br"), Coding::Br);
        assert_eq!(coding("gzip"), Coding::Gzip);
        assert_eq!(coding("br;q=0.5, gzip"), Coding::Gzip);
        assert_eq!(coding("br;q=0, gzip;q=0"), Coding::Identity);
        assert_eq!(coding("*"), Coding::Br);
        assert_eq!(coding("*;q=0.1, br;q=0"), Coding::Gzip);
        assert_eq!(coding("identity, deflate"), Coding::Identity);
        assert_eq!(coding("GZIP;Q=0.9"), Coding::Gzip);
    }
}
