//! The command line as users type it: each command's own flags, bounds and help.

use clap::CommandFactory;

use super::*;

fn parse(args: &[&str]) -> Result<Command, clap::Error> {
    parse_args(args.iter().map(OsString::from))
}

fn serve_args(args: &[&str]) -> ServeArgs {
    match parse(args).expect("the flags parse") {
        Command::Serve(serve) => serve,
        other => panic!("{args:?} serves, not {other:?}"),
    }
}

/// `serve`'s flags follow `serve`, or stand alone when no command is named; before a
/// command they are refused in one line that says where they go, rather than left unread.
#[test]
fn serve_options_are_taken_alone_or_after_serve_and_refused_before_a_command() {
    for args in [
        &["gd-indicators", "serve", "--response-cache-mib", "0"][..],
        &["gd-indicators", "--response-cache-mib", "0"][..],
    ] {
        assert_eq!(serve_args(args).response_cache_mib, 0, "{args:?}");
    }
    let default = serve_args(&["gd-indicators"]);
    assert_eq!(default.addr.to_string(), "127.0.0.1:8080");
    for (args, command) in [
        (
            &["gd-indicators", "--response-cache-mib", "0", "serve"][..],
            "serve",
        ),
        (
            &[
                "gd-indicators",
                "--database-url",
                "gd.db",
                "import",
                "fix.csv",
            ],
            "import",
        ),
    ] {
        let line = usage_error_line(&parse(args).expect_err("refused"));
        assert_eq!(
            line,
            format!(
                "'{command}' comes after options: a command's options follow its name; \
                 see 'gd-indicators {command} --help'"
            )
        );
    }
    // serve's options, and so their environment variables, are read only to serve.
    let error = parse(&["gd-indicators", "check", "--max-connections", "1"]);
    assert!(error.is_err(), "check takes no server option");
    let misspelt = usage_error_line(&parse(&["gd-indicators", "imprt"]).unwrap_err());
    assert!(
        misspelt.contains("unrecognized subcommand 'imprt'"),
        "{misspelt}"
    );
    assert!(misspelt.contains("import"), "a suggestion: {misspelt}");
    for shown in ["--help", "-h", "--version"] {
        let shown = parse(&["gd-indicators", shown]).unwrap_err();
        assert!(!shown.use_stderr(), "{shown}");
    }
}

/// Each command lists, and takes, only the flags it uses.
#[test]
fn each_command_takes_only_the_options_it_uses() {
    let mut cli = Cli::command();
    cli.build();
    let top: Vec<&str> = cli.get_arguments().filter_map(|a| a.get_long()).collect();
    assert_eq!(top, ["help", "version"], "no option of its own at the top");
    let serve_tuning: Vec<&str> = NUMERIC_OPTIONS.iter().map(|(flag, ..)| *flag).collect();
    let expected: &[(&str, Vec<&str>)] = &[
        (
            "serve",
            [
                &[
                    "addr",
                    "port-file",
                    "database-url",
                    "public-url",
                    "trust-forwarded",
                    "log-format",
                ][..],
                &["cors-allow-origins", "rate-limit-loopback"],
                &serve_tuning,
            ]
            .concat(),
        ),
        ("migrate", vec!["database-url"]),
        (
            "import",
            vec!["database-url", "create", "description", "dry-run", "strict"],
        ),
        ("check", vec!["database-url", "create", "accept"]),
        ("healthcheck", vec!["addr"]),
        (
            "generate",
            vec![
                "database-url",
                "observations",
                "seed",
                "revisions-percent",
                "batch-size",
            ],
        ),
        (
            "export",
            vec!["database-url", "create", "format", "output", "query"],
        ),
    ];
    let mut database_helps = Vec::new();
    for (name, flags) in expected {
        let command = cli.find_subcommand(name).expect("a command");
        let mut listed: Vec<&str> = command
            .get_arguments()
            .filter_map(|a| a.get_long())
            .filter(|long| *long != "help")
            .collect();
        let mut flags = flags.clone();
        listed.sort_unstable();
        flags.sort_unstable();
        assert_eq!(listed, flags, "{name}");
        if let Some(database) = command
            .get_arguments()
            .find(|a| a.get_id() == "database_url")
        {
            database_helps.push(database.get_help().expect("a help").to_string());
        }
    }
    let distinct: std::collections::BTreeSet<&String> = database_helps.iter().collect();
    assert_eq!(
        distinct.len(),
        database_helps.len(),
        "each command says what it does with --database-url: {database_helps:#?}"
    );
    let healthcheck = cli
        .find_subcommand_mut("healthcheck")
        .expect("healthcheck")
        .render_long_help()
        .to_string();
    assert!(!healthcheck.contains("listen"), "{healthcheck}");
}

#[test]
fn addresses_are_host_names_or_ip_addresses_with_a_port() {
    for (text, is_ip) in [
        ("127.0.0.1:8080", true),
        ("0.0.0.0:0", true),
        ("[::1]:8080", true),
        ("localhost:8080", false),
        ("gd-indicators.default.svc:80", false),
    ] {
        let parsed: HostPort = text.parse().expect(text);
        assert_eq!(parsed.to_string(), text);
        assert_eq!(parsed.is_ip(), is_ip, "{text}");
    }
    for text in [
        "localhost",
        "localhost:http",
        "localhost:65536",
        ":8080",
        "::1:8080",
        "[::1:8080",
        "[localhost]:8080",
        "local host:8080",
        "http://localhost:8080",
    ] {
        let refused = text.parse::<HostPort>().expect_err(text);
        assert!(refused.starts_with("expected HOST:PORT"), "{refused}");
    }
}

/// Every numeric server option is bounded: each one `--help` lists under the limits and
/// tuning is in the table, its range's ends are taken, and one past either end stops
/// start-up with one line naming the flag and its environment variable.
#[test]
fn every_numeric_server_option_is_refused_outside_its_range() {
    let mut command = Cli::command();
    command.build();
    let listed: Vec<String> = command
        .find_subcommand("serve")
        .expect("a serve command")
        .get_arguments()
        .filter(|a| a.get_help_heading() == Some(TUNING))
        .filter(|a| a.get_action().takes_values() && a.get_id() != "cors_allow_origins")
        .map(|a| a.get_long().expect("a long flag").to_owned())
        .collect();
    let bounded: Vec<&str> = NUMERIC_OPTIONS.iter().map(|(flag, ..)| *flag).collect();
    assert_eq!(listed, bounded, "every numeric server option has a range");

    let settings = |flag: &str, value: u64| {
        let flag = format!("--{flag}");
        let value = value.to_string();
        serve_args(&["gd-indicators", "serve", flag.as_str(), value.as_str()]).http_settings()
    };
    for (flag, _, range) in NUMERIC_OPTIONS {
        for fine in [*range.start(), *range.end()] {
            assert!(settings(flag, fine).is_ok(), "--{flag} {fine}");
        }
        let mut out_of_range = vec![range.end() + 1, u64::MAX];
        out_of_range.extend(range.start().checked_sub(1));
        for wrong in out_of_range {
            let message = settings(flag, wrong).expect_err(flag);
            let env = flag.to_ascii_uppercase().replace('-', "_");
            assert!(
                message.starts_with(&format!("--{flag} ({env}) is {wrong}; it must be from")),
                "{message}"
            );
            assert_eq!(message.lines().count(), 1, "{message}");
        }
    }
    assert!(serve_args(&["gd-indicators"]).http_settings().is_ok());
}

/// Every subcommand and every flag says what it is for in `--help`: one added without a
/// doc comment fails here.
#[test]
fn every_command_and_flag_is_documented() {
    let command = Cli::command();
    command.clone().debug_assert();
    let mut missing = Vec::new();
    let mut commands = vec![(String::from("gd-indicators"), command)];
    while let Some((path, command)) = commands.pop() {
        if command.get_about().is_none() {
            missing.push(path.clone());
        }
        for argument in command.get_arguments() {
            let id = argument.get_id().as_str();
            if id != "help" && id != "version" && argument.get_help().is_none() {
                missing.push(format!("{path} --{id}"));
            }
        }
        for subcommand in command.get_subcommands() {
            let name = format!("{path} {}", subcommand.get_name());
            commands.push((name, subcommand.clone()));
        }
    }
    assert!(missing.is_empty(), "undocumented in --help: {missing:?}");
}
