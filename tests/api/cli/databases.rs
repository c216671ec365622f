//! Commands that work on existing data (`import`, `export`, `check`) refuse a database that
//! does not exist, unless `--create`: a mistyped `--database-url` no longer imports into a new
//! file no server reads. `serve`, `migrate` and `generate` create it as before.

use super::assert_one_line;
use crate::helpers::run;

#[test]
fn a_missing_database_is_refused_by_the_commands_on_existing_data_unless_create() {
    let dir = tempfile::tempdir().unwrap();
    let fix = dir.path().join("fix.csv");
    std::fs::write(
        &fix,
        "id,action,reason\nrd-expenditure-2024,retract,printed in error\n",
    )
    .unwrap();
    let fix = fix.to_str().unwrap();
    let typo = dir.path().join("gd-indicatros.db");
    let typo = typo.to_str().unwrap();
    for args in [
        &["import", fix][..],
        &["export"],
        &["check"],
        &["import", "--dry-run", fix],
    ] {
        let output = run(&[args, &["--database-url", typo]].concat());
        assert_one_line(&output, 1, &format!("there is no database at '{typo}'"));
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("give --create"),
            "{output:?}"
        );
        assert!(output.stdout.is_empty(), "{args:?}");
        assert!(!std::path::Path::new(typo).exists(), "{args:?} made it");
    }
    let memory = run(&["check", "--database-url", "sqlite::memory:"]);
    assert_one_line(&memory, 1, "'sqlite::memory:' is a database in memory");

    let created = dir.path().join("new.db");
    let created = created.to_str().unwrap();
    let output = run(&["export", "--create", "--database-url", created]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("id,indicator_id,"));
    let output = run(&["import", fix, "--database-url", created]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let output = run(&["check", "--create", "--database-url", "sqlite::memory:"]);
    assert!(
        String::from_utf8_lossy(&output.stdout).starts_with("Consistency of the source"),
        "{output:?}"
    );

    for (args, name) in [
        (&["migrate"][..], "migrated.db"),
        (&["generate", "--observations", "10"], "generated.db"),
    ] {
        let path = dir.path().join(name);
        let path = path.to_str().unwrap();
        let output = run(&[args, &["--database-url", path]].concat());
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        assert!(std::path::Path::new(path).exists(), "{args:?}");
    }
}
