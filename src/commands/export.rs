//! `gd-indicators export`: the figures `--query` selects, as `GET /v1/export` writes them (the
//! service's selection, records and writer), to standard output or a file. A file is written
//! under a temporary name beside it and renamed into place once complete, so an export never
//! leaves a half-written file under the name asked for, nor (when stopped with Ctrl-C or
//! SIGTERM) a temporary one beside it.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use axum::http::Uri;
use futures_util::TryStreamExt;
use indicatif::ProgressBar;
use sqlx::SqlitePool;

use super::config::ExportArgs;
use super::exit::{Exit, Stopped};
use super::signals::termination_requested;
use super::{open_database, progress};
use crate::service::export::{export_selection, ExportWriter, Failure};
use crate::service::figures::count_observations;
use crate::service::import::read::FileFormat;

/// `gd-indicators export`: streams the figures to `--output` or standard output; says what it
/// wrote on stdout when that is free (the output is a file). What stops it before it writes (a
/// refused query, an output that cannot be created) is refused; what stops it while it writes,
/// failed.
pub async fn export(args: &ExportArgs) -> Result<Exit, Stopped> {
    let pool = open_database(&args.database).await?;
    let progress = progress::bar("export", "figures");
    let outcome = write_export(&pool, args, &progress).await;
    progress.finish_and_clear();
    pool.close().await;
    let summary = outcome.map_err(|stopped| Stopped {
        message: format!("export: {}", stopped.message),
        ..stopped
    })?;
    if let Some(file) = &summary.file {
        let format = match summary.format {
            FileFormat::Csv => "CSV",
            FileFormat::Json => "JSON",
        };
        println!(
            "{}: {} figures written as {format}",
            file.display(),
            summary.figures
        );
    }
    Ok(Exit::Done)
}

/// What `gd-indicators export` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    pub figures: usize,
    pub format: FileFormat,
    /// The file written; `None` for standard output.
    pub file: Option<PathBuf>,
}

/// The format to write: `--format`, else the output file's extension, else CSV.
pub fn export_format(args: &ExportArgs) -> FileFormat {
    args.format
        .or_else(|| output_file(args).and_then(|path| FileFormat::of(&path.to_string_lossy())))
        .unwrap_or(FileFormat::Csv)
}

/// The file `--output` names; `None` for standard output (no `--output`, or `-`).
fn output_file(args: &ExportArgs) -> Option<&Path> {
    args.output
        .as_deref()
        .filter(|path| path.as_os_str() != "-")
}

/// Where the bytes go: standard output, or the temporary file beside the one asked for.
enum Sink {
    Stdout(io::Stdout),
    File(File),
}

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(out) => out.write(bytes),
            Sink::File(file) => file.write(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(out) => out.flush(),
            Sink::File(file) => file.flush(),
        }
    }
}

/// A file being written under a temporary name; removed unless [`Partial::keep`] renames it.
struct Partial {
    temporary: PathBuf,
    target: PathBuf,
    kept: bool,
}

/// Where `--output` leads.
enum Opened {
    /// A regular file (or a new one): written under a temporary name.
    Partial(Partial, File),
    /// A device or a pipe (/dev/stdout, a shell's process substitution): written in place;
    /// there is nothing to rename, nor to remove.
    InPlace(File),
}

impl Partial {
    /// Opens `target` for the export: a regular file is written as `.NAME.partial-PID` beside
    /// it (in the same directory, so the rename that completes it is atomic).
    fn open(target: &Path) -> Result<Opened, String> {
        let shown = target.display();
        let cannot = |error: io::Error| format!("cannot write '{shown}': {error}");
        match std::fs::metadata(target) {
            Ok(found) if found.is_dir() => {
                return Err(format!("cannot write '{shown}': it is a directory"))
            }
            Ok(found) if !found.is_file() => {
                let file = File::options().write(true).open(target).map_err(cannot)?;
                return Ok(Opened::InPlace(file));
            }
            _ => {}
        }
        // A link is followed: the file it points at is replaced, not the link.
        let target = match std::fs::canonicalize(target) {
            Ok(resolved) => resolved,
            Err(_) => target.to_owned(),
        };
        let name = target
            .file_name()
            .ok_or_else(|| format!("cannot write '{shown}': not a file name"))?;
        // The process id alone repeats (an export in a container is often PID 1), and a file
        // left by a killed run must not block the next: the clock tells runs apart.
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos());
        let temporary = target.with_file_name(format!(
            ".{}.partial-{}-{started}",
            name.to_string_lossy(),
            std::process::id()
        ));
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(&temporary)
            .map_err(cannot)?;
        let partial = Partial {
            temporary,
            target,
            kept: false,
        };
        Ok(Opened::Partial(partial, file))
    }

    /// Makes the complete file durable, then gives it its name.
    fn keep(mut self, file: File, shown: &str) -> Result<(), Stopped> {
        file.sync_all()
            .and_then(|()| std::fs::rename(&self.temporary, &self.target))
            .map_err(|error| Stopped::failed(format!("cannot write {shown}: {error}")))?;
        self.kept = true;
        Ok(())
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.temporary);
        }
    }
}

/// Whether `error` is a closed pipe, also when the CSV writer wrapped it.
fn is_broken_pipe(error: &io::Error) -> bool {
    let wrapped = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<csv::Error>())
        .and_then(|csv| match csv.kind() {
            csv::ErrorKind::Io(io) => Some(io.kind()),
            _ => None,
        });
    error.kind() == io::ErrorKind::BrokenPipe || wrapped == Some(io::ErrorKind::BrokenPipe)
}

/// The figures `--query` selects (all of them by default), as `GET /v1/export?QUERY` renders
/// them, to `--output` or standard output. `progress` counts the figures written.
/// Interrupted (Ctrl-C, SIGTERM) or failed, it leaves no file behind.
async fn write_export(
    pool: &SqlitePool,
    args: &ExportArgs,
    progress: &ProgressBar,
) -> Result<ExportSummary, Stopped> {
    let format = export_format(args);
    let query = args.query.as_deref().unwrap_or("").trim_start_matches('?');
    let uri: Uri = if query.is_empty() {
        Uri::from_static("/v1/export")
    } else {
        format!("/v1/export?{query}").parse().map_err(|_| {
            Stopped::refused(format!(
                "--query: '{query}' is not a URL query string (percent-encode spaces and \
                 other special characters)"
            ))
        })?
    };
    let selection = export_selection(pool, uri.path(), uri.query())
        .await
        .map_err(|error| Stopped::refused(format!("--query: {error}")))?;
    if selection.list.fields.is_some() {
        return Err(Stopped::refused(
            "--query: fields= is not taken by the export command; every column is written",
        ));
    }
    if selection.list.format.is_some() {
        return Err(Stopped::refused(
            "--query: format= is not taken by the export command; use --format",
        ));
    }
    // Listening before the file exists: a signal from here on stops the export cleanly.
    let interrupted = termination_requested();
    let file = output_file(args);
    let opened = file
        .map(Partial::open)
        .transpose()
        .map_err(Stopped::refused)?;
    let (partial, sink) = match opened {
        Some(Opened::Partial(partial, file)) => (Some(partial), Sink::File(file)),
        Some(Opened::InPlace(file)) => (None, Sink::File(file)),
        None => (None, Sink::Stdout(io::stdout())),
    };
    let shown = file.map_or("standard output".to_owned(), |path| {
        format!("'{}'", path.display())
    });
    let self_link = uri.path_and_query().map_or("/v1/export", |pq| pq.as_str());
    let write = async {
        let out = BufWriter::with_capacity(1 << 16, sink);
        // One read transaction: the count the bar shows, a delta's marks and the rows come
        // from the same state of the data, even when an import commits meanwhile.
        let mut snapshot = pool.begin().await?;
        let retracted = selection.retracted(&mut *snapshot).await?;
        let mut writer =
            ExportWriter::start(out, format, self_link, None, retracted).map_err(Failure::Write)?;
        if !progress.is_hidden() {
            let count = count_observations(&mut *snapshot, &selection.filter).await?;
            progress.set_length(count as u64);
        }
        let mut statement = selection.rows();
        let mut rows = statement.fetch(&mut *snapshot);
        while let Some(figure) = rows.try_next().await? {
            writer.write(&figure).map_err(Failure::Write)?;
            progress.inc(1);
        }
        drop(rows);
        snapshot.rollback().await?;
        let (out, figures) = writer.finish().map_err(Failure::Write)?;
        let sink = out
            .into_inner()
            .map_err(|error| Failure::Write(error.into_error()))?;
        Ok::<_, Failure>((sink, figures))
    };
    let outcome = tokio::select! {
        biased;
        () = interrupted => {
            return Err(Stopped::failed(match partial {
                Some(_) => format!("interrupted; {shown} not written"),
                None => format!("interrupted; {shown} has part of the figures"),
            }));
        }
        outcome = write => outcome,
    };
    let outcome = match outcome {
        // A reader that stopped early (`export | head`) has what it wanted: end quietly, as
        // command-line filters do. Only where nothing is renamed into place: a pipe.
        Err(Failure::Write(error)) if partial.is_none() && is_broken_pipe(&error) => {
            return Ok(ExportSummary {
                figures: usize::try_from(progress.position()).unwrap_or(usize::MAX),
                format,
                file: file.map(Path::to_owned),
            });
        }
        outcome => outcome,
    };
    let (sink, figures) = outcome.map_err(|failure| {
        Stopped::failed(match failure {
            Failure::Database(error) => format!("cannot read the figures: {error}"),
            Failure::Write(error) => format!("cannot write {shown}: {error}"),
        })
    })?;
    if let (Some(partial), Sink::File(file)) = (partial, sink) {
        partial.keep(file, &shown)?;
    }
    Ok(ExportSummary {
        figures,
        format,
        file: file.map(Path::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_file_gets_its_name_only_when_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("figures.csv");
        std::fs::write(&target, "the previous export").unwrap();
        let names = || {
            let mut names: Vec<String> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };

        let Ok(Opened::Partial(partial, mut file)) = Partial::open(&target) else {
            panic!("a regular file is written under a temporary name");
        };
        file.write_all(b"half a fil").unwrap();
        assert_eq!(names().len(), 2);
        drop((partial, file));
        assert_eq!(names(), ["figures.csv"]);
        assert_eq!(std::fs::read(&target).unwrap(), b"the previous export");

        let Ok(Opened::Partial(partial, mut file)) = Partial::open(&target) else {
            panic!("a regular file is written under a temporary name");
        };
        file.write_all(b"a whole file").unwrap();
        partial.keep(file, "figures.csv").unwrap();
        assert_eq!(names(), ["figures.csv"]);
        assert_eq!(std::fs::read(&target).unwrap(), b"a whole file");

        assert!(Partial::open(dir.path()).is_err(), "a directory is refused");
        assert!(matches!(
            Partial::open(Path::new("/dev/null")),
            Ok(Opened::InPlace(_))
        ));
    }
}
