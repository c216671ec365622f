//! Imports in a test, one way: [`TestApp::import`] (or [`TestApp::plan_import`] for a dry
//! run) through the library the `import` command runs, of a file [`seed_csv`] writes: seed
//! figures with some cells changed, or new ones. The command itself is run with
//! [`TestApp::run`].

use gd_indicators::domain::figure::STORED_COLUMNS;
use gd_indicators::service::import::plan::ImportPlan;
use gd_indicators::service::import::ImportFailure;
use gd_indicators::store::database::open_and_migrate;
use gd_indicators::store::imports::ImportReceipt;

use super::{seed_table, TestApp};

/// What an import did: its plan and, if it wrote anything, its receipt; or why it was refused.
pub type Outcome = Result<(ImportPlan, Option<ImportReceipt>), ImportFailure>;

impl TestApp {
    /// Imports `text` as the file `name` into this app's database, through the library the
    /// `import` command runs; returns once the server has seen the import.
    pub async fn import(&self, name: &str, text: &str) -> Outcome {
        self.import_or_plan(name, text, false).await
    }

    /// What importing `text` would change, writing nothing (the command's `--dry-run`).
    pub async fn plan_import(&self, name: &str, text: &str) -> Outcome {
        self.import_or_plan(name, text, true).await
    }

    /// [`TestApp::import`], returning as soon as it is written: before the server has seen it
    /// unless something else tells it.
    pub async fn import_unseen(&self, name: &str, text: &str) -> Outcome {
        self.write_import(name, text, false).await
    }

    async fn import_or_plan(&self, name: &str, text: &str, dry_run: bool) -> Outcome {
        let outcome = self.write_import(name, text, dry_run).await;
        if let Ok((_, Some(receipt))) = &outcome {
            self.wait_for_data_version(receipt.id).await;
        }
        outcome
    }

    async fn write_import(&self, name: &str, text: &str, dry_run: bool) -> Outcome {
        let pool = open_and_migrate(&self.db_url)
            .await
            .expect("the writer opens");
        let description = Some("integration test");
        let outcome =
            gd_indicators::service::import::import(&pool, name, text, description, dry_run).await;
        pool.close().await;
        outcome
    }
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
