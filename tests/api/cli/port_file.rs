//! `--port-file` says where a server on port 0 listens once it is ready, and the listening line
//! is printed whatever `RUST_LOG` keeps: a harness never has to parse a log it may have
//! silenced.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::helpers::{command, http_get};

#[test]
fn the_port_file_and_the_listening_line_say_where_a_quiet_server_listens() {
    let dir = tempfile::tempdir().unwrap();
    let port_file = dir.path().join("run").join("port");
    std::fs::create_dir(dir.path().join("run")).unwrap();
    // A file left by an earlier run is not this run's address.
    std::fs::write(&port_file, "127.0.0.1:1\n").unwrap();
    let mut server = command(&["serve", "--addr", "127.0.0.1:0"])
        .arg("--database-url")
        .arg(dir.path().join("quiet.db"))
        .arg("--port-file")
        .arg(&port_file)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(server.stdout.take().unwrap()).lines();
    let line = log.next().expect("a line").unwrap();
    let from_log = line
        .split("listening on http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("the listening line, at RUST_LOG=warn: {line}"))
        .to_owned();

    let deadline = Instant::now() + Duration::from_secs(10);
    let from_file = loop {
        let written = std::fs::read_to_string(&port_file).unwrap_or_default();
        if written != "127.0.0.1:1\n" && !written.is_empty() {
            break written;
        }
        assert!(Instant::now() < deadline, "no port file");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(from_file, format!("{from_log}\n"));
    assert!(!from_log.ends_with(":0"), "{from_log}");
    assert!(http_get(&from_log, "/readyz").contains("\"status\":\"ready\""));
    let names: Vec<_> = std::fs::read_dir(dir.path().join("run"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(names, ["port"], "no temporary file is left beside it");

    let killed = std::process::Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert_eq!(server.wait().unwrap().code(), Some(0));
    assert!(!port_file.exists(), "the port file goes with the server");
}
