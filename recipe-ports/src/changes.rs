//! The change-stream port: a bucket that says which objects were written as
//! they are written, so the watcher need not wait for its next listing.
//!
//! A change stream is a hint, never the record: events can be lost (a
//! kernel queue that overflows, a watcher that was not running), so a
//! consumer lists the bucket in full when it starts and now and then after
//! that (a *safety poll*), and again whenever the stream says it
//! [lost](ChangeBatch::Lost) something. What the stream does promise is
//! that an object it reports was complete when it was read: its etag and
//! size describe a whole body, not a file half copied in.

use async_trait::async_trait;

use crate::error::Result;
use crate::objects::ObjectInfo;

/// What a [`ChangeFeed`] hands over at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeBatch {
    /// Objects written (created or replaced) since the last batch, each
    /// read whole, with the etag of the body read. A key may come again
    /// with the same etag (an object touched without a change): consumers
    /// deduplicate, as they do for listings.
    Written(Vec<ObjectInfo>),
    /// Some changes may have gone unreported since the last batch: list
    /// the bucket to catch up.
    Lost {
        /// Why, for the logs (`event queue overflowed`, …).
        reason: String,
    },
}

/// One subscription to a bucket's changes, from [`ObjectChanges::subscribe`].
/// Dropping it ends the subscription and frees what it held (the
/// operating system's watches, background tasks).
#[async_trait]
pub trait ChangeFeed: Send {
    /// Waits for the next batch of changes. `Ok(None)` means the feed has
    /// ended for good (its source stopped); subscribe again, and list
    /// meanwhile.
    ///
    /// Cancel-safe: a `next` dropped while waiting (a `select!` whose other
    /// branch won) loses no change; the next call returns it.
    async fn next(&mut self) -> Result<Option<ChangeBatch>>;
}

/// A bucket that can report its changes as they happen. Buckets without
/// such a source (S3 with no notification queue, say) just do not
/// implement it, and are polled.
#[async_trait]
pub trait ObjectChanges: Send + Sync {
    /// Starts reporting changes made from now on. Subscribe *before* the
    /// listing that catches up, so that nothing written between the two
    /// falls through.
    async fn subscribe(&self) -> Result<Box<dyn ChangeFeed>>;
}

/// A change stream that never reports anything, and never ends: for a
/// watcher that should find objects by listing alone, as tests of the
/// safety net do (`recipe up --ignore-bucket-events`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Unheard;

#[async_trait]
impl ObjectChanges for Unheard {
    async fn subscribe(&self) -> Result<Box<dyn ChangeFeed>> {
        Ok(Box::new(Unheard))
    }
}

#[async_trait]
impl ChangeFeed for Unheard {
    async fn next(&mut self) -> Result<Option<ChangeBatch>> {
        std::future::pending().await
    }
}
