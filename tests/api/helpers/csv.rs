//! The one CSV reader of the tests: a body or a file as its header and rows, read by the csv
//! crate (quoted cells, commas and line breaks inside them), never split by hand.

use std::path::Path;

use reqwest::StatusCode;

use super::{header, TestApp};

/// A CSV document: its header row and its rows, every cell as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Csv {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    /// Reads `text`; panics, quoting it, if it is not CSV with rows as wide as the header.
    pub fn parse(text: &str) -> Csv {
        Csv::read_from(csv::Reader::from_reader(text.as_bytes()))
            .unwrap_or_else(|error| panic!("not CSV ({error}):\n{text}"))
    }

    /// Reads the file at `path`.
    pub fn read(path: &Path) -> Csv {
        let reader = csv::Reader::from_path(path)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        Csv::read_from(reader).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
    }

    fn read_from<R: std::io::Read>(mut reader: csv::Reader<R>) -> csv::Result<Csv> {
        let columns = reader.headers()?.iter().map(str::to_owned).collect();
        let rows = reader
            .records()
            .map(|record| Ok(record?.iter().map(str::to_owned).collect()))
            .collect::<csv::Result<_>>()?;
        Ok(Csv { columns, rows })
    }

    /// The position of the column `name`; panics, listing the columns, if there is none.
    pub fn column(&self, name: &str) -> usize {
        self.columns
            .iter()
            .position(|column| column == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.columns))
    }

    /// The cells of the column `name`, top to bottom.
    pub fn cells(&self, name: &str) -> Vec<&str> {
        let column = self.column(name);
        self.rows.iter().map(|row| row[column].as_str()).collect()
    }

    /// The one row whose `id` is `id`; panics if there is none or more than one.
    pub fn row(&self, id: &str) -> Row<'_> {
        let column = self.column("id");
        let mut found = self.rows.iter().filter(|row| row[column] == id);
        let row = found
            .next()
            .unwrap_or_else(|| panic!("no row with id {id} among {:?}", self.cells("id")));
        assert!(found.next().is_none(), "two rows with id {id}");
        Row { csv: self, row }
    }

    /// The same document without the column `name`.
    pub fn without(mut self, name: &str) -> Csv {
        let column = self.column(name);
        self.columns.remove(column);
        for row in &mut self.rows {
            row.remove(column);
        }
        self
    }
}

/// One row of a [`Csv`], its cells found by column name.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    csv: &'a Csv,
    row: &'a [String],
}

impl<'a> Row<'a> {
    /// The cell of the column `name`.
    pub fn get(&self, name: &str) -> &'a str {
        &self.row[self.csv.column(name)]
    }
}

impl TestApp {
    /// GET that must answer 200 with CSV; returns the body read.
    pub async fn get_csv(&self, path: &str) -> Csv {
        self.get_csv_with(path, &[]).await
    }

    /// `get_csv` with extra request headers.
    pub async fn get_csv_with(&self, path: &str, headers: &[(&str, &str)]) -> Csv {
        let response = self.get_with(path, headers).await;
        let status = response.status();
        let content_type = header(&response, "content-type");
        let body = response.text().await.expect("a text body");
        assert_eq!(
            status,
            StatusCode::OK,
            "GET {path} answered {status}: {body}"
        );
        assert!(
            content_type.starts_with("text/csv"),
            "GET {path} answered {content_type}"
        );
        Csv::parse(&body)
    }
}
