//! The sorted-keys poll on its own, against a bucket that records every
//! listing request: what an idle poll costs, what a key sorting before the
//! checkpoint needs to be seen, and that the checkpoint only moves on.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use recipe_ports::{
    AnnouncementLog, Delivery, ListPage, ListRequest, Object, ObjectInfo, ObjectStore, Queue,
    Result,
};

use super::{WatchMode, Watcher, WatcherConfig};

/// A bucket listing its keys in byte order, as S3 does, one page of at
/// most `page_size`, and remembering each request's `StartAfter`.
#[derive(Default)]
pub(super) struct ListingBucket {
    keys: Mutex<Vec<String>>,
    page_size: usize,
    requests: Mutex<Vec<Option<String>>>,
}

impl ListingBucket {
    pub(super) fn with_page_size(page_size: usize) -> Self {
        ListingBucket {
            page_size,
            ..ListingBucket::default()
        }
    }

    pub(super) fn add(&self, key: &str) {
        let mut keys = self.keys.lock().unwrap();
        keys.push(key.to_owned());
        keys.sort();
    }

    fn take_requests(&self) -> Vec<Option<String>> {
        std::mem::take(&mut *self.requests.lock().unwrap())
    }
}

#[async_trait]
impl ObjectStore for ListingBucket {
    fn bucket(&self) -> &str {
        "cookbook"
    }

    async fn list(&self, request: ListRequest<'_>) -> Result<ListPage> {
        self.requests
            .lock()
            .unwrap()
            .push(request.start_after.map(str::to_owned));
        let after = request.continuation.or(request.start_after);
        let keys: Vec<String> = self
            .keys
            .lock()
            .unwrap()
            .iter()
            .filter(|key| key.starts_with(request.prefix))
            .filter(|key| after.is_none_or(|after| key.as_str() > after))
            .cloned()
            .collect();
        let page: Vec<ObjectInfo> = keys
            .iter()
            .take(self.page_size)
            .map(|key| ObjectInfo {
                key: key.clone(),
                etag: "e1".to_owned(),
                size: 10,
            })
            .collect();
        let continuation = (keys.len() > self.page_size)
            .then(|| page.last().map(|o| o.key.clone()))
            .flatten();
        Ok(ListPage {
            objects: page,
            continuation,
        })
    }

    async fn get(&self, _key: &str) -> Result<Option<Object>> {
        Ok(None)
    }

    async fn put(&self, key: &str, _body: Vec<u8>) -> Result<ObjectInfo> {
        self.add(key);
        Ok(ObjectInfo {
            key: key.to_owned(),
            etag: "e1".to_owned(),
            size: 10,
        })
    }
}

/// The watcher's durable memory, with every checkpoint it was given.
#[derive(Default)]
pub(super) struct Memory {
    announced: Mutex<HashSet<String>>,
    checkpoints: Mutex<Vec<String>>,
}

#[async_trait]
impl AnnouncementLog for Memory {
    async fn unannounced(&self, objects: Vec<ObjectInfo>) -> Result<Vec<ObjectInfo>> {
        let announced = self.announced.lock().unwrap();
        Ok(objects
            .into_iter()
            .filter(|o| !announced.contains(&o.key))
            .collect())
    }

    async fn record(&self, objects: &[ObjectInfo]) -> Result<()> {
        let mut announced = self.announced.lock().unwrap();
        announced.extend(objects.iter().map(|o| o.key.clone()));
        Ok(())
    }

    async fn checkpoint(&self) -> Result<Option<String>> {
        Ok(self.checkpoints.lock().unwrap().last().cloned())
    }

    async fn save_checkpoint(&self, key: &str) -> Result<()> {
        self.checkpoints.lock().unwrap().push(key.to_owned());
        Ok(())
    }
}

/// The claims queue: what was announced, in order.
#[derive(Default)]
pub(super) struct Claims {
    pub(super) sent: Mutex<Vec<String>>,
}

#[async_trait]
impl Queue for Claims {
    async fn send_batch(&self, bodies: &[String]) -> Result<()> {
        self.sent.lock().unwrap().extend(bodies.iter().cloned());
        Ok(())
    }

    async fn receive(&self, _max: u32, _wait: Duration) -> Result<Vec<Delivery>> {
        Ok(Vec::new())
    }

    async fn delete(&self, _receipt: &str) -> Result<()> {
        Ok(())
    }

    async fn extend_visibility(&self, _receipt: &str, _timeout: Duration) -> Result<()> {
        Ok(())
    }

    fn visibility_timeout(&self) -> Duration {
        Duration::from_secs(30)
    }
}

struct Rig {
    bucket: Arc<ListingBucket>,
    memory: Arc<Memory>,
    claims: Arc<Claims>,
    watcher: Watcher,
}

impl Rig {
    fn new(page_size: usize) -> Rig {
        let bucket = Arc::new(ListingBucket {
            page_size,
            ..ListingBucket::default()
        });
        let memory = Arc::new(Memory::default());
        let claims = Arc::new(Claims::default());
        let watcher = Watcher::new(
            bucket.clone(),
            claims.clone(),
            memory.clone(),
            None,
            WatcherConfig {
                mode: WatchMode::Poll { sorted_keys: true },
                ..WatcherConfig::default()
            },
        );
        Rig {
            bucket,
            memory,
            claims,
            watcher,
        }
    }

    fn announced(&self) -> usize {
        self.claims.sent.lock().unwrap().len()
    }
}

#[tokio::test]
async fn an_idle_poll_is_one_listing_after_the_checkpoint() {
    let rig = Rig::new(1000);
    for n in 0..25 {
        rig.bucket.add(&format!("makes/2026-12-{n:02}.json"));
    }
    let report = rig.watcher.poll_once(true).await.unwrap();
    assert_eq!(report.announced, 25);
    assert_eq!(
        rig.bucket.take_requests(),
        [None],
        "a full scan starts at the top"
    );

    let idle = rig.watcher.poll_once(false).await.unwrap();
    assert_eq!((idle.pages, idle.listed, idle.announced), (1, 0, 0));
    assert_eq!(
        rig.bucket.take_requests(),
        [Some("makes/2026-12-24.json".to_owned())],
        "one request, starting after the last key seen"
    );
    assert_eq!(
        rig.memory.checkpoints.lock().unwrap().len(),
        1,
        "an idle poll writes no checkpoint"
    );

    // A new key after the checkpoint is found by the next normal poll.
    rig.bucket.add("makes/2026-12-25.json");
    let next = rig.watcher.poll_once(false).await.unwrap();
    assert_eq!((next.listed, next.announced), (1, 1));
}

#[tokio::test]
async fn a_key_before_the_checkpoint_waits_for_the_full_scan() {
    let rig = Rig::new(1000);
    rig.bucket.add("makes/b.json");
    rig.bucket.add("makes/c.json");
    rig.watcher.poll_once(true).await.unwrap();
    assert_eq!(rig.announced(), 2);

    // Sorts before the checkpoint (`makes/c.json`): normal polls miss it.
    rig.bucket.add("makes/a.json");
    for _ in 0..3 {
        let report = rig.watcher.poll_once(false).await.unwrap();
        assert_eq!(report.announced, 0);
    }
    assert_eq!(rig.announced(), 2);

    // The periodic full scan finds it, and leaves the checkpoint where it was.
    let full = rig.watcher.poll_once(true).await.unwrap();
    assert_eq!((full.listed, full.announced), (3, 1));
    assert!(
        rig.claims.sent.lock().unwrap()[2].contains("makes/a.json"),
        "{:?}",
        rig.claims.sent.lock().unwrap()
    );
    assert_eq!(
        rig.memory.checkpoints.lock().unwrap().as_slice(),
        ["makes/c.json"],
        "the full scan passed `makes/a.json` without moving the checkpoint back"
    );
}

#[tokio::test]
async fn the_checkpoint_never_moves_back() {
    // Pages of two: every page moves the checkpoint on.
    let rig = Rig::new(2);
    for key in [
        "makes/1.json",
        "makes/3.json",
        "makes/5.json",
        "makes/7.json",
    ] {
        rig.bucket.add(key);
    }
    rig.watcher.poll_once(true).await.unwrap();
    rig.bucket.add("makes/0.json");
    rig.bucket.add("makes/2.json");
    rig.bucket.add("makes/9.json");
    rig.watcher.poll_once(false).await.unwrap();
    rig.watcher.poll_once(true).await.unwrap();
    let checkpoints = rig.memory.checkpoints.lock().unwrap().clone();
    assert!(
        checkpoints.windows(2).all(|pair| pair[0] < pair[1]),
        "only forward: {checkpoints:?}"
    );
    assert_eq!(checkpoints.last().map(String::as_str), Some("makes/9.json"));
    assert_eq!(rig.announced(), 7, "every key once");

    // A watcher started later reads the checkpoint once and goes on from it.
    let restarted = Watcher::new(
        rig.bucket.clone(),
        rig.claims.clone(),
        rig.memory.clone(),
        None,
        WatcherConfig {
            mode: WatchMode::Poll { sorted_keys: true },
            ..WatcherConfig::default()
        },
    );
    rig.bucket.take_requests();
    restarted.poll_once(false).await.unwrap();
    assert_eq!(
        rig.bucket.take_requests(),
        [Some("makes/9.json".to_owned())]
    );
}
