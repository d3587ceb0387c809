//! What failures map to.

use std::time::Duration;

use recipe_aws::{AwsOptions, S3ObjectStore};
use recipe_pipeline::ports::{ListRequest, ObjectStore};

use crate::moto::{Moto, unique};

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
