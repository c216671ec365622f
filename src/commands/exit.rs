//! The exit statuses every command shares, so that a script can tell "fix what you gave" from
//! "the machine failed" whichever command it ran.

use std::process::ExitCode;

use crate::store::database::StartupError;

/// How a command ended, as its exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done (`check`: every claim consistent; `healthcheck`: ready).
    Done,
    /// 1: refused, nothing done: a wrong flag or argument, a missing or refused input file, a
    /// missing database (without `--create`) or one of another build, a server that cannot
    /// start; or the answer is no (`check`: a claim is inconsistent; `healthcheck`: not ready).
    Refused,
    /// 2: failed while working: the database or the disk failed after the work began, and
    /// what was begun is undone (an import rolled back, an export's file removed).
    Failed,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        match exit {
            Exit::Done => ExitCode::SUCCESS,
            Exit::Refused => ExitCode::from(1),
            Exit::Failed => ExitCode::from(2),
        }
    }
}

/// A command that stopped short: the one line it says on stderr, and its status.
#[derive(Debug)]
pub struct Stopped {
    pub exit: Exit,
    pub message: String,
}

impl Stopped {
    pub fn refused(message: impl Into<String>) -> Self {
        Stopped {
            exit: Exit::Refused,
            message: message.into(),
        }
    }

    pub fn failed(message: impl Into<String>) -> Self {
        Stopped {
            exit: Exit::Failed,
            message: message.into(),
        }
    }
}

/// A database that cannot be opened, is missing or belongs to another build stops a command
/// before it starts its work: refused.
impl From<StartupError> for Stopped {
    fn from(error: StartupError) -> Self {
        let hint = match error {
            StartupError::Missing(_) => {
                "; give --create to make a new one, or check --database-url (DATABASE_URL)"
            }
            StartupError::InMemory(_) => "; give --create to work on a new one anyway",
            _ => "",
        };
        Stopped::refused(format!("{error}{hint}"))
    }
}
