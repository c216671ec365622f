//! `GET /v1/export` as a stream: once its query is accepted, the rows of one read transaction
//! are written as the client takes them, handed to the connection in chunks, so memory stays
//! flat however many figures there are. The records and their writer are the service's
//! ([`crate::service::export`]), shared with the `export` command.

use std::future::Future;
use std::hash::{Hash, Hasher};
use std::io;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use futures_util::TryStreamExt;
use sqlx::{Sqlite, Transaction};
use tokio::sync::{mpsc, OwnedSemaphorePermit};
use tokio::task::JoinHandle;

use super::layers::revalidate::Streamed;
use super::render::csv::{csv_disposition, CSV_CONTENT_TYPE};
use crate::service::export::{ExportSelection, ExportWriter, Failure};
use crate::service::import::read::FileFormat;
use crate::service::query::params::Format;
use crate::service::versions;

/// Exports streamed at once. Each holds one of the serving pool's 8 connections, and a read
/// transaction, for as long as its client takes to read it; the rest of the pool stays free
/// for every other request. A further export waits for a permit, within the request timeout.
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
    /// Names the request in the log should the export fail midway.
    pub request_id: String,
    pub permit: OwnedSemaphorePermit,
}

impl StreamedExport {
    /// The export's strong validator: see [`export_tag`].
    fn entity_tag(&self) -> HeaderValue {
        export_tag(self.data_version, self.format, &self.self_link)
    }

    /// Reads the rows and writes the body into `chunks`. A failure midway is logged and
    /// returned, to end the body with an error: the status has been sent, so the connection
    /// is cut, which a client sees as a truncated transfer.
    async fn produce(self, chunks: mpsc::Sender<Bytes>) -> io::Result<()> {
        let request_id = self.request_id.clone();
        let failure = match self.write_body(&chunks).await {
            Ok(()) => return Ok(()),
            Err(Failure::Write(error)) if error.kind() == io::ErrorKind::BrokenPipe => {
                tracing::debug!(request_id, "the export's client went away");
                return Err(error);
            }
            Err(Failure::Write(error)) if error.kind() == io::ErrorKind::TimedOut => {
                tracing::warn!(
                    request_id,
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
            request_id,
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
        let format = match format {
            Format::Csv => FileFormat::Csv,
            Format::Json => FileFormat::Json,
        };
        let fields = selection.list.fields.as_deref();
        let fresh = || Vec::with_capacity(CHUNK_BYTES + CHUNK_BYTES / 2);
        let mut writer =
            ExportWriter::start(fresh(), format, &self_link, fields).map_err(Failure::Write)?;
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
/// fingerprint of its sources and dependencies, from build.rs), the representation, and the
/// request's path and query as written (the envelope repeats them). The compressed
/// representations get their coding appended by the revalidation layer, as every tag does.
fn export_tag(data_version: i64, format: Format, self_link: &str) -> HeaderValue {
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
    let tag = format!("\"export-v{data_version}-{:016x}\"", hasher.finish());
    HeaderValue::from_str(&tag).expect("digits and hex are a valid header")
}

/// The headers of `GET /v1/export` for the export `self_link` asks for at `data_version`,
/// without a body: what a HEAD needs, read without an export's place or transaction.
pub fn export_head(data_version: i64, format: Format, self_link: &str) -> Response {
    export_response(
        Body::empty(),
        format,
        export_tag(data_version, format, self_link),
    )
}

/// `body` as the export in `format`, tagged `tag`, and marked [`Streamed`] so that the tagger
/// and the response cache let it pass.
fn export_response(body: Body, format: Format, tag: HeaderValue) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    match format {
        Format::Json => {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
        }
        Format::Csv => {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(CSV_CONTENT_TYPE),
            );
            headers.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&csv_disposition("export"))
                    .expect("a fixed file name is a valid header"),
            );
        }
    }
    headers.insert(header::ETAG, tag);
    response.extensions_mut().insert(Streamed);
    response
}

impl IntoResponse for StreamedExport {
    fn into_response(self) -> Response {
        let tag = self.entity_tag();
        let format = self.format;
        let (chunks, mut received) = mpsc::channel(CHUNKS_AHEAD);
        let mut producer = Some(self.produce(chunks));
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
        export_response(Body::from_stream(chunks), format, tag)
    }
}
