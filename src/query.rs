//! Query parameters of the list endpoints: filters, sorting, keyset pagination, sparse fields
//! and output format. Parsing is strict: an unknown parameter, a repeated single-valued one or
//! a malformed value is a 400 that names the parameter and says what is accepted, so that a
//! typo never silently returns everything.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::SqlitePool;

use crate::domain::entity::Entity;
use crate::error::{ApiError, ApiResult};
use crate::store;

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 1000;
/// Values one filter may list; more is a 400 (each value is a term of the SQL query).
pub const MAX_FILTER_VALUES: usize = 50;

/// What values a filter takes.
#[derive(Debug, Clone, Copy)]
pub enum ParamKind {
    /// Ids of one kind of entity; several allowed, comma-separated or by repeating the key.
    Ids(Entity),
    /// Words from a fixed list; several allowed.
    Words(&'static [&'static str]),
    /// Free words checked by the endpoint against its data; several allowed.
    Texts,
    /// One free text (a search query).
    Text,
    /// Calendar years; several allowed.
    Years,
    /// One calendar year (a bound of a range).
    Year,
    /// One number.
    Number,
    /// One RFC 3339 time, kept in [`crate::domain::timestamp`]'s canonical UTC form.
    Time,
}

/// A filter an endpoint accepts. `path` is where an in-memory list finds the value in each
/// item; an empty path means the endpoint applies the filter itself (a search's `q`).
#[derive(Debug, Clone, Copy)]
pub struct FilterSpec {
    pub name: &'static str,
    pub kind: ParamKind,
    pub path: &'static str,
}

/// A field a list can be sorted by, and where its value sits in each item.
#[derive(Debug, Clone, Copy)]
pub struct SortSpec {
    pub name: &'static str,
    pub path: &'static str,
}

impl SortSpec {
    pub const fn new(name: &'static str, path: &'static str) -> SortSpec {
        SortSpec { name, path }
    }
}

impl FilterSpec {
    pub const fn new(name: &'static str, kind: ParamKind, path: &'static str) -> FilterSpec {
        FilterSpec { name, kind, path }
    }
}

/// Everything an endpoint accepts beyond the parameters every list shares.
#[derive(Debug)]
pub struct ListSpec {
    pub filters: &'static [FilterSpec],
    pub sorts: &'static [SortSpec],
    /// Whether `limit` and `cursor` apply (the bulk export returns everything at once).
    pub paginated: bool,
}

const COMMON_PAGINATED: [&str; 5] = ["sort", "limit", "cursor", "fields", "format"];
const COMMON_UNPAGINATED: [&str; 3] = ["sort", "fields", "format"];
/// A single resource or an image: no list to sort, page or trim.
const COMMON_SINGLE: [&str; 1] = ["format"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FilterValue {
    Texts(Vec<String>),
    Years(Vec<i32>),
    Number(f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKey {
    pub name: &'static str,
    pub path: &'static str,
    pub descending: bool,
}

/// Which side of the cursor's row a page lies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    #[serde(rename = "a")]
    After,
    #[serde(rename = "b")]
    Before,
}

/// An opaque position in a sorted list: the sort-key values and source position of one row,
/// plus a fingerprint of the query it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(rename = "d")]
    pub direction: Direction,
    #[serde(rename = "k")]
    pub keys: Vec<Value>,
    #[serde(rename = "p")]
    pub position: i64,
    #[serde(rename = "q")]
    pub fingerprint: u64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).expect("a cursor serialises"))
    }

    fn decode(token: &str) -> Option<Cursor> {
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

/// A parsed, validated list query.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub filters: BTreeMap<&'static str, FilterValue>,
    pub sort: Vec<SortKey>,
    pub limit: Option<usize>,
    pub cursor: Option<Cursor>,
    pub fields: Option<Vec<String>>,
    pub format: Option<Format>,
    /// Identifies the endpoint, filters and sort; a cursor from another query is refused.
    pub fingerprint: u64,
}

fn invalid(name: &str, detail: String) -> ApiError {
    ApiError::invalid_parameter(name, detail)
}

impl ListQuery {
    /// Parses a raw query string against `spec`. Entity ids are checked separately, with the
    /// database, by [`ListQuery::check_ids`].
    pub fn parse(path: &str, raw_query: Option<&str>, spec: &ListSpec) -> ApiResult<ListQuery> {
        let common: &[&str] = if spec.paginated {
            &COMMON_PAGINATED
        } else if spec.sorts.is_empty() {
            &COMMON_SINGLE
        } else {
            &COMMON_UNPAGINATED
        };
        let accepted = || {
            spec.filters
                .iter()
                .map(|f| f.name)
                .chain(common.iter().copied())
                .collect::<Vec<_>>()
                .join(", ")
        };

        let mut values: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        for (key, value) in form_urlencoded::parse(raw_query.unwrap_or("").as_bytes()) {
            let name = spec
                .filters
                .iter()
                .map(|f| f.name)
                .chain(common.iter().copied())
                .find(|name| *name == key)
                .ok_or_else(|| {
                    invalid(
                        &key,
                        format!(
                            "Unknown parameter '{key}'. This endpoint accepts: {}.",
                            accepted()
                        ),
                    )
                })?;
            values.entry(name).or_default().push(value.into_owned());
        }

        let mut query = ListQuery {
            filters: BTreeMap::new(),
            sort: Vec::new(),
            limit: spec.paginated.then_some(DEFAULT_LIMIT),
            cursor: None,
            fields: None,
            format: None,
            fingerprint: 0,
        };
        let mut cursor_token = None;
        for (name, raw) in values {
            match name {
                "sort" => query.sort = parse_sort(single(name, raw)?, spec)?,
                "limit" => query.limit = Some(parse_limit(&single(name, raw)?)?),
                "cursor" => cursor_token = Some(single(name, raw)?),
                "fields" => query.fields = Some(split_list(name, &single(name, raw)?)?),
                "format" => query.format = Some(parse_format(&single(name, raw)?)?),
                _ => {
                    let filter = spec
                        .filters
                        .iter()
                        .find(|f| f.name == name)
                        .expect("names were matched against the spec above");
                    query.filters.insert(name, parse_filter(filter, raw)?);
                }
            }
        }
        if let (Some(FilterValue::Years(from)), Some(FilterValue::Years(to))) =
            (query.filters.get("from"), query.filters.get("to"))
        {
            if from[0] > to[0] {
                return Err(invalid(
                    "from",
                    format!("from ({}) is after to ({}); swap them.", from[0], to[0]),
                ));
            }
        }

        query.fingerprint = fingerprint(path, &query.filters, &query.sort);
        if let Some(token) = cursor_token {
            let cursor = Cursor::decode(&token)
                .filter(|cursor| cursor.keys.len() == query.sort.len())
                .ok_or_else(|| {
                    invalid(
                        "cursor",
                        "cursor: not a cursor this API issued. Use the links.next or \
                         links.prev URL of a previous page as it is."
                            .to_owned(),
                    )
                })?;
            if cursor.fingerprint != query.fingerprint {
                return Err(invalid(
                    "cursor",
                    "cursor: it belongs to a different query (the endpoint, filters or sort \
                     changed). Start again without a cursor."
                        .to_owned(),
                ));
            }
            query.cursor = Some(cursor);
        }
        Ok(query)
    }

    /// Checks that every id filter names existing entities; a typo lists the accepted ids.
    pub async fn check_ids(&self, pool: &SqlitePool, spec: &ListSpec) -> ApiResult<()> {
        for filter in spec.filters {
            let (ParamKind::Ids(entity), Some(FilterValue::Texts(ids))) =
                (filter.kind, self.filters.get(filter.name))
            else {
                continue;
            };
            for id in ids {
                if !store::exists(pool, entity, id).await? {
                    let accepted = store::ids(pool, entity).await?;
                    return Err(invalid(
                        filter.name,
                        format!(
                            "{}: there is no {} '{id}'. Accepted values: {}.",
                            filter.name,
                            entity.noun(),
                            accepted.join(", ")
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn texts(&self, name: &str) -> Option<&[String]> {
        match self.filters.get(name) {
            Some(FilterValue::Texts(values)) => Some(values),
            _ => None,
        }
    }

    pub fn years(&self, name: &str) -> Option<&[i32]> {
        match self.filters.get(name) {
            Some(FilterValue::Years(values)) => Some(values),
            _ => None,
        }
    }

    pub fn number(&self, name: &str) -> Option<f64> {
        match self.filters.get(name) {
            Some(FilterValue::Number(value)) => Some(*value),
            _ => None,
        }
    }
}

fn single(name: &str, mut raw: Vec<String>) -> ApiResult<String> {
    if raw.len() > 1 {
        return Err(invalid(
            name,
            format!("{name}: given {} times; give it once.", raw.len()),
        ));
    }
    Ok(raw.pop().unwrap_or_default())
}

/// Comma-separated values, and repeated keys, make one list; empty items are refused.
fn split_list(name: &str, raw: &str) -> ApiResult<Vec<String>> {
    let items: Vec<String> = raw.split(',').map(|s| s.trim().to_owned()).collect();
    if items.iter().any(String::is_empty) {
        return Err(invalid(
            name,
            format!("{name}: empty value. Give one or more values separated by commas."),
        ));
    }
    Ok(items)
}

const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

fn parse_year(name: &str, raw: &str) -> ApiResult<i32> {
    match raw.parse::<i32>() {
        Ok(year) if YEARS.contains(&year) => Ok(year),
        _ => Err(invalid(
            name,
            format!(
                "{name}: '{raw}' is not a calendar year from {} to {}.",
                YEARS.start(),
                YEARS.end()
            ),
        )),
    }
}

fn parse_filter(filter: &FilterSpec, raw: Vec<String>) -> ApiResult<FilterValue> {
    let mut value = parse_filter_values(filter, raw)?;
    let count = match &mut value {
        FilterValue::Texts(texts) => {
            let mut seen = std::collections::HashSet::new();
            texts.retain(|t| seen.insert(t.clone()));
            texts.len()
        }
        FilterValue::Years(years) => {
            let mut seen = std::collections::HashSet::new();
            years.retain(|y| seen.insert(*y));
            years.len()
        }
        FilterValue::Number(_) => 1,
    };
    if count > MAX_FILTER_VALUES {
        return Err(invalid(
            filter.name,
            format!(
                "{}: {count} values; give at most {MAX_FILTER_VALUES}.",
                filter.name
            ),
        ));
    }
    Ok(value)
}

fn parse_filter_values(filter: &FilterSpec, raw: Vec<String>) -> ApiResult<FilterValue> {
    let name = filter.name;
    match filter.kind {
        ParamKind::Text => Ok(FilterValue::Texts(vec![single(name, raw)?])),
        ParamKind::Ids(_) | ParamKind::Texts => {
            let mut ids = Vec::new();
            for value in &raw {
                ids.extend(split_list(name, value)?);
            }
            Ok(FilterValue::Texts(ids))
        }
        ParamKind::Words(accepted) => {
            let mut words = Vec::new();
            for value in &raw {
                for word in split_list(name, value)? {
                    if !accepted.contains(&word.as_str()) {
                        return Err(invalid(
                            name,
                            format!(
                                "{name}: '{word}' is not accepted. Accepted values: {}.",
                                accepted.join(", ")
                            ),
                        ));
                    }
                    words.push(word);
                }
            }
            Ok(FilterValue::Texts(words))
        }
        ParamKind::Years => {
            let mut years = Vec::new();
            for value in &raw {
                for year in split_list(name, value)? {
                    years.push(parse_year(name, &year)?);
                }
            }
            Ok(FilterValue::Years(years))
        }
        ParamKind::Year => Ok(FilterValue::Years(vec![parse_year(
            name,
            &single(name, raw)?,
        )?])),
        ParamKind::Time => {
            let raw = single(name, raw)?;
            match crate::domain::timestamp::parse_rfc3339(&raw) {
                Some(moment) => Ok(FilterValue::Texts(vec![moment])),
                None => Err(invalid(
                    name,
                    format!(
                        "{name}: '{raw}' is not an RFC 3339 time; give one like \
                         2025-06-01T00:00:00Z or 2025-06-01T08:00:00+08:00."
                    ),
                )),
            }
        }
        ParamKind::Number => {
            let raw = single(name, raw)?;
            match raw.parse::<f64>() {
                Ok(number) if number.is_finite() => Ok(FilterValue::Number(number)),
                _ => Err(invalid(
                    name,
                    format!(
                        "{name}: '{raw}' is not a finite number. Give plain units, \
                         e.g. 1000000000000 for 1 trillion yuan."
                    ),
                )),
            }
        }
    }
}

fn parse_sort(raw: String, spec: &ListSpec) -> ApiResult<Vec<SortKey>> {
    let accepted = || {
        spec.sorts
            .iter()
            .map(|s| s.name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut keys: Vec<SortKey> = Vec::new();
    for item in split_list("sort", &raw)? {
        let (descending, name) = match item.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, item.as_str()),
        };
        let sort = spec.sorts.iter().find(|s| s.name == name).ok_or_else(|| {
            invalid(
                "sort",
                format!(
                    "sort: cannot sort by '{name}'. Sortable fields: {} (prefix '-' for \
                     descending).",
                    accepted()
                ),
            )
        })?;
        if keys.iter().any(|key| key.name == sort.name) {
            return Err(invalid("sort", format!("sort: '{name}' is given twice.")));
        }
        keys.push(SortKey {
            name: sort.name,
            path: sort.path,
            descending,
        });
    }
    Ok(keys)
}

fn parse_limit(raw: &str) -> ApiResult<usize> {
    match raw.parse::<usize>() {
        Ok(limit) if (1..=MAX_LIMIT).contains(&limit) => Ok(limit),
        _ => Err(invalid(
            "limit",
            format!("limit: '{raw}' is not a whole number from 1 to {MAX_LIMIT}."),
        )),
    }
}

fn parse_format(raw: &str) -> ApiResult<Format> {
    match raw {
        "json" => Ok(Format::Json),
        "csv" => Ok(Format::Csv),
        _ => Err(invalid(
            "format",
            format!("format: '{raw}' is not accepted. Accepted values: json, csv."),
        )),
    }
}

/// A stable fingerprint of what a cursor depends on. SipHash with fixed keys: the same binary
/// (every replica of a deployment) computes the same value.
fn fingerprint(path: &str, filters: &BTreeMap<&'static str, FilterValue>, sort: &[SortKey]) -> u64 {
    #[allow(deprecated)] // SipHasher's fixed keys are the point: stable across processes.
    let mut hasher = std::hash::SipHasher::new();
    path.hash(&mut hasher);
    for (name, value) in filters {
        name.hash(&mut hasher);
        match value {
            FilterValue::Texts(texts) => texts.hash(&mut hasher),
            FilterValue::Years(years) => years.hash(&mut hasher),
            FilterValue::Number(number) => number.to_bits().hash(&mut hasher),
        }
    }
    for key in sort {
        key.name.hash(&mut hasher);
        key.descending.hash(&mut hasher);
    }
    hasher.finish()
}

/// One page of a list, with the cursors to its neighbours.
#[derive(Debug)]
pub struct Page {
    pub items: Vec<Value>,
    pub total: usize,
    pub next: Option<Cursor>,
    pub prev: Option<Cursor>,
}

/// The value at a dotted path of a JSON item (`region.id`), or null.
pub fn value_at<'a>(item: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(item, |value, key| &value[key])
}

/// A total order on the JSON values sort keys hold: null, then numbers, then strings.
pub fn compare_values(a: &Value, b: &Value) -> Ordering {
    fn rank(value: &Value) -> u8 {
        match value {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            _ => 4,
        }
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            x.total_cmp(&y)
        }
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

/// Compares two rows by the sort keys, then by source position (the stable tie-break).
fn compare_rows(sort: &[SortKey], a: (&[Value], i64), b: (&[Value], i64)) -> Ordering {
    for (index, key) in sort.iter().enumerate() {
        let ordering = compare_values(&a.0[index], &b.0[index]);
        let ordering = if key.descending {
            ordering.reverse()
        } else {
            ordering
        };
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    a.1.cmp(&b.1)
}

impl ListQuery {
    fn cursor_at(&self, direction: Direction, keys: Vec<Value>, position: i64) -> Cursor {
        Cursor {
            direction,
            keys,
            position,
            fingerprint: self.fingerprint,
        }
    }

    /// Builds the page and its neighbour cursors from rows already in order (after the cursor
    /// was applied). `rows` holds up to `limit + 1` rows, each with its sort keys and position;
    /// the extra row only says whether there is more in the direction of travel.
    pub fn page_from(
        &self,
        mut rows: Vec<(Value, Vec<Value>, i64)>,
        total: usize,
        reversed: bool,
    ) -> Page {
        let limit = self.limit.unwrap_or(usize::MAX);
        let more = rows.len() > limit;
        rows.truncate(limit);
        if reversed {
            rows.reverse();
        }
        let backward = self.cursor.as_ref().map(|c| c.direction) == Some(Direction::Before);
        let (has_next, has_prev) = if backward {
            (true, more)
        } else {
            (more, self.cursor.is_some())
        };
        let next = match rows.last() {
            Some((_, keys, position)) if has_next && self.limit.is_some() => {
                Some(self.cursor_at(Direction::After, keys.clone(), *position))
            }
            _ => None,
        };
        let prev = match rows.first() {
            Some((_, keys, position)) if has_prev && self.limit.is_some() => {
                Some(self.cursor_at(Direction::Before, keys.clone(), *position))
            }
            _ => None,
        };
        Page {
            items: rows.into_iter().map(|(item, _, _)| item).collect(),
            total,
            next,
            prev,
        }
    }

    /// Filters, sorts and pages a whole list held in memory (the small resources).
    pub fn apply(&self, spec: &ListSpec, items: Vec<Value>) -> Page {
        let mut rows: Vec<(Value, Vec<Value>, i64)> = items
            .into_iter()
            .enumerate()
            .filter(|(_, item)| self.matches(spec, item))
            .map(|(position, item)| {
                let keys = self
                    .sort
                    .iter()
                    .map(|key| value_at(&item, key.path).clone())
                    .collect();
                (item, keys, position as i64)
            })
            .collect();
        let total = rows.len();
        rows.sort_by(|a, b| compare_rows(&self.sort, (&a.1, a.2), (&b.1, b.2)));
        let mut reversed = false;
        if let Some(cursor) = &self.cursor {
            let at = (cursor.keys.as_slice(), cursor.position);
            match cursor.direction {
                Direction::After => {
                    rows.retain(|row| compare_rows(&self.sort, (&row.1, row.2), at).is_gt())
                }
                Direction::Before => {
                    rows.retain(|row| compare_rows(&self.sort, (&row.1, row.2), at).is_lt());
                    rows.reverse();
                    reversed = true;
                }
            }
        }
        rows.truncate(self.limit.map_or(usize::MAX, |limit| limit + 1));
        self.page_from(rows, total, reversed)
    }

    fn matches(&self, spec: &ListSpec, item: &Value) -> bool {
        spec.filters
            .iter()
            .all(|filter| match self.filters.get(filter.name) {
                Some(FilterValue::Texts(accepted)) if !filter.path.is_empty() => {
                    match value_at(item, filter.path) {
                        Value::String(value) => accepted.contains(value),
                        _ => false,
                    }
                }
                _ => true,
            })
    }
}

/// Keeps only the requested top-level fields of each item, in the order requested.
pub fn project(items: Vec<Value>, fields: &[String], accepted: &[String]) -> ApiResult<Vec<Value>> {
    check_fields(fields, accepted)?;
    Ok(items
        .into_iter()
        .map(|item| project_item(&item, fields))
        .collect())
}

/// Refuses a `fields=` that names something other than `accepted`.
pub fn check_fields(fields: &[String], accepted: &[String]) -> ApiResult<()> {
    match fields.iter().find(|field| !accepted.contains(field)) {
        Some(unknown) => Err(invalid(
            "fields",
            format!(
                "fields: '{unknown}' is not a field of this list. Fields: {}.",
                accepted.join(", ")
            ),
        )),
        None => Ok(()),
    }
}

/// One item with only `fields`, in the order asked.
pub fn project_item(item: &Value, fields: &[String]) -> Value {
    Value::Object(
        fields
            .iter()
            .map(|field| (field.clone(), item[field.as_str()].clone()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: ListSpec = ListSpec {
        filters: &[
            FilterSpec {
                name: "kind",
                kind: ParamKind::Words(&["city", "province"]),
                path: "kind",
            },
            FilterSpec {
                name: "year",
                kind: ParamKind::Years,
                path: "",
            },
            FilterSpec {
                name: "min",
                kind: ParamKind::Number,
                path: "",
            },
        ],
        sorts: &[
            SortSpec {
                name: "name",
                path: "name",
            },
            SortSpec {
                name: "size",
                path: "size",
            },
        ],
        paginated: true,
    };

    fn items() -> Vec<Value> {
        (0..10)
            .map(|i| serde_json::json!({"id": format!("r{i}"), "name": format!("n{}", i % 3), "size": i, "kind": if i % 2 == 0 { "city" } else { "province" }}))
            .collect()
    }

    fn query(raw: &str) -> ListQuery {
        ListQuery::parse("/test", Some(raw), &SPEC).unwrap()
    }

    #[test]
    fn several_values_come_comma_separated_or_repeated() {
        let q = query("year=2020,2021&year=2023");
        assert_eq!(q.years("year"), Some(&[2020, 2021, 2023][..]));
    }

    #[test]
    fn walking_pages_forward_and_back_visits_every_row_once() {
        let q = query("sort=name,-size&limit=3");
        let first = q.apply(&SPEC, items());
        assert_eq!(first.total, 10);
        assert!(first.prev.is_none());
        let mut seen: Vec<Value> = first.items.clone();
        let mut pages = vec![first.items.clone()];
        let mut next = first.next;
        while let Some(cursor) = next {
            let q = query(&format!(
                "sort=name,-size&limit=3&cursor={}",
                cursor.encode()
            ));
            let page = q.apply(&SPEC, items());
            assert!(page.prev.is_some());
            seen.extend(page.items.clone());
            pages.push(page.items.clone());
            next = page.next;
        }
        assert_eq!(seen.len(), 10);
        let names: Vec<(String, i64)> = seen
            .iter()
            .map(|v| {
                (
                    v["name"].as_str().unwrap().to_owned(),
                    v["size"].as_i64().unwrap(),
                )
            })
            .collect();
        let mut sorted = names.clone();
        sorted.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        assert_eq!(names, sorted);

        // Back from the last page lands on the page before it.
        let last = query(&format!("sort=name,-size&limit=3&cursor={}", {
            let q = query("sort=name,-size&limit=3");
            let p2 = q.apply(&SPEC, items());
            p2.next.unwrap().encode()
        }))
        .apply(&SPEC, items());
        let back = query(&format!(
            "sort=name,-size&limit=3&cursor={}",
            last.prev.unwrap().encode()
        ))
        .apply(&SPEC, items());
        assert_eq!(back.items, pages[0]);
        assert!(back.prev.is_none());
    }

    #[test]
    fn a_cursor_from_another_query_or_mangled_is_refused() {
        let page = query("sort=name&limit=2").apply(&SPEC, items());
        let token = page.next.unwrap().encode();
        let other = ListQuery::parse(
            "/test",
            Some(&format!("sort=size&limit=2&cursor={token}")),
            &SPEC,
        );
        assert!(
            matches!(other, Err(ApiError::InvalidParameter { ref name, .. }) if name == "cursor")
        );
        let mangled = ListQuery::parse("/test", Some("cursor=bm90LWEtY3Vyc29y"), &SPEC);
        assert!(
            matches!(mangled, Err(ApiError::InvalidParameter { ref name, .. }) if name == "cursor")
        );
    }

    #[test]
    fn bad_parameters_name_themselves() {
        for (raw, name) in [
            ("knd=city", "knd"),
            ("kind=town", "kind"),
            ("year=20x0", "year"),
            ("min=1e400", "min"),
            ("min=1&min=2", "min"),
            ("limit=0", "limit"),
            ("limit=1001", "limit"),
            ("sort=-colour", "sort"),
            ("sort=name,name", "sort"),
            ("format=xml", "format"),
            ("kind=city,", "kind"),
        ] {
            match ListQuery::parse("/test", Some(raw), &SPEC) {
                Err(ApiError::InvalidParameter { name: got, .. }) => assert_eq!(got, name, "{raw}"),
                other => panic!("{raw}: {other:?}"),
            }
        }
    }

    #[test]
    fn filters_keep_matching_items_only() {
        let page = query("kind=city").apply(&SPEC, items());
        assert_eq!(page.total, 5);
        assert!(page.items.iter().all(|item| item["kind"] == "city"));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    const SPEC: ListSpec = ListSpec {
        filters: &[
            FilterSpec {
                name: "region",
                kind: ParamKind::Texts,
                path: "region",
            },
            FilterSpec {
                name: "unit",
                kind: ParamKind::Words(&["cny", "usd"]),
                path: "unit",
            },
            FilterSpec {
                name: "year",
                kind: ParamKind::Years,
                path: "",
            },
            FilterSpec {
                name: "from",
                kind: ParamKind::Year,
                path: "",
            },
            FilterSpec {
                name: "min",
                kind: ParamKind::Number,
                path: "",
            },
        ],
        sorts: &[SortSpec {
            name: "name",
            path: "name",
        }],
        paginated: true,
    };

    fn keys() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "region", "unit", "year", "from", "min", "sort", "limit", "cursor", "fields", "format",
            "bogus", "",
        ])
        .prop_map(str::to_owned)
    }

    proptest! {
        /// Any query string parses or is refused with a 400 naming a parameter; never a panic.
        #[test]
        fn any_query_string_parses_or_names_its_fault(raw in ".{0,200}") {
            match ListQuery::parse("/p", Some(&raw), &SPEC) {
                Ok(_) => {}
                Err(ApiError::InvalidParameter { detail, .. }) => {
                    prop_assert!(!detail.is_empty());
                }
                Err(other) => prop_assert!(false, "unexpected error {other:?}"),
            }
        }

        /// Well-formed pairs of known and unknown keys with arbitrary values behave the same.
        #[test]
        fn any_pairs_parse_or_are_refused(pairs in prop::collection::vec((keys(), ".{0,30}"), 0..8)) {
            let raw = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .finish();
            let refused_as_a_parameter =
                matches!(ListQuery::parse("/p", Some(&raw), &SPEC), Ok(_) | Err(ApiError::InvalidParameter { .. }));
            prop_assert!(refused_as_a_parameter);
        }

        /// A year in range is accepted, one outside is refused.
        #[test]
        fn years_are_accepted_exactly_in_range(year in -10_000i32..10_000) {
            let result = ListQuery::parse("/p", Some(&format!("year={year}")), &SPEC);
            prop_assert_eq!(result.is_ok(), (1900..=2100).contains(&year));
        }

        /// A finite number round-trips through `min`; anything parsed is finite.
        #[test]
        fn min_accepts_finite_numbers(value in proptest::num::f64::ANY) {
            let result = ListQuery::parse("/p", Some(&format!("min={value}")), &SPEC);
            match result {
                Ok(query) => {
                    prop_assert!(value.is_finite());
                    prop_assert_eq!(query.number("min"), Some(value));
                }
                Err(_) => prop_assert!(!value.is_finite()),
            }
        }

        /// Cursors survive encoding, and the query they were issued for accepts them.
        #[test]
        fn cursors_round_trip(name in "[a-z]{0,12}", position in 0i64..1_000_000) {
            let query = ListQuery::parse("/p", Some("sort=name"), &SPEC).unwrap();
            let cursor = Cursor {
                direction: Direction::After,
                keys: vec![Value::from(name)],
                position,
                fingerprint: query.fingerprint,
            };
            prop_assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor.clone()));
            let again = ListQuery::parse("/p", Some(&format!("sort=name&cursor={}", cursor.encode())), &SPEC).unwrap();
            prop_assert_eq!(again.cursor, Some(cursor));
        }

        /// Arbitrary text is never a cursor, and never a panic.
        #[test]
        fn arbitrary_text_is_not_a_cursor(token in "[A-Za-z0-9_-]{0,80}") {
            let result = ListQuery::parse("/p", Some(&format!("sort=name&cursor={token}")), &SPEC);
            let refused = match result {
                Err(ApiError::InvalidParameter { name, .. }) => name == "cursor",
                _ => false,
            };
            prop_assert!(refused);
        }
    }
}
