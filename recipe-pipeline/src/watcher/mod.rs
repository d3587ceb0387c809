//! The watcher: notices new objects in the bucket and announces each one,
//! once per version, as a claim check on the queue.
//!
//! Two modes, one contract (every new object is announced once per version,
//! and a restart misses nothing):
//!
//! - **poll** ([`WatchMode::Poll`]): pages through the listing and keeps a
//!   durable [`AnnouncementLog`] of announced `(key, etag)` pairs. With
//!   `sorted_keys`, polls resume after a durable checkpoint with
//!   `StartAfter`, so an idle poll costs one request; because `StartAfter`
//!   alone would miss a key that sorts before the checkpoint, a full listing
//!   still runs at start-up and every `full_scan_every` polls.
//! - **events** ([`WatchMode::Events`]): consumes S3 `ObjectCreated`
//!   notifications from a queue; no listing at all.
//! - **changes** ([`WatchMode::Changes`]): the bucket's own change stream
//!   ([`ObjectChanges`], filesystem notifications for the directory
//!   bucket), with poll mode's memory as the safety net: a full listing at
//!   start-up (what was written while we were down), another whenever the
//!   stream says it lost events, and a slow *safety poll* every
//!   `safety_poll_interval` in case it lost some without saying so. While
//!   the stream cannot be had, the watcher polls every `poll_interval` and
//!   tries again. Changes go through the same [`AnnouncementLog`] as
//!   listings, so an object both reported and listed is announced once.
//!
//! Claim checks are sent with `send_batch` before the log records them: a
//! crash in between announces again (the server is idempotent), never
//! loses an object.

mod events;

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

pub use events::{Notification, parse_notification};

use crate::backoff::Backoff;
use crate::claim_check::ClaimCheck;
use recipe_ports::Result;
use recipe_ports::keys::{KeyKind, Prefixes};
use recipe_ports::{
    AnnouncementLog, ChangeBatch, ChangeFeed, ListRequest, ObjectChanges, ObjectInfo, ObjectStore,
    Queue,
};

/// How the watcher finds new objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchMode {
    /// List the bucket every `poll_interval`.
    Poll {
        /// Keys arrive in sorted order (timestamped keys): resume after a
        /// checkpoint with `StartAfter`.
        sorted_keys: bool,
    },
    /// Read S3 notifications from the events queue.
    Events,
    /// Follow the bucket's own change stream (see [`Watcher::with_changes`]),
    /// listing in full at start-up, when the stream lost events, and every
    /// `safety_poll_interval`.
    Changes,
}

/// Settings of a watcher.
#[derive(Debug, Clone)]
pub struct WatcherConfig {
    /// Which keys are recipes and which are makes.
    pub prefixes: Prefixes,
    /// Poll or events.
    pub mode: WatchMode,
    /// Pause between polls.
    pub poll_interval: Duration,
    /// In sorted-keys mode, every this many polls list everything again.
    pub full_scan_every: u32,
    /// How long one events receive waits (long polling).
    pub events_wait: Duration,
    /// Changes mode: pause between the full listings that catch what the
    /// change stream missed without saying so. Long, because the stream
    /// does the work; a listing reads only files that changed, but still
    /// looks at every one.
    pub safety_poll_interval: Duration,
}

impl Default for WatcherConfig {
    fn default() -> Self {
        WatcherConfig {
            prefixes: Prefixes::default(),
            mode: WatchMode::Poll { sorted_keys: false },
            poll_interval: Duration::from_secs(2),
            full_scan_every: 60,
            events_wait: Duration::from_secs(20),
            safety_poll_interval: Duration::from_secs(30),
        }
    }
}

/// What one poll did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PollReport {
    /// Listing requests made.
    pub pages: u32,
    /// Objects listed.
    pub listed: usize,
    /// Objects announced.
    pub announced: usize,
}

/// The watcher service.
pub struct Watcher {
    store: Arc<dyn ObjectStore>,
    claims: Arc<dyn Queue>,
    log: Arc<dyn AnnouncementLog>,
    events: Option<Arc<dyn Queue>>,
    /// The bucket's change stream, in changes mode.
    changes: Option<Arc<dyn ObjectChanges>>,
    config: WatcherConfig,
    /// The sorted-keys checkpoint once read: `None` until then.
    checkpoint: tokio::sync::Mutex<Option<Option<String>>>,
}

impl Watcher {
    /// A watcher announcing objects of `store` on `claims`. `log` is its
    /// durable memory in poll mode; `events` the notification queue in
    /// event mode.
    pub fn new(
        store: Arc<dyn ObjectStore>,
        claims: Arc<dyn Queue>,
        log: Arc<dyn AnnouncementLog>,
        events: Option<Arc<dyn Queue>>,
        config: WatcherConfig,
    ) -> Self {
        Watcher {
            store,
            claims,
            log,
            events,
            changes: None,
            config,
            checkpoint: tokio::sync::Mutex::new(None),
        }
    }

    /// Follows `changes` (normally the same bucket as the watcher's
    /// store) in [`WatchMode::Changes`]. Without it, that mode only polls.
    #[must_use]
    pub fn with_changes(mut self, changes: Arc<dyn ObjectChanges>) -> Self {
        self.changes = Some(changes);
        self
    }

    /// Runs until `shutdown` is cancelled. Failures are logged and retried
    /// with a backoff: a watcher never gives up on its bucket.
    pub async fn run(&self, shutdown: CancellationToken) {
        if self.config.mode == WatchMode::Changes {
            self.follow_changes(&shutdown).await;
            info!("watcher stopped");
            return;
        }
        let mut polls: u32 = 0;
        let mut failures: u32 = 0;
        while !shutdown.is_cancelled() {
            let step = match self.config.mode {
                WatchMode::Poll { sorted_keys } => {
                    // A full listing at start-up catches what arrived while
                    // we were down, even keys sorting before the checkpoint.
                    let full =
                        !sorted_keys || polls.is_multiple_of(self.config.full_scan_every.max(1));
                    self.poll_once(full).await.map(|report| {
                        if report.announced > 0 {
                            info!(?report, "poll announced new objects");
                        }
                    })
                }
                WatchMode::Events => self.drain_events_once().await.map(|_| ()),
                // `run` hands this mode to `follow_changes`; were it
                // here, a full poll is what it falls back to.
                WatchMode::Changes => self.poll_once(true).await.map(|_| ()),
            };
            polls = polls.wrapping_add(1);
            let pause = match step {
                Ok(()) => {
                    failures = 0;
                    match self.config.mode {
                        WatchMode::Poll { .. } | WatchMode::Changes => self.config.poll_interval,
                        WatchMode::Events => Duration::ZERO,
                    }
                }
                Err(error) => {
                    failures = failures.saturating_add(1);
                    warn!(%error, failures, "watching failed; trying again");
                    Backoff::BACKEND.after(failures)
                }
            };
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = tokio::time::sleep(pause) => {}
            }
        }
        info!("watcher stopped");
    }

    /// Changes mode: announces what the change stream reports, listing the
    /// bucket in full at start-up, after lost events, and every safety
    /// poll interval; polls every `poll_interval` while no stream can be
    /// had, and subscribes again.
    async fn follow_changes(&self, shutdown: &CancellationToken) {
        let mut feed: Option<Box<dyn ChangeFeed>> = None;
        let mut subscribe_failures: u32 = 0;
        let mut failures: u32 = 0;
        // Listing now is the start-up scan.
        let mut next_listing = Instant::now();
        while !shutdown.is_cancelled() {
            if feed.is_none()
                && let Some(changes) = &self.changes
            {
                // Subscribed before the listing below, so that nothing
                // written between the two falls through.
                match changes.subscribe().await {
                    Ok(subscribed) => {
                        if subscribe_failures > 0 {
                            info!("following the bucket's changes again");
                        }
                        feed = Some(subscribed);
                        subscribe_failures = 0;
                        // Whatever changed while we had no stream.
                        next_listing = Instant::now();
                    }
                    Err(error) => {
                        subscribe_failures = subscribe_failures.saturating_add(1);
                        // Said once, not on every poll while it lasts.
                        if subscribe_failures == 1 {
                            warn!(%error, poll_interval = ?self.config.poll_interval,
                                "cannot follow the bucket's changes; polling until we can");
                        } else {
                            debug!(%error, subscribe_failures, "still cannot follow the bucket's changes");
                        }
                    }
                }
            } else if feed.is_none() && subscribe_failures == 0 {
                subscribe_failures = 1;
                warn!("changes mode without a change stream; polling");
            }
            if Instant::now() >= next_listing {
                let pause = match self.poll_once(true).await {
                    Ok(report) => {
                        failures = 0;
                        if report.announced > 0 {
                            info!(?report, "listing announced new objects");
                        }
                        if feed.is_some() {
                            self.config.safety_poll_interval
                        } else {
                            self.config.poll_interval
                        }
                    }
                    Err(error) => {
                        failures = failures.saturating_add(1);
                        warn!(%error, failures, "listing the bucket failed; trying again");
                        Backoff::BACKEND.after(failures)
                    }
                };
                next_listing = Instant::now() + pause;
            }
            let next_batch = async {
                match feed.as_mut() {
                    Some(feed) => feed.next().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = tokio::time::sleep_until(next_listing) => {}
                batch = next_batch => match batch {
                    Ok(Some(ChangeBatch::Written(objects))) => {
                        let reported = objects.len();
                        match self.announce_unannounced(objects).await {
                            Ok(announced) => {
                                debug!(reported, announced, "announced reported changes");
                            }
                            Err(error) => {
                                // The objects are in the bucket; a listing
                                // finds them once the backends recover.
                                failures = failures.saturating_add(1);
                                warn!(%error, reported, "announcing reported changes failed; listing again soon");
                                next_listing = next_listing.min(Instant::now() + Backoff::BACKEND.after(failures));
                            }
                        }
                    }
                    Ok(Some(ChangeBatch::Lost { reason })) => {
                        info!(%reason, "the change stream lost events; listing the bucket");
                        next_listing = Instant::now();
                    }
                    Ok(None) => {
                        warn!("the change stream ended; polling until it is back");
                        feed = None;
                        subscribe_failures = 1;
                        next_listing = Instant::now();
                    }
                    Err(error) => {
                        warn!(%error, "the change stream failed; polling until it is back");
                        feed = None;
                        subscribe_failures = 1;
                        next_listing = Instant::now();
                    }
                }
            }
        }
    }

    /// Announces those of `objects` not announced yet at their etag, and
    /// records them. Returns how many were announced.
    async fn announce_unannounced(&self, objects: Vec<ObjectInfo>) -> Result<usize> {
        let relevant = self.relevant(objects);
        if relevant.is_empty() {
            return Ok(0);
        }
        let fresh = self.log.unannounced(relevant).await?;
        self.announce(self.store.bucket(), fresh).await
    }

    /// The sorted-keys checkpoint, read from the log once: this watcher is
    /// its only writer, so after that it knows it, and an idle poll costs
    /// one listing request and nothing more.
    async fn known_checkpoint(&self) -> Result<Option<String>> {
        let mut known = self.checkpoint.lock().await;
        if known.is_none() {
            *known = Some(self.log.checkpoint().await?);
        }
        Ok(known.clone().flatten())
    }

    /// Moves the checkpoint forward to `key`; never back, even while a full
    /// scan passes keys before it.
    async fn advance_checkpoint(&self, key: &str) -> Result<()> {
        let current = self.known_checkpoint().await?;
        if current.as_deref().is_none_or(|c| key > c) {
            self.log.save_checkpoint(key).await?;
            *self.checkpoint.lock().await = Some(Some(key.to_owned()));
        }
        Ok(())
    }

    /// One pass over the listing. `full` ignores the sorted-keys checkpoint.
    pub async fn poll_once(&self, full: bool) -> Result<PollReport> {
        let sorted = matches!(self.config.mode, WatchMode::Poll { sorted_keys: true });
        let checkpoint = if sorted && !full {
            self.known_checkpoint().await?
        } else {
            None
        };
        let prefix = common_prefix(&self.config.prefixes);
        let mut report = PollReport::default();
        let mut continuation: Option<String> = None;
        loop {
            let page = self
                .store
                .list(ListRequest {
                    prefix: &prefix,
                    start_after: checkpoint.as_deref(),
                    continuation: continuation.as_deref(),
                    max_keys: None,
                })
                .await?;
            report.pages += 1;
            report.listed += page.objects.len();
            let last_key = page.objects.last().map(|o| o.key.clone());
            let fresh = self.log.unannounced(self.relevant(page.objects)).await?;
            report.announced += self.announce(self.store.bucket(), fresh).await?;
            if sorted && let Some(key) = last_key {
                self.advance_checkpoint(&key).await?;
            }
            match page.continuation {
                Some(next) => continuation = Some(next),
                None => break,
            }
        }
        Ok(report)
    }

    /// Receives one batch of notifications and announces what they name.
    /// Returns how many objects were announced.
    pub async fn drain_events_once(&self) -> Result<usize> {
        let Some(events) = &self.events else {
            return Ok(0);
        };
        let deliveries = events.receive(10, self.config.events_wait).await?;
        let mut announced = 0;
        for delivery in deliveries {
            match parse_notification(&delivery.body) {
                Ok(Notification::Test) => debug!("skipping s3:TestEvent"),
                Ok(Notification::Created(objects)) => {
                    let mut mine = Vec::new();
                    for (bucket, object) in objects {
                        if bucket == self.store.bucket() {
                            mine.push(object);
                        } else {
                            warn!(%bucket, key = %object.key, "event for another bucket; skipped");
                        }
                    }
                    announced += self
                        .announce(self.store.bucket(), self.relevant(mine))
                        .await?;
                }
                Err(error) => {
                    // Redelivering a notification we cannot read would only
                    // fail again; the queue's dead-letter policy is for
                    // crashes, so we say loudly what we drop.
                    warn!(%error, message_id = %delivery.message_id, "unreadable notification dropped");
                }
            }
            events.delete(&delivery.receipt).await?;
        }
        Ok(announced)
    }

    /// Keeps recipes and makes; logs and skips other keys.
    fn relevant(&self, objects: Vec<ObjectInfo>) -> Vec<ObjectInfo> {
        let mut kept: Vec<(KeyKind, ObjectInfo)> = objects
            .into_iter()
            .filter_map(|object| match self.config.prefixes.classify(&object.key) {
                KeyKind::Other => {
                    debug!(key = %object.key, "not a recipe or a make; skipped");
                    None
                }
                kind => Some((kind, object)),
            })
            .collect();
        // Recipes first, so a make and its recipe in one batch arrive in an
        // order the server can use.
        kept.sort_by_key(|(kind, _)| *kind != KeyKind::Recipe);
        kept.into_iter().map(|(_, object)| object).collect()
    }

    /// Sends claim checks in batches of ten, then records them.
    async fn announce(&self, bucket: &str, objects: Vec<ObjectInfo>) -> Result<usize> {
        let mut announced = 0;
        for chunk in objects.chunks(10) {
            let bodies: Vec<String> = chunk
                .iter()
                .map(|o| ClaimCheck::new(bucket, o).to_body())
                .collect();
            self.claims.send_batch(&bodies).await?;
            // Only S3 notifications go unrecorded: they announce each
            // version once by themselves, and nothing lists after them.
            if !matches!(self.config.mode, WatchMode::Events) {
                self.log.record(chunk).await?;
            }
            announced += chunk.len();
        }
        Ok(announced)
    }
}

/// The longest prefix both key prefixes share: one listing covers both.
fn common_prefix(prefixes: &Prefixes) -> String {
    prefixes
        .recipes
        .char_indices()
        .zip(prefixes.makes.chars())
        .take_while(|((_, a), b)| a == b)
        .last()
        .map(|((i, c), _)| prefixes.recipes[..i + c.len_utf8()].to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod changes_tests;
#[cfg(test)]
mod sorted_keys_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_listing_covers_both_prefixes() {
        assert_eq!(common_prefix(&Prefixes::default()), "");
        let shared = Prefixes {
            recipes: "cook/recipes/".into(),
            makes: "cook/makes/".into(),
        };
        assert_eq!(common_prefix(&shared), "cook/");
    }
}
