//! The scenarios on AWS's APIs, served by a real moto server on loopback:
//! S3 for the bucket, SQS for the queues, DynamoDB for the records.

use std::time::Duration;

use recipe_aws::SqsQueue;
use recipe_aws::sqs::QueueSettings;

use crate::harness::{Deployment, Pipeline};
use crate::moto::{Moto, unique};
use crate::{on_moto, scenarios};

/// A deployment on moto, reached directly.
async fn deployment() -> Deployment {
    // Short, so a killed sender's messages come back quickly.
    on_moto::deployment(&Moto::shared().url(), Duration::from_secs(3)).await
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
