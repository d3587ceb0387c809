//! Request counting and what failures map to.

use std::net::TcpListener;
use std::time::Duration;

use recipe_aws::{AwsOptions, S3ObjectStore, SqsQueue};
use recipe_ports::{ListRequest, ObjectStore, Queue};

use crate::moto::{Moto, aws_for, unique};

/// Few, quick retries: these tests wait for the failures.
fn impatient() -> AwsOptions {
    AwsOptions {
        max_attempts: 2,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        connect_timeout: Duration::from_millis(500),
        attempt_timeout: Duration::from_secs(1),
        operation_timeout: Duration::from_secs(5),
        ..AwsOptions::default()
    }
}

#[tokio::test]
async fn the_request_counter_counts_per_operation() {
    let aws = Moto::shared().aws().await;
    let store = S3ObjectStore::new(aws.s3(), unique("bucket"));
    store.create_bucket().await.unwrap();
    for i in 0..3 {
        store
            .put(&format!("makes/{i}.json"), b"{}".to_vec())
            .await
            .unwrap();
    }
    store.list(ListRequest::default()).await.unwrap();
    let queue = SqsQueue::create(aws.sqs(), &unique("queue"), &Default::default())
        .await
        .unwrap();
    queue.receive(1, Duration::ZERO).await.unwrap();

    let requests = aws.requests();
    assert_eq!(requests.count("S3", "CreateBucket"), 1);
    assert_eq!(requests.count("S3", "PutObject"), 3);
    assert_eq!(requests.count("S3", "ListObjectsV2"), 1);
    assert_eq!(requests.count("SQS", "CreateQueue"), 1);
    assert_eq!(requests.count("SQS", "ReceiveMessage"), 1);
    assert_eq!(requests.total(), 7, "{requests:?}");
    // Clients made later report to the same counter.
    S3ObjectStore::new(aws.s3(), store.bucket())
        .get("makes/0.json")
        .await
        .unwrap();
    assert_eq!(requests.count("S3", "GetObject"), 1);
    requests.reset();
    assert_eq!(requests.total(), 0);
}

#[tokio::test]
async fn a_stopped_server_is_unavailable() {
    let moto = Moto::start();
    let aws = moto.aws_with(impatient()).await;
    let store = S3ObjectStore::new(aws.s3(), unique("bucket"));
    store.create_bucket().await.unwrap();
    moto.stop();

    let error = store.list(ListRequest::default()).await.unwrap_err();
    assert!(error.is_transient(), "{error}");
    assert_eq!(
        aws.requests().count("S3", "ListObjectsV2"),
        2,
        "retried up to max_attempts"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_as_unavailable() {
    // Accepts connections (the kernel does) and never reads or answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let aws = aws_for(&url, impatient()).await;
    let queue = SqsQueue::with_visibility_timeout(
        aws.sqs(),
        format!("{url}/123456789012/queue"),
        Duration::from_secs(30),
    );
    let error = queue.delete("receipt").await.unwrap_err();
    assert!(error.is_transient(), "{error}");
    drop(silent);
}
