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
