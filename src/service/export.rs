//! The bulk export: every figure as one flat row. `GET /v1/export` and `gd-indicators export`
//! write the very same bytes, streaming, from the same selection, records and writer defined
//! here: a row is read from SQLite, written and forgotten, so memory stays flat however many
//! figures there are.

use std::collections::HashSet;
use std::io::{self, Write};

use futures_util::TryStreamExt;
use sqlx::SqlitePool;
use utoipa::openapi::{RefOr, Schema};

use super::figures::{resolve_updated_after, retracted_after, Export, ObservationFilter};
use super::import::read::FileFormat;
use super::presentation::Presentation;
use super::query::parse::{read, ListControls};
use super::query::queries::FigureListQuery;
use super::rows::{write_figure, RETRACTED_COLUMN};
use crate::domain::figure::column::{Column, Components};
use crate::domain::figure::json::{flat_columns, flat_components, flat_schema};
use crate::domain::figure::{FlatFigure, Observation};
use crate::domain::language::Language;
use crate::error::ApiResult;
use crate::store::figures::{ObservationOrder, ObservationRows};

/// The schema of an export record: a figure as one flat row, as [`ExportWriter`] writes
/// [`Observation`]s (and every CSV of figures is written).
pub enum ExportRecord {}

const EXPORT_RECORD: &str = "One figure as one flat row, as every CSV of figures is written \
                             (lists and the export): the stored columns of \
                             `seed/observations.csv` first, then the others. It imports back as \
                             it is, and loads into a spreadsheet or pandas as it is.";

impl utoipa::PartialSchema for ExportRecord {
    fn schema() -> RefOr<Schema> {
        flat_schema(EXPORT_RECORD)
    }
}

impl utoipa::ToSchema for ExportRecord {
    fn schemas(components: &mut Components) {
        flat_components(components);
    }
}

/// Columns of the export, in order: the flat record's fields (the CSV header row).
pub fn export_columns() -> Vec<String> {
    flat_columns()
        .iter()
        .map(|column| column.name.to_owned())
        .collect()
}

/// Writes records as the body of `GET /v1/export`, one at a time: CSV with its header row, or
/// the JSON list envelope, whose `meta` follows `data` and so is written once the count is
/// known.
pub struct ExportWriter<W: Write> {
    representation: Representation<W>,
    /// The CSV columns, in order (as asked: a column named twice is written twice).
    columns: Vec<&'static Column>,
    /// The keys of each JSON record, in order.
    keys: Vec<&'static Column>,
    count: usize,
    /// The envelope's `links.self`: the request the export answers.
    self_link: String,
    /// A delta's (`updated_after=`): the ids of the figures retracted since, and those of
    /// them written (`meta.retracted` of the JSON envelope).
    retracted: Option<(HashSet<String>, Vec<String>)>,
}

enum Representation<W: Write> {
    /// Boxed: the CSV writer carries its own buffer.
    Csv(Box<csv::Writer<W>>),
    Json(W),
}

impl<W: Write> ExportWriter<W> {
    /// Writes the start of the body: the CSV header, or the envelope's opening. With `fields`
    /// (checked by the caller), only those columns are written, in the order given. A delta
    /// (`retracted`: the ids of the figures retracted since) marks those: a last `retracted`
    /// column in CSV, their ids in `meta.retracted` in JSON.
    pub fn start(
        out: W,
        format: FileFormat,
        self_link: &str,
        fields: Option<&[String]>,
        retracted: Option<HashSet<String>>,
    ) -> io::Result<Self> {
        let columns: Vec<&'static Column> = match fields {
            Some(fields) => fields
                .iter()
                .filter_map(|field| flat_columns().iter().find(|c| c.name == field))
                .copied()
                .collect(),
            None => flat_columns().to_vec(),
        };
        let mut keys: Vec<&'static Column> = Vec::new();
        for column in &columns {
            if !keys.iter().any(|key| key.name == column.name) {
                keys.push(column);
            }
        }
        let representation = match format {
            FileFormat::Csv => {
                let mut writer = csv::Writer::from_writer(out);
                let mark = retracted.as_ref().map(|_| RETRACTED_COLUMN);
                writer.write_record(columns.iter().map(|column| column.name).chain(mark))?;
                Representation::Csv(Box::new(writer))
            }
            FileFormat::Json => {
                let mut out = out;
                out.write_all(br#"{"data":["#)?;
                Representation::Json(out)
            }
        };
        Ok(ExportWriter {
            representation,
            columns,
            keys,
            count: 0,
            self_link: self_link.to_owned(),
            retracted: retracted.map(|ids| (ids, Vec::new())),
        })
    }

    /// Writes one figure as a flat record: a CSV row as every CSV of figures is written, or
    /// a JSON object of the same columns.
    pub fn write(&mut self, figure: &Observation) -> io::Result<()> {
        let retracted = self.retracted.as_mut().map(|(ids, written)| {
            let retracted = ids.contains(&figure.id);
            if retracted {
                written.push(figure.id.clone());
            }
            retracted
        });
        match &mut self.representation {
            Representation::Csv(writer) => write_figure(writer, figure, &self.columns, retracted)?,
            Representation::Json(out) => {
                if self.count > 0 {
                    out.write_all(b",")?;
                }
                let record = FlatFigure {
                    figure,
                    columns: &self.keys,
                };
                serde_json::to_writer(&mut *out, &record)?;
            }
        }
        self.count += 1;
        Ok(())
    }

    /// Writes the end of the body and flushes; returns the writer and the records written.
    pub fn finish(self) -> io::Result<(W, usize)> {
        let mut out = match self.representation {
            Representation::Csv(writer) => {
                writer.into_inner().map_err(|error| error.into_error())?
            }
            Representation::Json(mut out) => {
                let mut meta = serde_json::json!({"count": self.count, "total": self.count});
                if let Some((_, written)) = self.retracted {
                    meta["retracted"] = serde_json::Value::from(written);
                }
                let links = serde_json::json!({"self": self.self_link, "next": null, "prev": null});
                write!(out, r#"],"meta":{meta},"links":{links}}}"#)?;
                out
            }
        };
        out.flush()?;
        Ok((out, self.count))
    }
}

impl ExportWriter<Vec<u8>> {
    /// Bytes written and not yet taken, but for what the CSV writer still buffers (up to
    /// 8 KiB, handed on as its buffer fills).
    pub fn pending(&self) -> usize {
        match &self.representation {
            Representation::Csv(writer) => writer.get_ref().len(),
            Representation::Json(out) => out.len(),
        }
    }

    /// Takes every byte written so far, leaving `fresh` to write on. The CSV writer lends
    /// its output only whole, so it is replaced by a new one: a writer keeps no state from
    /// one record to the next, so the bytes are the same.
    pub fn take(&mut self, fresh: Vec<u8>) -> io::Result<Vec<u8>> {
        match &mut self.representation {
            Representation::Csv(writer) => {
                let full = std::mem::replace(writer, Box::new(csv::Writer::from_writer(fresh)));
                full.into_inner().map_err(|error| error.into_error())
            }
            Representation::Json(out) => Ok(std::mem::replace(out, fresh)),
        }
    }
}

/// What an export asks for, read from its query as `GET /v1/export` reads it: which figures,
/// in which order, presented how, and its `fields` and `format`.
pub struct ExportSelection {
    pub list: ListControls,
    pub filter: ObservationFilter,
    pub order: ObservationOrder,
    pub presentation: Presentation,
}

/// Parses and checks an export's query (`path` is `/v1/export`): an unknown parameter, id or
/// concept is refused as the endpoint refuses it. `gd-indicators export --query` reads its
/// query here, through the very parser the endpoint's extractor calls, so the command and the
/// endpoint select the same figures (names in English unless the query says `lang=zh`).
pub async fn export_selection(
    pool: &SqlitePool,
    path: &str,
    raw_query: Option<&str>,
) -> ApiResult<ExportSelection> {
    let query = read::<Export>(pool, None, path, raw_query, Language::default()).await?;
    ExportSelection::of(pool, query).await
}

impl ExportSelection {
    /// The selection a parsed export query makes, presented at the rate the data gives; a
    /// delta's point resolved to its moment.
    pub async fn of(pool: &SqlitePool, mut query: FigureListQuery) -> ApiResult<ExportSelection> {
        resolve_updated_after(pool, &mut query).await?;
        let presentation = Presentation::of(pool, query.presentation).await?;
        // Money is compared (min, max, sort=value) in the currency it is written in.
        let filter = ObservationFilter {
            exchange: presentation.exchange(),
            ..query.filter
        };
        let order = ObservationOrder {
            keys: query
                .list
                .sort
                .iter()
                .map(|k| (k.name, k.descending))
                .collect(),
            language: presentation.language(),
            ..Default::default()
        };
        Ok(ExportSelection {
            list: query.list,
            filter,
            order,
            presentation,
        })
    }

    /// A delta's marks (`updated_after=`): the ids of the figures retracted since, read on
    /// the snapshot the rows are read from; `None` for any other export.
    pub async fn retracted<'e>(
        &self,
        executor: impl sqlx::SqliteExecutor<'e>,
    ) -> sqlx::Result<Option<HashSet<String>>> {
        match &self.filter.updated_after {
            Some(moment) => Ok(Some(retracted_after(executor, moment).await?)),
            None => Ok(None),
        }
    }

    /// The selected figures, presented as asked, read one at a time.
    pub fn rows(&self) -> ExportRows<'_> {
        ExportRows {
            figures: ObservationRows::new(&self.filter, &self.order),
            presentation: &self.presentation,
        }
    }
}

/// The statement behind an export's figures; [`ExportRows::fetch`] streams them.
pub struct ExportRows<'a> {
    figures: ObservationRows<'a>,
    presentation: &'a Presentation,
}

impl ExportRows<'_> {
    /// The figures, each as SQLite returns it, presented.
    pub fn fetch<'s, 'c: 's>(
        &'s mut self,
        executor: impl sqlx::SqliteExecutor<'c> + 's,
    ) -> impl futures_util::Stream<Item = sqlx::Result<Observation>> + Send + 's {
        let presentation: &'s Presentation = self.presentation;
        self.figures
            .fetch(executor)
            .map_ok(move |figure| presentation.apply(figure))
    }
}

/// Why the rows of an export stopped.
pub enum Failure {
    Database(sqlx::Error),
    Write(io::Error),
}

impl From<sqlx::Error> for Failure {
    fn from(error: sqlx::Error) -> Self {
        Failure::Database(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_export_is_a_header_row_or_an_empty_envelope() {
        let (csv, count) =
            ExportWriter::start(Vec::new(), FileFormat::Csv, "/v1/export", None, None)
                .and_then(ExportWriter::finish)
                .unwrap();
        assert_eq!(count, 0);
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            format!("{}\n", export_columns().join(","))
        );
        let (json, _) = ExportWriter::start(
            Vec::new(),
            FileFormat::Json,
            "/v1/export?year=1900",
            None,
            None,
        )
        .and_then(ExportWriter::finish)
        .unwrap();
        assert_eq!(
            String::from_utf8(json).unwrap(),
            r#"{"data":[],"meta":{"count":0,"total":0},"links":{"self":"/v1/export?year=1900","next":null,"prev":null}}"#
        );
    }
}
