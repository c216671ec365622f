//! The one error type of the service, for the HTTP API and the commands alike. It says what
//! went wrong; the HTTP edge renders it as RFC 9457 `application/problem+json`
//! (`http/problem.rs`, which depends on this, not the other way).

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("no {resource} has the id '{id}'")]
    NotFound { resource: &'static str, id: String },

    #[error("{detail}")]
    InvalidParameter { name: String, detail: String },

    /// No route serves the path; the one nearest to it, if any is near.
    #[error("no resource lives at {path}{}", did_you_mean(suggestion.as_deref()))]
    RouteNotFound {
        path: String,
        suggestion: Option<String>,
    },

    /// Nothing under that id at the time asked for (`as_of`).
    #[error("{0}")]
    NotKnownAt(String),

    /// Nothing to show for what was asked: a chart of an indicator with no stated figures in
    /// the regions given.
    #[error("{0}")]
    NothingToShow(String),

    /// A figure that existed and was retracted.
    #[error("{0}")]
    Gone(String),

    #[error("{0}")]
    NotReady(String),

    #[error("{0}")]
    NotAcceptable(String),

    #[error("could not render the response: {0}")]
    Render(String),

    #[error("database error")]
    Database(#[from] sqlx::Error),
}

impl ApiError {
    pub fn invalid_parameter(name: &str, detail: impl Into<String>) -> Self {
        ApiError::InvalidParameter {
            name: name.to_owned(),
            detail: detail.into(),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The end of a 404's detail that points to the path nearest to the one asked for.
fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion
        .map(|path| format!("; did you mean {path}?"))
        .unwrap_or_default()
}
