//! Strict parsing of a query string against its endpoint's [`QuerySpec`]: an unknown
//! parameter, a repeated single-valued one or a malformed value is a 400 that names the
//! parameter and says what is accepted, so that a typo never silently returns everything.
//!
//! Each check is written once, for every parameter of a kind, and names the parameter at
//! fault: one value ([`single`]), words of a list ([`one_of`]), a range ([`within`]), a cap
//! on the values of a list. Then the ids and concepts the query names are checked against the
//! database, and the endpoint's typed query is made from it ([`read`]).

use std::collections::BTreeMap;
use std::fmt::Display;
use std::sync::Arc;

use sqlx::SqlitePool;

use super::cursor::{fingerprint, not_issued, Cursor};
use super::params::{
    Decl, Format, FromValue, Param, ParamKind, ParamValue, Range, Word, BOM, CALENDAR_YEARS,
    CURSOR, DEFAULT_LIMIT, FROM, LANG, MAX, MAX_FILTER_VALUES, MAX_TEXT_CHARS, MIN, PAGE_SIZES, TO,
};
use super::spec::{QuerySpec, SortKey, SortSpec};
use crate::domain::language::Language;
use crate::error::{ApiError, ApiResult};
use crate::service::versions::{vocabulary_values, KnownValues, Vocabulary};

/// A typed query, made from a parsed and checked query string.
pub trait FromParsed {
    fn from_parsed(parsed: Parsed) -> Self;
}

/// An endpoint's query: what it accepts, and the typed query that makes.
pub trait Accepts {
    const SPEC: &'static QuerySpec;
    type Query: FromParsed;
}

/// Reads the query string of endpoint `E` (at `path`) into its typed query: parsed strictly,
/// then the ids and concepts it names checked against the database (`known` first, see
/// [`Parsed::check`]). `preferred` is the language names are in unless `lang` says otherwise
/// (the HTTP edge's from `Accept-Language`). What the HTTP extractor and the `export --query`
/// command both call.
pub async fn read<E: Accepts>(
    pool: &SqlitePool,
    known: Option<KnownValues<'_>>,
    path: &str,
    raw_query: Option<&str>,
    preferred: Language,
) -> ApiResult<E::Query> {
    let parsed = Parsed::parse_preferring(path, raw_query, E::SPEC, preferred)?;
    parsed.check(pool, known).await?;
    Ok(E::Query::from_parsed(parsed))
}

/// The controls every list shares, parsed: how it is sorted, paged, trimmed and written, and
/// in which language (a single resource reads its `format` and `language` here too).
#[derive(Debug, Clone)]
pub struct ListControls {
    pub sort: Vec<SortKey>,
    pub limit: Option<usize>,
    pub cursor: Option<Cursor>,
    pub fields: Option<Vec<String>>,
    pub format: Option<Format>,
    /// The representations the endpoint is served in (`format` is one of them).
    pub formats: &'static [Format],
    /// Whether a CSV body starts with a byte-order mark (`bom=true`).
    pub bom: bool,
    /// The language of names: `lang`'s, else the one the request prefers.
    pub language: Language,
    /// Identifies the endpoint, parameters and sort; a cursor from another query is refused.
    pub fingerprint: u64,
}

/// A query string parsed and validated against its endpoint's spec.
#[derive(Debug)]
pub struct Parsed {
    /// Each parameter given, but the list controls, by name.
    values: BTreeMap<&'static str, (&'static Decl, ParamValue)>,
    pub list: ListControls,
    spec: &'static QuerySpec,
}

fn invalid(name: &str, detail: String) -> ApiError {
    ApiError::invalid_parameter(name, detail)
}

impl Parsed {
    /// Parses a raw query string against `spec`, names in English unless `lang` says
    /// otherwise. Ids and concepts are checked separately, with the database, by
    /// [`Parsed::check`].
    pub fn parse(
        path: &str,
        raw_query: Option<&str>,
        spec: &'static QuerySpec,
    ) -> ApiResult<Parsed> {
        Parsed::parse_preferring(path, raw_query, spec, Language::default())
    }

    /// As [`Parsed::parse`], names in `preferred` unless `lang` says otherwise. The language
    /// is part of the query a cursor belongs to, however it was chosen: a page sorted by name
    /// in Chinese does not continue in English.
    pub fn parse_preferring(
        path: &str,
        raw_query: Option<&str>,
        spec: &'static QuerySpec,
        preferred: Language,
    ) -> ApiResult<Parsed> {
        let mut given: BTreeMap<&'static str, (&'static Decl, Vec<String>)> = BTreeMap::new();
        for (key, value) in form_urlencoded::parse(raw_query.unwrap_or("").as_bytes()) {
            let decl = spec
                .accepted()
                .find(|decl| decl.name == key)
                .ok_or_else(|| {
                    let accepted: Vec<&str> = spec.accepted().map(|decl| decl.name).collect();
                    let takes = if accepted.is_empty() {
                        "This endpoint takes no parameters.".to_owned()
                    } else {
                        format!("This endpoint accepts: {}.", accepted.join(", "))
                    };
                    invalid(&key, format!("Unknown parameter '{key}'. {takes}"))
                })?;
            given
                .entry(decl.name)
                .or_insert((decl, Vec::new()))
                .1
                .push(value.into_owned());
        }

        let mut list = ListControls {
            sort: Vec::new(),
            limit: spec.paginated().then_some(DEFAULT_LIMIT),
            cursor: None,
            fields: None,
            format: None,
            formats: spec.formats(),
            bom: false,
            language: preferred,
            fingerprint: 0,
        };
        let mut values = BTreeMap::new();
        let mut cursor_token = None;
        for (name, (decl, raw)) in given {
            let value = match decl.kind {
                ParamKind::Sort => {
                    list.sort = parse_sort(decl, &single(decl, raw)?, spec.sorts())?;
                    continue;
                }
                ParamKind::Limit => {
                    let raw = single(decl, raw)?;
                    // Digits only: `-0` and `+5` are no page sizes, whatever `i64` reads (so
                    // a '+' turned space gets no hint to encode it).
                    let digits = raw.bytes().all(|b| b.is_ascii_digit());
                    let size = raw.parse().ok().filter(|_| digits);
                    let limit = within(decl, format!("'{raw}'"), size, PAGE_SIZES)?;
                    list.limit = Some(limit as usize);
                    continue;
                }
                ParamKind::Cursor => {
                    cursor_token = Some(single(decl, raw)?);
                    continue;
                }
                ParamKind::Fields => {
                    list.fields = Some(split_list(decl, &single(decl, raw)?)?);
                    continue;
                }
                ParamKind::Format => {
                    // Only the endpoint's own representations are words of its `format`.
                    let served: Vec<&str> = list.formats.iter().map(|f| f.word()).collect();
                    let chosen = canonical(decl, &single(decl, raw)?, &served)?;
                    let format = Format::from_word(chosen).expect("a format's word reads back");
                    list.format = Some(format);
                    continue;
                }
                ParamKind::Ids(_) | ParamKind::Concepts => {
                    ParamValue::Texts(split_all(decl, &raw)?)
                }
                ParamKind::Words(words) => ParamValue::Texts(words_of(decl, &raw, words)?),
                ParamKind::Choice(words) => {
                    let mut chosen = words_of(decl, &raw, words)?;
                    distinct(&mut chosen);
                    ParamValue::Texts(vec![single(decl, chosen)?])
                }
                ParamKind::Text => {
                    let text = single(decl, raw)?;
                    if text.chars().count() > MAX_TEXT_CHARS {
                        return Err(invalid(
                            decl.name,
                            format!("{}: at most {MAX_TEXT_CHARS} characters.", decl.name),
                        ));
                    }
                    ParamValue::Texts(vec![text])
                }
                ParamKind::Years => {
                    let mut years = Vec::new();
                    for year in split_all(decl, &raw)? {
                        years.push(calendar_year(decl, &year)?);
                    }
                    ParamValue::Years(years)
                }
                ParamKind::Year => {
                    ParamValue::Years(vec![calendar_year(decl, &single(decl, raw)?)?])
                }
                ParamKind::Time => ParamValue::Texts(vec![time(decl, &single(decl, raw)?)?]),
                ParamKind::Since => since(decl, &single(decl, raw)?)?,
                ParamKind::Number(range) => {
                    ParamValue::Number(number(decl, &single(decl, raw)?, range)?)
                }
            };
            values.insert(name, (decl, capped(decl, value)?));
        }

        let mut parsed = Parsed { values, list, spec };
        if let Some(language) = parsed.get(&LANG) {
            parsed.list.language = language;
        }
        parsed.list.bom = parsed.get(&BOM).unwrap_or(false);
        // A range that ends before it starts is a mistake, not an empty answer.
        ordered(&parsed, &FROM, &TO, "is after")?;
        ordered(&parsed, &MIN, &MAX, "is more than")?;

        // A language chosen by the header counts as if `lang` had chosen it; English, the
        // default, as nothing (so the cursors of English queries stay as they were).
        let chosen = ParamValue::Texts(vec![parsed.list.language.tag().to_owned()]);
        let mut given: BTreeMap<&str, &ParamValue> = parsed
            .values
            .iter()
            .map(|(name, (_, value))| (*name, value))
            .collect();
        if parsed.list.language != Language::En {
            given.entry(LANG.name()).or_insert(&chosen);
        }
        parsed.list.fingerprint = fingerprint(path, given.into_iter(), &parsed.list.sort);
        if let Some(token) = cursor_token {
            let cursor = Cursor::decode(&token)
                .filter(|cursor| cursor.keys.len() == parsed.list.sort.len())
                .ok_or_else(not_issued)?;
            if cursor.fingerprint != parsed.list.fingerprint {
                return Err(invalid(
                    CURSOR.name,
                    "cursor: it belongs to a different query (the endpoint, filters or sort \
                     changed). Start again without a cursor."
                        .to_owned(),
                ));
            }
            parsed.list.cursor = Some(cursor);
        }
        Ok(parsed)
    }

    /// Checks that every id and concept the query names exists; a typo lists the accepted
    /// values. With `known` (a server's), values it knows cost no statement; without (a
    /// command), each vocabulary named is read from `pool`.
    pub async fn check(&self, pool: &SqlitePool, known: Option<KnownValues<'_>>) -> ApiResult<()> {
        for accepted in self.spec.params {
            let decl = accepted.param;
            let vocabulary = match decl.kind {
                ParamKind::Ids(entity) => Vocabulary::Ids(entity),
                ParamKind::Concepts => Vocabulary::Concepts,
                _ => continue,
            };
            let Some(ParamValue::Texts(values)) = self.value(decl) else {
                continue;
            };
            let mut listed = match known {
                Some(known) => {
                    known
                        .vocabularies
                        .of(pool, known.version, vocabulary)
                        .await?
                }
                None => Arc::new(vocabulary_values(pool, vocabulary).await?),
            };
            let mut read_now = known.is_none();
            for value in values {
                if !read_now && !listed.contains(value) {
                    // An import may have added it since the version the server last saw.
                    listed = Arc::new(vocabulary_values(pool, vocabulary).await?);
                    read_now = true;
                }
                match vocabulary {
                    Vocabulary::Ids(entity) if !listed.contains(value) => {
                        return Err(invalid(
                            decl.name,
                            format!(
                                "{}: there is no {} '{value}'. Accepted values: {}.",
                                decl.name,
                                entity.noun(),
                                listed.join(", ")
                            ),
                        ));
                    }
                    Vocabulary::Ids(_) => {}
                    Vocabulary::Concepts => one_of(decl, value, &listed)?,
                }
            }
        }
        Ok(())
    }

    /// The value of a declared parameter, as its type: what the query gave, or no filter.
    ///
    /// A parameter is named by its declaration, which says what it reads as:
    ///
    /// ```
    /// # use gd_indicators::service::query::{params::REGION, parse::Parsed};
    /// fn regions(parsed: &Parsed) -> Vec<String> {
    ///     parsed.get(&REGION)
    /// }
    /// ```
    ///
    /// So a misspelt parameter does not compile,
    ///
    /// ```compile_fail,E0432
    /// # use gd_indicators::service::query::{params::REGOIN, parse::Parsed};
    /// fn regions(parsed: &Parsed) -> Vec<String> {
    ///     parsed.get(&REGOIN)
    /// }
    /// ```
    ///
    /// nor does one read as what it is not:
    ///
    /// ```compile_fail,E0308
    /// # use gd_indicators::service::query::{params::REGION, parse::Parsed};
    /// fn regions(parsed: &Parsed) -> Vec<i32> {
    ///     parsed.get(&REGION)
    /// }
    /// ```
    pub fn get<T: FromValue>(&self, param: &Param<T>) -> T {
        T::from_value(self.value(&param.decl))
    }

    /// What the endpoint accepts.
    pub fn spec(&self) -> &'static QuerySpec {
        self.spec
    }

    /// The value given for this very declaration (not a namesake's).
    pub(super) fn value(&self, decl: &Decl) -> Option<&ParamValue> {
        self.values
            .get(decl.name)
            .filter(|(given, _)| std::ptr::eq(*given, decl))
            .map(|(_, value)| value)
    }
}

/// The single-value check: a parameter that takes one value must be given one. A choice says
/// what it chooses from.
fn single<T>(decl: &Decl, mut values: Vec<T>) -> ApiResult<T> {
    if values.len() > 1 {
        let detail = match decl.kind {
            ParamKind::Choice(words) => format!("{}: give one of {}.", decl.name, words.join(", ")),
            _ => format!("{}: given {} times; give it once.", decl.name, values.len()),
        };
        return Err(invalid(decl.name, detail));
    }
    values
        .pop()
        .ok_or_else(|| invalid(decl.name, format!("{}: no value given.", decl.name)))
}

/// The enum check: `word` must be one of `accepted`.
fn one_of<S: AsRef<str>>(decl: &Decl, word: &str, accepted: &[S]) -> ApiResult<()> {
    if accepted.iter().any(|a| a.as_ref() == word) {
        return Ok(());
    }
    Err(not_accepted(decl, word, accepted))
}

/// The word of an enumeration `word` names, in any case, as the enumeration writes it
/// (`USD` for `usd`, `cny` for `CNY`): what the query then holds, so that every answer, a
/// cursor's fingerprint and a filter see one spelling.
fn canonical<'a>(decl: &Decl, word: &str, accepted: &[&'a str]) -> ApiResult<&'a str> {
    accepted
        .iter()
        .find(|a| a.eq_ignore_ascii_case(word))
        .copied()
        .ok_or_else(|| not_accepted(decl, word, accepted))
}

/// The refusal of a word that is none of `accepted`.
fn not_accepted<S: AsRef<str>>(decl: &Decl, word: &str, accepted: &[S]) -> ApiError {
    let accepted: Vec<&str> = accepted.iter().map(AsRef::as_ref).collect();
    invalid(
        decl.name,
        format!(
            "{}: '{word}' is not accepted. Accepted values: {}.",
            decl.name,
            accepted.join(", ")
        ),
    )
}

/// The range check: `value` (shown in the refusal as `shown`) must be a whole number in
/// `range`; `None` is a value that is not a whole number at all.
fn within(decl: &Decl, shown: impl Display, value: Option<i64>, range: Range) -> ApiResult<i64> {
    match value {
        Some(value) if range.contains(value) => Ok(value),
        _ => Err(invalid(
            decl.name,
            format!(
                "{}: {shown} is not {} from {} to {}.",
                decl.name, range.noun, range.min, range.max
            ),
        )),
    }
}

/// Comma-separated values make one list; empty items are refused.
fn split_list(decl: &Decl, raw: &str) -> ApiResult<Vec<String>> {
    let items: Vec<String> = raw.split(',').map(|s| s.trim().to_owned()).collect();
    if items.iter().any(String::is_empty) {
        return Err(invalid(
            decl.name,
            format!(
                "{}: empty value. Give one or more values separated by commas.",
                decl.name
            ),
        ));
    }
    Ok(items)
}

/// The values of every repetition of the key, each comma-separated, as one list.
fn split_all(decl: &Decl, raw: &[String]) -> ApiResult<Vec<String>> {
    let mut items = Vec::new();
    for value in raw {
        items.extend(split_list(decl, value)?);
    }
    Ok(items)
}

/// Values that must each be one of `accepted`, in any case; each kept as `accepted` spells it.
fn words_of(decl: &Decl, raw: &[String], accepted: &[&str]) -> ApiResult<Vec<String>> {
    split_all(decl, raw)?
        .iter()
        .map(|word| canonical(decl, word, accepted).map(str::to_owned))
        .collect()
}

/// The bounds `low` and `high` of a range, when both are given, must not be the wrong way
/// round: `low` (which the refusal names first) must not be `above` `high`.
fn ordered<T: PartialOrd + Display>(
    parsed: &Parsed,
    low: &Param<Option<T>>,
    high: &Param<Option<T>>,
    above: &str,
) -> ApiResult<()>
where
    Option<T>: FromValue,
{
    match (parsed.get(low), parsed.get(high)) {
        (Some(lower), Some(upper)) if lower > upper => Err(invalid(
            low.name(),
            format!(
                "{} ({lower}) {above} {} ({upper}); swap them.",
                low.name(),
                high.name()
            ),
        )),
        _ => Ok(()),
    }
}

/// The refusal of `raw` when it holds a space where a `+` would make it `valid`: a query
/// string reads an unencoded `+` as a space, so the hint is to encode it, not to type again
/// what was typed.
fn unencoded_plus(decl: &Decl, raw: &str, valid: impl Fn(&str) -> bool) -> ApiResult<()> {
    let typed = raw.replace(' ', "+");
    if !raw.contains(' ') || !valid(&typed) {
        return Ok(());
    }
    Err(invalid(
        decl.name,
        format!(
            "{name}: '{raw}' has a space where a '+' was meant: a query string reads an \
             unencoded '+' as a space. Encode it as %2B: {name}={encoded}.",
            name = decl.name,
            encoded = typed.replace('+', "%2B"),
        ),
    ))
}

fn calendar_year(decl: &Decl, raw: &str) -> ApiResult<i32> {
    unencoded_plus(decl, raw, |typed| typed.parse::<i64>().is_ok())?;
    let year = within(decl, format!("'{raw}'"), raw.parse().ok(), CALENDAR_YEARS)?;
    Ok(year as i32)
}

fn time(decl: &Decl, raw: &str) -> ApiResult<String> {
    let parse = crate::domain::timestamp::parse_rfc3339;
    unencoded_plus(decl, raw, |typed| parse(typed).is_some())?;
    parse(raw).ok_or_else(|| {
        invalid(
            decl.name,
            format!(
                "{}: '{raw}' is not an RFC 3339 time; give one like \
                 2025-06-01T00:00:00Z or 2025-06-01T08:00:00%2B08:00 (a '+' encoded as %2B).",
                decl.name
            ),
        )
    })
}

/// A data version (digits only, as /readyz writes it) or an RFC 3339 time: which one the
/// database then resolves ([`super::params::Since`]).
fn since(decl: &Decl, raw: &str) -> ApiResult<ParamValue> {
    // Up to 15 digits: every such number is exact as the f64 a parsed value keeps.
    if !raw.is_empty() && raw.len() <= 15 && raw.bytes().all(|b| b.is_ascii_digit()) {
        let version: i64 = raw.parse().expect("fifteen digits read as an i64");
        return Ok(ParamValue::Number(version as f64));
    }
    let parse = crate::domain::timestamp::parse_rfc3339;
    unencoded_plus(decl, raw, |typed| parse(typed).is_some())?;
    match parse(raw) {
        Some(moment) => Ok(ParamValue::Texts(vec![moment])),
        None => Err(invalid(
            decl.name,
            format!(
                "{}: '{raw}' is neither a data version (a whole number, as /readyz gives it) \
                 nor an RFC 3339 time; give one like 3, 2025-06-01T00:00:00Z or \
                 2025-06-01T08:00:00%2B08:00 (a '+' encoded as %2B).",
                decl.name
            ),
        )),
    }
}

fn number(decl: &Decl, raw: &str, range: Option<Range>) -> ApiResult<f64> {
    unencoded_plus(decl, raw, |typed| typed.parse::<f64>().is_ok())?;
    let number = match raw.parse::<f64>() {
        Ok(number) if number.is_finite() => number,
        _ => {
            return Err(invalid(
                decl.name,
                format!(
                    "{}: '{raw}' is not a finite number. Give plain units, \
                     e.g. 1000000000000 for 1 trillion yuan.",
                    decl.name
                ),
            ))
        }
    };
    if let Some(range) = range {
        let whole = (number.fract() == 0.0).then_some(number as i64);
        within(decl, number, whole, range)?;
    }
    Ok(number)
}

/// Keeps the first of each value.
fn distinct<T: Clone + Eq + std::hash::Hash>(values: &mut Vec<T>) {
    let mut seen = std::collections::HashSet::new();
    values.retain(|value| seen.insert(value.clone()));
}

/// A list without repeats, and refused past [`MAX_FILTER_VALUES`] values as given (repeats
/// count: the document's `maxItems` says so, and a schema cannot count distinct items).
fn capped(decl: &Decl, mut value: ParamValue) -> ApiResult<ParamValue> {
    let count = match &mut value {
        ParamValue::Texts(texts) => {
            let given = texts.len();
            distinct(texts);
            given
        }
        ParamValue::Years(years) => {
            let given = years.len();
            distinct(years);
            given
        }
        ParamValue::Number(_) => 1,
    };
    if count > MAX_FILTER_VALUES {
        return Err(invalid(
            decl.name,
            format!(
                "{}: {count} values; give at most {MAX_FILTER_VALUES}.",
                decl.name
            ),
        ));
    }
    Ok(value)
}

fn parse_sort(decl: &Decl, raw: &str, sorts: &[SortSpec]) -> ApiResult<Vec<SortKey>> {
    let name = decl.name;
    let mut keys: Vec<SortKey> = Vec::new();
    for item in split_list(decl, raw)? {
        let (descending, key) = match item.strip_prefix('-') {
            Some(key) => (true, key),
            None => (false, item.as_str()),
        };
        let sort = sorts.iter().find(|s| s.name == key).ok_or_else(|| {
            let sortable: Vec<&str> = sorts.iter().map(|s| s.name).collect();
            invalid(
                name,
                format!(
                    "{name}: cannot sort by '{key}'. Sortable fields: {} (prefix '-' for \
                     descending).",
                    sortable.join(", ")
                ),
            )
        })?;
        if keys.iter().any(|k| k.name == sort.name) {
            return Err(invalid(name, format!("{name}: '{key}' is given twice.")));
        }
        keys.push(SortKey {
            name: sort.name,
            path: sort.path,
            descending,
        });
    }
    Ok(keys)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
