//! The languages the API names things in: English, the default, and Chinese (simplified, the
//! standard names of the mainland). A name without a Chinese form (the synthetic catalogue's)
//! is answered in English in either.

/// A language of names and labels, as `lang=` and `Accept-Language` choose it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Language {
    /// English: the names the article prints.
    #[default]
    En,
    /// Chinese: each catalogue row's `name_zh`, the English kept beside it.
    Zh,
}

impl Language {
    /// Every language, the default first.
    pub const ALL: [Language; 2] = [Language::En, Language::Zh];

    /// Its tag: the word `lang=` takes and `Content-Language` says (BCP 47's primary
    /// language subtag).
    pub const fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Zh => "zh",
        }
    }

    /// The language a BCP 47 tag or language range names (`zh-CN`, `zh-Hant`, `EN-us`): its
    /// primary subtag, in any case; `None` for a language the API does not speak.
    pub fn of_tag(tag: &str) -> Option<Language> {
        let primary = tag.split('-').next().unwrap_or_default();
        Language::ALL
            .into_iter()
            .find(|language| language.tag().eq_ignore_ascii_case(primary))
    }
}

#[cfg(test)]
mod tests {
    use super::Language;

    #[test]
    fn a_tag_names_its_language_by_its_primary_subtag() {
        assert_eq!(Language::of_tag("zh"), Some(Language::Zh));
        assert_eq!(Language::of_tag("zh-CN"), Some(Language::Zh));
        assert_eq!(Language::of_tag("ZH-Hant-TW"), Some(Language::Zh));
        assert_eq!(Language::of_tag("en-GB"), Some(Language::En));
        assert_eq!(Language::of_tag("fr"), None);
        assert_eq!(Language::of_tag("zhx"), None);
        assert_eq!(Language::of_tag(""), None);
        assert_eq!(Language::default(), Language::En);
    }
}
