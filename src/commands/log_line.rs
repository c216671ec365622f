//! The JSON log line (`--log-format json`), written straight into the line's buffer.
//!
//! `tracing_subscriber`'s JSON format formats the timestamp into a `String` of its own, then
//! writes every other piece through a `serde_json` serializer over an `io::Write` adapter that
//! checks each chunk is UTF-8 again before it reaches the line. At tens of thousands of
//! requests a second that was a tenth of a cache hit's time. [`JsonLines`] writes the lines of
//! this crate's events outside a span (the one line per request, the server's own notices)
//! itself, byte for byte as that format does: the same keys in the same order, the fields in
//! the order they were recorded, strings escaped as `serde_json` escapes them, numbers as it
//! writes them, the timestamp as `SystemTime` prints it. Everything else (an event inside a
//! request's span, with its `span` and `spans`; another crate's event) goes to that format.
//!
//! A request's own line does not go through `tracing` at all ([`JsonRequestLines`]): it is
//! written here from its fields, into a buffer kept per thread, the same bytes again.

use std::cell::{Cell, RefCell};
use std::fmt::{self, Write as _};
use std::io::Write as _;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::{Format, Json, Writer};
use tracing_subscriber::fmt::time::SystemTime;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use super::log_writer::LogWriter;
use crate::http::layers::request_log::{RequestLine, RequestLineWriter, TARGET};

/// The targets whose lines outside a span are written here.
const OWN_TARGET: &str = "gd_indicators";

/// The JSON format with each event's current span, and its fast path.
pub struct JsonLines {
    inner: Format<Json, SystemTime>,
}

impl JsonLines {
    pub fn new() -> JsonLines {
        JsonLines {
            inner: tracing_subscriber::fmt::format()
                .json()
                .with_current_span(true),
        }
    }
}

impl Default for JsonLines {
    fn default() -> JsonLines {
        JsonLines::new()
    }
}

impl<S, N> FormatEvent<S, N> for JsonLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'writer> FormatFields<'writer> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        let in_span = event
            .parent()
            .and_then(|id| ctx.span(id))
            .or_else(|| ctx.lookup_current())
            .is_some();
        let own = meta
            .target()
            .strip_prefix(OWN_TARGET)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"));
        if in_span || !own {
            return self.inner.format_event(ctx, writer, event);
        }
        writer.write_str("{\"timestamp\":\"")?;
        write_timestamp(&mut writer, std::time::SystemTime::now())?;
        writer.write_str("\",\"level\":\"")?;
        writer.write_str(level_name(meta.level()))?;
        writer.write_str("\",\"fields\":{")?;
        let mut fields = Fields {
            writer: &mut writer,
            first: true,
            result: Ok(()),
        };
        event.record(&mut fields);
        fields.result?;
        writer.write_str("},\"target\":")?;
        write_json_str(&mut writer, meta.target())?;
        writer.write_str("}\n")
    }
}

/// Request lines, written to the log's writer as [`JsonLines`] writes them.
pub struct JsonRequestLines {
    writer: LogWriter,
}

impl JsonRequestLines {
    pub fn new(writer: LogWriter) -> JsonRequestLines {
        JsonRequestLines { writer }
    }
}

thread_local! {
    /// The line being written: its allocation is reused, line after line.
    static REQUEST_LINE: RefCell<String> = const { RefCell::new(String::new()) };
}

impl RequestLineWriter for JsonRequestLines {
    fn write(&self, line: &RequestLine<'_>) {
        REQUEST_LINE.with_borrow_mut(|buffer| {
            buffer.clear();
            if write_request_line(buffer, line, std::time::SystemTime::now()).is_ok() {
                // The writer never fails: past its cap it drops lines.
                let _ = self.writer.clone().write_all(buffer.as_bytes());
            }
        });
    }
}

/// `line` as `tracing_subscriber`'s JSON format writes its event outside a span, at `now`:
/// the message first, then the fields in the order the event names them.
fn write_request_line(
    out: &mut String,
    line: &RequestLine<'_>,
    now: std::time::SystemTime,
) -> fmt::Result {
    out.push_str("{\"timestamp\":\"");
    write_timestamp(out, now)?;
    out.push_str("\",\"level\":\"");
    out.push_str(level_name(&line.level));
    out.push_str("\",\"fields\":{\"message\":");
    write_json_str(out, line.message)?;
    // A method is an HTTP token: nothing in it is escaped in JSON.
    out.push_str(",\"method\":\"");
    out.push_str(line.method.as_str());
    out.push('"');
    out.push_str(",\"uri\":\"");
    // As the target's `Display` writes it.
    let (kept, cut_from_bytes) = line.uri.parts();
    Escaped(&mut *out).write_str(kept)?;
    if let Some(length) = cut_from_bytes {
        write!(out, "... ({length} bytes)")?;
    }
    out.push_str("\",\"route\":");
    write_json_str(out, line.route)?;
    out.push_str(",\"status\":");
    write_decimal(out, line.status);
    out.push_str(",\"latency_ms\":");
    write_json_f64(out, line.latency_ms)?;
    out.push_str(",\"request_id\":");
    write_json_str(out, line.request_id)?;
    // The target has nothing to escape (a test checks).
    out.push_str("},\"target\":\"");
    out.push_str(TARGET);
    out.push_str("\"}\n");
    Ok(())
}

/// `value` in decimal digits, as `Display` writes it.
fn write_decimal(out: &mut String, value: u16) {
    let mut digits = [0u8; 5];
    let mut start = digits.len();
    let mut rest = value;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend(digits[start..].iter().map(|&digit| char::from(digit)));
}

/// As `tracing_serde` names levels.
fn level_name(level: &Level) -> &'static str {
    match *level {
        Level::ERROR => "ERROR",
        Level::WARN => "WARN",
        Level::INFO => "INFO",
        Level::DEBUG => "DEBUG",
        Level::TRACE => "TRACE",
    }
}

/// An event's fields as the members of a JSON object, in the order they are recorded.
struct Fields<'a, 'w> {
    writer: &'a mut Writer<'w>,
    first: bool,
    result: fmt::Result,
}

impl Fields<'_, '_> {
    /// `,"name":` and then the value `write` writes.
    fn member(&mut self, field: &Field, write: impl FnOnce(&mut Writer<'_>) -> fmt::Result) {
        if self.result.is_err() {
            return;
        }
        let separator = if self.first { "" } else { "," };
        self.first = false;
        self.result = self
            .writer
            .write_str(separator)
            .and_then(|()| write_json_str(self.writer, field.name()))
            .and_then(|()| self.writer.write_char(':'))
            .and_then(|()| write(self.writer));
    }
}

impl Visit for Fields<'_, '_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.member(field, |writer| {
            writer.write_char('"')?;
            write!(Escaped(writer), "{value:?}")?;
            writer.write_char('"')
        });
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.member(field, |writer| write_json_str(writer, value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.member(field, |writer| {
            writer.write_str(if value { "true" } else { "false" })
        });
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.member(field, |writer| write!(writer, "{value}"));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.member(field, |writer| write!(writer, "{value}"));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.member(field, |writer| write_json_f64(writer, value));
    }
}

/// `value` as serde_json writes it: `null` for what JSON lacks, and otherwise through `zmij`,
/// which is what serde_json formats a finite float with (so the same text, without a
/// serializer, a cursor and a UTF-8 check per line).
fn write_json_f64(writer: &mut impl fmt::Write, value: f64) -> fmt::Result {
    if value.is_finite() {
        writer.write_str(zmij::Buffer::new().format_finite(value))
    } else {
        writer.write_str("null")
    }
}

/// `value` as a JSON string, quotes included.
fn write_json_str(writer: &mut impl fmt::Write, value: &str) -> fmt::Result {
    writer.write_char('"')?;
    Escaped(writer).write_str(value)?;
    writer.write_char('"')
}

/// Writes what it is given escaped as inside a JSON string, as `serde_json` escapes it: the
/// quote, the backslash and the control characters, nothing else.
struct Escaped<'a, W: fmt::Write + ?Sized>(&'a mut W);

impl<W: fmt::Write + ?Sized> fmt::Write for Escaped<'_, W> {
    fn write_str(&mut self, value: &str) -> fmt::Result {
        let bytes = value.as_bytes();
        // Most text has nothing to escape: one pass, eight bytes at a time, finds that out.
        if !needs_escape(bytes) {
            return self.0.write_str(value);
        }
        let mut start = 0;
        for (index, &byte) in bytes.iter().enumerate() {
            let escape = match byte {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0x08 => "\\b",
                0x0c => "\\f",
                0x00..=0x1f => "",
                _ => continue,
            };
            // Every byte escaped is ASCII, so the cuts fall between characters.
            self.0.write_str(&value[start..index])?;
            if escape.is_empty() {
                write!(self.0, "\\u{byte:04x}")?;
            } else {
                self.0.write_str(escape)?;
            }
            start = index + 1;
        }
        self.0.write_str(&value[start..])
    }
}

/// Whether `bytes` holds one that JSON escapes: a control character, `"` or `\\`. Looks at
/// eight bytes at a time: a byte below `n` (at most 0x80) leaves its top bit set in
/// `(word - n × 0x01…) & !word`, and no byte at or above `n` does.
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const TOPS: u64 = u64::from_le_bytes([0x80; 8]);
    let has_below = |word: u64, n: u8| word.wrapping_sub(ONES * u64::from(n)) & !word & TOPS != 0;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(word);
        let word = u64::from_le_bytes(eight);
        if has_below(word, 0x20)
            || has_below(word ^ (ONES * u64::from(b'"')), 1)
            || has_below(word ^ (ONES * u64::from(b'\\')), 1)
        {
            return true;
        }
    }
    words
        .remainder()
        .iter()
        .any(|&byte| byte < 0x20 || byte == b'"' || byte == b'\\')
}

thread_local! {
    /// The second last formatted on this thread and its `YYYY-MM-DDTHH:MM:SS` (the date is
    /// worked out once a second, not once a line).
    static LAST_SECOND: Cell<(u64, [u8; 19])> = const { Cell::new((u64::MAX, [0; 19])) };
}

/// `now` as `tracing_subscriber`'s `SystemTime` prints it: RFC 3339 in UTC, in microseconds.
fn write_timestamp(writer: &mut impl fmt::Write, now: std::time::SystemTime) -> fmt::Result {
    let Ok(since_epoch) = now.duration_since(std::time::UNIX_EPOCH) else {
        // Before 1970: not worth a fast path.
        return tracing_subscriber::fmt::time::FormatTime::format_time(
            &SystemTime,
            &mut Writer::new(&mut FmtAdapter(writer)),
        );
    };
    let seconds = since_epoch.as_secs();
    let (cached, mut text) = LAST_SECOND.with(Cell::get);
    if cached != seconds {
        let Some(date_time) = i64::try_from(seconds)
            .ok()
            .and_then(|seconds| time::OffsetDateTime::from_unix_timestamp(seconds).ok())
            .filter(|date_time| (0..=9999).contains(&date_time.year()))
        else {
            return tracing_subscriber::fmt::time::FormatTime::format_time(
                &SystemTime,
                &mut Writer::new(&mut FmtAdapter(writer)),
            );
        };
        let mut line = String::with_capacity(19);
        write!(
            line,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            date_time.year(),
            u8::from(date_time.month()),
            date_time.day(),
            date_time.hour(),
            date_time.minute(),
            date_time.second()
        )?;
        text.copy_from_slice(line.as_bytes());
        LAST_SECOND.with(|last| last.set((seconds, text)));
    }
    // Written from ASCII digits and separators above.
    writer.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)?;
    let micros = since_epoch.subsec_micros();
    let mut digits = [b'0'; 8];
    digits[0] = b'.';
    digits[7] = b'Z';
    let mut rest = micros;
    for slot in digits[1..7].iter_mut().rev() {
        *slot = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    writer.write_str(std::str::from_utf8(&digits).map_err(|_| fmt::Error)?)
}

/// A `fmt::Write` of any size behind a sized one.
struct FmtAdapter<'a, W: fmt::Write + ?Sized>(&'a mut W);

impl<W: fmt::Write + ?Sized> fmt::Write for FmtAdapter<'_, W> {
    fn write_str(&mut self, value: &str) -> fmt::Result {
        self.0.write_str(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn timestamp(since_epoch: Duration) -> String {
        let mut line = String::new();
        write_timestamp(&mut line, UNIX_EPOCH + since_epoch).unwrap();
        line
    }

    #[test]
    fn timestamps_are_rfc3339_in_microseconds() {
        assert_eq!(timestamp(Duration::ZERO), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            timestamp(Duration::new(1_796_201_696, 217_248_999)),
            "2026-12-02T08:54:56.217248Z"
        );
        // The cached second is replaced when the second changes, and kept within it.
        assert_eq!(
            timestamp(Duration::new(951_782_400, 5_000)),
            "2000-02-29T00:00:00.000005Z"
        );
        assert_eq!(
            timestamp(Duration::new(951_782_400, 999_999_000)),
            "2000-02-29T00:00:00.999999Z"
        );
        assert_eq!(
            timestamp(Duration::new(951_782_399, 0)),
            "2000-02-28T23:59:59.000000Z"
        );
    }

    /// What `subscriber` writes for one event of each kind of field, outside a span and in one.
    fn lines_of(
        format: impl for<'a> FormatEvent<
                tracing_subscriber::Registry,
                tracing_subscriber::fmt::format::JsonFields,
            > + Send
            + Sync
            + 'static,
    ) -> Vec<String> {
        use std::sync::{Arc, Mutex};
        let written = Arc::new(Mutex::new(Vec::<u8>::new()));
        let sink = written.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || Sink(sink.clone()))
            .json()
            .event_format(format)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let method = axum::http::Method::GET;
            tracing::info!(
                target: "gd_indicators::request",
                %method,
                uri = %"/v1/x?q=\"a\"\u{1}é",
                route = "/v1/{id}",
                status = 200u16,
                latency_ms = 0.012_5,
                huge = 1e300 * 10.0,
                tiny = 1e-7,
                not_a_number = f64::NAN,
                sixteen_digits = 1e16,
                minus_zero = -0.0,
                negative = -3i64,
                flag = true,
                debugged = ?"quoted",
                request_id = "ab\\c",
                "request {}", 1
            );
            tracing::warn!(target: "gd_indicators", "no fields");
            tracing::error_span!("request", request_id = "r1").in_scope(|| {
                tracing::error!(target: "gd_indicators::store", error = "boom", "in a span");
            });
            tracing::info!(target: "sqlx::query", "another crate");
        });
        let text = String::from_utf8(written.lock().unwrap().clone()).unwrap();
        // The timestamps differ by when each line was written: compare their shape apart.
        text.lines()
            .map(|line| {
                let (start, rest) = line.split_at("{\"timestamp\":\"".len());
                let (stamp, rest) = rest.split_at("2026-12-02T08:54:56.217248Z".len());
                assert!(
                    stamp.ends_with('Z') && stamp.as_bytes()[10] == b'T',
                    "{line}"
                );
                format!("{start}<time>{rest}")
            })
            .collect()
    }

    struct Sink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_are_the_bytes_of_tracing_subscribers_json_format() {
        let ours = lines_of(JsonLines::new());
        let theirs = lines_of(
            tracing_subscriber::fmt::format()
                .json()
                .with_current_span(true),
        );
        assert_eq!(ours.len(), 4, "{ours:#?}");
        assert_eq!(ours, theirs);
        assert!(ours[2].contains("\"span\":{"), "{}", ours[2]);
    }

    /// The request's line as `log` writes it for each kind of answer, through `writer` or
    /// through `tracing`, under a subscriber with `filter`, outside a span and in one; with
    /// the timestamp and latency masked (they differ by when each was written).
    fn request_lines(filter: &str, fast: bool) -> Vec<String> {
        use crate::http::layers::request_log::{self, Arrival, RequestLog, Route};
        use crate::http::problem::FailureLogged;
        use std::sync::{Arc, Mutex};
        use std::time::Instant;

        let written = Arc::new(Mutex::new(Vec::<u8>::new()));
        let (log_writer, flush) =
            crate::commands::log_writer::log_writer(Sink(written.clone())).unwrap();
        let fast_lines = JsonRequestLines::new(log_writer.clone());
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(log_writer)
            .json()
            .event_format(JsonLines::new())
            .finish();
        let route = matched_path("/v1/{name}", "/v1/clusters");
        let long_target = format!("/v1/search?q={}", "广".repeat(200));
        let answers: Vec<(&str, &str, u16, bool, bool)> = vec![
            // method, target, status, failure logged, slow
            ("GET", "/v1/clusters?lang=en", 200, false, false),
            // What a request target may hold that JSON escapes, and an absolute-form target.
            ("HEAD", "/v1/\"x\"/{y}?q=a\\bé", 404, false, false),
            (
                "GET",
                "http://example.com/v1/clusters?lang=zh",
                200,
                false,
                false,
            ),
            ("GET", &long_target, 200, false, false),
            ("GET", "/v1/regions", 500, false, false),
            ("GET", "/v1/regions", 500, true, false),
            ("GET", "/v1/slow", 200, false, true),
        ];
        tracing::subscriber::with_default(subscriber, || {
            for (index, (method, target, status, failure_logged, slow)) in
                answers.iter().enumerate()
            {
                let log = RequestLog {
                    slow_request: if *slow {
                        Duration::ZERO
                    } else {
                        Duration::from_secs(60)
                    },
                };
                let arrival = Arrival {
                    started: Instant::now(),
                    method: method.parse().unwrap(),
                    uri: target.parse().unwrap(),
                    request_id: (index != 1).then(|| {
                        axum::http::HeaderValue::from_str(&format!("id-{index}\\\"")).unwrap()
                    }),
                };
                let mut response = axum::response::Response::new(axum::body::Body::empty());
                *response.status_mut() = axum::http::StatusCode::from_u16(*status).unwrap();
                // One answer names no route, as a 404 for an unknown path does; one was stored.
                let stored_route = (index == 2).then(|| Route(route.clone()));
                if index != 1 && index != 2 {
                    response.extensions_mut().insert(Route(route.clone()));
                }
                if *failure_logged {
                    response.extensions_mut().insert(FailureLogged);
                }
                let route = request_log::route_of(&response, stored_route.as_ref());
                let writer = fast.then_some(&fast_lines as &dyn RequestLineWriter);
                log.log_with(&arrival, &response, route, writer);
                tracing::error_span!("request", request_id = "r1")
                    .in_scope(|| log.log_with(&arrival, &response, route, writer));
            }
        });
        drop(flush);
        let text = String::from_utf8(written.lock().unwrap().clone()).unwrap();
        text.lines()
            .map(|line| {
                let (start, rest) = line.split_at("{\"timestamp\":\"".len());
                let (_stamp, rest) = rest.split_at("2026-12-02T08:54:56.217248Z".len());
                let (before, after) = rest.split_once("\"latency_ms\":").unwrap();
                let after = &after[after.find(',').unwrap()..];
                format!("{start}<time>{before}\"latency_ms\":<ms>{after}")
            })
            .collect()
    }

    /// What axum's router names `path` when `template` matches it.
    fn matched_path(template: &str, path: &str) -> axum::extract::MatchedPath {
        use std::sync::{Arc, Mutex};
        use tower::ServiceExt;
        let found = Arc::new(Mutex::new(None));
        let keep = found.clone();
        let router = axum::Router::new().route(
            template,
            axum::routing::get(move |matched: axum::extract::MatchedPath| async move {
                *keep.lock().unwrap() = Some(matched);
            }),
        );
        let request = axum::http::Request::get(path)
            .body(axum::body::Body::empty())
            .unwrap();
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(router.oneshot(request))
            .unwrap();
        let matched = found.lock().unwrap().take();
        matched.expect("the template matches the path")
    }

    #[test]
    fn request_lines_are_the_bytes_tracing_wrote_for_them() {
        let ours = request_lines("gd_indicators=info", true);
        let theirs = request_lines("gd_indicators=info", false);
        assert_eq!(ours.len(), 14, "{ours:#?}");
        assert_eq!(ours, theirs);
        // Only the lines in a span say so.
        assert_eq!(
            ours.iter()
                .filter(|line| line.contains("\"span\":"))
                .count(),
            7
        );
        // A filter at warn keeps the failures and the slow request, in and out of spans.
        let ours = request_lines("gd_indicators=warn", true);
        assert_eq!(ours.len(), 6, "{ours:#?}");
        assert_eq!(ours, request_lines("gd_indicators=warn", false));
        assert!(request_lines("gd_indicators::request=off", true).is_empty());
    }

    #[test]
    fn every_byte_json_escapes_is_found_wherever_it_is() {
        let plain = "/v1/observations?topic=innovation&lang=zh-CN&广~\u{7f}";
        assert!(!needs_escape(plain.as_bytes()));
        for special in (0u8..0x20).chain([b'"', b'\\']) {
            for at in 0..plain.len() {
                let mut bytes = plain.as_bytes().to_vec();
                bytes[at] = special;
                assert!(needs_escape(&bytes), "{special:#x} at {at}");
            }
        }
        for byte in 0x20..=u8::MAX {
            let expected = byte == b'"' || byte == b'\\';
            assert_eq!(needs_escape(&[byte; 17]), expected, "{byte:#x}");
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let value = "a\"b\\c\nd\re\tf\u{8}g\u{c}h\u{1}i\u{1f}j\u{7f}k é 漢";
        let mut line = String::new();
        write_json_str(&mut line, value).unwrap();
        assert_eq!(line, serde_json::to_string(value).unwrap());
    }

    #[test]
    fn floats_are_the_text_serde_json_writes() {
        let values = [
            0.0,
            -0.0,
            0.1,
            0.25,
            1.0,
            3.5e-7,
            0.042317,
            12.345678,
            999.999,
            1e15,
            1e16,
            1.5e17,
            123_456_789.125,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::EPSILON,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        // And a spread of latencies as a request's line measures them.
        let latencies = (0..2_000u32).map(|step| f64::from(step).powf(1.7) / 977.0);
        for value in values.into_iter().chain(latencies) {
            let mut line = String::new();
            write_json_f64(&mut line, value).unwrap();
            assert_eq!(line, serde_json::to_string(&value).unwrap(), "{value:e}");
        }
    }

    #[test]
    fn the_request_target_is_written_unescaped_because_it_needs_no_escape() {
        assert!(!needs_escape(TARGET.as_bytes()));
    }
}
