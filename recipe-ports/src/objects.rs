//! The bucket port: where recipe and make documents are dropped.

use async_trait::async_trait;

use crate::error::Result;

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
