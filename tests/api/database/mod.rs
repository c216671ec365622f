//! The database under the server: WAL mode and a read-only pool, readers that never see half
//! an import, faults part-way through an import that leave it as it was, and the figure
//! tables' closed lists.

mod closed_lists;
mod connections;
mod faults;
mod load;
mod portability;

use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::helpers::command;

/// A migrated database file in `dir`, closed (so the whole state is in the main file).
fn migrated_database(dir: &Path) -> PathBuf {
    let database = dir.join("gd-indicators.db");
    let status = command(&["migrate", "--database-url", database.to_str().unwrap()])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    database
}
