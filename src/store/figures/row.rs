//! A figure from a row of the store: its columns read by position, and a revision read as a
//! figure.

use std::sync::LazyLock;

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite};

use crate::domain::figure::column::{CellSource, Check, Column, Kind, OwnedCell, Role};
use crate::domain::figure::{Observation, COLUMNS};

/// Reads a figure's columns from a row of the store, by position: the columns the store reads
/// ([`Column::is_read`]) in declaration order from `index` on, `null` for the others; or, from
/// a row of [`observation_columns`], its text packed into one value (see there).
pub(in crate::store) struct RowCells<'r> {
    row: &'r SqliteRow,
    pub(in crate::store) index: usize,
    /// The rest of the packed text of a row of [`observation_columns`].
    packed: Option<&'r str>,
    error: Option<sqlx::Error>,
}

impl<'r> RowCells<'r> {
    /// The cells of a row with a column per value, from its first column on.
    pub(in crate::store) fn new(row: &'r SqliteRow) -> Self {
        RowCells {
            row,
            index: 0,
            packed: None,
            error: None,
        }
    }

    /// The cells of a row of [`observation_columns`]: its text packed in the first column, its
    /// numbers one a column after it.
    fn packed(row: &'r SqliteRow) -> sqlx::Result<Self> {
        Ok(RowCells {
            row,
            index: 1,
            packed: Some(row.try_get::<&str, _>(0)?),
            error: None,
        })
    }

    /// The error behind a figure (or record) `from_cells` could not build.
    pub(in crate::store) fn take_failure(&mut self) -> sqlx::Error {
        self.error
            .take()
            .unwrap_or_else(|| sqlx::Error::Decode("a figure's column is missing".into()))
    }

    fn decode<T>(&mut self) -> Option<Option<T>>
    where
        T: for<'v> sqlx::Decode<'v, Sqlite> + sqlx::Type<Sqlite>,
    {
        let value = self.row.try_get::<Option<T>, _>(self.index);
        self.index += 1;
        match value {
            Ok(value) => Some(value),
            Err(error) => {
                self.error.get_or_insert(error);
                None
            }
        }
    }

    /// The next text of the packed value: `LENGTH:TEXT`, or `:` for null.
    fn unpack(&mut self) -> Option<Option<&'r str>> {
        let rest = self.packed?;
        // The length is a few digits: a byte scan, not `split_once`'s general search.
        let split = rest
            .bytes()
            .position(|b| b == b':')
            .map(|at| (&rest[..at], &rest[at + 1..]));
        let unpacked = split.and_then(|(length, rest)| {
            if length.is_empty() {
                return Some((None, rest));
            }
            let length: usize = length.parse().ok()?;
            Some((Some(rest.get(..length)?), rest.get(length..)?))
        });
        match unpacked {
            Some((text, rest)) => {
                self.packed = Some(rest);
                Some(text)
            }
            None => {
                self.error.get_or_insert(sqlx::Error::Decode(
                    "a figure's packed text is cut short".into(),
                ));
                self.packed = None;
                None
            }
        }
    }
}

impl CellSource for RowCells<'_> {
    fn read(&mut self, column: &'static Column) -> Option<OwnedCell> {
        if !column.is_read() {
            return Some(OwnedCell::Null);
        }
        Some(match column.kind {
            Kind::Text | Kind::Word if self.packed.is_some() => self
                .unpack()?
                .map_or(OwnedCell::Null, |text| OwnedCell::Text(text.to_owned())),
            Kind::Text | Kind::Word => self
                .decode::<String>()?
                .map_or(OwnedCell::Null, OwnedCell::Text),
            Kind::Number => self
                .decode::<f64>()?
                .map_or(OwnedCell::Null, OwnedCell::Number),
            Kind::Integer | Kind::Boolean => self
                .decode::<i64>()?
                .map_or(OwnedCell::Null, OwnedCell::Integer),
            Kind::TextList => self
                .decode::<String>()?
                .map_or(OwnedCell::Null, OwnedCell::Text),
        })
    }

    fn invalid(&mut self, column: &'static Column, message: String) {
        self.error.get_or_insert(sqlx::Error::ColumnDecode {
            index: column.name.to_owned(),
            source: message.into(),
        });
    }
}

/// A figure from a row of [`observation_columns`] (or of a statement that starts with them);
/// `cells.index` is then the first column after them.
pub(in crate::store) fn decode_figure(
    row: &SqliteRow,
) -> sqlx::Result<(Observation, RowCells<'_>)> {
    let mut cells = RowCells::packed(row)?;
    let Some(mut figure) = Observation::from_cells(&mut cells) else {
        return Err(cells.take_failure());
    };
    figure.period_sort_key = match cells.unpack() {
        Some(key) => key.unwrap_or_default().to_owned(),
        None => return Err(cells.take_failure()),
    };
    figure.position = cells.row.try_get(cells.index)?;
    cells.index += 1;
    Ok((figure, cells))
}

pub(in crate::store) fn figure_from_row(row: &SqliteRow) -> sqlx::Result<Observation> {
    decode_figure(row).map(|(figure, _)| figure)
}

/// A revision's figure under the column names of `observations` (stored columns by their own
/// names, the figure's id from `observation_id`), plus its position, number and time.
pub(in crate::store) fn revision_as_figure() -> &'static str {
    static SQL: LazyLock<String> = LazyLock::new(|| figure_columns(FigureSource::Revision));
    &SQL
}

/// The columns of [`revision_as_figure`] read from a superseded revision `v` alone: its
/// figure's position is its own `figure_position` (migration 0012).
pub(in crate::store) fn superseded_as_figure() -> &'static str {
    static SQL: LazyLock<String> = LazyLock::new(|| figure_columns(FigureSource::Superseded));
    &SQL
}

/// The columns of [`revision_as_figure`] read from a figure's latest state in `observations`,
/// under the same names and in the same order: the two are the arms of a vintage's compound
/// SELECT, which must match column for column.
pub(in crate::store) fn latest_as_revision() -> &'static str {
    static SQL: LazyLock<String> = LazyLock::new(|| figure_columns(FigureSource::Latest));
    &SQL
}

/// Where [`figure_columns`] reads a figure: a revision `v` of the figure `cur`, a superseded
/// revision `v`, or a row of `observations`.
enum FigureSource {
    Revision,
    Superseded,
    Latest,
}

fn figure_columns(source: FigureSource) -> String {
    let (id, table, position, revision) = match source {
        FigureSource::Revision => (
            "v.observation_id AS ",
            "v.",
            "cur.rowid AS position",
            "v.number AS revision",
        ),
        FigureSource::Superseded => (
            "v.observation_id AS ",
            "v.",
            "v.figure_position AS position",
            "v.number AS revision",
        ),
        FigureSource::Latest => ("", "", "rowid AS position", "revision"),
    };
    let stored = COLUMNS.iter().filter_map(|column| match column.role {
        Role::Stored(Check::Id) => Some(format!("{id}{}", column.name)),
        Role::Stored(_) => Some(format!("{table}{}", column.name)),
        _ => None,
    });
    let derived = [
        "value_in_units",
        "period_sort_key",
        "period_start_year",
        "period_end_year",
    ]
    .map(|name| format!("{table}{name}"));
    std::iter::once(position.to_owned())
        .chain(stored)
        .chain(derived)
        .chain([revision.to_owned(), format!("{table}recorded_at")])
        .collect::<Vec<_>>()
        .join(", ")
}
