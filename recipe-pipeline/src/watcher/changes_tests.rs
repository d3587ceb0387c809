//! Changes mode against a scripted change stream: reported objects are
//! announced without waiting for a listing, a start-up listing finds what
//! was written before, lost events and a missing stream fall back to
//! listings, and nothing is announced twice.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use recipe_ports::{ChangeBatch, ChangeFeed, Error, ObjectChanges, ObjectInfo, Result};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::sorted_keys_tests::{Claims, ListingBucket, Memory};
use super::{WatchMode, Watcher, WatcherConfig};

/// A change stream the test writes: each subscription takes the receiving
/// end handed to it; with none left, subscribing fails.
#[derive(Default)]
struct ScriptedChanges {
    feeds: Mutex<Vec<mpsc::UnboundedReceiver<ChangeBatch>>>,
}

struct ScriptedFeed(mpsc::UnboundedReceiver<ChangeBatch>);

#[async_trait]
impl ChangeFeed for ScriptedFeed {
    async fn next(&mut self) -> Result<Option<ChangeBatch>> {
        Ok(self.0.recv().await)
    }
}

#[async_trait]
impl ObjectChanges for ScriptedChanges {
    async fn subscribe(&self) -> Result<Box<dyn ChangeFeed>> {
        match self.feeds.lock().unwrap().pop() {
            Some(feed) => Ok(Box::new(ScriptedFeed(feed))),
            None => Err(Error::Unavailable {
                backend: "scripted changes",
                message: "no feed".to_owned(),
            }),
        }
    }
}

impl ScriptedChanges {
    fn feed(&self) -> mpsc::UnboundedSender<ChangeBatch> {
        let (sender, receiver) = mpsc::unbounded_channel();
        self.feeds.lock().unwrap().push(receiver);
        sender
    }
}

fn object(key: &str) -> ObjectInfo {
    ObjectInfo {
        key: key.to_owned(),
        etag: "e1".to_owned(),
        size: 10,
    }
}

struct Rig {
    bucket: Arc<ListingBucket>,
    claims: Arc<Claims>,
    shutdown: CancellationToken,
    running: tokio::task::JoinHandle<()>,
}

impl Rig {
    /// A watcher in changes mode whose safety poll and poll interval are
    /// `safety` and `poll`.
    fn start(changes: Arc<ScriptedChanges>, safety: Duration, poll: Duration) -> Rig {
        let bucket = Arc::new(ListingBucket::with_page_size(1000));
        bucket.add("makes/before-start.json");
        let claims = Arc::new(Claims::default());
        let watcher = Watcher::new(
            bucket.clone(),
            claims.clone(),
            Arc::new(Memory::default()),
            None,
            WatcherConfig {
                mode: WatchMode::Changes,
                poll_interval: poll,
                safety_poll_interval: safety,
                ..WatcherConfig::default()
            },
        )
        .with_changes(changes);
        let shutdown = CancellationToken::new();
        let running = tokio::spawn({
            let shutdown = shutdown.clone();
            async move { watcher.run(shutdown).await }
        });
        Rig {
            bucket,
            claims,
            shutdown,
            running,
        }
    }

    fn announced(&self) -> Vec<String> {
        self.claims.sent.lock().unwrap().clone()
    }

    /// Waits until `count` claims were sent, for at most five seconds.
    async fn until_announced(&self, count: usize) -> Vec<String> {
        for _ in 0..500 {
            let sent = self.announced();
            if sent.len() >= count {
                return sent;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("only {:?} announced, {count} expected", self.announced());
    }

    async fn stop(self) {
        self.shutdown.cancel();
        self.running.await.unwrap();
    }
}

const HOUR: Duration = Duration::from_secs(3600);

#[tokio::test]
async fn reported_objects_are_announced_at_once_and_only_once() {
    let changes = Arc::new(ScriptedChanges::default());
    let feed = changes.feed();
    let rig = Rig::start(changes, HOUR, HOUR);
    // The start-up listing: written while no watcher ran.
    let sent = rig.until_announced(1).await;
    assert!(sent[0].contains("before-start"), "{sent:?}");

    // No listing for an hour: only the stream can bring this one.
    rig.bucket.add("makes/dropped.json");
    feed.send(ChangeBatch::Written(vec![object("makes/dropped.json")]))
        .unwrap();
    let sent = rig.until_announced(2).await;
    assert!(sent[1].contains("dropped"), "{sent:?}");

    // Reported again (a `touch`, a second close): announced once.
    feed.send(ChangeBatch::Written(vec![
        object("makes/dropped.json"),
        object("makes/before-start.json"),
        object("notes/ignored.txt"),
    ]))
    .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(rig.announced().len(), 2);
    rig.stop().await;
}

#[tokio::test]
async fn lost_events_and_the_safety_poll_list_the_bucket() {
    let changes = Arc::new(ScriptedChanges::default());
    let feed = changes.feed();
    let rig = Rig::start(changes, Duration::from_millis(300), HOUR);
    rig.until_announced(1).await;

    // Written, never reported, and the stream says it lost events.
    rig.bucket.add("makes/unreported-1.json");
    feed.send(ChangeBatch::Lost {
        reason: "overflow".to_owned(),
    })
    .unwrap();
    let sent = rig.until_announced(2).await;
    assert!(sent[1].contains("unreported-1"), "{sent:?}");

    // Lost without a word: the safety poll finds it.
    rig.bucket.add("makes/unreported-2.json");
    let sent = rig.until_announced(3).await;
    assert!(sent[2].contains("unreported-2"), "{sent:?}");
    rig.stop().await;
}

#[tokio::test]
async fn without_a_stream_the_watcher_polls_and_subscribes_again() {
    let changes = Arc::new(ScriptedChanges::default());
    // No feed to hand out: subscribing fails, so the watcher polls.
    let rig = Rig::start(changes.clone(), HOUR, Duration::from_millis(50));
    rig.until_announced(1).await;
    rig.bucket.add("makes/polled.json");
    rig.until_announced(2).await;

    // A stream becomes available: the watcher takes it at its next poll
    // and then hears of changes through it.
    let feed = changes.feed();
    while !changes.feeds.lock().unwrap().is_empty() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    rig.bucket.add("makes/reported.json");
    feed.send(ChangeBatch::Written(vec![object("makes/reported.json")]))
        .unwrap();
    let sent = rig.until_announced(3).await;
    assert!(sent[2].contains("reported"), "{sent:?}");
    rig.stop().await;
}

#[tokio::test]
async fn an_ended_stream_is_replaced_by_polling() {
    let changes = Arc::new(ScriptedChanges::default());
    let feed = changes.feed();
    let rig = Rig::start(changes, HOUR, Duration::from_millis(50));
    rig.until_announced(1).await;
    drop(feed);
    rig.bucket.add("makes/after-the-end.json");
    let sent = rig.until_announced(2).await;
    assert!(sent[1].contains("after-the-end"), "{sent:?}");
    rig.stop().await;
}
