//! Each command's `--help` lists the options it uses, and says what each does for it.

use crate::helpers::run;

fn help(command: &str) -> String {
    let output = run(&[command, "--help"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn each_commands_help_lists_only_its_own_options() {
    let server_only = [
        "--response-cache-mib",
        "--max-connections",
        "--log-format",
        "--port-file",
    ];
    let healthcheck = help("healthcheck");
    assert!(healthcheck.contains("--addr"), "{healthcheck}");
    assert!(healthcheck.contains("The server to ask"), "{healthcheck}");
    assert!(!healthcheck.contains("listen"), "{healthcheck}");
    assert!(!healthcheck.contains("--database-url"), "{healthcheck}");
    for command in [
        "migrate",
        "import",
        "export",
        "check",
        "generate",
        "healthcheck",
    ] {
        let text = help(command);
        for flag in server_only {
            assert!(
                !text.contains(flag),
                "{command} --help lists {flag}:\n{text}"
            );
        }
    }
    for command in ["import", "export", "check"] {
        let text = help(command);
        assert!(text.contains("--create"), "{text}");
        assert!(!text.contains("--addr"), "{text}");
    }
    let import = help("import");
    assert!(import.contains("The database to import into"), "{import}");
    let serve = help("serve");
    for flag in server_only.iter().chain(&["--addr", "--database-url"]) {
        assert!(serve.contains(flag), "serve --help lacks {flag}:\n{serve}");
    }
}
