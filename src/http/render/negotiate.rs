//! Content negotiation: JSON, CSV, JSON-stat or SDMX-CSV, by `?format=` and then the `Accept` header's q-values;
//! whether `Accept` allows the one media type a resource has (an SVG chart, the metrics); and
//! the language of names, by `Accept-Language` (`?lang=`, which wins, is the parser's).

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;

use crate::domain::language::Language;
use crate::error::{ApiError, ApiResult};
use crate::service::query::params::{Format, FORMAT};

/// The media types `Accept` may name a format by, the first its `Content-Type`: each with
/// the `version` parameter it must carry, if any (an `Accept` that names another version
/// does not name it).
fn media_types(format: Format) -> &'static [(&'static str, Option<&'static str>)] {
    match format {
        Format::Json => &[("application/json", None)],
        Format::Csv => &[("text/csv", None)],
        // The JSON-stat format's own type, and the spelling some clients send.
        Format::JsonStat => &[
            ("application/json-stat+json", None),
            ("application/json+stat", None),
        ],
        Format::SdmxCsv => &[("application/vnd.sdmx.data+csv", Some("2.0.0"))],
    }
}

/// Picks the representation among `offered` (the endpoint's, its first the default):
/// `?format=` wins, then the `Accept` header (with q-values); no `Accept` means the first. An
/// `Accept` that allows none is a 406.
pub fn negotiate(
    headers: &HeaderMap,
    explicit: Option<Format>,
    offered: &[Format],
) -> ApiResult<Format> {
    if let Some(format) = explicit {
        if offered.contains(&format) {
            return Ok(format);
        }
        let name = FORMAT.name;
        let served: Vec<&str> = offered.iter().map(|f| f.word()).collect();
        return Err(ApiError::invalid_parameter(
            name,
            format!("{name}: this resource is served as {}.", served.join(", ")),
        ));
    }
    let offers: Vec<(&str, Option<&str>, Format)> = offered
        .iter()
        .flat_map(|format| {
            media_types(*format)
                .iter()
                .map(move |(media, version)| (*media, *version, *format))
        })
        .collect();
    choose(headers, &offers)
}

/// Checks that the `Accept` header allows `media`, the one representation of a resource that
/// has no other (an SVG chart, the metrics' text); no `Accept` allows anything. Otherwise a 406.
pub fn accept_only(headers: &HeaderMap, media: &'static str) -> ApiResult<()> {
    choose(headers, &[(media, None, ())])
}

/// The offer the `Accept` header prefers; the first offered when there is no `Accept`. An
/// offer is a media type, the `version` parameter a range naming it must not contradict, and
/// what it stands for.
fn choose<T: Copy>(headers: &HeaderMap, offered: &[(&str, Option<&str>, T)]) -> ApiResult<T> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Ok(offered[0].2);
    };
    // Media ranges with their q-values and versions; a range with a malformed q is dropped.
    let ranges: Vec<(String, f32, Option<String>)> = accept
        .split(',')
        .filter_map(|range| {
            let mut parts = range.split(';');
            let media = parts.next()?.trim().to_ascii_lowercase();
            let mut quality = 1.0_f32;
            let mut version = None;
            for parameter in parts {
                if let Some((key, value)) = parameter.split_once('=') {
                    if key.trim().eq_ignore_ascii_case("q") {
                        quality = value
                            .trim()
                            .parse()
                            .ok()
                            .filter(|q| (0.0..=1.0).contains(q))?;
                    } else if key.trim().eq_ignore_ascii_case("version") {
                        version = Some(value.trim().trim_matches('"').to_owned());
                    }
                }
            }
            Some((media, quality, version))
        })
        .collect();
    // Each offer takes the q of the most specific range that matches it (RFC 9110 §12.5.1);
    // the highest q wins, ties going to the server's order (JSON first).
    let mut best: Option<(f32, T)> = None;
    for (offer, offer_version, value) in offered {
        let kind_wildcard = format!("{}/*", offer.split('/').next().unwrap_or_default());
        let specificity = |media: &str, version: &Option<String>| {
            // A problem+json error is what a JSON resource answers with: asking for it is
            // asking for JSON.
            let json_alias = *offer == "application/json" && media == "application/problem+json";
            let same_version = match (version, offer_version) {
                (Some(asked), Some(served)) => asked == served,
                _ => true,
            };
            if (media == *offer && same_version) || json_alias {
                Some(3)
            } else if media == *offer {
                None
            } else if media == kind_wildcard {
                Some(2)
            } else if media == "*/*" {
                Some(1)
            } else {
                None
            }
        };
        let quality = ranges
            .iter()
            .filter_map(|(media, q, version)| specificity(media, version).map(|s| (s, *q)))
            .max_by_key(|(s, _)| *s)
            .map(|(_, q)| q)
            .unwrap_or(0.0);
        if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, *value));
        }
    }
    best.map(|(_, value)| value).ok_or_else(|| {
        let mut names: Vec<String> = Vec::new();
        for (offer, version, _) in offered {
            let name = match version {
                Some(version) => format!("{offer};version={version}"),
                None => (*offer).to_owned(),
            };
            if !names.contains(&name) {
                names.push(name);
            }
        }
        ApiError::NotAcceptable(format!(
            "Cannot serve '{accept}'. This resource is available as {}.",
            names.join(" or ")
        ))
    })
}

/// The language `Accept-Language` prefers among the API's (RFC 9110 §12.5.4): each language
/// takes the q of the most specific range that names it (`zh-CN` and `zh-Hant` name Chinese;
/// `*` names both, least specifically); the highest q wins, a tie going to the range listed
/// first. No header, or one that names neither language (or refuses both), is English: a
/// language the API does not speak is no reason to refuse an answer.
pub fn language(accept_language: Option<&HeaderValue>) -> Language {
    let Some(text) = accept_language.and_then(|value| value.to_str().ok()) else {
        return Language::default();
    };
    // For each language: (specificity, q, place) of the range that decides it.
    let mut decided: [Option<(u8, f32, usize)>; 2] = [None; 2];
    for (place, range) in text.split(',').enumerate() {
        let mut parts = range.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let Some(quality) = parts
            .filter_map(|parameter| parameter.split_once('='))
            .filter(|(key, _)| key.trim().eq_ignore_ascii_case("q"))
            .map(|(_, value)| value.trim().parse::<f32>().ok())
            .next()
            .unwrap_or(Some(1.0))
            .filter(|q| (0.0..=1.0).contains(q))
        else {
            continue;
        };
        let named: Vec<(Language, u8)> = if tag == "*" {
            Language::ALL
                .iter()
                .map(|language| (*language, 1))
                .collect()
        } else {
            Language::of_tag(tag).map(|l| (l, 2)).into_iter().collect()
        };
        for (language, specificity) in named {
            let slot = &mut decided[language as usize];
            if slot.is_none_or(|(s, _, _)| specificity > s) {
                *slot = Some((specificity, quality, place));
            }
        }
    }
    Language::ALL
        .into_iter()
        .zip(decided)
        .filter_map(|(language, decided)| decided.map(|(_, q, place)| (language, q, place)))
        .filter(|(_, q, _)| *q > 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.2.cmp(&a.2)))
        .map_or(Language::default(), |(language, _, _)| language)
}

/// `response`, saying the language its names are in (`Content-Language`). What the handlers
/// that name things answer with; `Vary: Accept-Language` is the caching layer's, on every
/// response.
pub fn content_language(mut response: Response, language: Language) -> Response {
    response.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(language.tag()),
    );
    response
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn accept_headers_choose_the_representation() {
        assert_eq!(
            negotiate(&HeaderMap::new(), None, Format::LIST).unwrap(),
            Format::Json
        );
        assert_eq!(
            negotiate(&accept("text/csv"), None, Format::LIST).unwrap(),
            Format::Csv
        );
        assert_eq!(
            negotiate(&accept("*/*"), None, Format::LIST).unwrap(),
            Format::Json
        );
        assert_eq!(
            negotiate(
                &accept("application/json;q=0.5, text/csv"),
                None,
                Format::LIST
            )
            .unwrap(),
            Format::Csv
        );
        assert_eq!(
            negotiate(&accept("text/*"), None, Format::LIST).unwrap(),
            Format::Csv
        );
        assert_eq!(
            negotiate(&accept("text/csv"), Some(Format::Json), Format::LIST).unwrap(),
            Format::Json
        );
        assert!(matches!(
            negotiate(&accept("application/xml"), None, Format::LIST),
            Err(ApiError::NotAcceptable(_))
        ));
        assert!(matches!(
            negotiate(&accept("text/csv"), None, Format::ONE),
            Err(ApiError::NotAcceptable(_))
        ));
        assert!(matches!(
            negotiate(&accept("text/csv;q=0"), None, Format::LIST),
            Err(ApiError::NotAcceptable(_))
        ));
        // The most specific range decides: JSON is refused here, so CSV it is.
        assert_eq!(
            negotiate(&accept("application/json;q=0, */*"), None, Format::LIST).unwrap(),
            Format::Csv
        );
        assert_eq!(
            negotiate(
                &accept("application/json;Q=0, text/csv;q=0.5"),
                None,
                Format::LIST
            )
            .unwrap(),
            Format::Csv
        );
        // A malformed q drops its range.
        assert!(matches!(
            negotiate(&accept("text/csv;q=NaN"), None, Format::LIST),
            Err(ApiError::NotAcceptable(_))
        ));
    }

    #[test]
    fn statistical_formats_are_chosen_by_their_media_types() {
        let figures = |value: &str| negotiate(&accept(value), None, Format::FIGURES);
        assert_eq!(
            figures("application/json-stat+json").unwrap(),
            Format::JsonStat
        );
        assert_eq!(figures("application/json+stat").unwrap(), Format::JsonStat);
        assert_eq!(
            figures("application/vnd.sdmx.data+csv;version=2.0.0").unwrap(),
            Format::SdmxCsv
        );
        assert_eq!(
            figures("application/vnd.sdmx.data+csv").unwrap(),
            Format::SdmxCsv
        );
        // Another version of SDMX-CSV is another format.
        assert!(matches!(
            figures("application/vnd.sdmx.data+csv;version=1.0.0"),
            Err(ApiError::NotAcceptable(_))
        ));
        // A list that is not of figures offers neither.
        assert!(matches!(
            negotiate(&accept("application/json-stat+json"), None, Format::LIST),
            Err(ApiError::NotAcceptable(_))
        ));
        // JSON stays the default, and the first among equals.
        assert_eq!(figures("*/*").unwrap(), Format::Json);
        assert_eq!(
            negotiate(&HeaderMap::new(), None, Format::FIGURES).unwrap(),
            Format::Json
        );
    }

    fn preferred(accept_language: &str) -> Language {
        language(Some(&HeaderValue::from_str(accept_language).unwrap()))
    }

    #[test]
    fn accept_language_chooses_the_language_of_names() {
        assert_eq!(language(None), Language::En);
        assert_eq!(preferred("zh"), Language::Zh);
        assert_eq!(preferred("zh-CN,zh;q=0.9,en;q=0.8"), Language::Zh);
        assert_eq!(preferred("en-US,en;q=0.9,zh-CN;q=0.8"), Language::En);
        assert_eq!(preferred("zh-Hant-TW"), Language::Zh);
        assert_eq!(preferred("fr-FR, de;q=0.5"), Language::En);
        assert_eq!(preferred("fr, zh;q=0.3"), Language::Zh);
        // A tie goes to the range listed first; `*` is less specific than a language.
        assert_eq!(preferred("zh, en"), Language::Zh);
        assert_eq!(preferred("en, zh"), Language::En);
        assert_eq!(preferred("*;q=0.9, zh;q=0.5"), Language::En);
        assert_eq!(preferred("en;q=0, *"), Language::Zh);
        assert_eq!(preferred("zh;q=0"), Language::En);
        // A malformed q drops its range.
        assert_eq!(preferred("zh;q=2, en;q=0.1"), Language::En);
        assert_eq!(preferred("ZH-cn;Q=0.7"), Language::Zh);
    }

    #[test]
    fn a_resource_of_one_media_type_takes_what_allows_it() {
        for allowed in ["image/svg+xml", "image/*", "*/*", "text/html, */*;q=0.1"] {
            assert!(
                accept_only(&accept(allowed), "image/svg+xml").is_ok(),
                "{allowed}"
            );
        }
        assert!(accept_only(&HeaderMap::new(), "image/svg+xml").is_ok());
        for refused in [
            "application/json",
            "image/png",
            "image/svg+xml;q=0",
            "text/*",
        ] {
            assert!(
                matches!(
                    accept_only(&accept(refused), "image/svg+xml"),
                    Err(ApiError::NotAcceptable(_))
                ),
                "{refused}"
            );
        }
        // Prometheus's own Accept.
        let scrape = "application/openmetrics-text;version=1.0.0;q=0.5,\
                      text/plain;version=0.0.4;q=0.4,*/*;q=0.1";
        assert!(accept_only(&accept(scrape), "text/plain").is_ok());
    }

    proptest::proptest! {
        /// Any Accept-Language header yields a language, never a panic.
        #[test]
        fn any_accept_language_header_yields_a_language(value in "[ -~]{0,80}") {
            if let Ok(value) = HeaderValue::from_str(&value) {
                language(Some(&value));
            }
        }

        /// Any Accept header yields a representation or a 406, never a panic.
        #[test]
        fn any_accept_header_is_served_or_refused(accept_value in "[ -~]{0,80}") {
            let Ok(value) = HeaderValue::from_str(&accept_value) else {
                return Ok(());
            };
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT, value);
            let outcome = negotiate(&headers, None, Format::LIST);
            proptest::prop_assert!(matches!(outcome, Ok(_) | Err(ApiError::NotAcceptable(_))));
        }
    }
}
