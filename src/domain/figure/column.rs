//! The machinery of the figure schema: what a column is, the values a column holds and how
//! each is written out and read back, and the macros that turn the declaration in
//! `schema.rs` into the figure's types. Nothing here names a column.

use std::borrow::Cow;

use serde::{Serialize, Serializer};
use utoipa::openapi::{RefOr, Schema};

use super::serialize_number;
use crate::domain::entity::Entity;
use crate::domain::language::Language;

/// Named schemas for an OpenAPI document's `components`.
pub type Components = Vec<(String, RefOr<Schema>)>;

/// What a column is to the store, to imports and to presentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A column of `observations` and of `observation_revisions`, under the same name: what
    /// `seed/observations.csv` and an import give, and what an import writes. The check says
    /// what an import verifies in it beyond its type.
    Stored(Check),
    /// Read, never imported: a name joined from the catalogue or a value SQLite derives, by
    /// this SQL expression over the figure `o` and the catalogue the store joins to it (`i`
    /// indicators, `r` regions, `s` sources, `sp` speakers).
    Read(&'static str),
    /// Read like [`Role::Read`], in the language asked: `en` is the SQL of the English name;
    /// in Chinese, `zh` (the catalogue row's `name_zh`) where the row has one, else the
    /// English. One declaration, so a figure's names read Chinese wherever it is served.
    Label { en: &'static str, zh: &'static str },
    /// Computed from the other columns as a figure is read
    /// ([`Observation::compute`](super::Observation::compute)).
    Computed,
    /// Empty unless a presentation (`currency`, `scale`) changed the figure: how it was stated.
    Presented,
    /// Empty for a stated figure; for a figure derived from others (a transform, a relation),
    /// how it was derived. An import refuses a row that has one: derived figures are computed.
    Derived,
}

/// What an import verifies in a stored column, beyond its value's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Its type only.
    Value,
    /// The figure's own id: a slug, given once per file (checked before anything else).
    Id,
    /// The id of a catalogue entry, which must exist: an import never creates one.
    Catalogue(Entity),
    /// The id of another figure, stored or added by the same file.
    Figure,
    /// A year (`2024`) or a month (`2024-03`), the year in [`PERIOD_YEARS`].
    Period,
}

/// The most characters an id takes: a figure's own, and each id it names (its indicator,
/// region, source... and the figures it points at). The article's longest is 57; a figure's
/// URL with the longest id stays far below the server's path limit.
pub const MAX_ID_CHARS: usize = 200;

/// The most characters a text column takes (`stated`, `section`, `period_label`,
/// `cited_source`, `note`), and an import's `reason` and description. The article's longest
/// is 224 (a note). Bounded so that a page of the longest figures (1,000 of them, every
/// character one JSON writes as six bytes, `\u0001`) is about 31 MB, well within what the
/// server buffers to tag a response (64 MiB).
pub const MAX_TEXT_CHARS: usize = 1000;

/// The years a period may name: those the schema's CHECK on `period_start` and `period_end`
/// takes (`[12][0-9][0-9][0-9]`, migration 0001), so that what an import checks (a dry run
/// included) the database stores.
pub const PERIOD_YEARS: std::ops::RangeInclusive<u16> = 1000..=2999;

/// How the store hands over a column's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    Integer,
    Boolean,
    /// Several texts: a JSON array, one CSV cell of them joined by "; ".
    TextList,
    /// One of an enum's words ([`Word`]), as text.
    Word,
}

/// One column of a figure, as declared in `schema.rs`.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Its place in [`COLUMNS`](super::COLUMNS): the index of its cell.
    pub index: usize,
    /// The flat name: the CSV header of lists and the export, the key of an export record,
    /// the column of an import file and of the database.
    pub name: &'static str,
    /// Where the value sits in a figure served as JSON (`provenance.speaker.name`).
    pub path: &'static str,
    pub role: Role,
    /// The doc comment's lines: what the value means.
    pub docs: &'static [&'static str],
    /// Whether the value may be absent (its Rust type is an `Option`).
    pub nullable: bool,
    /// Absent only when its whole object is (`conversion`, `provenance.speaker`): within the
    /// object the value is always there.
    pub with_object: bool,
    pub kind: Kind,
    /// The column's value type, for documentation and schemas.
    pub value: ValueType,
}

/// What the documentation says of a column's value type.
#[derive(Clone, Copy)]
pub struct ValueType {
    /// How a person reads the type (`text`, `number`, `one of cny, usd, ...`).
    pub describe: fn() -> String,
    /// The named schema of an enum's values.
    pub schema_name: fn() -> Option<Cow<'static, str>>,
    /// Adds the named schemas the value refers to.
    pub components: fn(&mut Components),
}

impl std::fmt::Debug for ValueType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&(self.describe)())
    }
}

impl ValueType {
    pub const fn of<T: ColumnValue>() -> ValueType {
        ValueType {
            describe: T::describe,
            schema_name: T::schema_name,
            components: T::components,
        }
    }
}

impl Column {
    /// What the value means: the doc comment, its lines joined.
    pub fn doc(&self) -> String {
        self.docs
            .iter()
            .map(|line| line.trim())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The top-level field of a figure served as JSON that holds the value: what `fields=`
    /// names.
    pub fn field(&self) -> &'static str {
        self.path.split('.').next().unwrap_or(self.path)
    }

    /// A column of `observations` that imports read and write.
    pub fn is_stored(&self) -> bool {
        matches!(self.role, Role::Stored(_))
    }

    /// A column the store reads (stored, or read by an expression).
    pub fn is_read(&self) -> bool {
        matches!(
            self.role,
            Role::Stored(_) | Role::Read(_) | Role::Label { .. }
        )
    }

    /// The SQL the store reads a column by, over the figure `o` and the catalogue joined to
    /// it, in `language`; `None` for a column the store does not read.
    pub fn read_sql(&self, language: Language) -> Option<Cow<'static, str>> {
        match (self.role, language) {
            (Role::Stored(_), _) => Some(Cow::Owned(format!("o.{}", self.name))),
            (Role::Read(sql), _) | (Role::Label { en: sql, .. }, Language::En) => {
                Some(Cow::Borrowed(sql))
            }
            (Role::Label { en, zh }, Language::Zh) => {
                Some(Cow::Owned(format!("coalesce({zh}, {en})")))
            }
            (Role::Computed | Role::Presented | Role::Derived, _) => None,
        }
    }
}

/// A column's value in one figure, borrowed: what the writers (JSON, CSV) walk.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Null,
    Text(&'a str),
    /// Written as [`serialize_number`] writes it: `510`, not `510.0`.
    Number(f64),
    Integer(i64),
    Boolean(bool),
    TextList(&'a [String]),
    Word(&'static str),
}

impl Cell<'_> {
    pub fn is_null(&self) -> bool {
        matches!(self, Cell::Null)
    }

    /// The cell of a CSV row: empty for null, numbers as JSON writes them.
    pub fn text(&self) -> Cow<'_, str> {
        match *self {
            Cell::Null => Cow::Borrowed(""),
            Cell::Text(text) => Cow::Borrowed(text),
            Cell::Word(word) => Cow::Borrowed(word),
            Cell::Number(number) => Cow::Owned(number_text(number)),
            Cell::Integer(integer) => Cow::Owned(integer.to_string()),
            Cell::Boolean(boolean) => Cow::Borrowed(if boolean { "true" } else { "false" }),
            Cell::TextList(texts) => Cow::Owned(texts.join(LIST_SEPARATOR)),
        }
    }
}

/// What joins the texts of a list in one CSV cell (ids never hold it).
pub const LIST_SEPARATOR: &str = "; ";

impl Serialize for Cell<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Null => serializer.serialize_none(),
            Cell::Text(text) => serializer.serialize_str(text),
            Cell::Word(word) => serializer.serialize_str(word),
            Cell::Number(number) => serialize_number(number, serializer),
            Cell::Integer(integer) => serializer.serialize_i64(*integer),
            Cell::Boolean(boolean) => serializer.serialize_bool(*boolean),
            Cell::TextList(texts) => texts.serialize(serializer),
        }
    }
}

/// A number as [`serialize_number`] writes it into JSON, as text.
pub fn number_text(value: f64) -> String {
    const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0; // 2^53
    if value.fract() == 0.0 && value.abs() < EXACT_INTEGER_LIMIT {
        (value as i64).to_string()
    } else {
        // serde_json's own formatting (null, an empty cell, for what JSON cannot hold).
        serde_json::Number::from_f64(value).map_or_else(String::new, |n| n.to_string())
    }
}

/// A column's value as handed over by the store or read from an import file.
#[derive(Debug, Clone, PartialEq)]
pub enum OwnedCell {
    Null,
    Text(String),
    Number(f64),
    Integer(i64),
}

/// A type a column can hold.
pub trait ColumnValue: Sized {
    const KIND: Kind;
    /// An `Option`: the value may be absent.
    const NULLABLE: bool = false;
    fn cell(&self) -> Cell<'_>;
    /// The value of a stored or imported cell; `Err` says, to the person who wrote the cell,
    /// why it is not one.
    fn from_cell(cell: OwnedCell) -> Result<Self, String>;
    fn describe() -> String;
    fn schema_name() -> Option<Cow<'static, str>> {
        None
    }
    fn components(_components: &mut Components) {}
}

const EMPTY: &str = "required; the cell is empty";

impl ColumnValue for String {
    const KIND: Kind = Kind::Text;
    fn cell(&self) -> Cell<'_> {
        Cell::Text(self)
    }
    fn from_cell(cell: OwnedCell) -> Result<Self, String> {
        match cell {
            OwnedCell::Text(text) => Ok(text),
            OwnedCell::Null => Err(EMPTY.to_owned()),
            OwnedCell::Number(number) => Ok(number_text(number)),
            OwnedCell::Integer(integer) => Ok(integer.to_string()),
        }
    }
    fn describe() -> String {
        "text".to_owned()
    }
}

impl ColumnValue for f64 {
    const KIND: Kind = Kind::Number;
    fn cell(&self) -> Cell<'_> {
        Cell::Number(*self)
    }
    fn from_cell(cell: OwnedCell) -> Result<Self, String> {
        match cell {
            OwnedCell::Number(number) => Ok(number),
            OwnedCell::Integer(integer) => Ok(integer as f64),
            OwnedCell::Text(text) => match text.parse::<f64>() {
                Ok(value) if value.is_finite() => Ok(value),
                _ => Err(format!("'{text}' is not a finite number")),
            },
            OwnedCell::Null => Err(EMPTY.to_owned()),
        }
    }
    fn describe() -> String {
        "number".to_owned()
    }
}

impl ColumnValue for i64 {
    const KIND: Kind = Kind::Integer;
    fn cell(&self) -> Cell<'_> {
        Cell::Integer(*self)
    }
    fn from_cell(cell: OwnedCell) -> Result<Self, String> {
        match cell {
            OwnedCell::Integer(integer) => Ok(integer),
            OwnedCell::Number(number) if number.fract() == 0.0 => Ok(number as i64),
            OwnedCell::Number(number) => Err(format!("'{number}' is not a whole number")),
            OwnedCell::Text(text) => text
                .parse()
                .map_err(|_| format!("'{text}' is not a whole number")),
            OwnedCell::Null => Err(EMPTY.to_owned()),
        }
    }
    fn describe() -> String {
        "integer".to_owned()
    }
}

impl ColumnValue for bool {
    const KIND: Kind = Kind::Boolean;
    fn cell(&self) -> Cell<'_> {
        Cell::Boolean(*self)
    }
    fn from_cell(cell: OwnedCell) -> Result<Self, String> {
        match cell {
            OwnedCell::Integer(0) => Ok(false),
            OwnedCell::Integer(1) => Ok(true),
            OwnedCell::Text(text) if text == "true" => Ok(true),
            OwnedCell::Text(text) if text == "false" => Ok(false),
            OwnedCell::Null => Err(EMPTY.to_owned()),
            other => Err(format!("{other:?} is not true or false")),
        }
    }
    fn describe() -> String {
        "true or false".to_owned()
    }
}

impl ColumnValue for Vec<String> {
    const KIND: Kind = Kind::TextList;
    fn cell(&self) -> Cell<'_> {
        Cell::TextList(self)
    }
    fn from_cell(cell: OwnedCell) -> Result<Self, String> {
        let text = String::from_cell(cell)?;
        Ok(text
            .split(LIST_SEPARATOR.trim())
            .map(|item| item.trim().to_owned())
            .filter(|item| !item.is_empty())
            .collect())
    }
    fn describe() -> String {
        "list of text".to_owned()
    }
}

impl<T: ColumnValue> ColumnValue for Option<T> {
    const KIND: Kind = T::KIND;
    const NULLABLE: bool = true;
    fn cell(&self) -> Cell<'_> {
        self.as_ref().map_or(Cell::Null, T::cell)
    }
    fn from_cell(cell: OwnedCell) -> Result<Self, String> {
        match cell {
            OwnedCell::Null => Ok(None),
            cell => T::from_cell(cell).map(Some),
        }
    }
    fn describe() -> String {
        format!("{}, or null", T::describe())
    }
    fn schema_name() -> Option<Cow<'static, str>> {
        T::schema_name()
    }
    fn components(components: &mut Components) {
        T::components(components)
    }
}

/// An enum whose values are written as words (`billion`, `at_least`): in JSON, CSV, SQL and
/// query parameters alike.
pub trait Word: Copy + Sized + 'static {
    /// Every word, in the order of the variants.
    const WORDS: &'static [&'static str];
    /// What each word means: its variant's doc comment ("" when it has none), in that order.
    const DOCS: &'static [&'static str];
    fn word(self) -> &'static str;
    fn from_word(word: &str) -> Option<Self>;
}

/// Declares an enum written as words: each variant with its word, written once, which serde,
/// sqlx, the OpenAPI document, CSV cells and imports all use.
macro_rules! words {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[doc = $doc:literal])* $variant:ident = $word:tt, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
            sqlx::Type, utoipa::ToSchema,
        )]
        pub enum $name {
            $( $(#[doc = $doc])* #[serde(rename = $word)] #[sqlx(rename = $word)] $variant, )*
        }

        impl $crate::domain::figure::column::Word for $name {
            const WORDS: &'static [&'static str] = &[$($word),*];
            const DOCS: &'static [&'static str] = &[$( concat!("" $(, $doc)*) ),*];
            fn word(self) -> &'static str {
                match self {
                    $( $name::$variant => $word, )*
                }
            }
            fn from_word(word: &str) -> Option<Self> {
                match word {
                    $( $word => Some($name::$variant), )*
                    _ => None,
                }
            }
        }

        /// The first variant: what a figure built without it holds.
        impl Default for $name {
            fn default() -> Self {
                [$($name::$variant),*][0]
            }
        }

        impl $crate::domain::figure::column::ColumnValue for $name {
            const KIND: $crate::domain::figure::column::Kind =
                $crate::domain::figure::column::Kind::Word;
            fn cell(&self) -> $crate::domain::figure::column::Cell<'_> {
                $crate::domain::figure::column::Cell::Word(
                    $crate::domain::figure::column::Word::word(*self),
                )
            }
            fn from_cell(
                cell: $crate::domain::figure::column::OwnedCell,
            ) -> Result<Self, String> {
                $crate::domain::figure::column::word_from_cell(cell)
            }
            fn describe() -> String {
                $crate::domain::figure::column::describe_words(
                    <Self as $crate::domain::figure::column::Word>::WORDS,
                )
            }
            fn schema_name() -> Option<std::borrow::Cow<'static, str>> {
                Some(<Self as utoipa::ToSchema>::name())
            }
            fn components(components: &mut $crate::domain::figure::column::Components) {
                components.push((
                    <Self as utoipa::ToSchema>::name().into_owned(),
                    <Self as utoipa::PartialSchema>::schema(),
                ));
            }
        }
    };
}
pub(crate) use words;

/// An enum's value from a cell holding one of its words.
pub fn word_from_cell<T: Word>(cell: OwnedCell) -> Result<T, String> {
    let text = match cell {
        OwnedCell::Text(text) => text,
        OwnedCell::Null => String::new(),
        OwnedCell::Number(number) => number_text(number),
        OwnedCell::Integer(integer) => integer.to_string(),
    };
    T::from_word(&text).ok_or_else(|| {
        format!(
            "'{text}' is not accepted; use one of {}",
            T::WORDS.join(", ")
        )
    })
}

/// How the documentation reads an enum's type: its words.
pub fn describe_words(words: &[&str]) -> String {
    let words: Vec<String> = words.iter().map(|word| format!("`{word}`")).collect();
    format!("one of {}", words.join(", "))
}

/// The place of `name` among `names` (at compile time: a column's index).
pub const fn position(names: &[&str], name: &str) -> usize {
    let mut index = 0;
    while index < names.len() {
        let (a, b) = (names[index].as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut at = 0;
            while at < a.len() && a[at] == b[at] {
                at += 1;
            }
            if at == a.len() {
                return index;
            }
        }
        index += 1;
    }
    panic!("no such column")
}

/// Where a figure's cells come from, one column at a time in declaration order: a row of the
/// store, or a row of an import file.
pub trait CellSource {
    /// The column's cell; `None` when it is missing or failed a check (already reported).
    fn read(&mut self, column: &'static Column) -> Option<OwnedCell>;
    /// The cell is no value of the column's type: `message` says why.
    fn invalid(&mut self, column: &'static Column, message: String);
}

/// One field of a figure from its cell: `None` when the source has none, or reported why not.
pub fn read_column<T: ColumnValue>(
    column: &'static Column,
    source: &mut impl CellSource,
) -> Option<T> {
    let cell = source.read(column)?;
    match T::from_cell(cell) {
        Ok(value) => Some(value),
        Err(message) => {
            source.invalid(column, message);
            None
        }
    }
}

/// Generates the figure's types from the declaration in `schema.rs`: the
/// figure as served ([`Observation`](super::Observation): every column, in declaration
/// order), its stored columns ([`FigureRecord`](super::FigureRecord): what imports read and
/// write), the table of [`Column`]s, and the accessors generic writers walk (`cells`) and
/// readers fill (`from_cells`).
///
/// Each entry: doc comment, `name: Type = "json.path", role`, and `, with_object` for a value
/// always present within its (optional) object. Roles: `stored(Check)`, `read("SQL")`,
/// `label("SQL", "SQL in Chinese")`, `computed`, `presented`, `derived` (see [`Role`]).
macro_rules! figure_schema {
    (
        $(
            $(#[doc = $doc:literal])*
            $name:ident : $ty:ty = $path:literal, $role:ident $(($($arg:tt)*))? $(, $flag:ident)?;
        )*
    ) => {
        /// One figure of the source, with its meaning: one field per column of the schema.
        /// Served as JSON it nests by the columns' paths; as CSV (lists, the export) and in
        /// import files it is one flat row under the columns' names.
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct Observation {
            $( $(#[doc = $doc])* pub $name: $ty, )*
            /// What `sort=period` orders by: the period's start, else its end, else "".
            pub period_sort_key: String,
            /// Source order (the rowid): the tie-break of every sort.
            pub position: i64,
        }

        /// Every column's name, in declaration order.
        pub const COLUMN_NAMES: &[&str] = &[$( stringify!($name), )*];

        /// Every column of a figure, in declaration order (the order of JSON keys).
        pub const COLUMNS: &[$crate::domain::figure::column::Column] = &[
            $(
                $crate::domain::figure::column::Column {
                    index: $crate::domain::figure::column::position(
                        COLUMN_NAMES,
                        stringify!($name),
                    ),
                    name: stringify!($name),
                    path: $path,
                    role: $crate::domain::figure::column::figure_role!($role $(($($arg)*))?),
                    docs: &[$($doc),*],
                    nullable:
                        <$ty as $crate::domain::figure::column::ColumnValue>::NULLABLE,
                    with_object: $crate::domain::figure::column::figure_flag!($($flag)?),
                    kind: <$ty as $crate::domain::figure::column::ColumnValue>::KIND,
                    value: $crate::domain::figure::column::ValueType::of::<$ty>(),
                },
            )*
        ];

        impl Observation {
            /// Every column's value, in declaration order.
            pub fn cells(&self) -> [$crate::domain::figure::column::Cell<'_>; COLUMNS.len()] {
                [$( $crate::domain::figure::column::ColumnValue::cell(&self.$name), )*]
            }

            /// A figure from its cells, read in declaration order (then computed, see
            /// [`Observation::compute`]); `None` when a cell is missing or no value.
            /// `period_sort_key` and `position` are the reader's to set.
            pub fn from_cells(
                source: &mut impl $crate::domain::figure::column::CellSource,
            ) -> Option<Observation> {
                let mut columns = COLUMNS.iter();
                $(
                    let $name = $crate::domain::figure::column::read_column::<$ty>(
                        columns.next().expect("one column per field"),
                        source,
                    );
                )*
                let mut figure = Observation {
                    $( $name: $name?, )*
                    period_sort_key: String::new(),
                    position: 0,
                };
                figure.compute();
                Some(figure)
            }
        }

        $crate::domain::figure::column::figure_record! {
            @munch [] $( { $(#[doc = $doc])* $name : $ty ; $role } )*
        }
    };
}
pub(crate) use figure_schema;

/// A column's [`Role`] from its declaration.
macro_rules! figure_role {
    (stored($check:expr)) => {
        $crate::domain::figure::column::Role::Stored($check)
    };
    (read($sql:literal)) => {
        $crate::domain::figure::column::Role::Read($sql)
    };
    (label($en:literal, $zh:literal)) => {
        $crate::domain::figure::column::Role::Label { en: $en, zh: $zh }
    };
    (computed) => {
        $crate::domain::figure::column::Role::Computed
    };
    (presented) => {
        $crate::domain::figure::column::Role::Presented
    };
    (derived) => {
        $crate::domain::figure::column::Role::Derived
    };
}
pub(crate) use figure_role;

/// Whether a column is declared `with_object`.
macro_rules! figure_flag {
    () => {
        false
    };
    (with_object) => {
        true
    };
}
pub(crate) use figure_flag;

/// [`FigureRecord`](super::FigureRecord): the stored columns of the declaration, picked out
/// one entry at a time.
macro_rules! figure_record {
    (@munch [$($done:tt)*] { $(#[doc = $doc:literal])* $name:ident : $ty:ty ; stored } $($rest:tt)*) => {
        $crate::domain::figure::column::figure_record! {
            @munch [$($done)* { $(#[doc = $doc])* $name : $ty }] $($rest)*
        }
    };
    (@munch [$($done:tt)*] { $(#[doc = $doc:literal])* $name:ident : $ty:ty ; $other:ident } $($rest:tt)*) => {
        $crate::domain::figure::column::figure_record! { @munch [$($done)*] $($rest)* }
    };
    (@munch [$($done:tt)*]) => {
        $crate::domain::figure::column::figure_record! { @done $($done)* }
    };
    (@done $( { $(#[doc = $doc:literal])* $name:ident : $ty:ty } )*) => {
        /// A figure's stored columns: what `seed/observations.csv` and an import file give for
        /// it, and what an import writes (every change as a new revision).
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct FigureRecord {
            $( $(#[doc = $doc])* pub $name: $ty, )*
        }

        /// The stored columns' names, in declaration order (`seed/observations.csv`'s).
        pub const STORED_COLUMNS: &[&str] = &[$( stringify!($name), )*];

        impl FigureRecord {
            /// Every stored column's value, in declaration order.
            pub fn cells(&self) -> [$crate::domain::figure::column::Cell<'_>; STORED_COLUMNS.len()] {
                [$( $crate::domain::figure::column::ColumnValue::cell(&self.$name), )*]
            }

            /// A record from its cells, read in declaration order; `None` when a cell is
            /// missing or no value (every problem is reported, not only the first).
            pub fn from_cells(
                source: &mut impl $crate::domain::figure::column::CellSource,
            ) -> Option<FigureRecord> {
                let mut columns = COLUMNS.iter().filter(|column| column.is_stored());
                $(
                    let $name = $crate::domain::figure::column::read_column::<$ty>(
                        columns.next().expect("one stored column per field"),
                        source,
                    );
                )*
                Some(FigureRecord { $( $name: $name?, )* })
            }
        }
    };
}
pub(crate) use figure_record;
