//! `--addr` takes a host name as well as an IP address, for `serve` and `healthcheck`; the
//! server's flags come after `serve` or stand alone, and before a command they are refused.

use super::{assert_one_line, run_to_exit};
use crate::helpers::{command, http_get, run, Server};

#[test]
fn serve_and_healthcheck_take_a_host_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut serve = command(&["serve", "--addr", "localhost:0"]);
    serve.arg("--database-url").arg(dir.path().join("named.db"));
    let mut server = Server::start_command(serve);
    let listening = server.started.last().unwrap().clone();
    assert!(
        listening.contains("requested=\"localhost:0\""),
        "the line says what the name resolved to: {listening}"
    );
    let port = server.address.rsplit(':').next().unwrap().to_owned();
    let ready = http_get(&server.address, "/readyz");
    assert!(ready.contains("\"status\":\"ready\""), "{ready}");

    let named = format!("localhost:{port}");
    let healthcheck = run(&["healthcheck", "--addr", &named]);
    assert_eq!(healthcheck.status.code(), Some(0), "{healthcheck:?}");

    assert_eq!(server.terminate(), Some(0));
    let down = run(&["healthcheck", "--addr", &named]);
    assert_one_line(&down, 1, "no server at localhost:");
}

#[test]
fn the_servers_flags_stand_alone_or_follow_serve_and_never_precede_a_command() {
    let dir = tempfile::tempdir().unwrap();
    for (args, name) in [
        (&["--addr", "127.0.0.1:0"][..], "alone.db"),
        (&["serve", "--addr", "127.0.0.1:0"][..], "after.db"),
    ] {
        let mut serve = command(args);
        serve.arg("--database-url").arg(dir.path().join(name));
        let mut server = Server::start_command(serve);
        assert!(http_get(&server.address, "/readyz").contains("ready"));
        assert_eq!(server.terminate(), Some(0), "{args:?}");
    }

    let before = run_to_exit(&["--addr", "127.0.0.1:0", "serve"]);
    assert_one_line(&before, 1, "a command's options follow its name");
    let database = dir.path().join("before.db");
    let database = database.to_str().unwrap();
    let before = run_to_exit(&["--database-url", database, "migrate"]);
    assert_one_line(&before, 1, "a command's options follow its name");
    assert!(!std::path::Path::new(database).exists());

    // The server's variables are read only to serve: a bad one leaves the other commands be.
    let migrate = command(&["migrate", "--database-url", database])
        .env("MAX_CONNECTIONS", "many")
        .output()
        .unwrap();
    assert_eq!(migrate.status.code(), Some(0), "{migrate:?}");
}

#[test]
fn an_address_that_is_not_host_and_port_is_refused_in_one_line() {
    for addr in ["localhost", "::1:8080", "localhost:99999"] {
        for args in [
            &["serve", "--addr", addr][..],
            &["healthcheck", "--addr", addr][..],
        ] {
            assert_one_line(&run_to_exit(args), 1, "expected HOST:PORT");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("unused.db");
    let database = database.to_str().unwrap();
    let unknown = run_to_exit(&[
        "serve",
        "--addr",
        "no-such-host.invalid:0",
        "--database-url",
        database,
    ]);
    assert_one_line(&unknown, 1, "cannot listen on no-such-host.invalid:0");
    assert!(!std::path::Path::new(database).exists(), "nothing is made");
}
