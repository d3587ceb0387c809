//! The AWS pipeline (watcher, sender and server binaries) through the
//! fault-injecting proxy in front of moto: for a window, three requests in
//! ten fail with throttling and server errors, some after taking effect.
//! The SDK's retries ride it out: every make is stored exactly once,
//! nothing is dead-lettered.

use std::sync::Arc;
use std::time::Duration;

use recipe_aws::sqs::QueueSettings;
use recipe_aws::{DynamoRecordStore, S3ObjectStore, SqsQueue};

use crate::harness::{Deployment, Pipeline, aws_env};
use crate::moto::{Moto, unique};
use crate::proxy::{FaultProxy, Service};
use crate::scenarios::{PIE, make, make_key};

/// How many makes stream through.
const MAKES: usize = 150;
/// How long the proxy injects faults once the stream starts.
const FAULT_WINDOW: Duration = Duration::from_secs(15);

/// A new bucket, claim-check queue (redriving to a dead-letter queue
/// after 5 receives) and table, made directly on moto; the binaries reach
/// them through `proxy`.
async fn deployment(proxy: &FaultProxy) -> Deployment {
    let aws = Moto::shared().aws().await;
    let (bucket, queue, dead_letters, table) = (
        unique("faults"),
        unique("claims"),
        unique("claims-dead"),
        unique("recipes"),
    );
    let store = S3ObjectStore::new(aws.s3(), &bucket);
    store.create_bucket().await.expect("the bucket is created");
    let settings = QueueSettings {
        // Short, so a lost ReceiveMessage answer hides its messages only
        // briefly.
        visibility_timeout: Duration::from_secs(5),
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
    let env = aws_env(proxy.url(), &bucket, queue.url(), dead.url(), &table);
    let client = aws.sqs();
    let dead_url = dead.url().to_owned();
    Deployment {
        env,
        bucket: Arc::new(store),
        records: Arc::new(DynamoRecordStore::new(aws.dynamodb(), table)),
        dead_letters: Box::new(move || {
            let (client, url) = (client.clone(), dead_url.clone());
            Box::pin(async move { count_dead_letters(&client, &url).await })
        }),
        scratch: tempfile::tempdir().expect("a temporary directory"),
    }
}

/// The dead-letter queue's size, as (body, reason) placeholders: SQS's
/// approximate counts settle at once on moto.
async fn count_dead_letters(client: &aws_sdk_sqs::Client, url: &str) -> Vec<(String, String)> {
    use aws_sdk_sqs::types::QueueAttributeName;
    let attributes = client
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
        .send()
        .await
        .expect("moto answers");
    let total: usize = attributes
        .attributes()
        .into_iter()
        .flat_map(|a| a.values())
        .filter_map(|v| v.parse::<usize>().ok())
        .sum();
    vec![(String::new(), String::new()); total]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_and_server_errors_are_ridden_out() {
    let proxy = FaultProxy::start(&Moto::shared().url()).await;
    let mut pipeline = Pipeline::new(deployment(&proxy).await);
    pipeline.drop_document("recipes/apple-pie.json", PIE).await;
    pipeline.start_all().await;
    // The recipe first, so no make waits for it: every retry below is a
    // fault's doing.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !matches!(pipeline.deployment.records.recipe(1).await, Ok(Some(_))) {
        assert!(
            std::time::Instant::now() < deadline,
            "the recipe was not stored within 60 s\n{}",
            pipeline.logs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    proxy.set_faulting(true);
    // Streamed across the window, so every stage meets the faults.
    let pace = FAULT_WINDOW / MAKES as u32;
    for n in 0..MAKES {
        pipeline.drop_document(&make_key(n), make(n)).await;
        tokio::time::sleep(pace).await;
    }
    proxy.set_faulting(false);
    let during = proxy.counters();
    eprintln!("faults injected during the window: {during:?}");

    let makes = pipeline
        .expect_makes(1, MAKES, Duration::from_secs(120))
        .await;
    let ids: std::collections::BTreeSet<&str> = makes.iter().map(|m| m.make_id.as_str()).collect();
    assert_eq!(ids.len(), MAKES, "no make is stored twice");
    // The SDK's retries absorbed every fault: no failed AWS call reached
    // the pipeline, which would have answered 503 (server) or put a claim
    // back for a later receive (sender), spending receives towards the
    // dead-letter queue.
    let metrics = reqwest::get(format!("{}/metrics", pipeline.base_url()))
        .await
        .expect("the server answers")
        .text()
        .await
        .expect("metrics are text");
    let unavailable: Vec<&str> = metrics
        .lines()
        .filter(|l| l.starts_with("recipe_http_errors_total{status=\"503\"}"))
        .collect();
    let sender_log = std::fs::read_to_string(pipeline.deployment.scratch.path().join("sender.log"))
        .unwrap_or_default();
    let surfaced: Vec<&str> = sender_log
        .lines()
        .filter(|l| l.contains("will retry") || l.contains("receiving failed"))
        .collect();
    assert!(
        unavailable.is_empty() && surfaced.is_empty(),
        "AWS failures got past the SDK's retries: server {unavailable:?}, \
         sender {} times:\n{}",
        surfaced.len(),
        surfaced.join("\n")
    );
    let dead = (pipeline.deployment.dead_letters)().await;
    assert!(
        dead.is_empty(),
        "nothing is dead-lettered, found {}\n{}",
        dead.len(),
        pipeline.logs()
    );
    for service in [Service::S3, Service::Sqs, Service::DynamoDb] {
        assert!(
            during.faults(service) > 0,
            "faults were injected into {service:?}: {during:?}"
        );
    }
}
