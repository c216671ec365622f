//! The list envelope (`data`, `meta`, `links`) and RFC 8288 `Link` headers; a list answered
//! as JSON or CSV, trimmed to `fields=`; a list of figures also as JSON-stat or SDMX-CSV.

use axum::http::{header, HeaderMap, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use super::csv::{csv_response, figure_csv_response};
use super::jsonstat::{jsonstat_response, DatasetRequest};
use super::negotiate::{content_language, negotiate};
use super::sdmx_csv::sdmx_csv_response;
use crate::domain::analytics::transforms::SeriesNote;
use crate::domain::figure::{json, FigureFields, Observation};
use crate::error::{ApiError, ApiResult};
use crate::http::base_url::BaseUrl;
use crate::service::figures::{FacetCounts, FacetValue};
use crate::service::query::cursor::Cursor;
use crate::service::query::page::Page;
use crate::service::query::params::{Format, FIELDS};
use crate::service::query::parse::ListControls;
use crate::service::rows::{check_fields, project, projected_columns};

#[derive(Debug, Serialize)]
struct ListEnvelope<T> {
    data: Vec<T>,
    meta: ListMeta,
    links: ListLinks,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListMeta {
    /// Items on this page.
    count: usize,
    /// Items matching the filters, over all pages.
    total: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<usize>,
    /// A transform's answer only (`transform=`): for each subject (indicator, region,
    /// cluster...) some of whose figures gave no derived figure, which and why. Also in the
    /// `Transform-Notes` header, for CSV.
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<Vec<SeriesNote>>,
    /// Asked for with `facets=` only: for each facet asked for, the figures the filters keep
    /// (over all pages) counted by each value, most first. Not in CSV.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<HashMap<String, Vec<FacetValue>>>)]
    facets: Option<FacetMap>,
    /// A delta only (`updated_after=`): the ids of the figures on this page that were
    /// retracted after that point. Each is listed as it stood when withdrawn, with its
    /// retraction's revision number. In CSV, a last `retracted` column says it.
    #[serde(skip_serializing_if = "Option::is_none")]
    retracted: Option<Vec<String>>,
}

/// `meta.facets`: an object with a member per facet, in the order asked for.
#[derive(Debug)]
struct FacetMap(FacetCounts);

impl Serialize for FacetMap {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (facet, values) in &self.0 {
            map.serialize_entry(facet.name(), values)?;
        }
        map.end()
    }
}

/// What a page's buffer reserves per figure: a little more than a figure of the source takes
/// as JSON, so that a page is written without growing its buffer.
const FIGURE_BYTES: usize = 1280;

/// The header every list carries the total of its items in (`meta.total`), on every page and
/// for `HEAD` too: what a client sizes a download by.
pub const TOTAL_COUNT_HEADER: &str = "x-total-count";

fn with_total_count(mut response: Response, total: usize) -> Response {
    response
        .headers_mut()
        .insert(TOTAL_COUNT_HEADER, HeaderValue::from(total));
    response
}

/// The header that carries a transform's notes in every format: an RFC 8941 list of strings,
/// one per subject, cut short (with a last string saying so) past [`NOTES_HEADER_BYTES`].
pub const NOTES_HEADER: &str = "transform-notes";
/// Past this many bytes, the notes header names how many more notes the JSON answer holds.
pub const NOTES_HEADER_BYTES: usize = 4096;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListLinks {
    #[serde(rename = "self")]
    self_link: String,
    next: Option<String>,
    prev: Option<String>,
}

/// The request's own URL with `cursor` replaced.
fn link_with_cursor(base: &BaseUrl, uri: &Uri, cursor: &Cursor) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        if key != "cursor" {
            serializer.append_pair(&key, &value);
        }
    }
    serializer.append_pair("cursor", &cursor.encode());
    base.href(&format!("{}?{}", uri.path(), serializer.finish()))
}

/// The request's own URL.
fn self_link(base: &BaseUrl, uri: &Uri) -> String {
    base.href(uri.path_and_query().map_or(uri.path(), |pq| pq.as_str()))
}

/// Everything needed to answer one list request.
pub struct ListResponder<'a> {
    /// What the links start with.
    pub base: &'a BaseUrl,
    pub uri: &'a Uri,
    pub headers: &'a HeaderMap,
    /// The list's sort, page, `fields` and `format`.
    pub list: &'a ListControls,
    /// File name stem for CSV downloads.
    pub name: &'a str,
}

impl ListResponder<'_> {
    /// A page of items held as JSON values. `columns` is every flattened field an item of
    /// this list can have, in order: the CSV columns and, by their first segment, the names
    /// `fields=` accepts. Fixed per list, so an empty page still has its header row and
    /// accepts the same fields.
    /// `members` are what `fields=` takes; `None`: the top-level names of the columns.
    pub fn respond(
        self,
        page: Page,
        columns: Vec<String>,
        members: Option<Vec<String>>,
    ) -> ApiResult<Response> {
        let format = negotiate(self.headers, self.list.format, self.list.formats)?;
        let links = self.links(&page);
        let members = members.unwrap_or_else(|| field_names(&columns));
        let items = match &self.list.fields {
            Some(fields) => project(page.items, fields, &members)?,
            None => page.items,
        };
        let total = page.total;
        let response = match format {
            Format::Json => self.json(items, page.total, &links),
            Format::Csv => {
                let columns = match &self.list.fields {
                    Some(fields) => projected_columns(&columns, fields),
                    None => columns,
                };
                csv_response(&items, &columns, self.name, self.list.bom)?
            }
            // The parser offers these for lists of figures only.
            Format::JsonStat | Format::SdmxCsv => {
                unreachable!("{format:?} is served for figures only")
            }
        };
        let response = with_total_count(with_link_header(response, links), total);
        Ok(content_language(response, self.list.language))
    }

    /// A page of figures, written from their schema: as JSON objects (trimmed to `fields=`,
    /// dotted paths that keep the nesting), or as CSV rows of their flat columns, exactly as
    /// the export writes them.
    /// `indicator` is the one indicator the request names, if it names one: a JSON-stat
    /// dataset is one indicator's.
    pub fn respond_figures(
        self,
        page: Page<Observation>,
        indicator: Option<&str>,
    ) -> ApiResult<Response> {
        self.respond_figures_with(page, None, indicator, None, None)
    }

    /// As [`ListResponder::respond_figures`], with the counts of the facets asked for in
    /// `meta.facets` (none asked for: no member), and for a delta, which of the figures are
    /// retractions (`meta.retracted`; in CSV, a last `retracted` column).
    pub fn respond_faceted(
        self,
        page: Page<Observation>,
        indicator: Option<&str>,
        facets: FacetCounts,
        retracted: Option<Vec<String>>,
    ) -> ApiResult<Response> {
        let facets = (!facets.is_empty()).then_some(FacetMap(facets));
        self.respond_figures_with(page, None, indicator, facets, retracted)
    }

    /// As [`ListResponder::respond_figures`], for derived figures and the notes on the
    /// subjects that gave none: in `meta.notes` and the [`NOTES_HEADER`].
    pub fn respond_derived(
        self,
        page: Page<Observation>,
        notes: Vec<SeriesNote>,
        indicator: Option<&str>,
    ) -> ApiResult<Response> {
        // An empty list is no field at all (RFC 8941).
        let header = (!notes.is_empty()).then(|| notes_header(&notes));
        let mut response = self.respond_figures_with(page, Some(notes), indicator, None, None)?;
        if let Some(header) = header {
            response.headers_mut().insert(NOTES_HEADER, header);
        }
        Ok(response)
    }

    fn respond_figures_with(
        self,
        page: Page<Observation>,
        notes: Option<Vec<SeriesNote>>,
        indicator: Option<&str>,
        facets: Option<FacetMap>,
        retracted: Option<Vec<String>>,
    ) -> ApiResult<Response> {
        let format = negotiate(self.headers, self.list.format, self.list.formats)?;
        let links = self.links(&page);
        let fields = self.list.fields.as_deref();
        if fields.is_some() && matches!(format, Format::JsonStat | Format::SdmxCsv) {
            return Err(ApiError::invalid_parameter(
                FIELDS.name,
                format!(
                    "{}: JSON-stat and SDMX-CSV have fixed structures; fields= trims JSON and \
                     CSV only.",
                    FIELDS.name
                ),
            ));
        }
        if let Some(fields) = fields {
            check_fields(fields, json::field_paths())?;
        }
        let response = match format {
            Format::Json if fields.is_none() => {
                self.figures_json(&page.items, page.total, &links, notes, facets, retracted)
            }
            Format::Json => {
                let items: Vec<FigureFields> = page
                    .items
                    .iter()
                    .map(|figure| FigureFields { figure, fields })
                    .collect();
                self.json_with(items, page.total, &links, notes, facets, retracted)
            }
            Format::Csv => {
                let columns = match fields {
                    Some(fields) => json::flat_columns_of(fields),
                    None => json::flat_columns().to_vec(),
                };
                figure_csv_response(
                    &page.items,
                    &columns,
                    retracted.as_deref(),
                    self.name,
                    self.list.bom,
                )?
            }
            Format::JsonStat => {
                let href = self_link(self.base, self.uri);
                let request = DatasetRequest {
                    indicator,
                    href: &href,
                    next: links.0.as_deref(),
                    prev: links.1.as_deref(),
                };
                jsonstat_response(&page.items, &request, self.name)?
            }
            Format::SdmxCsv => sdmx_csv_response(&page.items, self.name, self.list.bom)?,
        };
        let response = with_total_count(with_link_header(response, links), page.total);
        Ok(content_language(response, self.list.language))
    }

    /// The links to the page's neighbours: (next, prev).
    fn links<T>(&self, page: &Page<T>) -> (Option<String>, Option<String>) {
        let link = |cursor: &Option<Cursor>| {
            cursor
                .as_ref()
                .map(|c| link_with_cursor(self.base, self.uri, c))
        };
        (link(&page.next), link(&page.prev))
    }

    /// The list envelope around `items`.
    fn json<T: Serialize>(
        &self,
        items: Vec<T>,
        total: usize,
        links: &(Option<String>, Option<String>),
    ) -> Response {
        self.json_with(items, total, links, None, None, None)
    }

    /// The list envelope around whole figures, as [`ListResponder::json_with`] writes it
    /// (the same bytes), the figures written straight from their schema
    /// ([`json::write_figures`]) into a buffer sized for the page once.
    fn figures_json(
        &self,
        figures: &[Observation],
        total: usize,
        neighbours: &(Option<String>, Option<String>),
        notes: Option<Vec<SeriesNote>>,
        facets: Option<FacetMap>,
        retracted: Option<Vec<String>>,
    ) -> Response {
        let (meta, links) =
            self.meta_and_links(figures.len(), total, neighbours, notes, facets, retracted);
        // A figure is about a kilobyte as JSON.
        let mut body = Vec::with_capacity(1024 + figures.len() * FIGURE_BYTES);
        body.extend_from_slice(b"{\"data\":");
        json::write_figures(&mut body, figures);
        body.extend_from_slice(b",\"meta\":");
        serde_json::to_writer(&mut body, &meta).expect("the meta writes to memory");
        body.extend_from_slice(b",\"links\":");
        serde_json::to_writer(&mut body, &links).expect("the links write to memory");
        body.push(b'}');
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response()
    }

    fn json_with<T: Serialize>(
        &self,
        items: Vec<T>,
        total: usize,
        neighbours: &(Option<String>, Option<String>),
        notes: Option<Vec<SeriesNote>>,
        facets: Option<FacetMap>,
        retracted: Option<Vec<String>>,
    ) -> Response {
        let (meta, links) =
            self.meta_and_links(items.len(), total, neighbours, notes, facets, retracted);
        Json(ListEnvelope {
            meta,
            data: items,
            links,
        })
        .into_response()
    }

    /// The envelope's `meta` and `links` for a page of `count` items, whichever way its data
    /// is written.
    fn meta_and_links(
        &self,
        count: usize,
        total: usize,
        (next, prev): &(Option<String>, Option<String>),
        notes: Option<Vec<SeriesNote>>,
        facets: Option<FacetMap>,
        retracted: Option<Vec<String>>,
    ) -> (ListMeta, ListLinks) {
        let meta = ListMeta {
            count,
            total,
            limit: self.list.limit,
            notes,
            facets,
            retracted,
        };
        let links = ListLinks {
            self_link: self_link(self.base, self.uri),
            next: next.clone(),
            prev: prev.clone(),
        };
        (meta, links)
    }
}

/// The page's neighbours in an RFC 8288 `Link` header, when it has any.
fn with_link_header(
    mut response: Response,
    (next, prev): (Option<String>, Option<String>),
) -> Response {
    let links: Vec<String> = [(next, "next"), (prev, "prev")]
        .into_iter()
        .filter_map(|(link, rel)| link.map(|l| format!("<{l}>; rel=\"{rel}\"")))
        .collect();
    if !links.is_empty() {
        let value =
            HeaderValue::from_str(&links.join(", ")).expect("links are percent-encoded ASCII");
        response.headers_mut().insert(header::LINK, value);
    }
    response
}

/// The top-level field names behind a list's columns, for `fields=` validation.
fn field_names(columns: &[String]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for column in columns {
        let name = column.split('.').next().unwrap_or(column).to_owned();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// The notes as an RFC 8941 list of strings (printable ASCII; anything else becomes `?`),
/// cut at [`NOTES_HEADER_BYTES`] with a last string that says how many were left out.
fn notes_header(notes: &[SeriesNote]) -> HeaderValue {
    fn string(text: &str) -> String {
        let mut out = String::from("\"");
        for c in text.chars() {
            match c {
                '"' | '\\' => {
                    out.push('\\');
                    out.push(c);
                }
                ' '..='~' => out.push(c),
                _ => out.push('?'),
            }
        }
        out.push('"');
        out
    }
    let mut items: Vec<String> = Vec::new();
    let mut length = 0;
    for (index, note) in notes.iter().enumerate() {
        let item = string(&note.note);
        if length + item.len() > NOTES_HEADER_BYTES {
            items.push(string(&format!(
                "{} more notes: see meta.notes in the JSON answer",
                notes.len() - index
            )));
            break;
        }
        length += item.len() + 2;
        items.push(item);
    }
    HeaderValue::from_str(&items.join(", ")).expect("printable ASCII")
}
