//! `--database-url sqlite::memory:` serves a throwaway copy of the article's data, for tests
//! and demos: nothing on disk, every start the same.

use crate::helpers::{command, http_get, Server};

#[test]
fn an_in_memory_database_serves_the_article_and_leaves_nothing_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let mut serve = command(&[
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--database-url",
        "sqlite::memory:",
    ]);
    serve.current_dir(dir.path());
    let mut server = Server::start_command(serve);
    let ready = http_get(&server.address, "/readyz");
    assert!(
        ready.contains("{\"status\":\"ready\",\"migrations\":"),
        "{ready}"
    );
    // Many requests, so that several of the pool's connections read the one database.
    for _ in 0..20 {
        let clusters = http_get(&server.address, "/v1/clusters?limit=1&fields=id");
        assert!(clusters.starts_with("HTTP/1.1 200"), "{clusters}");
        assert!(clusters.contains("\"total\":"), "{clusters}");
    }
    let figure = http_get(&server.address, "/v1/observations/rd-expenditure-2024");
    assert!(figure.contains("\"value\":510"), "{figure}");
    assert_eq!(server.terminate(), Some(0));
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}
