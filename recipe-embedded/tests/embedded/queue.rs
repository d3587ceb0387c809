//! The queue's redrive, receipts, wake-ups, and several processes on one
//! file.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use recipe_embedded::{Database, QueueConfig, SqliteQueue};
use recipe_ports::Error;
use recipe_ports::Queue;

use super::{queue_in, short};

/// Receives until a message arrives or a few seconds pass.
async fn receive_one(queue: &SqliteQueue) -> Option<recipe_ports::Delivery> {
    for _ in 0..20 {
        if let Some(delivery) = queue
            .receive(1, Duration::from_millis(200))
            .await
            .unwrap()
            .pop()
        {
            return Some(delivery);
        }
    }
    None
}

#[tokio::test]
async fn messages_received_too_often_go_to_the_dead_letter_queue() {
    let dir = tempfile::tempdir().unwrap();
    let work = queue_in(
        dir.path(),
        "work",
        short(100).with_dead_letter_queue("work-dlq", 2),
    );
    let dlq = queue_in(dir.path(), "work-dlq", short(100));
    work.send_batch(&["poison".to_owned()]).await.unwrap();

    let first = receive_one(&work).await.unwrap();
    let second = receive_one(&work).await.unwrap();
    assert_eq!((first.receive_count, second.receive_count), (1, 2));
    assert_eq!(first.message_id, second.message_id);
    // A third receive would exceed max_receives: redriven, not delivered.
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert!(
        work.receive(10, Duration::from_millis(300))
            .await
            .unwrap()
            .is_empty()
    );

    let dead = dlq.dead_letters().await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(
        dead[0].message_id, first.message_id,
        "a redrive keeps the id"
    );
    assert_eq!(dead[0].body, "poison");
    let reason = dead[0].reason.as_deref().unwrap();
    assert!(
        reason.contains("max_receives") && reason.contains("work"),
        "{reason}"
    );
    assert!(work.dead_letters().await.unwrap().is_empty());

    // In the dead-letter queue it starts over, and can be received there.
    let from_dlq = receive_one(&dlq).await.unwrap();
    assert_eq!(
        (from_dlq.body.as_str(), from_dlq.receive_count),
        ("poison", 1)
    );
    // The receipts of its old life do nothing here.
    dlq.delete(&second.receipt).await.unwrap();
    assert_eq!(dlq.dead_letters().await.unwrap().len(), 1);
}

#[tokio::test]
async fn explicit_dead_letters_keep_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let dlq = queue_in(dir.path(), "dlq", QueueConfig::default());
    dlq.send_with_reason(
        "{\"key\":\"makes/bad.json\"}",
        "server answered 422: steps[0].stepText: missing",
    )
    .await
    .unwrap();
    dlq.send_batch(&["plain".to_owned()]).await.unwrap();
    let dead = dlq.dead_letters().await.unwrap();
    assert_eq!(dead.len(), 2);
    assert_eq!(
        dead[0].reason.as_deref(),
        Some("server answered 422: steps[0].stepText: missing")
    );
    assert_eq!(dead[1].reason, None);
    // Reading them did not receive them.
    let received = dlq.receive(10, Duration::ZERO).await.unwrap();
    assert_eq!(received.len(), 2);
    assert!(received.iter().all(|delivery| delivery.receive_count == 1));
}

#[tokio::test]
async fn stale_receipts_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let queue = queue_in(dir.path(), "work", short(100));
    queue.send_batch(&["m".to_owned()]).await.unwrap();
    let first = receive_one(&queue).await.unwrap();
    let second = receive_one(&queue).await.unwrap();
    assert_ne!(first.receipt, second.receipt);

    queue.delete(&first.receipt).await.unwrap();
    assert_eq!(
        queue.dead_letters().await.unwrap().len(),
        1,
        "a stale delete is a no-op"
    );
    assert!(matches!(
        queue
            .extend_visibility(&first.receipt, Duration::from_secs(30))
            .await,
        Err(Error::Refused { .. })
    ));
    queue
        .extend_visibility(&second.receipt, Duration::from_secs(30))
        .await
        .unwrap();
    queue.delete(&second.receipt).await.unwrap();
    assert!(queue.dead_letters().await.unwrap().is_empty());
}

#[tokio::test]
async fn requests_sqs_would_refuse_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let queue = queue_in(dir.path(), "work", QueueConfig::default());
    let eleven: Vec<String> = (0..11).map(|i| i.to_string()).collect();
    assert!(matches!(
        queue.send_batch(&eleven).await,
        Err(Error::Refused { .. })
    ));
    assert!(queue.receive(0, Duration::ZERO).await.is_err());
    assert!(queue.receive(11, Duration::ZERO).await.is_err());
    assert!(queue.receive(1, Duration::from_secs(21)).await.is_err());
    assert!(queue.receive(1, Duration::MAX).await.is_err());
    queue.send_batch(&[]).await.unwrap();
    assert!(queue.dead_letters().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_send_in_this_process_wakes_a_waiting_receive() {
    let dir = tempfile::tempdir().unwrap();
    // So slow that only the wake-up can explain a quick answer.
    let config = QueueConfig::default().with_poll_interval(Duration::from_secs(60));
    let queue = queue_in(dir.path(), "work", config);
    let receiver = queue.clone();
    let started = Instant::now();
    let waiting = tokio::spawn(async move { receiver.receive(10, Duration::from_secs(20)).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    queue.send_batch(&["hello".to_owned()]).await.unwrap();
    let received = waiting.await.unwrap().unwrap();
    assert_eq!(received.len(), 1);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_send_from_another_process_is_found_by_polling() {
    let dir = tempfile::tempdir().unwrap();
    let config = QueueConfig::default().with_poll_interval(Duration::from_millis(50));
    // Two `Database`s are two connections, as two processes would hold.
    let receiver = queue_in(dir.path(), "work", config);
    let sender = queue_in(dir.path(), "work", QueueConfig::default());
    let started = Instant::now();
    let waiting = tokio::spawn(async move { receiver.receive(10, Duration::from_secs(20)).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    sender.send_batch(&["hello".to_owned()]).await.unwrap();
    assert_eq!(waiting.await.unwrap().unwrap().len(), 1);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn two_connections_share_a_queue_without_losing_or_doubling() {
    const MESSAGES: usize = 300;
    let dir = tempfile::tempdir().unwrap();
    let config = QueueConfig::default().with_poll_interval(Duration::from_millis(20));
    let consumers: Vec<SqliteQueue> = (0..2)
        .map(|_| {
            let database = Database::open_data_dir(dir.path()).unwrap();
            SqliteQueue::new(database, "work", config.clone()).unwrap()
        })
        .collect();

    // Both connections send, interleaved, while both receive.
    let mut tasks = Vec::new();
    for (n, queue) in consumers.iter().enumerate() {
        let sender = queue.clone();
        tasks.push(tokio::spawn(async move {
            for batch in 0..MESSAGES / 20 {
                let bodies: Vec<String> = (0..10).map(|i| format!("{n}-{batch}-{i}")).collect();
                sender.send_batch(&bodies).await.unwrap();
            }
            Vec::new()
        }));
        let receiver = queue.clone();
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            let deadline = Instant::now() + Duration::from_secs(60);
            let mut idle = 0;
            while Instant::now() < deadline && idle < 10 {
                let batch = receiver
                    .receive(10, Duration::from_millis(100))
                    .await
                    .unwrap();
                idle = if batch.is_empty() { idle + 1 } else { 0 };
                for delivery in batch {
                    receiver.delete(&delivery.receipt).await.unwrap();
                    got.push(delivery);
                }
            }
            got
        }));
    }
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    let mut per_consumer = Vec::new();
    for task in tasks {
        let got = task.await.unwrap();
        per_consumer.push(got.len());
        for delivery in got {
            assert_eq!(delivery.receive_count, 1, "nothing was handed out twice");
            *seen.entry(delivery.body).or_default() += 1;
        }
    }
    assert_eq!(seen.len(), MESSAGES, "nothing lost");
    assert!(seen.values().all(|&count| count == 1), "nothing doubled");
    assert!(
        consumers[0].dead_letters().await.unwrap().is_empty(),
        "every message was deleted"
    );
    // Printed, not asserted: how the work splits depends on scheduling.
    eprintln!("received per consumer: {per_consumer:?}");
}
