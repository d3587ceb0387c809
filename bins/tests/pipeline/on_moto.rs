//! A pipeline deployment on moto, shared by the pipeline scenarios and the
//! fault tests: new AWS resources for each test, and readers that reach
//! them directly, whatever endpoint the binaries are given.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_sqs::types::QueueAttributeName;
use recipe_aws::sqs::QueueSettings;
use recipe_aws::{Aws, DynamoRecordStore, S3ObjectStore, SqsQueue};

use crate::harness::{Deployment, aws_env};
use crate::moto::{Moto, unique};

/// A bucket, a claim-check queue redriving to a dead-letter queue after 5
/// receives, and a table, all new on moto. The binaries get fake
/// credentials and reach AWS at `endpoint`: moto itself, or a proxy in
/// front of it. `visibility_timeout` is short, so that a message hidden by
/// a killed sender or a lost answer comes back soon.
pub(crate) async fn deployment(endpoint: &str, visibility_timeout: Duration) -> Deployment {
    let aws = Moto::shared().aws().await;
    let (bucket, queue, dead_letters, table) = (
        unique("cookbook"),
        unique("claims"),
        unique("claims-dead"),
        unique("recipes"),
    );
    let store = S3ObjectStore::new(aws.s3(), &bucket);
    store.create_bucket().await.expect("the bucket is created");
    let settings = QueueSettings {
        visibility_timeout,
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
    deployment_on(&aws, endpoint, &bucket, queue.url(), dead.url(), &table)
}

/// A deployment on resources that exist on moto already: the binaries'
/// environment and the readers of the bucket, the table and the
/// dead-letter queue.
pub(crate) fn deployment_on(
    aws: &Aws,
    endpoint: &str,
    bucket: &str,
    queue_url: &str,
    dead_letter_url: &str,
    table: &str,
) -> Deployment {
    let env = aws_env(endpoint, bucket, queue_url, dead_letter_url, table);
    let client = aws.sqs();
    let dead_url = dead_letter_url.to_owned();
    Deployment {
        env,
        bucket: Arc::new(S3ObjectStore::new(aws.s3(), bucket)),
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
