//! The one error type of the pipeline crates' ports.

/// What a backend or service can fail with.
///
/// Backends map their own failures (SDK errors, SQLite errors, I/O) into
/// these variants, so services decide on retries without knowing the
/// backend: [`Error::is_transient`] says whether trying again may help.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A backend could not be reached or answered with a retryable failure
    /// (throttling, a 5xx, a timeout, a locked database).
    #[error("{backend} is unavailable: {message}")]
    Unavailable {
        /// Which backend (`s3`, `sqs`, `dynamodb`, `sqlite`, `bucket directory`).
        backend: &'static str,
        /// What it said.
        message: String,
    },
    /// A backend refused the request for good (access denied, no such
    /// queue, a malformed request).
    #[error("{backend} refused the request: {message}")]
    Refused {
        /// Which backend.
        backend: &'static str,
        /// What it said.
        message: String,
    },
    /// Stored data could not be read back (a corrupt record, a message that
    /// is not a claim check).
    #[error("{what} is corrupt: {message}")]
    Corrupt {
        /// Which record, key or message.
        what: String,
        /// What is wrong with it.
        message: String,
    },
    /// A page was asked for with a cursor the store did not give.
    #[error("cursor {cursor:?} is not one this list gave")]
    InvalidCursor {
        /// The cursor as given.
        cursor: String,
    },
    /// A recipe or make document was rejected.
    #[error(transparent)]
    Recipe(#[from] recipe_diff::Error),
}

impl Error {
    /// Whether the same request may succeed later.
    pub fn is_transient(&self) -> bool {
        matches!(self, Error::Unavailable { .. })
    }
}

/// A shorthand for results of the pipeline.
pub type Result<T, E = Error> = std::result::Result<T, E>;
