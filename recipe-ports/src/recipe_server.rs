//! The recipe server port: where the sender hands each document over.

use async_trait::async_trait;

use crate::error::Result;
use crate::keys::KeyKind;
use crate::source::Source;

/// A document on its way to the server, unread: the server is the one
/// place that parses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// Recipe or make, from its key.
    pub kind: KeyKind,
    /// The object version it was read from.
    pub source: Source,
    /// The document's bytes, as fetched.
    pub body: Vec<u8>,
}

/// What the server made of a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Stored (or already stored: redeliveries are fine).
    Accepted,
    /// Read and refused for good (another make under its id): the server
    /// recorded the reason as a rejection, and the message is settled.
    Rejected {
        /// The HTTP status.
        status: u16,
        /// The server's reason.
        reason: String,
    },
    /// Refused for good because it cannot be read as a recipe or a make at
    /// all (not JSON, no `recipeId`, too large): it goes to the dead-letter
    /// queue with the server's reason, where an operator can find and
    /// redrive it.
    Unreadable(String),
    /// Try again later (the recipe is not known yet, the server is busy).
    RetryLater(String),
    /// The server refused the sender's credentials (HTTP 401 or 403): the
    /// sender's configuration is at fault, not the document, which waits
    /// until an operator fixes the token and never counts as failed.
    NotAuthorized(String),
}

/// The recipe server, as the sender sees it.
#[async_trait]
pub trait RecipeServer: Send + Sync {
    /// Hands one document over. An `Err` that
    /// [`is_transient`](crate::Error::is_transient) means the server itself
    /// is unreachable or failing, not this document.
    async fn submit(&self, submission: Submission) -> Result<Outcome>;

    /// Whether the server is up and its store reachable (`/readyz`).
    async fn ready(&self) -> bool;

    /// Whether the server takes the sender's credentials for writes, asked
    /// without writing anything: how a sender paused by
    /// [`Outcome::NotAuthorized`] learns that the token was fixed.
    async fn authorized(&self) -> bool;
}
