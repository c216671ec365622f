//! gzip bodies, decompressed.

use std::io::Read;

/// Decompresses gzip with the system's `gzip`, so the test needs no compression crate.
pub fn gunzip(compressed: &[u8], out: &mut String) {
    use std::io::Write;
    let mut child = std::process::Command::new("gzip")
        .arg("-dc")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("gzip is installed");
    child.stdin.take().unwrap().write_all(compressed).unwrap();
    child.stdout.take().unwrap().read_to_string(out).unwrap();
    assert!(child.wait().unwrap().success());
}
