//! The Kubernetes manifests (`deploy/kubernetes/`) run the server as the server expects: its
//! settings are ones `serve` reads and takes, the probes answer, and the termination grace
//! holds the preStop pause and the server's whole drain. `.ci/run` checks the same files
//! against the Kubernetes API schemas.

use std::collections::BTreeMap;

use crate::helpers::{command, http_get, Server};

const DEPLOYMENT: &str = include_str!("../../deploy/kubernetes/deployment.yaml");

/// The value of the first `key: value` line of `yaml`, unquoted.
fn field<'a>(yaml: &'a str, key: &str) -> &'a str {
    yaml.lines()
        .find_map(|line| line.trim().strip_prefix(&format!("{key}:")))
        .unwrap_or_else(|| panic!("no {key} in the manifest"))
        .trim()
        .trim_matches('"')
}

/// The container's environment: each `- name:` line and the `value:` line after it.
fn environment(yaml: &str) -> BTreeMap<&str, &str> {
    let lines: Vec<&str> = yaml.lines().map(str::trim).collect();
    let start = lines
        .iter()
        .position(|line| *line == "env:")
        .expect("an env");
    lines[start + 1..]
        .windows(2)
        .take_while(|pair| !pair[0].ends_with(':') || pair[0].starts_with("- name:"))
        .filter_map(|pair| {
            let name = pair[0].strip_prefix("- name:")?.trim();
            let value = pair[1].strip_prefix("value:")?.trim().trim_matches('"');
            Some((name, value))
        })
        .collect()
}

#[test]
fn the_deployment_runs_the_server_as_it_expects() {
    let env = environment(DEPLOYMENT);
    assert!(env.len() >= 5, "{env:?}");
    assert_eq!(env["ADDR"], "0.0.0.0:8080");
    assert_eq!(field(DEPLOYMENT, "containerPort"), "8080");

    // The grace period covers the preStop pause, the server's drain and a margin.
    let grace: u64 = field(DEPLOYMENT, "terminationGracePeriodSeconds")
        .parse()
        .unwrap();
    let pause: u64 = field(DEPLOYMENT, "command")
        .trim_start_matches("[\"sleep\", \"")
        .trim_end_matches("\"]")
        .parse()
        .expect("a preStop sleep");
    let drain_ms: u64 = env["SHUTDOWN_GRACE_MS"].parse().unwrap();
    assert!(
        grace * 1000 >= pause * 1000 + drain_ms + 1000,
        "terminationGracePeriodSeconds {grace} < preStop {pause} s + drain {drain_ms} ms + 1 s"
    );

    // `serve` reads every variable set, and starts with them (on a free port here).
    let dir = tempfile::tempdir().unwrap();
    let mut serve = command(&["serve"]);
    serve.envs(env.iter().filter(|(name, _)| **name != "ADDR"));
    serve
        .env("ADDR", "127.0.0.1:0")
        .env("DATABASE_URL", dir.path().join("snapshot.db"));
    let help = String::from_utf8(command(&["serve", "--help"]).output().unwrap().stdout).unwrap();
    for name in env.keys() {
        assert!(
            help.contains(&format!("[env: {name}=")),
            "serve reads no {name}"
        );
    }
    let mut server = Server::start_command(serve);
    for probe in [field(DEPLOYMENT, "path"), "/readyz"] {
        let response = http_get(&server.address, probe);
        assert!(response.starts_with("HTTP/1.1 200"), "{probe}: {response}");
    }
    assert!(DEPLOYMENT.contains("path: /healthz") && DEPLOYMENT.contains("path: /readyz"));
    // A read-only root filesystem leaves SQLite nowhere to spill a large sort but a volume.
    assert_eq!(field(DEPLOYMENT, "readOnlyRootFilesystem"), "true");
    assert_eq!(field(DEPLOYMENT, "mountPath"), "/tmp");
    assert!(DEPLOYMENT.contains("volumes:\n        - name: tmp\n          emptyDir:"));
    assert_eq!(server.terminate(), Some(0));
}
