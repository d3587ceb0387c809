//! [`SqliteQueue`]: named queues with SQS's visibility and redrive rules,
//! in one table of the shared database.
//!
//! A receive claims messages in one IMMEDIATE transaction: each gets a new
//! receipt, its receive count goes up and it is hidden until `now +
//! visibility timeout`. Two processes receiving at once are serialized by
//! SQLite's write lock, so no message is handed to both. A message that
//! would be received more than `max_receives` times moves to the dead-letter
//! queue instead (it keeps its id, like an SQS redrive), with a reason.
//!
//! A receive with nothing to claim waits (long polling, at most 20 s like
//! SQS): a send from the same process wakes it at once; messages sent by
//! other processes, or whose visibility ran out, are found by looking at
//! the file again every [`QueueConfig::poll_interval`].

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::pin::pin;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use recipe_ports::{DeadLetters, Delivery, Queue};
use recipe_ports::{Error, Result};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use tokio::time::Instant;

use crate::database::{BACKEND, Database, Failure, duration_ms, now_ms};

/// SQS's limit on messages per receive and per batch send.
const MAX_BATCH: usize = 10;

/// SQS's longest long poll.
const MAX_WAIT: Duration = Duration::from_secs(20);

/// SQS's longest visibility timeout, twelve hours.
const MAX_VISIBILITY_TIMEOUT: Duration = Duration::from_secs(12 * 60 * 60);

/// How a queue hands out messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueConfig {
    /// How long a received message stays hidden from other consumers.
    pub visibility_timeout: Duration,
    /// Where messages go after too many receives; `None` keeps them forever.
    pub redrive: Option<Redrive>,
    /// How often a waiting receive looks at the file for messages that
    /// *other processes* sent (sends from this process wake it at once).
    pub poll_interval: Duration,
}

impl QueueConfig {
    /// A queue without a dead-letter queue.
    pub fn new(visibility_timeout: Duration) -> Self {
        QueueConfig {
            visibility_timeout,
            redrive: None,
            poll_interval: Duration::from_millis(200),
        }
    }

    /// Looks for other processes' messages every `poll_interval` while a
    /// receive waits: shorter answers sooner, longer queries less.
    #[must_use]
    pub fn with_poll_interval(mut self, poll_interval: Duration) -> Self {
        self.poll_interval = poll_interval;
        self
    }

    /// Sends messages received more than `max_receives` times to the queue
    /// named `dead_letter_queue`.
    #[must_use]
    pub fn with_dead_letter_queue(
        mut self,
        dead_letter_queue: impl Into<String>,
        max_receives: u32,
    ) -> Self {
        self.redrive = Some(Redrive {
            dead_letter_queue: dead_letter_queue.into(),
            max_receives,
        });
        self
    }
}

impl Default for QueueConfig {
    /// SQS's defaults: a 30-second visibility timeout, no dead-letter queue.
    fn default() -> Self {
        QueueConfig::new(Duration::from_secs(30))
    }
}

/// A redrive policy, like SQS's `maxReceiveCount` and `deadLetterTargetArn`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redrive {
    /// The queue that receives the messages given up on.
    pub dead_letter_queue: String,
    /// How many receives a message gets before it is given up on.
    pub max_receives: u32,
}

/// A message waiting in a queue, read without receiving it: how tests and
/// the dashboard look into a dead-letter queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// The message's id, the same it had in the queue it came from.
    pub message_id: String,
    /// The message body.
    pub body: String,
    /// Why it is here: the redrive, or what
    /// [`SqliteQueue::send_with_reason`] said. `None` for a message sent
    /// with a plain [`Queue::send_batch`].
    pub reason: Option<String>,
}

/// One named queue in a [`Database`].
///
/// Every process that opens the same name reaches the same messages. The
/// [`QueueConfig`] belongs to this handle, so processes that receive from
/// one queue should agree on it (the sender is usually the only receiver).
#[derive(Debug, Clone)]
pub struct SqliteQueue {
    database: Database,
    name: String,
    config: QueueConfig,
}

impl SqliteQueue {
    /// The queue `name` of `database`. Refuses an empty name, a visibility
    /// timeout over twelve hours (SQS's limit), and a redrive to the queue
    /// itself or with `max_receives` of 0.
    pub fn new(database: Database, name: impl Into<String>, config: QueueConfig) -> Result<Self> {
        let name = name.into();
        let refuse = |message: String| Error::Refused {
            backend: BACKEND,
            message,
        };
        if name.is_empty() {
            return Err(refuse("a queue needs a name".to_owned()));
        }
        if config.visibility_timeout > MAX_VISIBILITY_TIMEOUT {
            return Err(refuse(format!(
                "queue {name}: a visibility timeout is at most 12 hours"
            )));
        }
        if let Some(redrive) = &config.redrive {
            if redrive.dead_letter_queue == name {
                return Err(refuse(format!(
                    "queue {name} cannot be its own dead-letter queue"
                )));
            }
            if redrive.max_receives == 0 {
                return Err(refuse(format!(
                    "queue {name}: max_receives must be at least 1"
                )));
            }
        }
        Ok(SqliteQueue {
            database,
            name,
            config,
        })
    }

    /// The queue's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Sends one message that carries why it was sent: how a consumer
    /// dead-letters a message explicitly (send it here with the reason, then
    /// delete it from the work queue). [`SqliteQueue::dead_letters`] shows
    /// the reason.
    pub async fn send_with_reason(&self, body: &str, reason: &str) -> Result<()> {
        let queue = self.name.clone();
        let (body, reason) = (body.to_owned(), reason.to_owned());
        self.database
            .call(move |connection| {
                let now = now_ms();
                connection.execute(
                    "INSERT INTO messages (queue, body, sent_at_ms, visible_at_ms, reason)
                     VALUES (?1, ?2, ?3, ?3, ?4)",
                    params![queue, body, now, reason],
                )?;
                Ok(())
            })
            .await?;
        self.database.announce_send();
        Ok(())
    }

    /// Every message in this queue, visible or in flight, oldest first,
    /// with its reason. Read on a dead-letter queue these are its dead
    /// letters. Reading neither receives nor hides them.
    pub async fn dead_letters(&self) -> Result<Vec<DeadLetter>> {
        let queue = self.name.clone();
        self.database
            .call(move |connection| {
                let mut statement = connection.prepare_cached(
                    "SELECT message_id, body, reason FROM messages
                     WHERE queue = ?1 ORDER BY message_id",
                )?;
                let rows = statement.query_map([queue], |row| {
                    Ok(DeadLetter {
                        message_id: row.get::<_, i64>(0)?.to_string(),
                        body: row.get(1)?,
                        reason: row.get(2)?,
                    })
                })?;
                Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
            })
            .await
    }

    /// One look at the file: claims up to `max` visible messages.
    async fn claim(&self, max: usize) -> Result<Vec<Delivery>> {
        let queue = self.name.clone();
        let config = self.config.clone();
        let claimed = self
            .database
            .call(move |connection| {
                let transaction =
                    connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let claim = claim_visible(&transaction, &queue, &config, max)?;
                transaction.commit()?;
                Ok(claim)
            })
            .await?;
        if claimed.redriven {
            // Receivers of the dead-letter queue may be waiting.
            self.database.announce_send();
        }
        Ok(claimed.deliveries)
    }
}

/// What one claim did.
struct Claim {
    deliveries: Vec<Delivery>,
    /// Whether some message moved to the dead-letter queue.
    redriven: bool,
}

/// Claims visible messages, oldest first, inside the caller's transaction.
fn claim_visible(
    transaction: &rusqlite::Transaction<'_>,
    queue: &str,
    config: &QueueConfig,
    max: usize,
) -> Result<Claim, Failure> {
    let now = now_ms();
    let hidden_until = now.saturating_add(duration_ms(config.visibility_timeout));
    let mut claim = Claim {
        deliveries: Vec::new(),
        redriven: false,
    };
    let mut select = transaction.prepare_cached(
        "SELECT message_id, body, receive_count FROM messages
         WHERE queue = ?1 AND visible_at_ms <= ?2 AND message_id > ?3
         ORDER BY message_id LIMIT 1",
    )?;
    // One row at a time past a cursor: a redriven row does not use up a
    // place in the batch, and a row claimed with a zero timeout (still
    // visible) is not met twice.
    let mut cursor = 0_i64;
    while claim.deliveries.len() < max {
        let row = select
            .query_row(params![queue, now, cursor], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, u32>(2)?,
                ))
            })
            .optional()?;
        let Some((message_id, body, receive_count)) = row else {
            break;
        };
        cursor = message_id;
        let receive_count = receive_count.saturating_add(1);
        if let Some(redrive) = config
            .redrive
            .as_ref()
            .filter(|redrive| receive_count > redrive.max_receives)
        {
            let reason = format!(
                "received {} times from queue {queue}, its max_receives",
                redrive.max_receives
            );
            transaction.execute(
                "UPDATE messages SET queue = ?2, visible_at_ms = ?3, receive_count = 0,
                     receipt = NULL, reason = ?4
                 WHERE message_id = ?1",
                params![message_id, redrive.dead_letter_queue, now, reason],
            )?;
            claim.redriven = true;
            continue;
        }
        let receipt = new_receipt(message_id, receive_count);
        transaction.execute(
            "UPDATE messages SET receive_count = ?2, visible_at_ms = ?3, receipt = ?4
             WHERE message_id = ?1",
            params![message_id, receive_count, hidden_until, receipt],
        )?;
        claim.deliveries.push(Delivery {
            message_id: message_id.to_string(),
            body,
            receipt,
            receive_count,
        });
    }
    Ok(claim)
}

/// A receipt valid for one receive of one message: the id and count make it
/// unique, the random part makes it opaque, so a receipt from an earlier
/// receive (or another queue) never matches.
fn new_receipt(message_id: i64, receive_count: u32) -> String {
    // `RandomState` is seeded randomly per instance: random enough for a
    // handle that must not collide, and no extra dependency.
    let nonce = RandomState::new().hash_one((message_id, receive_count, now_ms()));
    format!("{message_id}.{receive_count}.{nonce:016x}")
}

fn refused(message: String) -> Error {
    Error::Refused {
        backend: BACKEND,
        message,
    }
}

/// A dead-letter queue: each message keeps the reason it was sent with.
#[async_trait]
impl DeadLetters for SqliteQueue {
    async fn dead_letter(&self, body: &str, reason: &str) -> Result<()> {
        self.send_with_reason(body, reason).await
    }

    async fn expire(&self, sent_before: SystemTime) -> Result<u64> {
        // A message moved here keeps the time it was first sent, as SQS
        // keeps its first enqueue time: that is what retention counts from.
        let cutoff = sent_before.duration_since(UNIX_EPOCH).map_or(0, |since| {
            i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
        });
        let queue = self.name.clone();
        self.database
            .call(move |connection| {
                Ok(connection
                    .prepare_cached("DELETE FROM messages WHERE queue = ?1 AND sent_at_ms < ?2")?
                    .execute(params![queue, cutoff])? as u64)
            })
            .await
    }
}

#[async_trait]
impl Queue for SqliteQueue {
    async fn send_batch(&self, bodies: &[String]) -> Result<()> {
        if bodies.len() > MAX_BATCH {
            return Err(refused(format!(
                "queue {}: a batch holds at most {MAX_BATCH} messages, not {}",
                self.name,
                bodies.len()
            )));
        }
        if bodies.is_empty() {
            return Ok(());
        }
        let queue = self.name.clone();
        let bodies = bodies.to_vec();
        self.database
            .call(move |connection| {
                let transaction = connection.transaction()?;
                {
                    let mut insert = transaction.prepare_cached(
                        "INSERT INTO messages (queue, body, sent_at_ms, visible_at_ms)
                         VALUES (?1, ?2, ?3, ?3)",
                    )?;
                    let now = now_ms();
                    for body in &bodies {
                        insert.execute(params![queue, body, now])?;
                    }
                }
                transaction.commit()?;
                Ok(())
            })
            .await?;
        self.database.announce_send();
        Ok(())
    }

    /// Cancel-safe like SQS, no better: dropping the future after the claim
    /// committed leaves those messages hidden until their timeout runs out.
    async fn receive(&self, max: u32, wait: Duration) -> Result<Vec<Delivery>> {
        let max = usize::try_from(max).unwrap_or(usize::MAX);
        if max == 0 || max > MAX_BATCH {
            return Err(refused(format!(
                "queue {}: receive between 1 and {MAX_BATCH} messages, not {max}",
                self.name
            )));
        }
        // Refused rather than shortened: code that waits longer here would
        // fail on SQS.
        if wait > MAX_WAIT {
            return Err(refused(format!(
                "queue {}: a receive waits at most 20 seconds, not {wait:?}",
                self.name
            )));
        }
        let deadline = Instant::now() + wait;
        loop {
            // Registered before the look at the file, so a send between the
            // look and the wait still wakes us.
            let mut sent = pin!(self.database.sent().notified());
            sent.as_mut().enable();
            let deliveries = self.claim(max).await?;
            let now = Instant::now();
            if !deliveries.is_empty() || now >= deadline {
                return Ok(deliveries);
            }
            let nap = self.config.poll_interval.min(deadline - now);
            // Either a send woke us or it is time to look again; both mean
            // the same next step.
            let _ = tokio::time::timeout(nap, sent).await;
        }
    }

    /// A stale receipt (the message was received again since) deletes
    /// nothing and is not an error, as in SQS.
    async fn delete(&self, receipt: &str) -> Result<()> {
        let queue = self.name.clone();
        let receipt = receipt.to_owned();
        self.database
            .call(move |connection| {
                connection.execute(
                    "DELETE FROM messages WHERE queue = ?1 AND receipt = ?2",
                    params![queue, receipt],
                )?;
                Ok(())
            })
            .await
    }

    /// Refused when the receipt no longer holds the message (it was deleted
    /// or received again): the caller has lost its claim and should know.
    async fn extend_visibility(&self, receipt: &str, timeout: Duration) -> Result<()> {
        if timeout > MAX_VISIBILITY_TIMEOUT {
            return Err(refused(format!(
                "queue {}: a visibility timeout is at most 12 hours",
                self.name
            )));
        }
        let queue = self.name.clone();
        let held = receipt.to_owned();
        let changed = self
            .database
            .call(move |connection| {
                let hidden_until = now_ms().saturating_add(duration_ms(timeout));
                Ok(connection.execute(
                    "UPDATE messages SET visible_at_ms = ?3 WHERE queue = ?1 AND receipt = ?2",
                    params![queue, held, hidden_until],
                )?)
            })
            .await?;
        if changed == 0 {
            return Err(refused(format!(
                "queue {}: receipt {receipt} no longer holds a message (deleted or received again)",
                self.name
            )));
        }
        Ok(())
    }

    fn visibility_timeout(&self) -> Duration {
        self.config.visibility_timeout
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_are_unique_per_receive() {
        assert_ne!(new_receipt(1, 1), new_receipt(1, 1));
        assert!(new_receipt(7, 2).starts_with("7.2."));
    }

    #[test]
    fn config_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let database = Database::open_data_dir(dir.path()).unwrap();
        let own = QueueConfig::default().with_dead_letter_queue("work", 3);
        assert!(SqliteQueue::new(database.clone(), "work", own).is_err());
        let zero = QueueConfig::default().with_dead_letter_queue("dlq", 0);
        assert!(SqliteQueue::new(database.clone(), "work", zero).is_err());
        assert!(SqliteQueue::new(database.clone(), "", QueueConfig::default()).is_err());
        let long = QueueConfig::new(Duration::from_secs(13 * 60 * 60));
        assert!(SqliteQueue::new(database, "work", long).is_err());
    }

    #[tokio::test]
    async fn dead_letters_expire_by_when_they_were_first_sent() {
        let dir = tempfile::tempdir().unwrap();
        let database = Database::open_data_dir(dir.path()).unwrap();
        let dlq = SqliteQueue::new(database.clone(), "dlq", QueueConfig::default()).unwrap();
        let work = SqliteQueue::new(database, "work", QueueConfig::default()).unwrap();
        dlq.dead_letter("{}", "gave up").await.unwrap();
        work.send_batch(&["{}".to_owned()]).await.unwrap();
        let before = SystemTime::now() - Duration::from_secs(60);
        assert_eq!(dlq.expire(before).await.unwrap(), 0, "a newer letter stays");
        let after = SystemTime::now() + Duration::from_secs(1);
        assert_eq!(dlq.expire(after).await.unwrap(), 1);
        assert!(dlq.dead_letters().await.unwrap().is_empty());
        assert_eq!(
            work.dead_letters().await.unwrap().len(),
            1,
            "only the dead-letter queue's own messages go"
        );
    }
}
