//! The ports: what the services need from a bucket, a queue and a store.
//!
//! Each port has two adapters: AWS (crate `recipe-aws`) and embedded (crate
//! `recipe-embedded`: a local directory and SQLite). Services are written
//! against these traits only, so every scenario runs on both.

use std::time::Duration;

use async_trait::async_trait;
use recipe_diff::Recipe;

use crate::error::Result;
use crate::records::{MakeIdentity, MakeRecord, MakeWritten, Rejection};

/// One object in the bucket, as a listing or an event describes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ObjectInfo {
    /// The object's key.
    pub key: String,
    /// Its entity tag, without quotes: changes whenever the body changes.
    pub etag: String,
    /// Its size in bytes.
    pub size: u64,
}

/// An object with its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    /// Key, etag and size of the version that was read.
    pub info: ObjectInfo,
    /// The bytes.
    pub body: Vec<u8>,
}

/// One page of a listing request.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListRequest<'a> {
    /// Only keys starting with this.
    pub prefix: &'a str,
    /// Only keys sorting after this one (S3 `StartAfter`).
    pub start_after: Option<&'a str>,
    /// Where the previous page ended (S3 `ContinuationToken`).
    pub continuation: Option<&'a str>,
    /// Page size; `None` means the store's maximum, 1,000.
    pub max_keys: Option<u32>,
}

/// A page of a listing, keys in ascending order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListPage {
    /// At most `max_keys` objects.
    pub objects: Vec<ObjectInfo>,
    /// Present when there are more pages.
    pub continuation: Option<String>,
}

/// A bucket of recipe and make documents.
#[async_trait]
pub trait ObjectStore: Send + Sync {
    /// The bucket's name, as claim checks carry it.
    fn bucket(&self) -> &str;

    /// One page of keys, in ascending byte order (as S3 lists them).
    async fn list(&self, request: ListRequest<'_>) -> Result<ListPage>;

    /// The object at `key`, or `None` when it does not exist (any more).
    async fn get(&self, key: &str) -> Result<Option<Object>>;

    /// Stores `body` at `key`, replacing any object there.
    async fn put(&self, key: &str, body: Vec<u8>) -> Result<ObjectInfo>;
}

/// A message received from a queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The queue's id for the message.
    pub message_id: String,
    /// The message body.
    pub body: String,
    /// The handle that deletes it or extends its visibility, valid for this
    /// receipt only.
    pub receipt: String,
    /// How many times the message has been received, this time included.
    pub receive_count: u32,
}

/// A message queue with visibility timeouts, like SQS.
#[async_trait]
pub trait Queue: Send + Sync {
    /// Sends up to ten bodies in one request. Succeeds only when every body
    /// was accepted; adapters retry entries the queue failed.
    async fn send_batch(&self, bodies: &[String]) -> Result<()>;

    /// Waits up to `wait` for at most `max` messages (at most ten). Each is
    /// hidden from other consumers for the queue's visibility timeout.
    async fn receive(&self, max: u32, wait: Duration) -> Result<Vec<Delivery>>;

    /// Removes a received message for good.
    async fn delete(&self, receipt: &str) -> Result<()>;

    /// Removes up to ten received messages, in as few requests as the
    /// queue allows (SQS: one `DeleteMessageBatch`). Fails if any was not
    /// removed; removing one twice is not a failure.
    async fn delete_batch(&self, receipts: &[String]) -> Result<()> {
        for receipt in receipts {
            self.delete(receipt).await?;
        }
        Ok(())
    }

    /// Hides a received message for `timeout` more, from now.
    async fn extend_visibility(&self, receipt: &str, timeout: Duration) -> Result<()>;

    /// The visibility timeout messages are received with.
    fn visibility_timeout(&self) -> Duration;
}

/// How a recipe write treats an existing recipe with the same id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutMode {
    /// Fail with [`Written::Conflict`] when it exists (`POST /recipes`).
    Create,
    /// Create or replace (`PUT /recipes/{id}`, a changed object in the bucket).
    Upsert,
}

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// A new record.
    Created,
    /// An existing record was replaced.
    Replaced,
    /// The record was there already; nothing changed. For makes this is how
    /// a redelivered make is recognised.
    AlreadyExists,
    /// A create met an existing record.
    Conflict,
}

/// Where recipes, makes with their differences, and rejections are kept.
#[async_trait]
pub trait RecordStore: Send + Sync {
    /// Succeeds when the store can be read and written.
    async fn ping(&self) -> Result<()>;

    /// Stores a recipe under its `recipe_id`, which must be set.
    async fn put_recipe(&self, recipe: &Recipe, mode: PutMode) -> Result<Written>;

    /// The recipe with this id.
    async fn recipe(&self, recipe_id: i64) -> Result<Option<Recipe>>;

    /// Every recipe, by id.
    async fn recipes(&self) -> Result<Vec<Recipe>>;

    /// Stores a make under `identity`, once.
    ///
    /// - [`MakeIdentity::Named`]: stored under that id, unless the recipe
    ///   has a make with that id already, which is answered unchanged
    ///   ([`MakeWritten::Existing`]; the caller tells a redelivery from a
    ///   conflict by its content).
    /// - [`MakeIdentity::Claimed`]: when the claim was made before, the
    ///   make it names is answered ([`MakeWritten::Existing`], or
    ///   [`MakeWritten::ClaimMismatch`] for another fingerprint); otherwise
    ///   the make is stored under the next id of its recipe and the claim
    ///   with it, atomically: never one without the other.
    /// - [`MakeIdentity::Next`]: stored under the next id of its recipe.
    ///
    /// A given id is past every id the recipe has used, named or given,
    /// taken atomically, so concurrent writers never share one and a given
    /// id never lands on a named one. Ids only grow; a store may skip one
    /// it reserved and did not use (DynamoDB, when a redelivery finds its
    /// claim), never reuse one. The id is set in the
    /// record with [`MakeRecord::numbered`]; `record.make_id` is ignored.
    async fn put_make(&self, identity: &MakeIdentity, record: &MakeRecord) -> Result<MakeWritten>;

    /// One make of a recipe.
    async fn make(&self, recipe_id: i64, make_id: i64) -> Result<Option<MakeRecord>>;

    /// Every make of a recipe, oldest first.
    async fn makes(&self, recipe_id: i64) -> Result<Vec<MakeRecord>>;

    /// Records why a document was refused, so nothing is dropped silently.
    async fn put_rejection(&self, rejection: &Rejection) -> Result<()>;

    /// Every recorded rejection, oldest first.
    async fn rejections(&self) -> Result<Vec<Rejection>>;
}

/// The watcher's durable memory in poll mode: what it announced, and how
/// far a sorted-keys listing got.
#[async_trait]
pub trait AnnouncementLog: Send + Sync {
    /// Of `objects`, those not yet announced at their current etag.
    async fn unannounced(&self, objects: Vec<ObjectInfo>) -> Result<Vec<ObjectInfo>>;

    /// Remembers that `objects` were announced.
    async fn record(&self, objects: &[ObjectInfo]) -> Result<()>;

    /// The last key a sorted-keys poll announced.
    async fn checkpoint(&self) -> Result<Option<String>>;

    /// Moves the sorted-keys checkpoint to `key`.
    async fn save_checkpoint(&self, key: &str) -> Result<()>;
}

/// Where messages that cannot be processed go, with the reason, so nothing
/// is dropped silently.
#[async_trait]
pub trait DeadLetters: Send + Sync {
    /// Puts `body` on the dead-letter queue, noting `reason`.
    async fn dead_letter(&self, body: &str, reason: &str) -> Result<()>;
}
