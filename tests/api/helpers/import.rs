//! Imports in a test: a file of seed figures with some cells changed, and importing it.

use gd_indicators::domain::figure::STORED_COLUMNS;
use gd_indicators::service::import::plan::ImportPlan;
use gd_indicators::service::import::ImportFailure;
use gd_indicators::store::database::open_and_migrate;
use gd_indicators::store::imports::ImportReceipt;

use super::{seed_table, TestApp};

type Outcome = Result<(ImportPlan, Option<ImportReceipt>), ImportFailure>;

/// Imports `text` as the file `name` into the app's database, through the library the
/// `import` command runs; returns once the server has seen the import.
pub async fn import_text(app: &TestApp, name: &str, text: &str) -> Outcome {
    let pool = open_and_migrate(&app.db_url)
        .await
        .expect("the writer opens");
    let outcome =
        gd_indicators::service::import::import(&pool, name, text, Some("integration test"), false)
            .await;
    pool.close().await;
    if let Ok((_, Some(receipt))) = &outcome {
        app.wait_for_data_version(receipt.id).await;
    }
    outcome
}

/// A CSV file of seed figures (or new ones, every cell given), each with some cells changed;
/// extra columns after the stored ones.
pub fn seed_csv(rows: &[(&str, &[(&str, &str)])]) -> String {
    let figures = seed_table("observations");
    let extra: Vec<&str> = rows
        .iter()
        .flat_map(|(_, changes)| changes.iter().map(|(column, _)| *column))
        .filter(|column| !STORED_COLUMNS.contains(column))
        .fold(Vec::new(), |mut columns, column| {
            if !columns.contains(&column) {
                columns.push(column);
            }
            columns
        });
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header: Vec<&str> = STORED_COLUMNS
        .iter()
        .copied()
        .chain(extra.clone())
        .collect();
    writer.write_record(&header).unwrap();
    for (id, changes) in rows {
        let base = figures.iter().find(|row| row["id"] == *id);
        let record: Vec<String> = header
            .iter()
            .map(|column| {
                changes
                    .iter()
                    .find(|(changed, _)| changed == column)
                    .map(|(_, value)| value.to_string())
                    .or_else(|| base.map(|row| row.get(*column).cloned().unwrap_or_default()))
                    .unwrap_or_default()
            })
            .collect();
        writer.write_record(&record).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}
