//! `gd-indicators import`: each problem on its own line, exit 1; a good file applied.

use crate::helpers::{seed_csv, TestApp};

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
    let output = app.run(&["import", file.to_str().unwrap()]);
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
    let output = app.run(&["import", file.to_str().unwrap()]);
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

/// A valid file that would leave something wrong is imported with a warning on stderr, or
/// with `--strict` refused, nothing written: a retraction that orphans a printed dollar
/// twin, a correction whose `stated` words still print the old value.
#[tokio::test]
async fn the_import_command_warns_of_orphans_and_stale_words_and_strict_refuses_them() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("changes.csv");
    std::fs::write(
        &file,
        seed_csv(&[
            (
                "rd-expenditure-2024",
                &[("action", "retract"), ("reason", "withdrawn")],
            ),
            ("marine-gdp-2024", &[("value", "2.1")]),
        ]),
    )
    .unwrap();
    let version = app.data_version().await;
    let output = app.run(&["import", "--strict", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    let shown = file.to_str().unwrap();
    assert_eq!(
        lines,
        [
            format!(
                "{shown}: line 2, column 1 (id): retracting 'rd-expenditure-2024' leaves \
                 'rd-expenditure-2024-usd' (its equivalent_of) pointing at a retracted figure, \
                 an orphan; retract 'rd-expenditure-2024-usd' in this file too, or correct its \
                 equivalent_of (a warning, refused by --strict)"
            ),
            format!(
                "{shown}: line 3, column 12 (stated): the value changes from 2 trillion cny to \
                 2.1 trillion cny but stated still reads 'surpassed 2 trillion yuan'; give the \
                 words the source prints for the new value (a warning, refused by --strict)"
            ),
            format!("gd-indicators: {shown} refused: 2 problems; nothing was written"),
        ],
        "{stderr}"
    );
    assert_eq!(app.data_version().await, version, "nothing written");
    assert_eq!(
        app.get_figure("/v1/observations/rd-expenditure-2024")
            .await
            .value,
        510
    );

    // Without --strict, the same file is applied and the warnings said.
    let output = app.run(&["import", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with(&format!("{shown}: warning: line ")))
        .collect();
    assert_eq!(warnings.len(), 2, "{stderr}");
    assert!(
        warnings[0].contains("leaves 'rd-expenditure-2024-usd'"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&output.stdout)
        .contains("0 added, 1 corrected, 1 retracted, 0 unchanged"));
    app.wait_for_data_version(version + 1).await;

    // A file that retracts the twin with its figure orphans nothing.
    std::fs::write(
        &file,
        seed_csv(&[(
            "rd-expenditure-2024-usd",
            &[("action", "retract"), ("reason", "its figure is withdrawn")],
        )]),
    )
    .unwrap();
    let output = app.run(&["import", "--strict", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(output.stderr.is_empty(), "{output:?}");
}
