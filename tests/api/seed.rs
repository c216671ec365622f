//! The database the migrations build holds exactly what `seed/` says, and the API serves it.

use std::collections::BTreeSet;
use std::path::Path;

use sqlx::SqlitePool;

use crate::helpers::TestApp;

/// Columns stored as numbers; compared as numbers, since SQLite prints 510 as "510.0".
const NUMERIC_COLUMNS: [&str; 2] = ["value", "reached_year"];

/// Revision bookkeeping (migration 0004): no seed file, checked on its own below.
const REVISION_TABLES: [&str; 2] = ["imports", "observation_revisions"];
const REVISION_COLUMNS: [&str; 3] = ["revision", "recorded_at", "retracted"];

struct SeedTable {
    name: String,
    columns: Vec<String>,
    /// Cells as written; an empty cell stands for NULL.
    rows: Vec<Vec<String>>,
}

fn seed_tables() -> Vec<SeedTable> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seed");
    let mut tables = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("seed/ exists") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "csv") {
            let mut reader = csv::Reader::from_path(&path).expect("a readable CSV");
            let columns = reader
                .headers()
                .unwrap()
                .iter()
                .map(str::to_owned)
                .collect();
            let rows = reader
                .records()
                .map(|record| record.unwrap().iter().map(str::to_owned).collect())
                .collect();
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

pub fn seed_table(name: &str) -> Vec<std::collections::HashMap<String, String>> {
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

async fn database_tables(pool: &SqlitePool) -> BTreeSet<String> {
    sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'
         AND name NOT LIKE 'sqlite%' AND name NOT LIKE 'search\\_index%' ESCAPE '\\'",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .filter(|name: &String| !REVISION_TABLES.contains(&name.as_str()))
    .collect()
}

async fn table_columns(pool: &SqlitePool, table: &str) -> Vec<String> {
    let columns: Vec<String> =
        sqlx::query_scalar("SELECT name FROM pragma_table_info(?) ORDER BY cid")
            .bind(table)
            .fetch_all(pool)
            .await
            .unwrap();
    columns
        .into_iter()
        .filter(|name| !REVISION_COLUMNS.contains(&name.as_str()))
        .collect()
}

fn same_cell(column: &str, seed: &str, stored: Option<&str>) -> bool {
    match stored {
        None => seed.is_empty(),
        Some(stored) if NUMERIC_COLUMNS.contains(&column) => {
            seed.parse::<f64>().ok() == stored.parse::<f64>().ok() && !seed.is_empty()
        }
        Some(stored) => seed == stored,
    }
}

#[tokio::test]
async fn the_migrated_database_holds_exactly_the_seed() {
    let app = TestApp::spawn().await;
    let seed = seed_tables();

    let seeded: BTreeSet<String> = seed.iter().map(|table| table.name.clone()).collect();
    assert_eq!(
        database_tables(&app.pool).await,
        seeded,
        "one seed file per table"
    );

    for table in &seed {
        let columns = table_columns(&app.pool, &table.name).await;
        assert_eq!(columns, table.columns, "columns of seed/{}.csv", table.name);

        let select = columns
            .iter()
            .map(|column| format!("CAST({column} AS TEXT)"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = sqlx::query(&format!(
            "SELECT {select} FROM {} ORDER BY rowid",
            table.name
        ))
        .fetch_all(&app.pool)
        .await
        .unwrap();
        assert_eq!(rows.len(), table.rows.len(), "rows of {}", table.name);
        for (line, (stored, seeded)) in rows.iter().zip(&table.rows).enumerate() {
            for (index, column) in columns.iter().enumerate() {
                use sqlx::Row;
                let stored: Option<String> = stored.get(index);
                assert!(
                    same_cell(column, &seeded[index], stored.as_deref()),
                    "seed/{}.csv row {}: {column} is {:?} in seed, {stored:?} in the database",
                    table.name,
                    line + 2,
                    seeded[index],
                );
            }
        }
    }

    // Every seeded figure is revision 1 of itself, recorded at publication, with its history
    // holding exactly that one original state.
    let bookkeeping: Vec<(String, i64, String, i64, i64)> = sqlx::query_as(
        "SELECT o.id, o.revision, o.recorded_at, o.retracted,
                (SELECT COUNT(*) FROM observation_revisions v
                 WHERE v.observation_id = o.id AND v.change = 'original' AND v.number = 1
                   AND v.value = o.value AND v.stated = o.stated) AS originals
         FROM observations o ORDER BY o.rowid",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(bookkeeping.len(), seed_table("observations").len());
    for (id, revision, recorded_at, retracted, originals) in bookkeeping {
        assert_eq!(
            (revision, recorded_at.as_str(), retracted, originals),
            (1, "2025-03-01T00:00:00.000000Z", 0, 1),
            "{id}"
        );
    }
    let revisions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM observation_revisions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(revisions as usize, seed_table("observations").len());
}

#[tokio::test]
async fn every_seeded_figure_is_served_with_its_meaning() {
    let app = TestApp::spawn().await;
    let optional = |cell: &String| {
        if cell.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::Value::String(cell.clone())
        }
    };
    let figures = seed_table("observations");
    assert_eq!(app.get_list("/v1/observations").await.len(), figures.len());
    for row in figures {
        let figure = app.get_ok(&format!("/v1/observations/{}", row["id"])).await;
        let value: f64 = row["value"].parse().unwrap();
        assert_eq!(figure["value"].as_f64(), Some(value), "{}", row["id"]);
        assert_eq!(figure["indicator"]["id"], row["indicator_id"]);
        assert_eq!(figure["region"]["id"], row["region_id"]);
        assert_eq!(figure["cluster"], optional(&row["cluster_id"]));
        assert_eq!(figure["cluster_group"], optional(&row["cluster_group_id"]));
        assert_eq!(figure["company"], optional(&row["company_id"]));
        assert_eq!(figure["city_plan"], optional(&row["city_plan_id"]));
        assert_eq!(figure["scale"], row["scale"]);
        assert_eq!(figure["unit"], row["unit"]);
        assert_eq!(figure["qualifier"], row["qualifier"]);
        assert_eq!(figure["stated"], row["stated"]);
        assert_eq!(figure["period"]["kind"], row["period_kind"]);
        assert_eq!(figure["period"]["start"], optional(&row["period_start"]));
        assert_eq!(figure["period"]["end"], optional(&row["period_end"]));
        assert_eq!(figure["period"]["label"], row["period_label"]);
        assert_eq!(figure["equivalent_of"], optional(&row["equivalent_of"]));
        assert_eq!(figure["restates"], optional(&row["restates"]));
        assert_eq!(figure["provenance"]["source"]["id"], row["source_id"]);
        assert_eq!(figure["provenance"]["section"], row["section"]);
        assert_eq!(
            figure["provenance"]["speaker"]["id"],
            optional(&row["speaker_id"])
        );
        assert_eq!(
            figure["provenance"]["cited_source"],
            optional(&row["cited_source"])
        );
        assert_eq!(figure["note"], optional(&row["note"]));
    }
}
