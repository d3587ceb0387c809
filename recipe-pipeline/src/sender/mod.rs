//! The sender: takes claim checks off the queue, fetches each object and
//! hands it to the recipe server.
//!
//! A message is deleted only once the document is settled: the server
//! accepted it, or refused it for good (and recorded why), or the sender
//! put it on the dead-letter queue with a reason. Anything transient (the
//! server down, a throttled bucket, a make whose recipe has not arrived
//! yet) comes back after a backoff, and after `max_receives` attempts goes
//! to the dead-letter queue with the last reason. While a slow message is
//! being worked on, its visibility is extended at half the timeout, so no
//! second consumer gets it.

mod http;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, debug, error, info, info_span, warn};

pub use http::HttpRecipeServer;
use recipe_ports::keys::{KeyKind, Prefixes};
use recipe_ports::{
    DeadLetters, Delivery, ObjectStore, Outcome, Queue, RecipeServer, Source, Submission,
};

use crate::backoff::Backoff;
use crate::claim_check::ClaimCheck;

/// Settings of a sender.
#[derive(Debug, Clone)]
pub struct SenderConfig {
    /// Which keys are recipes and which are makes.
    pub prefixes: Prefixes,
    /// Messages worked on at once.
    pub concurrency: usize,
    /// How long one receive waits (long polling).
    pub wait: Duration,
    /// Attempts before a message goes to the dead-letter queue; match the
    /// queue's redrive `maxReceiveCount`.
    pub max_receives: u32,
    /// Larger documents are refused unread.
    pub max_document_bytes: u64,
    /// First retry delay; doubles with each attempt. With 5 receives the
    /// default gives a make 150 s for its recipe to arrive (queues keep no
    /// order) before it is dead-lettered.
    pub backoff: Duration,
    /// While the server is down, how often to ask whether it is back.
    pub probe_interval: Duration,
}

impl Default for SenderConfig {
    fn default() -> Self {
        SenderConfig {
            prefixes: Prefixes::default(),
            concurrency: 32,
            wait: Duration::from_secs(20),
            max_receives: 5,
            max_document_bytes: 1 << 20,
            backoff: Duration::from_secs(10),
            probe_interval: Duration::from_secs(1),
        }
    }
}

/// What happens to a message after one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    /// Settled: delete it.
    Done,
    /// Settled by dead-lettering it with this reason.
    DeadLetter(String),
    /// Comes back after a backoff.
    Retry(String),
    /// Comes back once the server takes the sender's credentials again;
    /// never dead-lettered, however often it was received: the document
    /// did nothing wrong.
    Hold(String),
}

/// The sender service.
pub struct Sender {
    store: Arc<dyn ObjectStore>,
    queue: Arc<dyn Queue>,
    dead_letters: Arc<dyn DeadLetters>,
    server: Arc<dyn RecipeServer>,
    config: SenderConfig,
    /// Set when the server itself failed. Every receive counts towards the
    /// dead-letter limit, so while the server is down we stop receiving:
    /// an outage must not dead-letter documents that did nothing wrong.
    server_down: AtomicBool,
    /// Set when the server refused the sender's credentials: why. Like an
    /// outage, receiving stops until the server takes them again; unlike
    /// one, it lasts until an operator acts, so readiness says so.
    not_authorized: Mutex<Option<String>>,
}

impl Sender {
    /// A sender reading claim checks from `queue`, objects from `store`,
    /// and handing them to `server`.
    pub fn new(
        store: Arc<dyn ObjectStore>,
        queue: Arc<dyn Queue>,
        dead_letters: Arc<dyn DeadLetters>,
        server: Arc<dyn RecipeServer>,
        config: SenderConfig,
    ) -> Self {
        Sender {
            store,
            queue,
            dead_letters,
            server,
            config,
            server_down: AtomicBool::new(false),
            not_authorized: Mutex::new(None),
        }
    }

    /// Why receiving is paused until an operator acts, when it is: the
    /// server refuses this sender's API token. What `/readyz` says.
    pub fn paused_because(&self) -> Option<String> {
        self.refusal().clone()
    }

    fn refusal(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        // The value is a plain reason: a panic elsewhere cannot leave it
        // half-written.
        self.not_authorized
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs until `shutdown` is cancelled: then stops receiving, finishes
    /// what is in flight, and returns.
    pub async fn run(self: Arc<Self>, shutdown: CancellationToken) {
        let permits = Arc::new(Semaphore::new(self.config.concurrency.max(1)));
        let (settled, receipts) = mpsc::unbounded_channel();
        let deleter = tokio::spawn(delete_in_batches(Arc::clone(&self.queue), receipts));
        let mut in_flight = JoinSet::new();
        let mut failures: u32 = 0;
        loop {
            while in_flight.try_join_next().is_some() {}
            if self.server_down.load(Ordering::Relaxed) && !self.wait_for_server(&shutdown).await {
                break;
            }
            if self.refusal().is_some() && !self.wait_for_credentials(&shutdown).await {
                break;
            }
            // Receive no more than we can start: a received message waits
            // hidden, and its visibility clock is already running.
            let room = permits.available_permits().min(10);
            if room == 0 {
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    _ = in_flight.join_next() => continue,
                }
            }
            let received = tokio::select! {
                () = shutdown.cancelled() => break,
                received = self.queue.receive(room as u32, self.config.wait) => received,
            };
            let deliveries = match received {
                Ok(deliveries) => {
                    failures = 0;
                    deliveries
                }
                Err(error) => {
                    failures = failures.saturating_add(1);
                    warn!(%error, failures, "receiving failed; trying again");
                    tokio::select! {
                        () = shutdown.cancelled() => break,
                        () = tokio::time::sleep(Backoff::BACKEND.after(failures)) => continue,
                    }
                }
            };
            for delivery in deliveries {
                let Ok(permit) = permits.clone().acquire_owned().await else {
                    break;
                };
                let sender = Arc::clone(&self);
                let settled = settled.clone();
                let span = info_span!("message", id = %delivery.message_id, receives = delivery.receive_count);
                in_flight.spawn(
                    async move {
                        if let Some(receipt) = sender.handle(delivery).await {
                            // The deleter outlives every task; a closed
                            // channel only means the process is going away,
                            // and the message will come back.
                            let _ = settled.send(receipt);
                        }
                        drop(permit);
                    }
                    .instrument(span),
                );
            }
        }
        info!(
            in_flight = in_flight.len(),
            "sender stopping; finishing in-flight messages"
        );
        while in_flight.join_next().await.is_some() {}
        drop(settled);
        if let Err(error) = deleter.await {
            warn!(%error, "the deleter stopped early; unsettled messages will come back");
        }
        info!("sender stopped");
    }

    /// Waits until the server answers ready; false when shut down first.
    async fn wait_for_server(&self, shutdown: &CancellationToken) -> bool {
        warn!("the recipe server is down; receiving paused until it is ready");
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return false,
                () = tokio::time::sleep(self.config.probe_interval) => {}
            }
            if self.server.ready().await {
                info!("the recipe server is back; receiving again");
                self.server_down.store(false, Ordering::Relaxed);
                return true;
            }
        }
    }

    /// Waits until the server takes this sender's credentials again;
    /// false when shut down first. Says loudly why nothing moves, once,
    /// and again each minute while it lasts.
    async fn wait_for_credentials(&self, shutdown: &CancellationToken) -> bool {
        let mut said = None::<tokio::time::Instant>;
        loop {
            if said.is_none_or(|at| at.elapsed() >= CREDENTIALS_REMINDER) {
                let reason = self.paused_because().unwrap_or_default();
                error!(
                    %reason,
                    "the recipe server refuses this sender's API token; receiving paused, \
                     nothing is dead-lettered, until RECIPE_API_TOKEN matches the server's"
                );
                said = Some(tokio::time::Instant::now());
            }
            tokio::select! {
                () = shutdown.cancelled() => return false,
                () = tokio::time::sleep(self.config.probe_interval) => {}
            }
            if self.server.authorized().await {
                info!("the recipe server takes this sender's API token again; receiving again");
                *self.refusal() = None;
                return true;
            }
        }
    }

    /// Works on one message to the end: settles it or schedules its retry.
    /// Returns the receipt to delete once the message is settled; `None`
    /// when it must come back. Deleting is left to the caller, so that
    /// [`Sender::run`] can delete in batches.
    pub async fn handle(&self, delivery: Delivery) -> Option<String> {
        let timeout = self.queue.visibility_timeout();
        let heartbeat = async {
            let period = (timeout / 2).max(Duration::from_millis(100));
            loop {
                tokio::time::sleep(period).await;
                if let Err(error) = self
                    .queue
                    .extend_visibility(&delivery.receipt, timeout)
                    .await
                {
                    warn!(%error, "could not extend visibility");
                }
            }
        };
        let disposition = tokio::select! {
            disposition = self.process(&delivery) => disposition,
            () = heartbeat => unreachable!("the heartbeat loops until the work is done"),
        };
        let settled = match disposition {
            Disposition::Done => true,
            Disposition::DeadLetter(reason) => self.dead_letter(&delivery, &reason).await,
            Disposition::Retry(reason) if delivery.receive_count >= self.config.max_receives => {
                let reason = format!(
                    "gave up after {} attempts: {reason}",
                    delivery.receive_count
                );
                self.dead_letter(&delivery, &reason).await
            }
            Disposition::Retry(reason) => {
                let delay = self.retry_delay(delivery.receive_count);
                info!(%reason, ?delay, "will retry");
                self.come_back_after(&delivery, delay).await;
                false
            }
            Disposition::Hold(reason) => {
                // Back soon: receiving is paused meanwhile, so it waits in
                // the queue, not in a retry schedule.
                info!(%reason, "held until the server takes the token");
                self.come_back_after(&delivery, self.config.probe_interval)
                    .await;
                false
            }
        };
        settled.then_some(delivery.receipt)
    }

    /// Makes the message visible again after `delay`.
    async fn come_back_after(&self, delivery: &Delivery, delay: Duration) {
        if let Err(error) = self.queue.extend_visibility(&delivery.receipt, delay).await {
            warn!(%error, "could not schedule the retry; the visibility timeout will");
        }
    }

    /// Decides what one attempt at a message comes to.
    pub async fn process(&self, delivery: &Delivery) -> Disposition {
        let check = match ClaimCheck::from_body(&delivery.body) {
            Ok(check) => check,
            Err(error) => return Disposition::DeadLetter(error.to_string()),
        };
        let ClaimCheck { source, size } = check;
        if source.bucket != self.store.bucket() {
            return Disposition::DeadLetter(format!(
                "claim check names bucket {:?}, this sender reads {:?}",
                source.bucket,
                self.store.bucket()
            ));
        }
        let kind = self.config.prefixes.classify(&source.key);
        if kind == KeyKind::Other {
            debug!(key = %source.key, "not a recipe or a make; skipped");
            return Disposition::Done;
        }
        if size > self.config.max_document_bytes {
            return Disposition::DeadLetter(self.too_large(&source.key, size));
        }
        let object = match self.store.get(&source.key).await {
            Ok(Some(object)) => object,
            Ok(None) => {
                info!(key = %source.key, "object deleted before it was fetched; acknowledged");
                return Disposition::Done;
            }
            Err(error) => return Disposition::Retry(format!("fetching {}: {error}", source.key)),
        };
        if object.body.len() as u64 > self.config.max_document_bytes {
            return Disposition::DeadLetter(self.too_large(&source.key, object.body.len() as u64));
        }
        // The version that was read, which may be newer than the one
        // announced: a make is claimed by the bytes it was made from.
        let source = Source {
            etag: object.info.etag,
            ..source
        };
        let key = source.key.clone();
        let submission = Submission {
            kind,
            source,
            body: object.body,
        };
        match self.server.submit(submission).await {
            Ok(Outcome::Accepted) => {
                debug!(%key, "accepted");
                Disposition::Done
            }
            Ok(Outcome::Rejected { status, reason }) => {
                warn!(%key, status, %reason, "refused by the server, which recorded why");
                Disposition::Done
            }
            Ok(Outcome::Unreadable(reason)) => Disposition::DeadLetter(format!("{key}: {reason}")),
            Ok(Outcome::RetryLater(reason)) => Disposition::Retry(format!("{key}: {reason}")),
            Ok(Outcome::NotAuthorized(reason)) => {
                *self.refusal() = Some(reason.clone());
                Disposition::Hold(format!("{key}: {reason}"))
            }
            Err(error) => {
                if error.is_transient() {
                    self.server_down.store(true, Ordering::Relaxed);
                }
                Disposition::Retry(format!("{key}: {error}"))
            }
        }
    }

    fn too_large(&self, key: &str, size: u64) -> String {
        format!(
            "{key} is {size} bytes, over the {} byte limit",
            self.config.max_document_bytes
        )
    }

    /// Backoff for the next attempt: doubles per receive, capped below
    /// SQS's 12-hour visibility limit and at 15 minutes.
    fn retry_delay(&self, receive_count: u32) -> Duration {
        Backoff {
            first: self.config.backoff,
            ceiling: Duration::from_secs(900),
        }
        .after(receive_count)
    }

    /// True when the message is safely on the dead-letter queue.
    async fn dead_letter(&self, delivery: &Delivery, reason: &str) -> bool {
        match self.dead_letters.dead_letter(&delivery.body, reason).await {
            Ok(()) => {
                warn!(%reason, "dead-lettered");
                true
            }
            Err(error) => {
                error!(%error, %reason, "could not dead-letter; the message will come back");
                false
            }
        }
    }
}

/// Deletes settled messages in batches of up to ten: one request instead
/// of ten on SQS. A batch waits at most [`DELETE_LINGER`] for company, far
/// inside any visibility timeout. Ends when every sender of receipts is gone
/// and the last batch is deleted.
async fn delete_in_batches(queue: Arc<dyn Queue>, mut receipts: mpsc::UnboundedReceiver<String>) {
    while let Some(first) = receipts.recv().await {
        let mut batch = vec![first];
        let linger = tokio::time::sleep(DELETE_LINGER);
        tokio::pin!(linger);
        while batch.len() < 10 {
            tokio::select! {
                receipt = receipts.recv() => match receipt {
                    Some(receipt) => batch.push(receipt),
                    None => break,
                },
                () = &mut linger => break,
            }
        }
        if let Err(error) = queue.delete_batch(&batch).await {
            // Those messages will come back; the server is idempotent.
            warn!(%error, count = batch.len(), "could not delete settled messages");
        }
    }
}

/// How often a sender whose token is refused says so again.
const CREDENTIALS_REMINDER: Duration = Duration::from_secs(60);

/// How long a settled message waits for others to be deleted with.
const DELETE_LINGER: Duration = Duration::from_millis(50);

#[cfg(test)]
mod tests;
