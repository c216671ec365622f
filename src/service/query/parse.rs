//! Strict parsing of a list request's query string against its endpoint's [`ListSpec`]: an
//! unknown parameter, a repeated single-valued one or a malformed value is a 400 that names the
//! parameter and says what is accepted, so that a typo never silently returns everything.
//!
//! [`ListSpec`]: crate::service::query::params::ListSpec

use std::collections::BTreeMap;

use sqlx::SqlitePool;

use super::cursor::{fingerprint, Cursor};
use super::params::{
    FilterSpec, FilterValue, Format, ListSpec, ParamKind, SortKey, COMMON_PAGINATED, COMMON_SINGLE,
    COMMON_UNPAGINATED, DEFAULT_LIMIT, MAX_FILTER_VALUES, MAX_LIMIT,
};
use crate::error::{ApiError, ApiResult};
use crate::store;

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

#[cfg(test)]
mod properties {
    use serde_json::Value;

    use super::*;
    use crate::service::query::cursor::Direction;
    use crate::service::query::params::SortSpec;
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
