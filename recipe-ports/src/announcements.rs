//! The watcher's durable memory port.

use async_trait::async_trait;

use crate::error::Result;
use crate::objects::ObjectInfo;

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
