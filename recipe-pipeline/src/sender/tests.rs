//! The sender's decisions, against in-process fakes of its ports.

use std::collections::HashMap;
use std::sync::Mutex;

use super::*;
use async_trait::async_trait;
use recipe_ports::{ListPage, ListRequest, Object, ObjectInfo, Result};

#[derive(Default)]
struct FakeStore(Mutex<HashMap<String, Vec<u8>>>);

#[async_trait]
impl ObjectStore for FakeStore {
    fn bucket(&self) -> &str {
        "cookbook"
    }
    async fn list(&self, _: ListRequest<'_>) -> Result<ListPage> {
        Ok(ListPage::default())
    }
    async fn get(&self, key: &str) -> Result<Option<Object>> {
        Ok(self.0.lock().unwrap().get(key).map(|body| Object {
            info: ObjectInfo {
                key: key.to_owned(),
                etag: "e1".to_owned(),
                size: body.len() as u64,
            },
            body: body.clone(),
        }))
    }
    async fn put(&self, key: &str, body: Vec<u8>) -> Result<ObjectInfo> {
        let size = body.len() as u64;
        self.0.lock().unwrap().insert(key.to_owned(), body);
        Ok(ObjectInfo {
            key: key.to_owned(),
            etag: "e1".to_owned(),
            size,
        })
    }
}

#[derive(Default)]
struct FakeQueue {
    waiting: Mutex<Vec<Delivery>>,
    deleted: Mutex<Vec<String>>,
    /// The size of each `delete_batch` request.
    batches: Mutex<Vec<usize>>,
    extended: Mutex<Vec<(String, Duration)>>,
}

#[async_trait]
impl Queue for FakeQueue {
    async fn send_batch(&self, _: &[String]) -> Result<()> {
        Ok(())
    }
    async fn receive(&self, max: u32, wait: Duration) -> Result<Vec<Delivery>> {
        let batch: Vec<Delivery> = {
            let mut waiting = self.waiting.lock().unwrap();
            let n = waiting.len().min(max as usize);
            waiting.drain(..n).collect()
        };
        if batch.is_empty() {
            tokio::time::sleep(wait).await;
        }
        Ok(batch)
    }
    async fn delete(&self, receipt: &str) -> Result<()> {
        self.deleted.lock().unwrap().push(receipt.to_owned());
        Ok(())
    }
    async fn delete_batch(&self, receipts: &[String]) -> Result<()> {
        self.batches.lock().unwrap().push(receipts.len());
        self.deleted
            .lock()
            .unwrap()
            .extend(receipts.iter().cloned());
        Ok(())
    }
    async fn extend_visibility(&self, receipt: &str, timeout: Duration) -> Result<()> {
        self.extended
            .lock()
            .unwrap()
            .push((receipt.to_owned(), timeout));
        Ok(())
    }
    fn visibility_timeout(&self) -> Duration {
        Duration::from_secs(30)
    }
}

#[derive(Default)]
struct FakeDeadLetters {
    letters: Mutex<Vec<(String, String)>>,
    broken: bool,
}

#[async_trait]
impl DeadLetters for FakeDeadLetters {
    async fn dead_letter(&self, body: &str, reason: &str) -> Result<()> {
        if self.broken {
            return Err(recipe_ports::Error::Unavailable {
                backend: "fake",
                message: "down".to_owned(),
            });
        }
        self.letters
            .lock()
            .unwrap()
            .push((body.to_owned(), reason.to_owned()));
        Ok(())
    }
}

struct FakeServer {
    outcome: Outcome,
    delay: Duration,
    submitted: Mutex<Vec<Submission>>,
    /// While set, submissions fail as if the server were down.
    down: std::sync::atomic::AtomicBool,
    probes: std::sync::atomic::AtomicU32,
    /// While set, the server refuses the sender's token.
    refusing: std::sync::atomic::AtomicBool,
    token_checks: std::sync::atomic::AtomicU32,
}

#[async_trait]
impl RecipeServer for FakeServer {
    async fn submit(&self, submission: Submission) -> Result<Outcome> {
        tokio::time::sleep(self.delay).await;
        if self.down.load(Ordering::SeqCst) {
            return Err(recipe_ports::Error::Unavailable {
                backend: "recipe server",
                message: "connection refused".to_owned(),
            });
        }
        if self.refusing.load(Ordering::SeqCst) {
            return Ok(Outcome::NotAuthorized("invalid API token".to_owned()));
        }
        self.submitted.lock().unwrap().push(submission);
        Ok(self.outcome.clone())
    }

    async fn ready(&self) -> bool {
        self.probes.fetch_add(1, Ordering::SeqCst);
        !self.down.load(Ordering::SeqCst)
    }

    async fn authorized(&self) -> bool {
        self.token_checks.fetch_add(1, Ordering::SeqCst);
        !self.refusing.load(Ordering::SeqCst)
    }
}

struct Rig {
    store: Arc<FakeStore>,
    queue: Arc<FakeQueue>,
    dead: Arc<FakeDeadLetters>,
    server: Arc<FakeServer>,
    sender: Arc<Sender>,
}

fn rig(outcome: Outcome, delay: Duration, broken_dlq: bool) -> Rig {
    rig_with(
        outcome,
        delay,
        broken_dlq,
        SenderConfig::default().concurrency,
    )
}

fn rig_with(outcome: Outcome, delay: Duration, broken_dlq: bool, concurrency: usize) -> Rig {
    let store = Arc::new(FakeStore::default());
    let queue = Arc::new(FakeQueue::default());
    let dead = Arc::new(FakeDeadLetters {
        broken: broken_dlq,
        ..FakeDeadLetters::default()
    });
    let server = Arc::new(FakeServer {
        outcome,
        delay,
        submitted: Mutex::default(),
        down: std::sync::atomic::AtomicBool::new(false),
        probes: std::sync::atomic::AtomicU32::new(0),
        refusing: std::sync::atomic::AtomicBool::new(false),
        token_checks: std::sync::atomic::AtomicU32::new(0),
    });
    let sender = Arc::new(Sender::new(
        store.clone(),
        queue.clone(),
        dead.clone(),
        server.clone(),
        SenderConfig {
            max_document_bytes: 64,
            concurrency,
            backoff: Duration::from_secs(1),
            ..SenderConfig::default()
        },
    ));
    Rig {
        store,
        queue,
        dead,
        server,
        sender,
    }
}

fn delivery(key: &str, receive_count: u32) -> Delivery {
    // Announced as one version; the fake bucket answers "e1", as if the
    // object changed before the sender fetched it.
    let check = ClaimCheck {
        source: Source::new("cookbook", key, "announced"),
        size: 10,
    };
    Delivery {
        message_id: format!("id-{key}"),
        body: check.to_body(),
        receipt: format!("r-{key}"),
        receive_count,
    }
}

/// Handles one message and deletes it when settled, as `run` does.
async fn handled(rig: &Rig, delivery: Delivery) {
    if let Some(receipt) = rig.sender.handle(delivery).await {
        rig.queue.delete(&receipt).await.unwrap();
    }
}

#[tokio::test(start_paused = true)]
async fn an_accepted_make_is_deleted() {
    let rig = rig(Outcome::Accepted, Duration::ZERO, false);
    rig.store.put("makes/a.json", b"{}".to_vec()).await.unwrap();
    handled(&rig, delivery("makes/a.json", 1)).await;
    assert_eq!(*rig.queue.deleted.lock().unwrap(), ["r-makes/a.json"]);
    let submitted = rig.server.submitted.lock().unwrap();
    assert_eq!(submitted[0].kind, KeyKind::Make);
    // The version read names the make, not the one announced.
    assert_eq!(
        submitted[0].source,
        Source::new("cookbook", "makes/a.json", "e1")
    );
}

#[tokio::test(start_paused = true)]
async fn a_refused_document_is_deleted_not_dead_lettered() {
    let rig = rig(
        Outcome::Rejected {
            status: 400,
            reason: "bad".to_owned(),
        },
        Duration::ZERO,
        false,
    );
    rig.store
        .put("recipes/a.json", b"{}".to_vec())
        .await
        .unwrap();
    handled(&rig, delivery("recipes/a.json", 1)).await;
    assert_eq!(rig.queue.deleted.lock().unwrap().len(), 1);
    assert!(rig.dead.letters.lock().unwrap().is_empty());
}

#[tokio::test(start_paused = true)]
async fn transient_failures_come_back_after_a_growing_backoff() {
    let rig = rig(
        Outcome::RetryLater("busy".to_owned()),
        Duration::ZERO,
        false,
    );
    rig.store.put("makes/a.json", b"{}".to_vec()).await.unwrap();
    handled(&rig, delivery("makes/a.json", 1)).await;
    handled(&rig, delivery("makes/a.json", 3)).await;
    assert!(rig.queue.deleted.lock().unwrap().is_empty());
    let delays: Vec<Duration> = rig
        .queue
        .extended
        .lock()
        .unwrap()
        .iter()
        .map(|e| e.1)
        .collect();
    assert_eq!(delays, [Duration::from_secs(1), Duration::from_secs(4)]);
}

#[tokio::test(start_paused = true)]
async fn the_last_attempt_dead_letters_with_the_reason() {
    let rig = rig(
        Outcome::RetryLater("recipe 9 not found".to_owned()),
        Duration::ZERO,
        false,
    );
    rig.store.put("makes/a.json", b"{}".to_vec()).await.unwrap();
    handled(&rig, delivery("makes/a.json", 5)).await;
    let letters = rig.dead.letters.lock().unwrap();
    assert_eq!(letters.len(), 1);
    assert!(
        letters[0].1.contains("gave up after 5 attempts"),
        "{}",
        letters[0].1
    );
    assert!(letters[0].1.contains("recipe 9 not found"));
    assert_eq!(rig.queue.deleted.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn poison_messages_are_dead_lettered_with_what_is_wrong() {
    let rig = rig(Outcome::Accepted, Duration::ZERO, false);
    let mut poison = delivery("makes/a.json", 1);
    poison.body = "not json".to_owned();
    handled(&rig, poison).await;
    rig.store
        .put("makes/big.json", vec![b' '; 100])
        .await
        .unwrap();
    handled(&rig, delivery("makes/big.json", 1)).await;
    let reasons: Vec<String> = rig
        .dead
        .letters
        .lock()
        .unwrap()
        .iter()
        .map(|l| l.1.clone())
        .collect();
    assert!(reasons[0].contains("not a claim check"), "{reasons:?}");
    assert!(reasons[1].contains("over the 64 byte limit"), "{reasons:?}");
    assert!(rig.server.submitted.lock().unwrap().is_empty());
    assert_eq!(rig.queue.deleted.lock().unwrap().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_deleted_object_and_a_stranger_key_are_acknowledged() {
    let rig = rig(Outcome::Accepted, Duration::ZERO, false);
    handled(&rig, delivery("makes/gone.json", 1)).await;
    handled(&rig, delivery("photos/pie.jpg", 1)).await;
    assert_eq!(rig.queue.deleted.lock().unwrap().len(), 2);
    assert!(rig.server.submitted.lock().unwrap().is_empty());
    assert!(rig.dead.letters.lock().unwrap().is_empty());
}

#[tokio::test(start_paused = true)]
async fn nothing_is_deleted_when_dead_lettering_fails() {
    let rig = rig(
        Outcome::Unreadable("has no recipeId".to_owned()),
        Duration::ZERO,
        true,
    );
    rig.store.put("makes/a.json", b"{}".to_vec()).await.unwrap();
    handled(&rig, delivery("makes/a.json", 1)).await;
    assert!(rig.queue.deleted.lock().unwrap().is_empty());
}

#[tokio::test(start_paused = true)]
async fn slow_work_keeps_its_message_hidden() {
    // Visibility 30 s; the server takes 100 s: extended every 15 s.
    let rig = rig(Outcome::Accepted, Duration::from_secs(100), false);
    rig.store.put("makes/a.json", b"{}".to_vec()).await.unwrap();
    handled(&rig, delivery("makes/a.json", 1)).await;
    let extended = rig.queue.extended.lock().unwrap();
    assert_eq!(extended.len(), 6, "{extended:?}");
    assert!(extended.iter().all(|(_, t)| *t == Duration::from_secs(30)));
    assert_eq!(rig.queue.deleted.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn settled_messages_are_deleted_in_batches() {
    let rig = rig(Outcome::Accepted, Duration::ZERO, false);
    for i in 0..25 {
        let key = format!("makes/{i}.json");
        rig.store.put(&key, b"{}".to_vec()).await.unwrap();
        rig.queue.waiting.lock().unwrap().push(delivery(&key, 1));
    }
    let shutdown = CancellationToken::new();
    let running = tokio::spawn(rig.sender.clone().run(shutdown.clone()));
    tokio::time::sleep(Duration::from_secs(1)).await;
    shutdown.cancel();
    running.await.unwrap();
    let batches = rig.queue.batches.lock().unwrap().clone();
    assert_eq!(batches.iter().sum::<usize>(), 25, "{batches:?}");
    assert!(batches.iter().all(|&b| b <= 10), "{batches:?}");
    assert!(
        batches.len() <= 5,
        "25 deletes in a few requests: {batches:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn shutdown_finishes_what_is_in_flight() {
    let rig = rig(Outcome::Accepted, Duration::from_secs(5), false);
    for i in 0..25 {
        let key = format!("makes/{i}.json");
        rig.store.put(&key, b"{}".to_vec()).await.unwrap();
        rig.queue.waiting.lock().unwrap().push(delivery(&key, 1));
    }
    let shutdown = CancellationToken::new();
    let running = tokio::spawn(rig.sender.clone().run(shutdown.clone()));
    tokio::time::sleep(Duration::from_secs(1)).await;
    shutdown.cancel();
    running.await.unwrap();
    assert_eq!(
        rig.queue.deleted.lock().unwrap().len(),
        25,
        "every received message settled"
    );
    assert_eq!(rig.server.submitted.lock().unwrap().len(), 25);
}

#[tokio::test(start_paused = true)]
async fn a_server_outage_pauses_receiving_instead_of_burning_attempts() {
    // One at a time, so the first failure is seen before the next receive.
    let rig = rig_with(Outcome::Accepted, Duration::ZERO, false, 1);
    rig.server.down.store(true, Ordering::SeqCst);
    for i in 0..3 {
        let key = format!("makes/{i}.json");
        rig.store.put(&key, b"{}".to_vec()).await.unwrap();
        rig.queue.waiting.lock().unwrap().push(delivery(&key, 1));
    }
    let shutdown = CancellationToken::new();
    let running = tokio::spawn(rig.sender.clone().run(shutdown.clone()));
    // The first failure opens the breaker; the other messages wait unreceived.
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert!(
        rig.server.probes.load(Ordering::SeqCst) >= 30,
        "it keeps asking"
    );
    assert!(
        !rig.queue.waiting.lock().unwrap().is_empty(),
        "receiving paused"
    );
    assert!(
        rig.dead.letters.lock().unwrap().is_empty(),
        "nothing dead-lettered"
    );
    rig.server.down.store(false, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(5)).await;
    shutdown.cancel();
    running.await.unwrap();
    assert!(rig.queue.waiting.lock().unwrap().is_empty());
    assert_eq!(
        rig.server.submitted.lock().unwrap().len(),
        2,
        "the waiting two went through"
    );
}

#[tokio::test(start_paused = true)]
async fn a_refused_token_holds_every_message_and_dead_letters_none() {
    // Two at a time: the second is in flight when the first is refused.
    let rig = rig_with(Outcome::Accepted, Duration::ZERO, false, 2);
    rig.server.refusing.store(true, Ordering::SeqCst);
    for i in 0..4 {
        let key = format!("makes/{i}.json");
        rig.store.put(&key, b"{}".to_vec()).await.unwrap();
        // At the receive limit already: a retry would dead-letter them.
        rig.queue.waiting.lock().unwrap().push(delivery(&key, 5));
    }
    let shutdown = CancellationToken::new();
    let running = tokio::spawn(rig.sender.clone().run(shutdown.clone()));
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert_eq!(
        rig.sender.paused_because().as_deref(),
        Some("invalid API token"),
        "readiness can say why"
    );
    assert!(
        rig.dead.letters.lock().unwrap().is_empty(),
        "nothing dead-lettered, at the receive limit or not"
    );
    assert!(
        rig.server.token_checks.load(Ordering::SeqCst) >= 10,
        "it keeps asking whether the token is taken"
    );
    assert!(rig.server.submitted.lock().unwrap().is_empty());
    assert!(
        rig.queue.waiting.lock().unwrap().len() >= 2,
        "receiving paused: the rest wait in the queue"
    );

    // The token fixed: everything goes through.
    rig.server.refusing.store(false, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(rig.sender.paused_because(), None);
    shutdown.cancel();
    running.await.unwrap();
    assert!(rig.dead.letters.lock().unwrap().is_empty());
    assert_eq!(
        rig.server.submitted.lock().unwrap().len(),
        2,
        "the two that waited in the queue went through"
    );
}
