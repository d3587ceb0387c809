//! The queue port on SQS, dead-letter queues and reasons.

use std::time::Duration;

use aws_sdk_sqs::types::MessageAttributeValue;
use recipe_aws::SqsQueue;
use recipe_aws::sqs::{QueueSettings, REASON_ATTRIBUTE};
use recipe_ports::Queue;

use crate::moto::{Moto, unique};

fn settings(visibility_secs: u64) -> QueueSettings {
    QueueSettings {
        visibility_timeout: Duration::from_secs(visibility_secs),
        ..QueueSettings::default()
    }
}

#[tokio::test]
async fn conforms_to_the_queue_port() {
    let aws = Moto::shared().aws().await;
    let created = SqsQueue::create(aws.sqs(), &unique("queue"), &settings(2))
        .await
        .unwrap();
    // Connecting reads the visibility timeout from the queue itself.
    let queue = SqsQueue::connect(aws.sqs(), created.url()).await.unwrap();
    assert_eq!(queue.visibility_timeout(), Duration::from_secs(2));
    recipe_ports::conformance::queue(&queue).await;
}

#[tokio::test]
async fn more_than_ten_bodies_go_in_several_batches() {
    let aws = Moto::shared().aws().await;
    let queue = SqsQueue::create(aws.sqs(), &unique("queue"), &settings(30))
        .await
        .unwrap();
    let bodies: Vec<String> = (0..25).map(|i| format!("message {i}")).collect();
    queue.send_batch(&bodies).await.unwrap();
    assert_eq!(aws.requests().count("SQS", "SendMessageBatch"), 3);
    let mut got = Vec::new();
    for _ in 0..10 {
        let deliveries = queue.receive(10, Duration::from_secs(1)).await.unwrap();
        got.extend(deliveries.into_iter().map(|d| d.body));
        if got.len() == bodies.len() {
            break;
        }
    }
    got.sort();
    let mut want = bodies;
    want.sort();
    assert_eq!(got, want);
}

#[tokio::test]
async fn messages_move_to_the_dead_letter_queue_after_max_receive_count() {
    let aws = Moto::shared().aws().await;
    let (queue, dead_letter) = SqsQueue::create_with_dead_letter(
        aws.sqs(),
        &unique("queue"),
        &unique("dlq"),
        2,
        &settings(1),
    )
    .await
    .unwrap();
    queue.send_batch(&["poison".to_owned()]).await.unwrap();

    // Received twice and never deleted, as a sender that keeps failing.
    for attempt in 1..=2 {
        let mut deliveries = Vec::new();
        for _ in 0..5 {
            deliveries = queue.receive(10, Duration::from_secs(1)).await.unwrap();
            if !deliveries.is_empty() {
                break;
            }
        }
        assert_eq!(deliveries.len(), 1, "receive {attempt}");
        assert_eq!(deliveries[0].receive_count, attempt);
        tokio::time::sleep(Duration::from_millis(1200)).await;
    }
    assert!(
        queue
            .receive(10, Duration::from_secs(1))
            .await
            .unwrap()
            .is_empty(),
        "a third receive finds the message gone"
    );
    let parked = dead_letter
        .receive(10, Duration::from_secs(1))
        .await
        .unwrap();
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0].body, "poison");
}

#[tokio::test]
async fn send_with_reason_names_the_reason_in_an_attribute() {
    let aws = Moto::shared().aws().await;
    let dead_letter = SqsQueue::create(aws.sqs(), &unique("dlq"), &settings(30))
        .await
        .unwrap();
    dead_letter
        .send_with_reason("{\"key\":\"makes/x.json\"}", "object too large: 9 MB")
        .await
        .unwrap();
    let output = aws
        .sqs()
        .receive_message()
        .queue_url(dead_letter.url())
        .message_attribute_names("All")
        .wait_time_seconds(1)
        .send()
        .await
        .unwrap();
    let messages = output.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].body(), Some("{\"key\":\"makes/x.json\"}"));
    let reason = messages[0]
        .message_attributes()
        .and_then(|attributes| attributes.get(REASON_ATTRIBUTE))
        .and_then(MessageAttributeValue::string_value);
    assert_eq!(reason, Some("object too large: 9 MB"));
}

#[tokio::test]
async fn a_missing_queue_is_refused() {
    let moto = Moto::shared();
    let aws = moto.aws().await;
    let url = format!("{}/123456789012/{}", moto.url(), unique("no-such-queue"));
    let error = SqsQueue::connect(aws.sqs(), &url).await.unwrap_err();
    assert!(!error.is_transient(), "{error}");

    let queue = SqsQueue::with_visibility_timeout(aws.sqs(), &url, Duration::from_secs(30));
    let error = queue.send_batch(&["x".to_owned()]).await.unwrap_err();
    assert!(!error.is_transient(), "{error}");
    assert!(error.to_string().contains("SendMessageBatch"), "{error}");
}
