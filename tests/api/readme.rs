//! The README cannot drift: every `$ command` in one of its ```sh blocks is run with bash
//! against a live server (the binary, with its default settings, on a free port), and what it
//! prints on stdout must be what the README shows under it, byte for byte.
//!
//! - `localhost:8080` reaches the server through curl's `--connect-to` (a `.curlrc` in
//!   `CURL_HOME`), so commands run exactly as written and the server sees the `Host` a reader's
//!   curl sends.
//! - `gd-indicators` (and `cargo run --release --`) is the binary under test, with
//!   `DATABASE_URL` set to the server's database.
//! - A block runs in a directory of its own, its commands in order, with the repository's
//!   `seed/` in it (the README's commands run from a clone's root). In an output line, `...`
//!   stands for text that changes on every run (a time).
//! - An HTML comment just before a block marks it: `<!-- cookbook: own server -->` runs it on a
//!   new server and database (it changes the data, or counts requests);
//!   `<!-- cookbook: skip: REASON -->` leaves it out, and the test says why.
//!
//! The commands need bash, curl and jq; without them the test is skipped with a message,
//! except under CI (`CI` set), where it fails: `.ci/run` installs Debian's curl and jq.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::helpers::{Server, BINARY};

const README: &str = include_str!("../../README.md");

/// One `$ command` and what the README shows it printing.
struct Step {
    line: usize,
    command: String,
    expected: Vec<String>,
}

/// How a block is run.
#[derive(Debug, PartialEq)]
enum Marker {
    /// On the server the other blocks share.
    Shared,
    /// On a server and database of its own.
    OwnServer,
    Skip(String),
}

struct Block {
    line: usize,
    marker: Marker,
    steps: Vec<Step>,
}

/// The ```sh blocks of `readme` that hold a `$ command`, with the marker before each.
fn cookbook(readme: &str) -> Vec<Block> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut blocks = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        if lines[index].trim_end() != "```sh" {
            index += 1;
            continue;
        }
        let opening = index;
        let marker = marker(opening.checked_sub(1).map(|i| lines[i]));
        let mut steps: Vec<Step> = Vec::new();
        index += 1;
        while index < lines.len() && !lines[index].starts_with("```") {
            let line = lines[index];
            if let Some(command) = line.strip_prefix("$ ") {
                steps.push(Step {
                    line: index + 1,
                    command: command.to_owned(),
                    expected: Vec::new(),
                });
            } else if let Some(step) = steps.last_mut() {
                step.expected.push(line.to_owned());
            }
            index += 1;
        }
        if !steps.is_empty() {
            blocks.push(Block {
                line: opening + 1,
                marker,
                steps,
            });
        }
        index += 1;
    }
    blocks
}

fn marker(line: Option<&str>) -> Marker {
    let Some(comment) = line
        .map(str::trim)
        .and_then(|line| line.strip_prefix("<!-- cookbook:"))
        .and_then(|line| line.strip_suffix("-->"))
        .map(str::trim)
    else {
        return Marker::Shared;
    };
    if comment == "own server" {
        Marker::OwnServer
    } else if let Some(reason) = comment.strip_prefix("skip:") {
        Marker::Skip(reason.trim().to_owned())
    } else {
        panic!("unknown cookbook marker '{comment}': 'own server' or 'skip: REASON'")
    }
}

/// Whether `actual` is `expected`, where each `...` in `expected` stands for any text.
fn matches(expected: &str, actual: &str) -> bool {
    let mut pieces = expected.split("...");
    let first = pieces.next().unwrap_or_default();
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    for (index, piece) in pieces.iter().enumerate() {
        if index == pieces.len() - 1 {
            return rest.ends_with(piece);
        }
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// Where the commands run: `gd-indicators` on the PATH, curl pointed at a server.
struct Shell {
    /// Holds `bin/gd-indicators` and `.curlrc`.
    home: tempfile::TempDir,
    path: String,
}

impl Shell {
    fn new() -> Shell {
        let home = tempfile::tempdir().unwrap();
        let bin = home.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        std::os::unix::fs::symlink(BINARY, bin.join("gd-indicators")).unwrap();
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        Shell { home, path }
    }

    /// Runs `block`'s steps against `server` (over `database`); returns what differed.
    fn run(&self, block: &Block, server: &Server, database: &Path) -> Vec<String> {
        let curl_home = self.home.path().join(format!("curl-{}", block.line));
        std::fs::create_dir(&curl_home).unwrap();
        std::fs::write(
            curl_home.join(".curlrc"),
            format!("connect-to = localhost:8080:{}\n", server.address),
        )
        .unwrap();
        let directory = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("seed"),
            directory.path().join("seed"),
        )
        .unwrap();
        let mut differences = Vec::new();
        for step in &block.steps {
            let command = step
                .command
                .replace("cargo run --release -- ", "gd-indicators ");
            let output = Command::new("bash")
                .args(["--noprofile", "--norc", "-c", &command])
                .current_dir(directory.path())
                .env("PATH", &self.path)
                .env("CURL_HOME", &curl_home)
                .env("DATABASE_URL", database)
                .env_remove("RUST_LOG")
                .output()
                .expect("bash runs");
            let mut actual = String::from_utf8_lossy(&output.stdout).into_owned();
            // A body without a final newline (curl -s) reads as a line in the README.
            if !actual.is_empty() && !actual.ends_with('\n') {
                actual.push('\n');
            }
            let actual_lines: Vec<&str> = actual.lines().collect();
            let same = actual_lines.len() == step.expected.len()
                && (step.expected.iter())
                    .zip(&actual_lines)
                    .all(|(expected, actual)| matches(expected, actual));
            if !same || !output.status.success() {
                differences.push(format!(
                    "README.md:{}: $ {}\n  {}\n  the README shows:\n{}\n  it \
                     printed:\n{}\n  stderr:\n{}",
                    step.line,
                    step.command,
                    output.status,
                    indent(&step.expected.join("\n")),
                    indent(&actual),
                    indent(&String::from_utf8_lossy(&output.stderr)),
                ));
            }
        }
        differences
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("    |{line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `tool` runs; when not, the test is skipped (saying so), or fails under CI.
fn tools_or_skip(tools: &[&str]) -> bool {
    let missing: Vec<&str> = (tools.iter().copied())
        .filter(|tool| {
            Command::new(tool)
                .arg("--version")
                .output()
                .map_or(true, |output| !output.status.success())
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but {missing:?} cannot be run: the README's cookbook cannot be checked"
    );
    eprintln!(
        "SKIPPED every_command_of_the_readme_prints_what_the_readme_shows: {missing:?} not \
         found; install Debian's curl and jq to run it"
    );
    false
}

fn start_server(dir: &Path, name: &str) -> (Server, PathBuf) {
    let database = dir.join(name);
    let mut server = Server::start(&[], &database);
    server.drain_log();
    (server, database)
}

#[test]
fn every_command_of_the_readme_prints_what_the_readme_shows() {
    if !tools_or_skip(&["bash", "curl", "jq"]) {
        return;
    }
    let blocks = cookbook(README);
    let commands: usize = blocks.iter().map(|block| block.steps.len()).sum();
    assert!(commands >= 40, "the cookbook has {commands} commands");

    let dir = tempfile::tempdir().unwrap();
    let shell = Shell::new();
    let (shared, shared_database) = start_server(dir.path(), "shared.db");
    let mut differences = Vec::new();
    let mut ran = 0;
    for block in &blocks {
        match &block.marker {
            Marker::Skip(reason) => {
                eprintln!("README.md:{}: block skipped: {reason}", block.line);
                continue;
            }
            Marker::Shared => {
                differences.extend(shell.run(block, &shared, &shared_database));
            }
            Marker::OwnServer => {
                let (server, database) =
                    start_server(dir.path(), &format!("block-{}.db", block.line));
                differences.extend(shell.run(block, &server, &database));
            }
        }
        ran += block.steps.len();
    }
    assert!(
        differences.is_empty(),
        "{} of {ran} README commands print something else than the README says:\n\n{}",
        differences.len(),
        differences.join("\n\n")
    );
}

#[test]
fn the_cookbook_reader_finds_commands_markers_and_outputs() {
    let readme = "text\n<!-- cookbook: skip: needs a log -->\n```sh\n$ grep x log\nx\n```\n\
                  ```sh\nnot a command\n```\n<!-- cookbook: own server -->\n```sh\n$ a\n\n$ b \
                  | c\none\ntwo\n```\n```sh\n$ d\n```\n";
    let blocks = cookbook(readme);
    /// A block's line, marker, and each step's command and count of output lines.
    type Shape<'a> = (usize, &'a Marker, Vec<(&'a str, usize)>);
    let shape: Vec<Shape> = (blocks.iter())
        .map(|block| {
            let steps = (block.steps.iter())
                .map(|step| (step.command.as_str(), step.expected.len()))
                .collect();
            (block.line, &block.marker, steps)
        })
        .collect();
    assert_eq!(
        shape,
        [
            (
                3,
                &Marker::Skip("needs a log".to_owned()),
                vec![("grep x log", 1)]
            ),
            (11, &Marker::OwnServer, vec![("a", 1), ("b | c", 2)]),
            (18, &Marker::Shared, vec![("d", 0)]),
        ]
    );
    assert!(matches(
        "import 2 recorded at ...Z)",
        "import 2 recorded at 2026-12-02Z)"
    ));
    assert!(matches("a...b...c", "a1b2c"));
    assert!(!matches("a...b", "a1c"));
    assert!(!matches("exact", "exactly"));
    assert!(matches("exact", "exact"));
}
