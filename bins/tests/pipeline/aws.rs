//! The scenarios on AWS's APIs, served by a real moto server on loopback:
//! S3 for the bucket, SQS for the queues, DynamoDB for the records.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_sqs::types::QueueAttributeName;
use recipe_aws::sqs::QueueSettings;
use recipe_aws::{DynamoRecordStore, S3ObjectStore, SqsQueue};

use crate::harness::{Deployment, Pipeline, aws_env};
use crate::moto::{Moto, unique};
use crate::scenarios;

/// A bucket, a claim-check queue redriving to a dead-letter queue after 5
/// receives, and a table, all new; binaries get fake credentials.
async fn deployment() -> Deployment {
    let moto = Moto::shared();
    let aws = moto.aws().await;
    let (bucket, queue, dead_letters, table) = (
        unique("cookbook"),
        unique("claims"),
        unique("claims-dead"),
        unique("recipes"),
    );
    let store = S3ObjectStore::new(aws.s3(), &bucket);
    store.create_bucket().await.expect("the bucket is created");
    let settings = QueueSettings {
        // Short, so a killed sender's messages come back quickly.
        visibility_timeout: Duration::from_secs(3),
        maximum_message_size: None,
        message_retention: None,
        dead_letter: None,
    };
    let (queue, dead) =
        SqsQueue::create_with_dead_letter(aws.sqs(), &queue, &dead_letters, 5, &settings)
            .await
            .expect("the queues are created");
    recipe_aws::dynamodb::create_table(&aws.dynamodb(), &table)
        .await
        .expect("the table is created");
    let env = aws_env(&moto.url(), &bucket, queue.url(), dead.url(), &table);
    let client = aws.sqs();
    let dead_url = dead.url().to_owned();
    Deployment {
        env,
        bucket: Arc::new(store),
        records: Arc::new(DynamoRecordStore::new(aws.dynamodb(), table)),
        dead_letters: Box::new(move || {
            let (client, url) = (client.clone(), dead_url.clone());
            Box::pin(async move { peek_dead_letters(&client, &url).await })
        }),
        scratch: tempfile::tempdir().expect("a temporary directory"),
    }
}

/// Reads the dead-letter queue without consuming it: bodies and the
/// `reason` attribute, each message once.
async fn peek_dead_letters(client: &aws_sdk_sqs::Client, url: &str) -> Vec<(String, String)> {
    let mut seen = BTreeMap::new();
    for _ in 0..5 {
        let Ok(output) = client
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .visibility_timeout(0)
            .message_attribute_names("All")
            .message_system_attribute_names(QueueAttributeName::All.as_str().into())
            .send()
            .await
        else {
            continue;
        };
        for message in output.messages() {
            let reason = message
                .message_attributes()
                .and_then(|a| a.get("reason"))
                .and_then(|v| v.string_value())
                .unwrap_or_default()
                .to_owned();
            let body = message.body().unwrap_or_default().to_owned();
            seen.insert(
                message.message_id().unwrap_or_default().to_owned(),
                (body, reason),
            );
        }
    }
    seen.into_values().collect()
}

async fn pipeline() -> Pipeline {
    Pipeline::new(deployment().await)
}

/// A deployment whose bucket notifies an events queue of every created
/// object, with the watcher in event mode reading it.
async fn event_mode_pipeline() -> Pipeline {
    use aws_sdk_s3::types::{Event, NotificationConfiguration, QueueConfiguration};

    let deployment = deployment().await;
    let aws = Moto::shared().aws().await;
    let events = SqsQueue::create(
        aws.sqs(),
        &unique("events"),
        &QueueSettings {
            visibility_timeout: Duration::from_secs(3),
            // An S3 notification can be large; the design asks for 64 KiB.
            maximum_message_size: Some(64 * 1024),
            message_retention: None,
            dead_letter: None,
        },
    )
    .await
    .expect("the events queue is created");
    let bucket = deployment
        .env
        .iter()
        .find(|(k, _)| k == "RECIPE_BUCKET")
        .map(|(_, v)| v.clone())
        .expect("the deployment names its bucket");
    let notification = NotificationConfiguration::builder()
        .queue_configurations(
            QueueConfiguration::builder()
                .queue_arn(events.arn().await.expect("the queue has an ARN"))
                .events(Event::S3ObjectCreated)
                .build()
                .expect("a complete queue configuration"),
        )
        .build();
    aws.s3()
        .put_bucket_notification_configuration()
        .bucket(&bucket)
        .notification_configuration(notification)
        .send()
        .await
        .expect("the bucket notifies the events queue");
    let mut pipeline = Pipeline::new(deployment);
    pipeline.set_env("RECIPE_WATCH_MODE", "events");
    pipeline.set_env("RECIPE_EVENTS_QUEUE_URL", events.url());
    pipeline
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_makes() {
    scenarios::five_hundred_makes(pipeline().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_killed_and_restarted_plain_poll() {
    scenarios::watcher_killed_and_restarted(pipeline().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_killed_and_restarted_sorted_keys() {
    let mut pipeline = pipeline().await;
    pipeline.set_env("RECIPE_SORTED_KEYS", "true");
    scenarios::watcher_killed_and_restarted(pipeline).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_killed_and_restarted_event_mode() {
    scenarios::watcher_killed_and_restarted(event_mode_pipeline().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sender_killed_mid_batch() {
    scenarios::sender_killed_mid_batch(pipeline().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sender_drains_on_sigterm() {
    scenarios::sender_drains_on_sigterm(pipeline().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_down_for_twenty_seconds() {
    scenarios::server_down_for_twenty_seconds(pipeline().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_documents_are_set_aside_with_reasons() {
    scenarios::bad_documents_are_set_aside_with_reasons(pipeline().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_over_the_store() {
    scenarios::api_over_the_store(pipeline().await).await;
}
