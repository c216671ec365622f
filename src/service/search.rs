//! The search across the catalogue: what a person typed, as words, looked up in the English
//! index (stemmed words, each a prefix) and in the Chinese one (trigram: each word a run of
//! characters inside a name; words shorter than three characters, 广东 or 深圳, by a scan of
//! it), the hits of both merged best first, each with its name in the language asked.

use std::collections::HashMap;

use sqlx::SqlitePool;

use crate::domain::entity::Entity;
use crate::domain::language::Language;
use crate::store::catalogue as store;
pub use crate::store::catalogue::SearchHit;

/// The shortest word the trigram index can look up.
const TRIGRAM: usize = 3;

/// The words of what a person typed: its runs of letters and digits. Anything else (quotes,
/// operators, punctuation) separates words, so no input is a syntax error. A Chinese phrase
/// is one run: the Chinese index finds it inside longer names.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The English index's FTS5 query: each word quoted, each a prefix ("robot" finds
/// "robotics"), all required.
fn english_query(words: &[String]) -> String {
    let terms: Vec<String> = words.iter().map(|word| format!("\"{word}\"*")).collect();
    terms.join(" ")
}

/// The Chinese index's FTS5 query: each word quoted, found anywhere inside a name (the
/// trigram tokenizer matches substrings), all required.
fn chinese_query(words: &[String]) -> String {
    let terms: Vec<String> = words.iter().map(|word| format!("\"{word}\"")).collect();
    terms.join(" ")
}

/// A hit, with the name of what it found in the language asked.
#[derive(Debug, Clone)]
pub struct NamedHit {
    pub hit: SearchHit,
    pub name: String,
}

/// The hits for `text`, best first (lowest rank, then kind and id), each once, named in
/// `language`; `None` when `text` has no letter or digit to search for. A hit's title and
/// snippet are in the language its words matched in, matches marked `<mark>`…`</mark>`.
pub async fn search(
    pool: &SqlitePool,
    text: &str,
    language: Language,
) -> sqlx::Result<Option<Vec<NamedHit>>> {
    let words = words(text);
    if words.is_empty() {
        return Ok(None);
    }
    let mut hits = store::search(pool, &english_query(&words)).await?;
    let chinese = if words.iter().all(|word| word.chars().count() >= TRIGRAM) {
        store::search_chinese(pool, &chinese_query(&words)).await?
    } else {
        store::search_chinese_containing(pool, &words)
            .await?
            .into_iter()
            .map(|hit| marked(hit, &words))
            .collect()
    };
    for hit in chinese {
        // What both indexes found keeps its better rank.
        match hits
            .iter_mut()
            .find(|seen| seen.kind == hit.kind && seen.ref_id == hit.ref_id)
        {
            Some(seen) if seen.rank <= hit.rank => {}
            Some(seen) => *seen = hit,
            None => hits.push(hit),
        }
    }
    hits.sort_by(|a, b| {
        a.rank
            .total_cmp(&b.rank)
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.ref_id.cmp(&b.ref_id))
    });
    let mut names: HashMap<&'static str, HashMap<String, String>> = HashMap::new();
    let mut named = Vec::with_capacity(hits.len());
    for hit in hits {
        let Some((kind, entity)) = entity_of(&hit.kind) else {
            continue;
        };
        if !names.contains_key(kind) {
            let references = store::names(pool, entity, language).await?;
            names.insert(
                kind,
                references.into_iter().map(|r| (r.id, r.name)).collect(),
            );
        }
        let name = names[kind].get(&hit.ref_id).cloned().unwrap_or_default();
        named.push(NamedHit { hit, name });
    }
    Ok(Some(named))
}

/// The kind of resource a search entry is about.
fn entity_of(kind: &str) -> Option<(&'static str, Entity)> {
    [
        ("cluster", Entity::Cluster),
        ("cluster_group", Entity::ClusterGroup),
        ("indicator", Entity::Indicator),
        ("region", Entity::Region),
        ("speaker", Entity::Speaker),
        ("city_plan", Entity::CityPlan),
        ("company", Entity::Company),
        ("facility", Entity::Facility),
    ]
    .into_iter()
    .find(|(name, _)| *name == kind)
}

/// A hit of the Chinese scan, marked as FTS5 marks a match, and ranked like FTS5's bm25
/// (lower is better): by the share of its title the words cover, negated, so 深圳 ranks
/// 深圳市 before 深圳市战略性新兴产业集群, and a hit in the body alone (0) after both.
fn marked(mut hit: SearchHit, words: &[String]) -> SearchHit {
    let (title, covered) = mark(&hit.title, words);
    let total = hit.title.chars().count().max(1);
    // Plain 0 for none (not -0, which JSON would print as such).
    hit.rank = if covered == 0 {
        0.0
    } else {
        -(covered as f64 / total as f64)
    };
    hit.title = title;
    hit.snippet = mark(&hit.snippet, words).0;
    hit
}

/// `text` with every occurrence of each word (in any case) between `<mark>` and `</mark>`,
/// overlapping occurrences as one; and how many characters are marked.
fn mark(text: &str, words: &[String]) -> (String, usize) {
    let chars: Vec<char> = text.chars().collect();
    let folded: Vec<char> = chars.iter().map(char::to_ascii_lowercase).collect();
    let mut marked = vec![false; chars.len()];
    for word in words {
        let word: Vec<char> = word.chars().map(|c| c.to_ascii_lowercase()).collect();
        if word.is_empty() || word.len() > folded.len() {
            continue;
        }
        for start in 0..=folded.len() - word.len() {
            if folded[start..start + word.len()] == word[..] {
                marked[start..start + word.len()].fill(true);
            }
        }
    }
    let mut out = String::with_capacity(text.len() + 13);
    for (index, c) in chars.iter().enumerate() {
        let before = index > 0 && marked[index - 1];
        if marked[index] && !before {
            out.push_str("<mark>");
        }
        if !marked[index] && before {
            out.push_str("</mark>");
        }
        out.push(*c);
    }
    if marked.last() == Some(&true) {
        out.push_str("</mark>");
    }
    (out, marked.iter().filter(|m| **m).count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_becomes_safe_queries() {
        let typed = words("new-energy \"cars");
        assert_eq!(english_query(&typed), "\"new\"* \"energy\"* \"cars\"*");
        assert_eq!(english_query(&words("robot")), "\"robot\"*");
        assert_eq!(chinese_query(&words("横琴 粤澳")), "\"横琴\" \"粤澳\"");
        assert_eq!(words("广东省（深圳）"), ["广东省", "深圳"]);
        assert!(words("\" * ( )").is_empty());
    }

    #[test]
    fn a_scanned_hit_is_marked_and_ranked_by_how_much_of_its_title_matched() {
        let hit = |title: &str, body: &str| SearchHit {
            kind: "region".to_owned(),
            ref_id: "x".to_owned(),
            title: title.to_owned(),
            snippet: body.to_owned(),
            rank: 0.0,
        };
        let words = words("深圳");
        let city = marked(hit("深圳市", "广东省"), &words);
        assert_eq!(city.title, "<mark>深圳</mark>市");
        assert_eq!(city.snippet, "广东省");
        let group = marked(hit("深圳市战略性新兴产业集群", "深圳市"), &words);
        assert_eq!(group.snippet, "<mark>深圳</mark>市");
        let within = marked(hit("比亚迪", "深圳市"), &words);
        assert!(city.rank < group.rank && group.rank < within.rank);
        assert!(within.rank == 0.0 && within.rank.is_sign_positive());
        assert_eq!(
            mark("R&D 研发 rd", &["rd".to_owned(), "D".to_owned()]).0,
            "R&<mark>D</mark> 研发 <mark>rd</mark>"
        );
        assert_eq!(
            mark("aaa", &["aa".to_owned()]),
            ("<mark>aaa</mark>".to_owned(), 3)
        );
    }
}
