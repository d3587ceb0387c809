//! The queue ports: claim checks between the watcher and the sender, and
//! the dead-letter queue for what cannot be processed.

use std::time::{Duration, SystemTime};

use async_trait::async_trait;

use crate::error::Result;

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

/// Where messages that cannot be processed go, with the reason, so nothing
/// is dropped silently.
#[async_trait]
pub trait DeadLetters: Send + Sync {
    /// Puts `body` on the dead-letter queue, noting `reason`.
    async fn dead_letter(&self, body: &str, reason: &str) -> Result<()>;

    /// Deletes the dead letters first sent before `sent_before`, for a
    /// retention policy, and answers how many. A queue that expires its
    /// messages itself (SQS, after the queue's retention period) deletes
    /// nothing here.
    async fn expire(&self, sent_before: SystemTime) -> Result<u64> {
        let _ = sent_before;
        Ok(0)
    }
}
