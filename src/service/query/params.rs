//! Every query parameter of the API, declared once: its name, the values it takes (what the
//! parser checks and the OpenAPI document describes) and, as its type parameter, what a typed
//! query reads from it. Endpoint specs ([`super::spec`]) list these declarations, the parser
//! checks values against them, and the typed queries ([`super::queries`]) read them through
//! them: `parsed.get(&REGION)` is a `Vec<String>`, `parsed.get(&CURRENCY)` an
//! `Option<Currency>`. No code names a parameter by a string, so a misspelt parameter is a
//! misspelt constant, and does not compile.
//!
//! The declarations are `static`s, so that each has one address: a test of the endpoint table
//! (`http::router`) checks that every endpoint takes these and declares none of its own.

use std::marker::PhantomData;

use crate::domain::analytics::conversion::Currency;
use crate::domain::analytics::transforms::Transform;
use crate::domain::entity::Entity;
use crate::domain::figure::{self, FigureRole, Scale, QUALIFIERS, UNITS};
use crate::domain::language::Language;
use crate::store::figures::Facet;

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 1000;

/// Values one parameter may list; more is a 400 (each value is a term of the SQL query).
pub const MAX_FILTER_VALUES: usize = 50;

/// Characters a free text (a search) may have.
pub const MAX_TEXT_CHARS: usize = 200;

/// Whole numbers from `min` to `max`, and what a person calls one (for the 400 that refuses
/// another).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub min: i64,
    pub max: i64,
    pub noun: &'static str,
}

impl Range {
    pub fn contains(&self, value: i64) -> bool {
        (self.min..=self.max).contains(&value)
    }
}

/// The years a period may be filtered by.
pub const CALENDAR_YEARS: Range = Range {
    min: 1900,
    max: 2100,
    noun: "a calendar year",
};

/// The page sizes `limit` takes: 0 for no items, only the total (`meta.total`, and the
/// `X-Total-Count` header), so that a client can size a download first.
pub const PAGE_SIZES: Range = Range {
    min: 0,
    max: MAX_LIMIT as i64,
    noun: "a whole number",
};

/// How many figures of each series `latest` keeps.
pub const LATEST_COUNTS: Range = Range {
    min: 1,
    max: 100,
    noun: "a whole number of figures",
};

/// A chart's width and height.
pub const PIXELS: Range = Range {
    min: 200,
    max: 2000,
    noun: "a whole number of pixels",
};

/// What values a parameter takes, and so how the parser checks them and the OpenAPI document
/// describes them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamKind {
    /// Ids of one kind of entity, checked against the database; several allowed,
    /// comma-separated or by repeating the key.
    Ids(Entity),
    /// Words from a fixed list; several allowed.
    Words(&'static [&'static str]),
    /// One word from a fixed list: the words of an enumeration ([`Word`]).
    Choice(&'static [&'static str]),
    /// Indicator concepts: data, not a fixed list, so checked against the catalogue; several
    /// allowed.
    Concepts,
    /// One free text (a search), at most [`MAX_TEXT_CHARS`] characters.
    Text,
    /// Calendar years; several allowed.
    Years,
    /// One calendar year (a bound of a range).
    Year,
    /// One finite number; with a range, a whole one within it.
    Number(Option<Range>),
    /// One RFC 3339 time, kept in [`crate::domain::timestamp`]'s canonical UTC form.
    Time,
    /// One RFC 3339 time (kept canonical, as [`ParamKind::Time`]) or one data version (the id
    /// of an import, digits only): a point in the data's history ([`Since`]).
    Since,
    /// The list controls every list shares, each parsed by its own rule.
    Sort,
    Limit,
    Cursor,
    Fields,
    Format,
}

/// One query parameter: its name and the values it takes.
#[derive(Debug, PartialEq)]
pub struct Decl {
    pub name: &'static str,
    pub kind: ParamKind,
    /// For words of an enumeration whose variants say what they mean: each word's meaning, in
    /// the order of the words (the OpenAPI document lists them); empty otherwise.
    pub docs: &'static [&'static str],
    /// What the parameter means, where its kind does not say it (the OpenAPI document puts
    /// it first); empty otherwise.
    pub meaning: &'static str,
}

/// A declared parameter whose value a typed query reads as a `T`. Its constructors tie `T` to
/// the kind of values, so a parameter cannot be read as what it is not.
#[derive(Debug)]
pub struct Param<T> {
    pub decl: Decl,
    value: PhantomData<fn() -> T>,
}

/// A parameter as one endpoint takes it: the declaration, and for a list held in memory, the
/// dotted path in each item that its values must match (`region.id`). Without a path the
/// endpoint's typed query reads the value itself.
#[derive(Debug, Clone, Copy)]
pub struct Accepted {
    pub param: &'static Decl,
    pub path: Option<&'static str>,
}

impl<T> Param<T> {
    const fn new(name: &'static str, kind: ParamKind) -> Self {
        Param {
            decl: Decl {
                name,
                kind,
                docs: &[],
                meaning: "",
            },
            value: PhantomData,
        }
    }

    /// The same parameter, saying what it means (and, for words, what each means).
    const fn meaning(mut self, meaning: &'static str, docs: &'static [&'static str]) -> Self {
        self.decl.meaning = meaning;
        self.decl.docs = docs;
        self
    }

    pub const fn name(&self) -> &'static str {
        self.decl.name
    }

    /// Taken by an endpoint whose typed query reads it.
    pub const fn accept(&'static self) -> Accepted {
        Accepted {
            param: &self.decl,
            path: None,
        }
    }

    /// Taken by a list held in memory: its items whose `path` holds one of the values.
    pub const fn matching(&'static self, path: &'static str) -> Accepted {
        Accepted {
            param: &self.decl,
            path: Some(path),
        }
    }
}

impl Param<Vec<String>> {
    const fn ids(name: &'static str, entity: Entity) -> Self {
        Param::new(name, ParamKind::Ids(entity))
    }

    const fn words(name: &'static str, words: &'static [&'static str]) -> Self {
        Param::new(name, ParamKind::Words(words))
    }

    const fn concepts(name: &'static str) -> Self {
        Param::new(name, ParamKind::Concepts)
    }
}

impl Param<Vec<i32>> {
    const fn year_list(name: &'static str) -> Self {
        Param::new(name, ParamKind::Years)
    }
}

impl Param<Option<i32>> {
    const fn year(name: &'static str) -> Self {
        Param::new(name, ParamKind::Year)
    }
}

impl Param<Option<f64>> {
    const fn finite(name: &'static str) -> Self {
        Param::new(name, ParamKind::Number(None))
    }
}

impl Param<Option<u32>> {
    const fn whole(name: &'static str, range: Range) -> Self {
        Param::new(name, ParamKind::Number(Some(range)))
    }
}

impl Param<Option<String>> {
    const fn text(name: &'static str) -> Self {
        Param::new(name, ParamKind::Text)
    }

    const fn time(name: &'static str) -> Self {
        Param::new(name, ParamKind::Time)
    }
}

impl Param<Option<Since>> {
    const fn since(name: &'static str) -> Self {
        Param::new(name, ParamKind::Since)
    }
}

impl<W: Word> Param<Option<W>> {
    const fn choice(name: &'static str) -> Self {
        Param::new(name, ParamKind::Choice(W::WORDS))
    }
}

impl<W: figure::column::Word> Param<Vec<W>> {
    /// Words of one of the figure's enumerations, several allowed, each documented by its
    /// variant's doc comment.
    const fn enumeration(name: &'static str) -> Self {
        Param {
            decl: Decl {
                name,
                kind: ParamKind::Words(W::WORDS),
                docs: W::DOCS,
                meaning: "",
            },
            value: PhantomData,
        }
    }
}

/// An enumeration a parameter chooses from: its words on the wire, and the value of each.
pub trait Word: Sized {
    const WORDS: &'static [&'static str];
    fn from_word(word: &str) -> Option<Self>;
}

impl Word for Currency {
    const WORDS: &'static [&'static str] = &["CNY", "USD"];
    fn from_word(word: &str) -> Option<Self> {
        Currency::parse(word)
    }
}

impl Word for Scale {
    const WORDS: &'static [&'static str] = &["unit", "thousand", "million", "billion", "trillion"];
    fn from_word(word: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::from(word)).ok()
    }
}

impl Word for Transform {
    const WORDS: &'static [&'static str] = &["level", "change", "pct_change", "cagr"];
    fn from_word(word: &str) -> Option<Self> {
        Transform::parse(word)
    }
}

impl Word for Language {
    const WORDS: &'static [&'static str] = &["en", "zh"];
    fn from_word(word: &str) -> Option<Self> {
        Language::ALL
            .into_iter()
            .find(|language| language.tag() == word)
    }
}

/// The representations a resource may be served in: JSON, and for lists CSV; a list of
/// figures also as a JSON-stat 2.0 dataset and as SDMX-CSV 2.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    /// A JSON-stat 2.0 dataset: one indicator's figures as a cube.
    JsonStat,
    /// SDMX-CSV 2.0: one row per figure, SDMX's columns first.
    SdmxCsv,
}

impl Format {
    /// What a single resource is served as.
    pub const ONE: &'static [Format] = &[Format::Json];
    /// What a list is served as.
    pub const LIST: &'static [Format] = &[Format::Json, Format::Csv];
    /// What a list of figures is served as.
    pub const FIGURES: &'static [Format] =
        &[Format::Json, Format::Csv, Format::JsonStat, Format::SdmxCsv];
    /// What a list of figures of several indicators is served as: a JSON-stat dataset is one
    /// indicator's.
    pub const MIXED_FIGURES: &'static [Format] = &[Format::Json, Format::Csv, Format::SdmxCsv];

    /// Its word in `format=`.
    pub fn word(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::JsonStat => "jsonstat",
            Format::SdmxCsv => "sdmx-csv",
        }
    }
}

impl Word for Format {
    const WORDS: &'static [&'static str] = &["json", "csv", "jsonstat", "sdmx-csv"];
    fn from_word(word: &str) -> Option<Self> {
        Format::FIGURES
            .iter()
            .copied()
            .find(|format| format.word() == word)
    }
}

impl Word for bool {
    const WORDS: &'static [&'static str] = &["true", "false"];
    fn from_word(word: &str) -> Option<Self> {
        word.parse().ok()
    }
}

/// A point in the data's history, as `updated_after` gives it: a moment, or a data version
/// (the id of an import, which stands for the moment that import was recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// An RFC 3339 time, in [`crate::domain::timestamp`]'s canonical UTC form.
    Time(String),
    /// A data version: 0 is the migrated data alone.
    Version(i64),
}

/// A parsed value, as the parser keeps it (and a cursor's fingerprint hashes it).
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    Texts(Vec<String>),
    Years(Vec<i32>),
    Number(f64),
}

/// What a typed query reads from a parsed value; absent, the parameter's default (no filter).
pub trait FromValue: Sized {
    fn from_value(value: Option<&ParamValue>) -> Self;
}

impl FromValue for Vec<String> {
    fn from_value(value: Option<&ParamValue>) -> Self {
        match value {
            Some(ParamValue::Texts(texts)) => texts.clone(),
            _ => Vec::new(),
        }
    }
}

impl FromValue for Option<String> {
    fn from_value(value: Option<&ParamValue>) -> Self {
        Vec::<String>::from_value(value).pop()
    }
}

impl<W: Word> FromValue for Option<W> {
    fn from_value(value: Option<&ParamValue>) -> Self {
        Option::<String>::from_value(value).and_then(|word| W::from_word(&word))
    }
}

impl<W: figure::column::Word> FromValue for Vec<W> {
    /// Words the parser checked, as the enumeration's values.
    fn from_value(value: Option<&ParamValue>) -> Self {
        Vec::<String>::from_value(value)
            .iter()
            .filter_map(|word| W::from_word(word))
            .collect()
    }
}

impl FromValue for Vec<i32> {
    fn from_value(value: Option<&ParamValue>) -> Self {
        match value {
            Some(ParamValue::Years(years)) => years.clone(),
            _ => Vec::new(),
        }
    }
}

impl FromValue for Option<i32> {
    fn from_value(value: Option<&ParamValue>) -> Self {
        Vec::<i32>::from_value(value).first().copied()
    }
}

impl FromValue for Option<f64> {
    fn from_value(value: Option<&ParamValue>) -> Self {
        match value {
            Some(ParamValue::Number(number)) => Some(*number),
            _ => None,
        }
    }
}

impl FromValue for Option<Since> {
    /// A time (text) or a version (a whole number), as the parser read it.
    fn from_value(value: Option<&ParamValue>) -> Self {
        match value {
            Some(ParamValue::Number(version)) => Some(Since::Version(*version as i64)),
            Some(ParamValue::Texts(texts)) => texts.first().cloned().map(Since::Time),
            _ => None,
        }
    }
}

impl FromValue for Option<u32> {
    /// A whole number the parser checked against its range.
    fn from_value(value: Option<&ParamValue>) -> Self {
        Option::<f64>::from_value(value).map(|number| number as u32)
    }
}

// The figures: which ones (filters applied in SQL), as known when, presented how.

pub static INDICATOR: Param<Vec<String>> = Param::ids("indicator", Entity::Indicator);
pub static REGION: Param<Vec<String>> = Param::ids("region", Entity::Region);
pub static CLUSTER: Param<Vec<String>> = Param::ids("cluster", Entity::Cluster);
pub static CLUSTER_GROUP: Param<Vec<String>> = Param::ids("cluster_group", Entity::ClusterGroup);
pub static COMPANY: Param<Vec<String>> = Param::ids("company", Entity::Company);
pub static CITY_PLAN: Param<Vec<String>> = Param::ids("city_plan", Entity::CityPlan);
pub static SPEAKER: Param<Vec<String>> = Param::ids("speaker", Entity::Speaker);
pub static SOURCE: Param<Vec<String>> = Param::ids("source", Entity::Source);
pub static CONCEPT: Param<Vec<String>> = Param::concepts("concept");
pub static TOPIC: Param<Vec<String>> = Param::words("topic", TOPICS);
pub static UNIT: Param<Vec<String>> = Param::words("unit", UNITS);
pub static QUALIFIER: Param<Vec<String>> = Param::words("qualifier", QUALIFIERS);
pub static YEAR: Param<Vec<i32>> = Param::year_list("year");
pub static FROM: Param<Option<i32>> = Param::year("from");
pub static TO: Param<Option<i32>> = Param::year("to");
pub static MIN: Param<Option<f64>> = Param::finite("min");
pub static MAX: Param<Option<f64>> = Param::finite("max");
pub static AS_OF: Param<Option<String>> = Param::time("as_of");
pub static CURRENCY: Param<Option<Currency>> = Param::choice("currency");
pub static SCALE: Param<Option<Scale>> = Param::choice("scale");
pub static TRANSFORM: Param<Option<Transform>> = Param::choice("transform");
pub static ROLE: Param<Vec<FigureRole>> = Param::enumeration("role");
pub static WITHIN: Param<Vec<String>> = Param::ids("within", Entity::Region).meaning(
    "Figures of these regions and of every region inside them: their children, their \
     children's, and a grouping's members (the Greater Bay Area's eleven) with what is inside \
     those. Combines with the other filters like any of them: region=shenzhen&within=guangdong \
     is Shenzhen's figures.",
    &[],
);

pub static UPDATED_AFTER: Param<Option<Since>> = Param::since("updated_after").meaning(
    "Only the figures whose latest revision was recorded after this point, for a client that \
     syncs: an RFC 3339 time, or a data version (the `data_version` of /readyz, the id of an \
     import; 0 is the data as migrated, before any import), which stands for the time that \
     import was recorded. Figures retracted since are listed too, each as it stood when \
     withdrawn, with its retraction's revision number, and marked: their ids in \
     meta.retracted (JSON), `true` in a last `retracted` column (CSV). Not with as_of, \
     transform, latest or facets.",
    &[],
);

// What a figure list adds to its page.

pub static FACETS: Param<Vec<Facet>> = Param::enumeration("facets").meaning(
    "Counts of the figures the filters keep (all pages, whatever limit, cursor and sort), by \
     each value of these columns, in meta.facets of a JSON answer: one list per facet asked \
     for, each value with its id (what the filter of that name takes), a label in the \
     language of names and its count, most figures first. Only JSON carries them (ignored \
     for CSV, JSON-stat and SDMX-CSV); not with transform, latest or updated_after.",
    <Facet as figure::column::Word>::DOCS,
);

pub static LATEST: Param<Option<u32>> = Param::whole("latest", LATEST_COUNTS).meaning(
    "The last N figures of each series among those the filters keep: a series is one subject \
     (indicator, region, cluster, cluster group, company, city plan) at one frequency (yearly, \
     quarterly, a span of five years...), as transform= reads them, and its last figures are \
     those of its latest periods. Figures that are no point of a series (targets, states as of \
     a date, streaks, repeats, dollar equivalents, undated) are left out. Served in source \
     order unless sorted; not with transform, facets or updated_after.",
    &[],
);

// Every endpoint that reads its query string: the language of names.

pub static LANG: Param<Option<Language>> = Param::choice("lang").meaning(
    "The language of names and labels; without it, the Accept-Language header's choice, and \
     English where that names neither. The answer's Content-Language says which.",
    &[
        "English: the names the article prints.",
        "Chinese: each name in `name` (a source's headline in `headline`), the English kept in \
         `name_en` (`headline_en`); a figure's names, every reference's name and a search \
         hit's `name` in Chinese too. Names with no Chinese form stay English.",
    ],
);

// Every list: how a CSV body starts.

pub static BOM: Param<Option<bool>> = Param::choice("bom").meaning(
    "Whether a CSV body (a list as CSV, the export as CSV, SDMX-CSV) starts with a UTF-8 \
     byte-order mark, which Excel needs to read Chinese names as UTF-8; without it, false. \
     Other representations take it and are unchanged.",
    &[
        "A byte-order mark (EF BB BF) before the first row.",
        "No byte-order mark: the body starts with the header row.",
    ],
);

pub const TOPICS: &[&str] = &[
    "industry",
    "innovation",
    "greater_bay_area",
    "marine_economy",
    "city_plans",
    "talent",
    "companies",
    "media",
];

// The catalogue lists' own filters, matched in memory. Each resource has its own `kind`s: the
// three are different parameters that share a name, never taken by one endpoint together.

pub static REGION_KIND: Param<Vec<String>> = Param::words(
    "kind",
    &[
        "country",
        "province",
        "megaregion",
        "special_administrative_region",
        "city",
        "cooperation_zone",
    ],
);
pub static PARENT: Param<Vec<String>> = Param::ids("parent", Entity::Region);
pub static GROUP: Param<Vec<String>> = Param::ids("group", Entity::ClusterGroup);
pub static GROUP_KIND: Param<Vec<String>> = Param::words(
    "kind",
    &[
        "trillion_yuan_industrial",
        "strategic_industry",
        "strategic_emerging_industry",
        "agricultural_industry",
        "agricultural_industry_chain",
        "sci_tech",
    ],
);
pub static CITY: Param<Vec<String>> = Param::ids("city", Entity::CityPlan);
pub static MEASURE: Param<Vec<String>> = Param::words(
    "measure",
    &[
        "level",
        "change",
        "growth_rate",
        "share",
        "rank",
        "count",
        "duration",
        "threshold",
        "target",
    ],
);
pub static FACILITY_KIND: Param<Vec<String>> = Param::words(
    "kind",
    &[
        "national_laboratory",
        "science_facility",
        "innovation_platform",
    ],
);

// The search and the chart.

pub static Q: Param<Option<String>> = Param::text("q");
pub static TYPE: Param<Vec<String>> = Param::words(
    "type",
    &[
        "cluster",
        "cluster_group",
        "indicator",
        "region",
        "speaker",
        "city_plan",
        "company",
        "facility",
    ],
);
pub static WIDTH: Param<Option<u32>> = Param::whole("width", PIXELS);
pub static HEIGHT: Param<Option<u32>> = Param::whole("height", PIXELS);

// The controls every list shares; parsed into `ListControls`, not read one by one.

pub static SORT: Decl = Decl {
    name: "sort",
    kind: ParamKind::Sort,
    docs: &[],
    meaning: "",
};
pub static LIMIT: Decl = Decl {
    name: "limit",
    kind: ParamKind::Limit,
    docs: &[],
    meaning: "",
};
pub static CURSOR: Decl = Decl {
    name: "cursor",
    kind: ParamKind::Cursor,
    docs: &[],
    meaning: "",
};
pub static FIELDS: Decl = Decl {
    name: "fields",
    kind: ParamKind::Fields,
    docs: &[],
    meaning: "",
};
pub static FORMAT: Decl = Decl {
    name: "format",
    kind: ParamKind::Format,
    docs: &[],
    meaning: "",
};

/// Every declaration above: the table the test of the endpoint table holds endpoints to.
pub static ALL: &[&Decl] = &[
    &INDICATOR.decl,
    &REGION.decl,
    &CLUSTER.decl,
    &CLUSTER_GROUP.decl,
    &COMPANY.decl,
    &CITY_PLAN.decl,
    &SPEAKER.decl,
    &SOURCE.decl,
    &CONCEPT.decl,
    &TOPIC.decl,
    &UNIT.decl,
    &QUALIFIER.decl,
    &YEAR.decl,
    &FROM.decl,
    &TO.decl,
    &MIN.decl,
    &MAX.decl,
    &AS_OF.decl,
    &UPDATED_AFTER.decl,
    &CURRENCY.decl,
    &SCALE.decl,
    &TRANSFORM.decl,
    &ROLE.decl,
    &WITHIN.decl,
    &FACETS.decl,
    &LATEST.decl,
    &LANG.decl,
    &BOM.decl,
    &REGION_KIND.decl,
    &PARENT.decl,
    &GROUP.decl,
    &GROUP_KIND.decl,
    &CITY.decl,
    &MEASURE.decl,
    &FACILITY_KIND.decl,
    &Q.decl,
    &TYPE.decl,
    &WIDTH.decl,
    &HEIGHT.decl,
    &SORT,
    &LIMIT,
    &CURSOR,
    &FIELDS,
    &FORMAT,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_parameter_is_declared_twice() {
        for (index, decl) in ALL.iter().enumerate() {
            for other in &ALL[index + 1..] {
                assert!(
                    !std::ptr::eq(*decl, *other),
                    "{} is listed twice",
                    decl.name
                );
                assert_ne!(decl, other, "{} is declared twice", decl.name);
            }
        }
        // A name shared by several declarations is a resource's own `kind`: words each.
        for decl in ALL {
            let namesakes = ALL.iter().filter(|d| d.name == decl.name).count();
            if namesakes > 1 {
                assert!(
                    matches!(decl.kind, ParamKind::Words(_)),
                    "{} is declared {namesakes} times",
                    decl.name
                );
            }
        }
    }

    /// Every word a choice accepts reads as a value of its enumeration.
    #[test]
    fn every_word_of_a_choice_is_a_value() {
        fn all_read<W: Word>() {
            for word in W::WORDS {
                assert!(W::from_word(word).is_some(), "{word}");
            }
            assert!(W::from_word("gazillion").is_none());
        }
        all_read::<Currency>();
        all_read::<Scale>();
        all_read::<Transform>();
        all_read::<Format>();
        all_read::<Language>();
        all_read::<bool>();
        for word in <Scale as Word>::WORDS {
            let scale = Scale::from_word(word).unwrap();
            assert_eq!(serde_json::to_value(scale).unwrap(), *word);
        }
    }

    #[test]
    fn a_parameter_reads_as_its_type_or_its_default() {
        let years = ParamValue::Years(vec![2020, 2024]);
        assert_eq!(Vec::<i32>::from_value(Some(&years)), [2020, 2024]);
        assert_eq!(Option::<i32>::from_value(Some(&years)), Some(2020));
        assert_eq!(Option::<i32>::from_value(None), None);
        let words = ParamValue::Texts(vec!["USD".to_owned()]);
        assert_eq!(
            Option::<Currency>::from_value(Some(&words)),
            Some(Currency::Usd)
        );
        assert_eq!(Vec::<String>::from_value(None), Vec::<String>::new());
        assert_eq!(
            Option::<u32>::from_value(Some(&ParamValue::Number(640.0))),
            Some(640)
        );
    }
}
