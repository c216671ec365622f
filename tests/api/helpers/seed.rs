//! The seed's tables (`seed/*.csv`), as the migrations load them.

use std::collections::HashMap;
use std::path::Path;

use super::Csv;

pub struct SeedTable {
    pub name: String,
    pub columns: Vec<String>,
    /// Cells as written; an empty cell stands for NULL.
    pub rows: Vec<Vec<String>>,
}

pub fn seed_tables() -> Vec<SeedTable> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seed");
    let mut tables = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("seed/ exists") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "csv") {
            let Csv { columns, rows } = Csv::read(&path);
            tables.push(SeedTable {
                name: path.file_stem().unwrap().to_string_lossy().into_owned(),
                columns,
                rows,
            });
        }
    }
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    tables
}

pub fn seed_table(name: &str) -> Vec<HashMap<String, String>> {
    let table = seed_tables()
        .into_iter()
        .find(|table| table.name == name)
        .unwrap_or_else(|| panic!("seed/{name}.csv"));
    table
        .rows
        .iter()
        .map(|row| {
            table
                .columns
                .iter()
                .cloned()
                .zip(row.iter().cloned())
                .collect()
        })
        .collect()
}

/// The rows of `seed/observation_revisions.csv` of each figure, oldest first.
pub fn seed_histories() -> HashMap<String, Vec<HashMap<String, String>>> {
    let mut histories: HashMap<String, Vec<HashMap<String, String>>> = HashMap::new();
    for revision in seed_table("observation_revisions") {
        histories
            .entry(revision["observation_id"].clone())
            .or_default()
            .push(revision);
    }
    for history in histories.values_mut() {
        history.sort_by_key(|revision| revision["number"].parse::<u32>().unwrap());
    }
    histories
}

/// The rows of `seed/observations.csv` the API lists: those whose last revision is not a
/// retraction.
pub fn live_seed_figures() -> Vec<HashMap<String, String>> {
    let histories = seed_histories();
    seed_table("observations")
        .into_iter()
        .filter(|figure| histories[&figure["id"]].last().unwrap()["change"] != "retracted")
        .collect()
}
