//! Where log lines go: a request appends its formatted line to a buffer in memory and moves
//! on; a thread of the log's own writes what has gathered, in one write per batch. A line is
//! never waited for: past [`MAX_PENDING_BYTES`] not yet written (the terminal or the log pipe
//! stalled), lines are dropped.
//!
//! `tracing_appender::non_blocking` did the same with a channel message per line, which woke
//! its writer thread for every line: at tens of thousands of requests a second, that wake-up
//! and the write that followed cost more than the request itself. Here the writer is woken
//! only when it waits for a first line; while lines keep coming it writes a batch, pauses for
//! [`BATCH_INTERVAL`] and takes the next, so a busy server pays a hundred wake-ups a second,
//! not one per line.

use std::io::{self, Write};
use std::mem;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// How long the writer pauses after a batch, for the next one to gather: the most a line
/// waits under load before it is written.
pub const BATCH_INTERVAL: Duration = Duration::from_millis(10);

/// Bytes of lines kept waiting at most (about 128k request lines); later lines are dropped.
pub const MAX_PENDING_BYTES: usize = 32 << 20;

/// The handle that formatted lines are written to; cheap to clone (one per event).
#[derive(Clone)]
pub struct LogWriter(Arc<Pending>);

/// Writes what is still pending and stops the writer thread when dropped.
pub struct FlushOnDrop {
    pending: Arc<Pending>,
    thread: Option<JoinHandle<()>>,
}

struct Pending {
    lines: Mutex<Lines>,
    /// Signalled when a line arrives while the writer waits, and on shutdown.
    arrived: Condvar,
}

#[derive(Default)]
struct Lines {
    bytes: Vec<u8>,
    /// The writer is waiting on `arrived` (not writing, not pausing): the next line wakes it.
    writer_waits: bool,
    closed: bool,
    dropped: u64,
}

impl Pending {
    fn lock(&self) -> MutexGuard<'_, Lines> {
        // A panic while holding the lock cannot leave the buffer worse than a torn line.
        self.lines
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A writer of lines to `sink`, and the guard that flushes it. The thread is named
/// `log-writer`.
pub fn log_writer(sink: impl Write + Send + 'static) -> io::Result<(LogWriter, FlushOnDrop)> {
    let pending = Arc::new(Pending {
        lines: Mutex::new(Lines::default()),
        arrived: Condvar::new(),
    });
    let thread = thread::Builder::new()
        .name("log-writer".to_owned())
        .spawn({
            let pending = pending.clone();
            move || write_batches(&pending, sink)
        })?;
    let guard = FlushOnDrop {
        pending: pending.clone(),
        thread: Some(thread),
    };
    Ok((LogWriter(pending), guard))
}

/// The writer thread: waits for lines, writes all that are pending at once, pauses, again;
/// once closed, writes what is left and returns.
fn write_batches(pending: &Pending, mut sink: impl Write) {
    let mut batch = Vec::new();
    loop {
        let closed = {
            let mut lines = pending.lock();
            while lines.bytes.is_empty() && !lines.closed {
                lines.writer_waits = true;
                lines = pending
                    .arrived
                    .wait(lines)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
            }
            lines.writer_waits = false;
            mem::swap(&mut batch, &mut lines.bytes);
            lines.closed
        };
        // Nowhere to report a failed write to but the log itself; the line is lost either way.
        let _ = sink.write_all(&batch).and_then(|()| sink.flush());
        batch.clear();
        if closed {
            let rest = mem::take(&mut pending.lock().bytes);
            let _ = sink.write_all(&rest).and_then(|()| sink.flush());
            return;
        }
        thread::sleep(BATCH_INTERVAL);
    }
}

impl Write for LogWriter {
    /// Takes one formatted line (the formatter writes each event whole, once).
    fn write(&mut self, line: &[u8]) -> io::Result<usize> {
        let mut lines = self.0.lock();
        if lines.bytes.len() + line.len() > MAX_PENDING_BYTES {
            lines.dropped += 1;
            return Ok(line.len());
        }
        lines.bytes.extend_from_slice(line);
        if mem::take(&mut lines.writer_waits) {
            drop(lines);
            self.0.arrived.notify_one();
        }
        Ok(line.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogWriter {
    type Writer = LogWriter;

    fn make_writer(&'a self) -> LogWriter {
        self.clone()
    }
}

impl LogWriter {
    /// Lines dropped so far because too many were waiting.
    pub fn dropped(&self) -> u64 {
        self.0.lock().dropped
    }
}

impl Drop for FlushOnDrop {
    fn drop(&mut self) {
        self.pending.lock().closed = true;
        self.pending.arrived.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink the test can read, and that can be held shut to stall the writer.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_line_is_written_whole_and_in_order_by_the_time_the_guard_drops() {
        let sink = Sink::default();
        let (writer, guard) = log_writer(sink.clone()).unwrap();
        let threads: Vec<_> = (0..4)
            .map(|thread| {
                let mut writer = writer.clone();
                thread::spawn(move || {
                    for line in 0..2_000 {
                        writer
                            .write_all(format!("{thread} {line}\n").as_bytes())
                            .unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        drop(guard);
        let written = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        let mut next = [0; 4];
        for line in written.lines() {
            let (thread, number) = line.split_once(' ').unwrap();
            let thread: usize = thread.parse().unwrap();
            assert_eq!(number.parse::<usize>().unwrap(), next[thread], "{line}");
            next[thread] += 1;
        }
        assert_eq!(next, [2_000; 4]);
        assert_eq!(writer.dropped(), 0);
    }

    #[test]
    fn a_line_written_to_an_idle_writer_is_written_at_once() {
        let sink = Sink::default();
        let (mut writer, _guard) = log_writer(sink.clone()).unwrap();
        thread::sleep(BATCH_INTERVAL * 3);
        writer.write_all(b"listening\n").unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while sink.0.lock().unwrap().is_empty() {
            assert!(std::time::Instant::now() < deadline, "never written");
            thread::yield_now();
        }
        assert_eq!(&*sink.0.lock().unwrap(), b"listening\n");
    }

    #[test]
    fn lines_past_the_cap_are_dropped_not_waited_for() {
        let sink = Sink::default();
        let (mut writer, guard) = log_writer(sink.clone()).unwrap();
        // The writer cannot write while the sink is held: lines pile up. (Held after the
        // guard is made, so that a failed assertion lets go of it before the guard waits.)
        let held = sink.0.lock().unwrap();
        writer.write_all(b"first\n").unwrap();
        // Wait until the writer has taken the first line and is stuck writing it.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while !writer.0.lock().bytes.is_empty() {
            assert!(std::time::Instant::now() < deadline, "never taken");
            thread::yield_now();
        }
        let line = vec![b'x'; 1 << 20];
        for _ in 0..(MAX_PENDING_BYTES >> 20) + 3 {
            writer.write_all(&line).unwrap();
        }
        assert_eq!(writer.dropped(), 3);
        drop(held);
        drop(guard);
        assert_eq!(
            sink.0.lock().unwrap().len(),
            b"first\n".len() + MAX_PENDING_BYTES
        );
    }
}
