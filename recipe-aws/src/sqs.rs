//! The queue port on SQS, and queue setup with a dead-letter queue.

use std::collections::HashMap;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::{
    DeleteMessageBatchRequestEntry, MessageAttributeValue, MessageSystemAttributeName,
    QueueAttributeName, SendMessageBatchRequestEntry,
};
use recipe_ports::{DeadLetters, Delivery, Queue};
use recipe_ports::{Error, Result};

use crate::error_mapping::{from_sdk, refused};

const BACKEND: &str = "sqs";

/// The message attribute [`SqsQueue::send_with_reason`] names the reason in.
pub const REASON_ATTRIBUTE: &str = "reason";

/// SQS takes at most ten messages per batch and per receive.
const BATCH_LIMIT: usize = 10;

/// The longest long poll SQS allows.
const MAX_WAIT: Duration = Duration::from_secs(20);

/// The longest visibility timeout SQS allows (12 hours).
const MAX_VISIBILITY_SECS: u64 = 43_200;

/// How often a batch's failed entries are sent again before we give up.
const BATCH_ROUNDS: u32 = 5;

/// A [`Queue`] over one SQS queue.
#[derive(Debug, Clone)]
pub struct SqsQueue {
    client: Client,
    url: String,
    /// Read once: services size their visibility extensions from it, and
    /// it does not change under a running pipeline.
    visibility_timeout: Duration,
}

/// How [`SqsQueue::create`] makes a queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueSettings {
    /// How long a received message stays hidden.
    pub visibility_timeout: Duration,
    /// The largest message accepted, in bytes; `None` keeps SQS's default.
    /// A queue for S3 event notifications needs at least 64 KiB.
    pub maximum_message_size: Option<u32>,
    /// How long an unreceived message is kept; `None` keeps SQS's default
    /// (4 days).
    pub message_retention: Option<Duration>,
    /// Where messages go after too many receives.
    pub dead_letter: Option<DeadLetter>,
}

impl Default for QueueSettings {
    fn default() -> Self {
        QueueSettings {
            visibility_timeout: Duration::from_secs(30),
            maximum_message_size: None,
            message_retention: None,
            dead_letter: None,
        }
    }
}

/// A redrive policy: the dead-letter queue and when to move a message there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// The dead-letter queue's ARN.
    pub queue_arn: String,
    /// Receives after which a message moves to the dead-letter queue (the
    /// design asks for 3 to 5).
    pub max_receive_count: u32,
}

/// The longest retention SQS allows, for dead-letter queues: a message
/// keeps its original enqueue time when it is moved, so the dead-letter
/// queue must keep messages at least as long as the source queue.
const MAX_RETENTION: Duration = Duration::from_secs(14 * 24 * 3600);

impl SqsQueue {
    /// The queue at `url`, reading its visibility timeout from the queue's
    /// attributes (one GetQueueAttributes request).
    pub async fn connect(client: Client, url: impl Into<String>) -> Result<Self> {
        let url = url.into();
        let attributes =
            queue_attributes(&client, &url, QueueAttributeName::VisibilityTimeout).await?;
        let seconds = attributes
            .get(&QueueAttributeName::VisibilityTimeout)
            .and_then(|value| value.parse::<u64>().ok())
            .ok_or_else(|| Error::Corrupt {
                what: format!("attributes of queue {url}"),
                message: "no VisibilityTimeout".to_owned(),
            })?;
        Ok(SqsQueue {
            client,
            url,
            visibility_timeout: Duration::from_secs(seconds),
        })
    }

    /// The queue at `url`, trusting the caller about its visibility
    /// timeout (no request).
    pub fn with_visibility_timeout(
        client: Client,
        url: impl Into<String>,
        visibility_timeout: Duration,
    ) -> Self {
        SqsQueue {
            client,
            url: url.into(),
            visibility_timeout,
        }
    }

    /// Creates the queue `name` (or finds it, when one exists with the same
    /// attributes), for tests and local setups.
    pub async fn create(client: Client, name: &str, settings: &QueueSettings) -> Result<Self> {
        let mut request = client.create_queue().queue_name(name).attributes(
            QueueAttributeName::VisibilityTimeout,
            settings.visibility_timeout.as_secs().to_string(),
        );
        if let Some(size) = settings.maximum_message_size {
            request = request.attributes(QueueAttributeName::MaximumMessageSize, size.to_string());
        }
        if let Some(retention) = settings.message_retention {
            request = request.attributes(
                QueueAttributeName::MessageRetentionPeriod,
                retention.as_secs().to_string(),
            );
        }
        if let Some(dead_letter) = &settings.dead_letter {
            let policy = serde_json::json!({
                "deadLetterTargetArn": dead_letter.queue_arn,
                "maxReceiveCount": dead_letter.max_receive_count.to_string(),
            });
            request = request.attributes(QueueAttributeName::RedrivePolicy, policy.to_string());
        }
        let output = request
            .send()
            .await
            .map_err(|e| from_sdk(BACKEND, &format!("CreateQueue {name}"), &e))?;
        let url = output
            .queue_url()
            .ok_or_else(|| refused(BACKEND, format!("CreateQueue {name} returned no URL")))?;
        Ok(SqsQueue::with_visibility_timeout(
            client.clone(),
            url,
            settings.visibility_timeout,
        ))
    }

    /// Creates a dead-letter queue `dead_letter_name` (keeping messages for
    /// the longest time SQS allows) and the queue `name` redriving to it
    /// after `max_receive_count` receives. Returns both, main queue first.
    pub async fn create_with_dead_letter(
        client: Client,
        name: &str,
        dead_letter_name: &str,
        max_receive_count: u32,
        settings: &QueueSettings,
    ) -> Result<(SqsQueue, SqsQueue)> {
        let dead_letter = SqsQueue::create(
            client.clone(),
            dead_letter_name,
            &QueueSettings {
                message_retention: Some(MAX_RETENTION),
                dead_letter: None,
                ..settings.clone()
            },
        )
        .await?;
        let settings = QueueSettings {
            dead_letter: Some(DeadLetter {
                queue_arn: dead_letter.arn().await?,
                max_receive_count,
            }),
            ..settings.clone()
        };
        let queue = SqsQueue::create(client, name, &settings).await?;
        Ok((queue, dead_letter))
    }

    /// The queue's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The SDK client, for what the port does not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The queue's ARN (one GetQueueAttributes request), as a redrive
    /// policy or an S3 notification names it.
    pub async fn arn(&self) -> Result<String> {
        let mut attributes =
            queue_attributes(&self.client, &self.url, QueueAttributeName::QueueArn).await?;
        attributes
            .remove(&QueueAttributeName::QueueArn)
            .ok_or_else(|| Error::Corrupt {
                what: format!("attributes of queue {}", self.url),
                message: "no QueueArn".to_owned(),
            })
    }

    /// Sends `body` with a [`REASON_ATTRIBUTE`] message attribute saying
    /// why: how a sender parks a message on the dead-letter queue itself,
    /// so whoever reads that queue sees what went wrong.
    pub async fn send_with_reason(&self, body: &str, reason: &str) -> Result<()> {
        // SQS refuses empty string attributes.
        let reason = if reason.is_empty() {
            "unspecified"
        } else {
            reason
        };
        let attribute = MessageAttributeValue::builder()
            .data_type("String")
            .string_value(reason)
            .build()
            .map_err(|e| refused(BACKEND, e))?;
        self.client
            .send_message()
            .queue_url(&self.url)
            .message_body(body)
            .message_attributes(REASON_ATTRIBUTE, attribute)
            .send()
            .await
            .map_err(|e| from_sdk(BACKEND, &format!("SendMessage to {}", self.url), &e))?;
        Ok(())
    }

    async fn send_chunk(&self, bodies: &[String]) -> Result<()> {
        // Entry ids are the bodies' positions, so a failed id finds its body.
        let mut pending: Vec<usize> = (0..bodies.len()).collect();
        let mut backoff = Duration::from_millis(100);
        for round in 1..=BATCH_ROUNDS {
            let entries = pending
                .iter()
                .filter_map(|&index| {
                    let body = bodies.get(index)?;
                    Some(
                        SendMessageBatchRequestEntry::builder()
                            .id(index.to_string())
                            .message_body(body)
                            .build()
                            .map_err(|e| refused(BACKEND, e)),
                    )
                })
                .collect::<Result<Vec<_>>>()?;
            let output = self
                .client
                .send_message_batch()
                .queue_url(&self.url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(|e| from_sdk(BACKEND, &format!("SendMessageBatch to {}", self.url), &e))?;
            let failed = output.failed();
            if failed.is_empty() {
                return Ok(());
            }
            // The sender's fault (a body SQS will never take) does not
            // heal with time; anything else is worth another round.
            if let Some(entry) = failed.iter().find(|entry| entry.sender_fault()) {
                return Err(refused(
                    BACKEND,
                    format!(
                        "SendMessageBatch to {}: message {} refused: {} {}",
                        self.url,
                        entry.id(),
                        entry.code(),
                        entry.message().unwrap_or_default()
                    ),
                ));
            }
            if round == BATCH_ROUNDS {
                let codes: Vec<&str> = failed.iter().map(|entry| entry.code()).collect();
                return Err(Error::Unavailable {
                    backend: BACKEND,
                    message: format!(
                        "SendMessageBatch to {}: {} messages still failing after {round} rounds: {codes:?}",
                        self.url,
                        failed.len()
                    ),
                });
            }
            pending = failed
                .iter()
                .filter_map(|entry| entry.id().parse().ok())
                .collect();
            tracing::debug!(queue = %self.url, failed = pending.len(), "retrying failed batch entries");
            tokio::time::sleep(backoff).await;
            backoff *= 2;
        }
        Ok(())
    }
}

async fn queue_attributes(
    client: &Client,
    url: &str,
    name: QueueAttributeName,
) -> Result<HashMap<QueueAttributeName, String>> {
    let output = client
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(name)
        .send()
        .await
        .map_err(|e| from_sdk(BACKEND, &format!("GetQueueAttributes of {url}"), &e))?;
    Ok(output.attributes.unwrap_or_default())
}

/// Whole seconds for an SQS wait: rounded up, so a short wait still long
/// polls (a zero-second receive samples only some servers and can miss
/// messages), and at most SQS's 20 s.
fn wait_seconds(wait: Duration) -> i32 {
    let wait = wait.min(MAX_WAIT);
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    i32::try_from(seconds).unwrap_or(20)
}

/// A dead-letter queue: the reason rides along as the `reason` message
/// attribute.
#[async_trait]
impl DeadLetters for SqsQueue {
    async fn dead_letter(&self, body: &str, reason: &str) -> Result<()> {
        self.send_with_reason(body, reason).await
    }
}

#[async_trait]
impl Queue for SqsQueue {
    async fn send_batch(&self, bodies: &[String]) -> Result<()> {
        for chunk in bodies.chunks(BATCH_LIMIT) {
            self.send_chunk(chunk).await?;
        }
        Ok(())
    }

    async fn receive(&self, max: u32, wait: Duration) -> Result<Vec<Delivery>> {
        let max = i32::try_from(max.clamp(1, BATCH_LIMIT as u32)).unwrap_or(10);
        let output = self
            .client
            .receive_message()
            .queue_url(&self.url)
            .max_number_of_messages(max)
            .wait_time_seconds(wait_seconds(wait))
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await
            .map_err(|e| from_sdk(BACKEND, &format!("ReceiveMessage from {}", self.url), &e))?;
        let mut deliveries = Vec::new();
        for message in output.messages.unwrap_or_default() {
            let (Some(message_id), Some(receipt)) =
                (message.message_id(), message.receipt_handle())
            else {
                tracing::warn!(queue = %self.url, "skipping a message without id or receipt handle");
                continue;
            };
            let receive_count = message
                .attributes()
                .and_then(|attributes| {
                    attributes.get(&MessageSystemAttributeName::ApproximateReceiveCount)
                })
                .and_then(|count| count.parse().ok())
                .unwrap_or(1);
            deliveries.push(Delivery {
                message_id: message_id.to_owned(),
                body: message.body().unwrap_or_default().to_owned(),
                receipt: receipt.to_owned(),
                receive_count,
            });
        }
        Ok(deliveries)
    }

    async fn delete(&self, receipt: &str) -> Result<()> {
        self.client
            .delete_message()
            .queue_url(&self.url)
            .receipt_handle(receipt)
            .send()
            .await
            .map_err(|e| from_sdk(BACKEND, &format!("DeleteMessage from {}", self.url), &e))?;
        Ok(())
    }

    async fn delete_batch(&self, receipts: &[String]) -> Result<()> {
        for chunk in receipts.chunks(10) {
            let entries = chunk
                .iter()
                .enumerate()
                .map(|(i, receipt)| {
                    DeleteMessageBatchRequestEntry::builder()
                        .id(i.to_string())
                        .receipt_handle(receipt)
                        .build()
                        .map_err(|e| refused(BACKEND, e))
                })
                .collect::<Result<Vec<_>>>()?;
            let output = self
                .client
                .delete_message_batch()
                .queue_url(&self.url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(|e| {
                    from_sdk(
                        BACKEND,
                        &format!("DeleteMessageBatch from {}", self.url),
                        &e,
                    )
                })?;
            if let Some(failed) = output.failed().first() {
                return Err(Error::Unavailable {
                    backend: BACKEND,
                    message: format!(
                        "DeleteMessageBatch from {} failed {} of {} entries: {} {}",
                        self.url,
                        output.failed().len(),
                        chunk.len(),
                        failed.code(),
                        failed.message().unwrap_or_default()
                    ),
                });
            }
        }
        Ok(())
    }

    async fn extend_visibility(&self, receipt: &str, timeout: Duration) -> Result<()> {
        let seconds = i32::try_from(timeout.as_secs().min(MAX_VISIBILITY_SECS)).unwrap_or(43_200);
        self.client
            .change_message_visibility()
            .queue_url(&self.url)
            .receipt_handle(receipt)
            .visibility_timeout(seconds)
            .send()
            .await
            .map_err(|e| {
                from_sdk(
                    BACKEND,
                    &format!("ChangeMessageVisibility in {}", self.url),
                    &e,
                )
            })?;
        Ok(())
    }

    fn visibility_timeout(&self) -> Duration {
        self.visibility_timeout
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_round_up_to_whole_seconds_within_the_long_poll_limit() {
        assert_eq!(wait_seconds(Duration::ZERO), 0);
        assert_eq!(wait_seconds(Duration::from_millis(500)), 1);
        assert_eq!(wait_seconds(Duration::from_secs(2)), 2);
        assert_eq!(wait_seconds(Duration::from_secs(60)), 20);
    }
}
