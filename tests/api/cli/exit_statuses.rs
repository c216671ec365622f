//! One set of exit statuses for every command: 0 done; 1 refused, nothing done (a usage
//! error, a missing or refused input, or the answer is no); 2 failed while working. Usage
//! errors are one line too, not clap's five.

use super::assert_one_line;
use crate::helpers::TestApp;

#[tokio::test]
async fn what_a_command_is_given_wrong_is_refused_with_1_in_one_line() {
    let app = TestApp::spawn().await;
    let missing = app.run(&["import", "/nonexistent/fix.csv"]);
    assert_one_line(&missing, 1, "cannot read '/nonexistent/fix.csv'");

    for (args, expected) in [
        (&["import"][..], "<FILE>"),
        (&["serve", "--bogus"], "unexpected argument '--bogus'"),
        (&["export", "--format", "xml"], "invalid value 'xml'"),
        (&["generate", "--observations", "0"], "--observations"),
        (
            &["export", "--query", "region=atlantis"],
            "there is no region 'atlantis'",
        ),
        (&["frobnicate"], "unrecognized subcommand 'frobnicate'"),
    ] {
        assert_one_line(&app.run(args), 1, expected);
    }
    let usage = app.run(&["import"]);
    assert_one_line(&usage, 1, "see 'gd-indicators import --help'");
}
