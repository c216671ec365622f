//! Rebuilds when a migration is added or changed: `sqlx::migrate!()` embeds the files of
//! `migrations/` at compile time, and cargo does not otherwise notice a new file there.
//!
//! Also fingerprints the sources and the locked dependencies (`GD_SOURCE_FINGERPRINT`): the
//! streamed export's ETag cannot hash bytes it has not sent yet, so it names the code that
//! renders them instead, and a build that renders differently never answers 304 to a tag from
//! the one before.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.lock");
    // The lock file too: a new serde_json or csv may write the same data differently.
    let mut files = vec![PathBuf::from("Cargo.lock")];
    collect(Path::new("src"), &mut files);
    files.sort();
    let mut hasher = DefaultHasher::new();
    for file in files {
        file.hash(&mut hasher);
        std::fs::read(&file)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", file.display()))
            .hash(&mut hasher);
    }
    println!(
        "cargo:rustc-env=GD_SOURCE_FINGERPRINT={:016x}",
        hasher.finish()
    );
}

/// Every file under `dir`.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}
