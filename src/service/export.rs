//! The bulk export: every figure as one flat row. `GET /v1/export` and `gd-indicators export`
//! write the very same bytes, streaming, from the same selection, records and writer defined
//! here: a row is read from SQLite, written and forgotten, so memory stays flat however many
//! figures there are.

use std::io::{self, Write};

use futures_util::TryStreamExt;
use serde::Serialize;
use sqlx::SqlitePool;

use super::figures::{template_observation, Export, ObservationFilter};
use super::import::read::FileFormat;
use super::presentation::{ExchangeRateSource, Presentation};
use super::query::parse::{read, ListControls};
use super::query::queries::FigureListQuery;
use super::rows::{csv_cells, project_item, projected_columns};
use crate::domain::figure::Observation;
use crate::error::ApiResult;
use crate::store::figures::{ObservationOrder, ObservationRows};

/// One figure as one flat row: the columns of `seed/observations.csv` first, then readable
/// names, so the file loads into a spreadsheet or pandas as it is.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExportRecord {
    id: String,
    indicator_id: String,
    region_id: String,
    cluster_id: Option<String>,
    cluster_group_id: Option<String>,
    company_id: Option<String>,
    city_plan_id: Option<String>,
    #[serde(serialize_with = "crate::domain::figure::serialize_number")]
    value: f64,
    scale: crate::domain::figure::Scale,
    unit: crate::domain::figure::Unit,
    qualifier: crate::domain::figure::Qualifier,
    stated: String,
    period_kind: crate::domain::figure::PeriodKind,
    period_start: Option<String>,
    period_end: Option<String>,
    period_label: String,
    equivalent_of: Option<String>,
    restates: Option<String>,
    source_id: String,
    section: String,
    speaker_id: Option<String>,
    cited_source: Option<String>,
    note: Option<String>,
    #[serde(serialize_with = "crate::domain::figure::serialize_number")]
    value_in_units: f64,
    currency: Option<String>,
    /// The rate used when `currency` converted this figure.
    cny_per_usd: Option<f64>,
    indicator_name: String,
    region_name: String,
    source_headline: String,
    speaker_name: Option<String>,
    speaker_title: Option<String>,
    speaker_organisation: Option<String>,
    /// Which revision of the figure this row is, and when it was recorded.
    revision: i64,
    recorded_at: String,
}

impl From<Observation> for ExportRecord {
    fn from(o: Observation) -> Self {
        let speaker = o.provenance.speaker;
        ExportRecord {
            id: o.id,
            indicator_id: o.indicator.id,
            region_id: o.region.id,
            cluster_id: o.cluster,
            cluster_group_id: o.cluster_group,
            company_id: o.company,
            city_plan_id: o.city_plan,
            value: o.value,
            scale: o.scale,
            unit: o.unit,
            qualifier: o.qualifier,
            stated: o.stated,
            period_kind: o.period.kind,
            period_start: o.period.start,
            period_end: o.period.end,
            period_label: o.period.label,
            equivalent_of: o.equivalent_of,
            restates: o.restates,
            source_id: o.provenance.source.id,
            section: o.provenance.section,
            speaker_id: speaker.as_ref().map(|s| s.id.clone()),
            cited_source: o.provenance.cited_source,
            note: o.note,
            value_in_units: o.value_in_units,
            currency: o.currency,
            cny_per_usd: o.conversion.and_then(|c| c.cny_per_usd),
            indicator_name: o.indicator.name,
            region_name: o.region.name,
            source_headline: o.provenance.source.headline,
            speaker_name: speaker.as_ref().map(|s| s.name.clone()),
            speaker_title: speaker.as_ref().map(|s| s.title.clone()),
            speaker_organisation: speaker.map(|s| s.organisation),
            revision: o.revision.number,
            recorded_at: o.revision.recorded_at,
        }
    }
}

/// Columns of the export, in order: the flat record's fields (the CSV header row).
pub fn export_columns() -> Vec<String> {
    let record = ExportRecord::from(template_observation());
    let value = serde_json::to_value(record).expect("records serialise");
    value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// Writes records as the body of `GET /v1/export`, one at a time: CSV with its header row, or
/// the JSON list envelope, whose `meta` follows `data` and so is written once the count is
/// known.
pub struct ExportWriter<W: Write> {
    representation: Representation<W>,
    columns: Vec<String>,
    /// `fields=`: the only fields of each JSON record, in this order.
    fields: Option<Vec<String>>,
    count: usize,
    /// The envelope's `links.self`: the request the export answers.
    self_link: String,
}

enum Representation<W: Write> {
    /// Boxed: the CSV writer carries its own buffer.
    Csv(Box<csv::Writer<W>>),
    Json(W),
}

impl<W: Write> ExportWriter<W> {
    /// Writes the start of the body: the CSV header, or the envelope's opening. With `fields`
    /// (checked by the caller), only those columns are written, in the order given.
    pub fn start(
        out: W,
        format: FileFormat,
        self_link: &str,
        fields: Option<&[String]>,
    ) -> io::Result<Self> {
        let columns = match fields {
            Some(fields) => projected_columns(&export_columns(), fields),
            None => export_columns(),
        };
        let representation = match format {
            FileFormat::Csv => {
                let mut writer = csv::Writer::from_writer(out);
                writer.write_record(&columns)?;
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
            fields: fields.map(<[String]>::to_vec),
            count: 0,
            self_link: self_link.to_owned(),
        })
    }

    /// Writes one record, rendered as the endpoint renders it (through the same JSON value).
    pub fn write(&mut self, record: ExportRecord) -> io::Result<()> {
        let item = serde_json::to_value(record)?;
        match &mut self.representation {
            Representation::Csv(writer) => writer.write_record(csv_cells(&item, &self.columns))?,
            Representation::Json(out) => {
                if self.count > 0 {
                    out.write_all(b",")?;
                }
                match &self.fields {
                    Some(fields) => serde_json::to_writer(&mut *out, &project_item(&item, fields))?,
                    None => serde_json::to_writer(&mut *out, &item)?,
                }
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
                let meta = serde_json::json!({"count": self.count, "total": self.count});
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
/// endpoint select the same figures.
pub async fn export_selection(
    pool: &SqlitePool,
    path: &str,
    raw_query: Option<&str>,
) -> ApiResult<ExportSelection> {
    let query = read::<Export>(pool, path, raw_query).await?;
    ExportSelection::of(pool, query).await
}

impl ExportSelection {
    /// The selection a parsed export query makes, presented at the rate `rates` gives.
    pub async fn of(
        rates: &impl ExchangeRateSource,
        query: FigureListQuery,
    ) -> ApiResult<ExportSelection> {
        let presentation = Presentation::of(rates, query.presentation).await?;
        let order = ObservationOrder {
            keys: query
                .list
                .sort
                .iter()
                .map(|k| (k.name, k.descending))
                .collect(),
            ..Default::default()
        };
        Ok(ExportSelection {
            list: query.list,
            filter: query.filter,
            order,
            presentation,
        })
    }

    /// The selected figures as export records, presented as asked, read one at a time.
    pub fn rows(&self) -> ExportRows<'_> {
        ExportRows {
            figures: ObservationRows::new(&self.filter, &self.order),
            presentation: &self.presentation,
        }
    }
}

/// The statement behind an export's records; [`ExportRows::fetch`] streams them.
pub struct ExportRows<'a> {
    figures: ObservationRows<'a>,
    presentation: &'a Presentation,
}

impl ExportRows<'_> {
    /// The records, each as SQLite returns its figure, presented.
    pub fn fetch<'s, 'c: 's>(
        &'s mut self,
        executor: impl sqlx::SqliteExecutor<'c> + 's,
    ) -> impl futures_util::Stream<Item = sqlx::Result<ExportRecord>> + Send + 's {
        let presentation: &'s Presentation = self.presentation;
        self.figures
            .fetch(executor)
            .map_ok(move |figure| ExportRecord::from(presentation.apply(figure)))
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
        let (csv, count) = ExportWriter::start(Vec::new(), FileFormat::Csv, "/v1/export", None)
            .and_then(ExportWriter::finish)
            .unwrap();
        assert_eq!(count, 0);
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            format!("{}\n", export_columns().join(","))
        );
        let (json, _) =
            ExportWriter::start(Vec::new(), FileFormat::Json, "/v1/export?year=1900", None)
                .and_then(ExportWriter::finish)
                .unwrap();
        assert_eq!(
            String::from_utf8(json).unwrap(),
            r#"{"data":[],"meta":{"count":0,"total":0},"links":{"self":"/v1/export?year=1900","next":null,"prev":null}}"#
        );
    }
}
