//! `GET /v1/export` as a stream: once its query is accepted, the rows of one read transaction
//! are written as the client takes them, handed to the connection in chunks, so memory stays
//! flat however many figures there are. The records and their writer are the service's
//! ([`crate::service::export`]), shared with the `export` command.
//!
//! The few places exports stream in are shared fairly ([`pace_exports`]): one client holds at
//! most a few of them, an export whose client reads below a minimum rate is cut off, and none
//! lasts past a maximum duration.

use std::collections::HashMap;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::{Stream, TryStreamExt};
use sqlx::{Sqlite, Transaction};
use tokio::sync::{mpsc, OwnedSemaphorePermit};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tracing::Instrument;

use super::layers::revalidate::{HeadRequest, Streamed};
use super::problem::problem_response;
use super::render::csv::{disposition, BYTE_ORDER_MARK, CSV_CONTENT_TYPE};
use super::render::negotiate::content_language;
use crate::domain::language::Language;
use crate::service::export::{ExportSelection, ExportWriter, Failure};
use crate::service::import::read::FileFormat;
use crate::service::query::params::Format;
use crate::service::versions;

/// Exports streamed at once. Each holds one of the serving pool's 8 connections, and a read
/// transaction, for as long as its client takes to read it (within the pacing of
/// [`pace_exports`]); the rest of the pool stays free for every other request. A further
/// export waits for a permit, within the request timeout.
pub const STREAMED_EXPORTS: usize = 4;

/// Body bytes handed to the connection at a time.
const CHUNK_BYTES: usize = 64 * 1024;

/// Chunks written ahead of what the connection has taken. With the one being filled, this
/// bounds what an export holds, however many figures it has.
const CHUNKS_AHEAD: usize = 2;

/// How long an export waits for its client to take a chunk before it gives up its place: a
/// client that has stopped reading, or vanished without closing, must not hold it for ever.
const STALLED_CLIENT: Duration = Duration::from_secs(60);

/// `GET /v1/export` once its query is accepted: the rows of one read transaction, written as
/// the client takes them.
pub struct StreamedExport {
    /// The state of the data the rows come from.
    pub snapshot: Transaction<'static, Sqlite>,
    /// The id of the last import in `snapshot`.
    pub data_version: i64,
    pub selection: ExportSelection,
    pub format: Format,
    /// The request's path and query: the JSON envelope's `links.self`.
    pub self_link: String,
    pub permit: OwnedSemaphorePermit,
}

impl StreamedExport {
    /// The export's strong validator: see [`export_tag`].
    fn entity_tag(&self) -> HeaderValue {
        export_tag(
            self.data_version,
            self.format,
            self.selection.list.language,
            &self.self_link,
        )
    }

    /// Reads the rows and writes the body into `chunks`. A failure midway is logged and
    /// returned, to end the body with an error: the status has been sent, so the connection
    /// is cut, which a client sees as a truncated transfer.
    async fn produce(self, chunks: mpsc::Sender<Bytes>) -> io::Result<()> {
        let failure = match self.write_body(&chunks).await {
            Ok(()) => return Ok(()),
            Err(Failure::Write(error)) if error.kind() == io::ErrorKind::BrokenPipe => {
                tracing::debug!("the export's client went away");
                return Err(error);
            }
            Err(Failure::Write(error)) if error.kind() == io::ErrorKind::TimedOut => {
                tracing::warn!(
                    "the export's client took nothing for {} s; its body was cut short",
                    STALLED_CLIENT.as_secs()
                );
                return Err(error);
            }
            Err(Failure::Database(error)) => error.to_string(),
            Err(Failure::Write(error)) => error.to_string(),
        };
        tracing::error!(
            error = failure,
            "the export failed after its headers were sent; its body was cut short"
        );
        Err(io::Error::other("the export failed midway"))
    }

    async fn write_body(self, chunks: &mpsc::Sender<Bytes>) -> Result<(), Failure> {
        let StreamedExport {
            mut snapshot,
            selection,
            format,
            self_link,
            permit,
            ..
        } = self;
        // The export is JSON or CSV: the parser refuses the other formats for it.
        let format = match format {
            Format::Csv => FileFormat::Csv,
            _ => FileFormat::Json,
        };
        let fields = selection.list.fields.as_deref();
        let fresh = || Vec::with_capacity(CHUNK_BYTES + CHUNK_BYTES / 2);
        let mut first = fresh();
        if format == FileFormat::Csv && selection.list.bom {
            first.extend_from_slice(BYTE_ORDER_MARK);
        }
        let retracted = selection.retracted(&mut *snapshot).await?;
        let mut writer = ExportWriter::start(first, format, &self_link, fields, retracted)
            .map_err(Failure::Write)?;
        let mut statement = selection.rows();
        let mut rows = statement.fetch(&mut *snapshot);
        while let Some(figure) = rows.try_next().await? {
            writer.write(&figure).map_err(Failure::Write)?;
            if writer.pending() >= CHUNK_BYTES {
                let chunk = writer.take(fresh()).map_err(Failure::Write)?;
                send(chunks, chunk).await?;
            }
        }
        drop(rows);
        snapshot.rollback().await?;
        // The connection is back in the pool: the last bytes need no place.
        drop(permit);
        let (rest, _) = writer.finish().map_err(Failure::Write)?;
        send(chunks, rest).await
    }
}

/// Hands one chunk to the connection, once there is room for it.
async fn send(chunks: &mpsc::Sender<Bytes>, chunk: Vec<u8>) -> Result<(), Failure> {
    if chunk.is_empty() {
        return Ok(());
    }
    match tokio::time::timeout(STALLED_CLIENT, chunks.send(Bytes::from(chunk))).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(Failure::Write(io::ErrorKind::BrokenPipe.into())),
        Err(_) => Err(Failure::Write(io::ErrorKind::TimedOut.into())),
    }
}

/// The task writing an export's body, stopped when the body is dropped.
struct Running(JoinHandle<io::Result<()>>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A strong validator from what determines the bytes, so that none is buffered or hashed: the
/// data (the import it is at, and this build's migrations), this build's rendering (a
/// fingerprint of its sources and dependencies, from build.rs), the representation, the
/// language of its names (which `Accept-Language` may choose, outside the query) and the
/// request's path and query as written (the envelope repeats them). The compressed
/// representations get their coding appended by the revalidation layer, as every tag does.
fn export_tag(
    data_version: i64,
    format: Format,
    language: Language,
    self_link: &str,
) -> HeaderValue {
    let migrations = versions::latest_migration();
    #[allow(deprecated)] // fixed keys: every replica computes the same tag
    let mut hasher = std::hash::SipHasher::new();
    (
        env!("GD_SOURCE_FINGERPRINT"),
        migrations,
        format == Format::Csv,
        self_link,
    )
        .hash(&mut hasher);
    // English, the default, hashes nothing: the tags of English exports stay as they were.
    if language != Language::En {
        language.tag().hash(&mut hasher);
    }
    let tag = format!("\"export-v{data_version}-{:016x}\"", hasher.finish());
    HeaderValue::from_str(&tag).expect("digits and hex are a valid header")
}

/// The headers of `GET /v1/export` for the export `self_link` asks for at `data_version`,
/// without a body: what a HEAD needs, read without an export's place or transaction. The
/// empty body is a stream of no known length, as the GET's is: `Body::empty()` would make
/// the connection announce `content-length: 0` for an export the GET sends in chunks.
pub fn export_head(
    data_version: i64,
    format: Format,
    language: Language,
    self_link: &str,
) -> Response {
    export_response(
        Body::from_stream(futures_util::stream::empty::<io::Result<Bytes>>()),
        format,
        language,
        export_tag(data_version, format, language, self_link),
    )
}

/// `body` as the export in `format`, its names in `language`, tagged `tag`, and marked
/// [`Streamed`] so that the tagger and the response cache let it pass.
fn export_response(body: Body, format: Format, language: Language, tag: HeaderValue) -> Response {
    let mut response = content_language(body.into_response(), language);
    let headers = response.headers_mut();
    let media = match format {
        Format::Csv => CSV_CONTENT_TYPE,
        _ => "application/json",
    };
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition("export", format))
            .expect("a fixed file name is a valid header"),
    );
    headers.insert(header::ETAG, tag);
    response.extensions_mut().insert(Streamed);
    response
}

impl IntoResponse for StreamedExport {
    fn into_response(self) -> Response {
        let tag = self.entity_tag();
        let format = self.format;
        let language = self.selection.list.language;
        let (chunks, mut received) = mpsc::channel(CHUNKS_AHEAD);
        // In the request's span, though it runs after the response has left the request log:
        // what it logs names the request.
        let mut producer = Some(self.produce(chunks).instrument(tracing::Span::current()));
        let mut running: Option<Running> = None;
        // The rows are read by a task of their own, started when the connection first asks
        // for the body: an export that is not sent (a HEAD, a 304) reads nothing, and one
        // whose client stops reading still sees time pass. Dropping the body (the client
        // went away) stops it.
        let chunks = futures_util::stream::poll_fn(move |cx| {
            if let Some(producer) = producer.take() {
                running = Some(Running(tokio::spawn(producer)));
            }
            if let Some(Running(task)) = &mut running {
                if let Poll::Ready(outcome) = Pin::new(task).poll(cx) {
                    running = None;
                    match outcome {
                        Ok(Ok(())) => {}
                        Ok(Err(error)) => return Poll::Ready(Some(Err(error))),
                        Err(panicked) => return Poll::Ready(Some(Err(io::Error::other(panicked)))),
                    }
                }
            }
            received.poll_recv(cx).map(|chunk| chunk.map(Ok))
        });
        export_response(Body::from_stream(chunks), format, language, tag)
    }
}

/// How the export places are shared: see [`pace_exports`].
pub struct ExportPacing {
    /// Exports one client may stream at once.
    pub per_client: usize,
    /// Whether loopback clients are held to `per_client` (off: local tools and tests).
    pub limit_loopback: bool,
    /// Slowest a client may read, over each `window` of its own reading time; 0: no minimum.
    pub min_bytes_per_second: u64,
    pub window: Duration,
    /// Longest an export may take.
    pub max_duration: Duration,
    /// Exports streaming per client address.
    streaming: Mutex<HashMap<IpAddr, usize>>,
}

impl ExportPacing {
    pub fn new(
        per_client: usize,
        limit_loopback: bool,
        min_bytes_per_second: u64,
        window: Duration,
        max_duration: Duration,
    ) -> Arc<Self> {
        Arc::new(ExportPacing {
            per_client,
            limit_loopback,
            min_bytes_per_second,
            window,
            max_duration,
            streaming: Mutex::new(HashMap::new()),
        })
    }

    /// One of `client`'s places, or `None` when it holds all it may.
    fn take_place(self: &Arc<Self>, client: IpAddr) -> Option<ClientPlace> {
        let mut streaming = self
            .streaming
            .lock()
            .expect("the place count is never poisoned");
        let held = streaming.entry(client).or_insert(0);
        if *held >= self.per_client {
            return None;
        }
        *held += 1;
        Some(ClientPlace {
            pacing: self.clone(),
            client,
        })
    }
}

/// One of a client's export places, given back when dropped (the body ends or is dropped).
struct ClientPlace {
    pacing: Arc<ExportPacing>,
    client: IpAddr,
}

impl Drop for ClientPlace {
    fn drop(&mut self) {
        let mut streaming = self
            .pacing
            .streaming
            .lock()
            .expect("the place count is never poisoned");
        if let Some(held) = streaming.get_mut(&self.client) {
            *held -= 1;
            if *held == 0 {
                streaming.remove(&self.client);
            }
        }
    }
}

/// Middleware around the router for `GET /v1/export`: a client holding all the export places
/// it may is answered 429 before it waits for one; an accepted export's body is paced. Four
/// clients reading at 95 KB/s used to hold every place for as long as they liked.
pub async fn pace_exports(
    State(pacing): State<Arc<ExportPacing>>,
    request: Request,
    next: Next,
) -> Response {
    // A HEAD arrives here as a GET (the tagger's) and takes no place.
    let export = request.method() == Method::GET
        && request.uri().path() == "/v1/export"
        && request.extensions().get::<HeadRequest>().is_none();
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip());
    let Some(client) = client.filter(|_| export) else {
        return next.run(request).await;
    };
    let place = if pacing.limit_loopback || !client.is_loopback() {
        match pacing.take_place(client) {
            Some(place) => Some(place),
            None => return too_many_exports(&pacing, client),
        }
    } else {
        None
    };
    let response = next.run(request).await;
    if response.extensions().get::<Streamed>().is_none() {
        return response;
    }
    let (parts, body) = response.into_parts();
    let paced = Paced::new(body.into_data_stream(), place, client, pacing);
    Response::from_parts(parts, Body::from_stream(paced))
}

fn too_many_exports(pacing: &ExportPacing, client: IpAddr) -> Response {
    let mut response = problem_response(
        StatusCode::TOO_MANY_REQUESTS,
        format!(
            "{client} is streaming {} exports already, as many as one client may at once; \
             retry when one has finished.",
            pacing.per_client
        ),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// An export's body, paced by a watchdog task of its own: past the maximum duration, or
/// when its client took less than the minimum rate over a window of its reading time, the
/// watchdog drops the export (its rows' reader, its database connection, its places) at once,
/// whether or not the connection is asking for more; the body then ends with an error, which
/// a client sees as a truncated transfer. Time the server spends producing rows does not
/// count against the client.
struct Paced<S> {
    state: Arc<Mutex<PaceState<S>>>,
    _watchdog: AbortOnDrop,
}

/// What the body and its watchdog share.
struct PaceState<S> {
    /// The export's own body; `None` once cut off.
    body: Option<S>,
    place: Option<ClientPlace>,
    /// Why the export was cut off.
    cut: Option<String>,
    /// When the current window started, and the bytes the connection has taken in it.
    window_started: Instant,
    window_bytes: u64,
    /// Time in the current window the body waited for rows.
    producing: Duration,
    producing_since: Option<Instant>,
    /// The connection's waker, to end the body promptly once cut.
    waker: Option<Waker>,
}

/// A task aborted when dropped.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<S: Send + 'static> Paced<S> {
    fn new(body: S, place: Option<ClientPlace>, client: IpAddr, pacing: Arc<ExportPacing>) -> Self {
        let state = Arc::new(Mutex::new(PaceState {
            body: Some(body),
            place,
            cut: None,
            window_started: Instant::now(),
            window_bytes: 0,
            producing: Duration::ZERO,
            producing_since: None,
            waker: None,
        }));
        let watchdog = watch(Arc::downgrade(&state), pacing, client);
        let watchdog = tokio::spawn(watchdog.instrument(tracing::Span::current()));
        Paced {
            state,
            _watchdog: AbortOnDrop(watchdog),
        }
    }
}

/// Wakes at each window's end and at the maximum duration, and cuts the export off when it
/// must end.
async fn watch<S>(state: Weak<Mutex<PaceState<S>>>, pacing: Arc<ExportPacing>, client: IpAddr) {
    let deadline = Instant::now() + pacing.max_duration;
    let mut window_ends = Instant::now() + pacing.window;
    loop {
        let wake = if pacing.min_bytes_per_second > 0 {
            window_ends.min(deadline)
        } else {
            deadline
        };
        tokio::time::sleep_until(wake).await;
        let Some(state) = state.upgrade() else {
            return;
        };
        let mut shared = state.lock().expect("the pace is never poisoned");
        let now = Instant::now();
        let reason = if now >= deadline {
            Some(format!(
                "the export took longer than {} s",
                pacing.max_duration.as_secs()
            ))
        } else {
            let window_started = shared.window_started;
            let waiting = shared
                .producing_since
                .map_or(Duration::ZERO, |since| now - since.max(window_started));
            let reading = (now - window_started).saturating_sub(shared.producing + waiting);
            let least = pacing.min_bytes_per_second as f64 * reading.as_secs_f64();
            let taken = shared.window_bytes;
            shared.window_started = now;
            shared.window_bytes = 0;
            shared.producing = Duration::ZERO;
            window_ends = now + pacing.window;
            ((taken as f64) < least).then(|| {
                format!(
                    "the export's client took {taken} bytes in {:.1} s, below the minimum of \
                     {} bytes a second",
                    reading.as_secs_f64(),
                    pacing.min_bytes_per_second
                )
            })
        };
        let Some(reason) = reason else {
            continue;
        };
        tracing::warn!(client = %client, "{reason}; its body was cut short");
        let body = shared.body.take();
        let place = shared.place.take();
        let waker = shared.waker.take();
        shared.cut = Some(reason);
        drop(shared);
        drop((body, place));
        if let Some(waker) = waker {
            waker.wake();
        }
        return;
    }
}

impl<S> Stream for Paced<S>
where
    S: Stream<Item = Result<Bytes, axum::Error>> + Unpin,
{
    type Item = Result<Bytes, io::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut shared = self.state.lock().expect("the pace is never poisoned");
        if let Some(reason) = shared.cut.take() {
            return Poll::Ready(Some(Err(io::Error::new(io::ErrorKind::TimedOut, reason))));
        }
        let Some(body) = shared.body.as_mut() else {
            return Poll::Ready(None);
        };
        let Poll::Ready(item) = Pin::new(body).poll_next(cx) else {
            shared.producing_since.get_or_insert_with(Instant::now);
            shared.waker = Some(cx.waker().clone());
            return Poll::Pending;
        };
        if let Some(since) = shared.producing_since.take() {
            let since = since.max(shared.window_started);
            shared.producing += Instant::now().saturating_duration_since(since);
        }
        if let Some(Ok(chunk)) = &item {
            shared.window_bytes += chunk.len() as u64;
        }
        Poll::Ready(item.map(|result| result.map_err(io::Error::other)))
    }
}
