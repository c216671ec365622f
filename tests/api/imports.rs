//! Imports: a corrected figure becomes a new revision, the old value stays reachable with
//! `as_of`, a retraction keeps the history, and a file with any problem writes nothing.

use gd_indicators::domain::figure::STORED_COLUMNS;
use gd_indicators::service::import::plan::ImportPlan;
use gd_indicators::service::import::ImportFailure;
use gd_indicators::store::database::open_and_migrate;
use gd_indicators::store::imports::{FigureChange, ImportReceipt};
use reqwest::StatusCode;

use crate::helpers::TestApp;
use crate::seed::{live_seed_figures, seed_table};

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

async fn export_csv(app: &TestApp, query: &str) -> String {
    let response = app.get(&format!("/v1/export?format=csv{query}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

#[tokio::test]
async fn a_correction_is_served_and_the_old_value_stays_reachable_by_as_of() {
    let app = TestApp::spawn().await;
    let before_export = export_csv(&app, "").await;
    let before = gd_indicators::domain::timestamp::now();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;

    let file = seed_csv(&[(
        "rd-expenditure-2024",
        &[
            ("value", "512"),
            ("reason", "revised by the statistics bureau"),
        ],
    )]);
    let (plan, receipt) = import_text(&app, "revision.csv", &file).await.unwrap();
    assert_eq!(plan.changes.len(), 1);
    assert!(matches!(plan.changes[0], FigureChange::Correct { .. }));
    let receipt = receipt.expect("written");
    assert!(receipt.recorded_at > before);

    // The latest value by default, without a restart.
    let latest = app.get_ok("/v1/observations/rd-expenditure-2024").await;
    assert_eq!(latest["value"], 512);
    assert_eq!(latest["revision"]["number"], 2);
    assert_eq!(
        latest["revision"]["recorded_at"],
        receipt.recorded_at.as_str()
    );
    let listed = app
        .get_list("/v1/observations?indicator=rd-expenditure")
        .await;
    assert_eq!(listed[0]["value"], 512);

    // What was known before the import, on one figure, a list and the whole export.
    let then = app
        .get_ok(&format!(
            "/v1/observations/rd-expenditure-2024?as_of={before}"
        ))
        .await;
    assert_eq!(then["value"], 510);
    assert_eq!(then["revision"]["number"], 1);
    let listed = app
        .get_list(&format!(
            "/v1/observations?indicator=rd-expenditure&as_of={before}"
        ))
        .await;
    assert_eq!(listed[0]["value"], 510);
    let export_then = export_csv(&app, &format!("&as_of={before}")).await;
    let strip_revision = |csv: &str| csv.replace(",1,2025-03-01T00:00:00.000000Z", "");
    assert_eq!(strip_revision(&export_then), strip_revision(&before_export));
    assert_ne!(export_csv(&app, "").await, before_export);

    // The figure lists both states.
    let revisions = app
        .get_list("/v1/observations/rd-expenditure-2024/revisions")
        .await;
    let summary: Vec<(i64, &str, f64)> = revisions
        .iter()
        .map(|r| {
            (
                r["number"].as_i64().unwrap(),
                r["change"].as_str().unwrap(),
                r["figure"]["value"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![(1, "original", 510.0), (2, "corrected", 512.0)]
    );
    assert_eq!(revisions[1]["reason"], "revised by the statistics bureau");
    assert_eq!(revisions[1]["import"]["file"], "revision.csv");
    assert_eq!(revisions[1]["import"]["description"], "integration test");
    assert!(revisions[0]["import"].is_null());
}

#[tokio::test]
async fn a_retraction_hides_the_figure_and_keeps_its_history() {
    let app = TestApp::spawn().await;
    let before = gd_indicators::domain::timestamp::now();
    let indicator = app.get_ok("/v1/indicators/rd-expenditure").await;
    let count_before = indicator["observation_count"].as_i64().unwrap();

    let file = "id,action,reason\nrd-expenditure-2024,retract,printed in error\n";
    let (plan, _) = import_text(&app, "retract.csv", file).await.unwrap();
    assert_eq!(plan.changes.len(), 1);

    let problem = app
        .get_problem("/v1/observations/rd-expenditure-2024", StatusCode::GONE)
        .await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("/v1/observations/rd-expenditure-2024/revisions"));
    let listed = app
        .get_list("/v1/observations?indicator=rd-expenditure")
        .await;
    assert!(listed.iter().all(|f| f["id"] != "rd-expenditure-2024"));
    let indicator = app.get_ok("/v1/indicators/rd-expenditure").await;
    assert_eq!(indicator["observation_count"], count_before - 1);

    let then = app
        .get_ok(&format!(
            "/v1/observations/rd-expenditure-2024?as_of={before}"
        ))
        .await;
    assert_eq!(then["value"], 510);
    let revisions = app
        .get_list("/v1/observations/rd-expenditure-2024/revisions")
        .await;
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[1]["change"], "retracted");
    assert_eq!(revisions[1]["reason"], "printed in error");
    // The retraction shows what was withdrawn.
    assert_eq!(revisions[1]["figure"]["value"], 510);

    // Retracting twice is refused, with the place of the problem.
    let Err(ImportFailure::Invalid(errors)) = import_text(&app, "again.csv", file).await else {
        panic!("a second retraction must be refused");
    };
    assert_eq!(
        (errors[0].position.line, errors[0].field.as_deref()),
        (2, Some("action"))
    );
}

#[tokio::test]
async fn a_file_with_one_bad_row_writes_nothing() {
    let app = TestApp::spawn().await;
    let before_export = export_csv(&app, "").await;
    let file = seed_csv(&[
        ("rd-expenditure-2024", &[("value", "512")]),
        (
            "rd-expenditure-2024",
            &[("id", "rd-expenditure-2025"), ("period_start", "2025")],
        ),
        ("marine-gdp-2024", &[("region_id", "atlantis")]),
        (
            "high-tech-enterprises-2024",
            &[("qualifier", "roughly"), ("unit", "furlongs")],
        ),
    ]);
    let Err(ImportFailure::Invalid(errors)) = import_text(&app, "mixed.csv", &file).await else {
        panic!("a file with bad rows must be refused");
    };
    let places: Vec<(usize, usize, &str)> = errors
        .iter()
        .map(|e| {
            (
                e.position.line,
                e.position.column,
                e.field.as_deref().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        places,
        vec![
            (3, 15, "period_end"),
            (4, 3, "region_id"),
            (5, 10, "unit"),
            (5, 11, "qualifier"),
        ],
        "{errors:#?}"
    );
    assert!(errors[1].message.contains("no region 'atlantis'"));

    // Not even the valid rows were written, nor the import recorded: the imports are the
    // migrations' (seed/imports.csv).
    assert_eq!(export_csv(&app, "").await, before_export);
    let imports: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM imports")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(imports as usize, seed_table("imports").len());
}

#[tokio::test]
async fn the_bulk_export_reimports_as_it_is() {
    let app = TestApp::spawn().await;
    let figures = live_seed_figures().len();
    let csv = export_csv(&app, "").await;
    let (plan, receipt) = import_text(&app, "export.csv", &csv).await.unwrap();
    assert_eq!((plan.changes.len(), plan.unchanged), (0, figures));
    assert!(receipt.is_none(), "nothing to change, nothing recorded");

    let json = app.get("/v1/export").await.text().await.unwrap();
    let (plan, _) = import_text(&app, "export.json", &json).await.unwrap();
    assert_eq!((plan.changes.len(), plan.unchanged), (0, figures));

    // A converted export would change values, so it is refused: its conversion columns say
    // what was stated, and are set on exactly the rows converted.
    for presentation in ["&currency=USD", "&scale=billion"] {
        let converted = export_csv(&app, presentation).await;
        let Err(ImportFailure::Invalid(errors)) =
            import_text(&app, "converted.csv", &converted).await
        else {
            panic!("an export with {presentation} must be refused");
        };
        assert!(!errors.is_empty());
        assert!(
            errors
                .iter()
                .all(|e| e.field.as_deref() == Some("stated_value")),
            "{errors:#?}"
        );
    }
}

#[tokio::test]
async fn every_csv_of_figures_the_api_writes_imports_back_unchanged() {
    let app = TestApp::spawn().await;
    let pool = open_and_migrate(&app.db_url)
        .await
        .expect("the writer opens");
    for path in [
        "/v1/observations?limit=1000&format=csv",
        "/v1/revenues?sort=-value&format=csv",
        "/v1/patents?region=guangdong&format=csv",
        "/v1/indicators/rd-expenditure/observations?format=csv",
        "/v1/export?format=csv&indicator=rd-expenditure",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let csv = response.text().await.unwrap();
        let rows = csv.lines().count() - 1;
        assert!(rows > 0, "{path}");
        let (plan, receipt) =
            gd_indicators::service::import::import(&pool, "list.csv", &csv, None, true)
                .await
                .unwrap_or_else(|failure| panic!("{path}: {failure:?}"));
        assert!(receipt.is_none(), "a dry run records nothing");
        assert_eq!(
            (plan.changes.len(), plan.unchanged),
            (0, rows),
            "{path}: every figure already stored as given"
        );
    }
    // A list's CSV and the export's are one dialect: the same header, the same rows.
    let list = app
        .get("/v1/indicators/rd-expenditure/observations?format=csv")
        .await
        .text()
        .await
        .unwrap();
    let export = export_csv(&app, "&indicator=rd-expenditure").await;
    assert_eq!(list, export);
    pool.close().await;
}

#[tokio::test]
async fn new_figures_may_point_at_each_other_within_one_file() {
    let app = TestApp::spawn().await;
    let file = seed_csv(&[
        (
            "rd-expenditure-2024-usd",
            &[
                ("id", "rd-expenditure-2025-usd"),
                ("value", "75"),
                ("equivalent_of", "rd-expenditure-2025"),
                ("period_start", "2025"),
                ("period_end", "2025"),
                ("period_label", "2025"),
            ],
        ),
        (
            "rd-expenditure-2024",
            &[
                ("id", "rd-expenditure-2025"),
                ("value", "540"),
                ("period_start", "2025"),
                ("period_end", "2025"),
                ("period_label", "2025"),
            ],
        ),
    ]);
    let (plan, _) = import_text(&app, "additions.csv", &file).await.unwrap();
    assert_eq!(plan.changes.len(), 2);
    let added = app.get_ok("/v1/observations/rd-expenditure-2025-usd").await;
    assert_eq!(added["equivalent_of"], "rd-expenditure-2025");
    assert_eq!(added["revision"]["number"], 1);
    let revisions = app
        .get_list("/v1/observations/rd-expenditure-2025/revisions")
        .await;
    assert_eq!(revisions[0]["change"], "added");
    let series = app
        .get_list("/v1/observations?indicator=rd-expenditure&year=2025&unit=cny")
        .await;
    assert_eq!(series.len(), 1);
    assert_eq!(series[0]["value"], 540);
}

pub fn run_import_command(file: &std::path::Path, db_url: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_gd-indicators"))
        .args(["import", file.to_str().unwrap(), "--database-url", db_url])
        .output()
        .unwrap()
}

#[tokio::test]
async fn the_import_command_reports_each_problem_and_exits_1() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.csv");
    std::fs::write(
        &file,
        seed_csv(&[(
            "marine-gdp-2024",
            &[("region_id", "atlantis"), ("value", "lots")],
        )]),
    )
    .unwrap();
    let output = run_import_command(&file, &app.db_url);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert!(lines[0].ends_with(
        "bad.csv: line 2, column 3 (region_id): there is no region 'atlantis'; an import never creates one"
    ), "{stderr}");
    assert!(lines[1].contains("line 2, column 8 (value): 'lots' is not a finite number"));
    assert!(lines[2].ends_with("refused: 2 problems; nothing was written"));
    assert_eq!(
        app.get_ok("/v1/observations/marine-gdp-2024").await["region"]["id"],
        "guangdong"
    );

    // A good file goes through the command too.
    std::fs::write(&file, seed_csv(&[("marine-gdp-2024", &[("value", "1.9")])])).unwrap();
    let version = app.data_version().await;
    let output = run_import_command(&file, &app.db_url);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("0 added, 1 corrected, 0 retracted, 0 unchanged"),
        "{stdout}"
    );
    app.wait_for_data_version(version + 1).await;
    assert_eq!(
        app.get_ok("/v1/observations/marine-gdp-2024").await["value"],
        1.9
    );
}
