//! The scenarios with each port on its own backend, as a team moving to
//! AWS one piece at a time would run them: the bucket and the queues in a
//! data directory, the records in DynamoDB on moto.

use std::sync::Arc;

use recipe_aws::DynamoRecordStore;

use crate::harness::{Deployment, Pipeline, aws_client_env};
use crate::moto::{Moto, unique};
use crate::{embedded, scenarios};

/// The embedded deployment with its records moved to a new DynamoDB table.
async fn pipeline() -> Pipeline {
    let mut deployment: Deployment = embedded::deployment();
    let moto = Moto::shared();
    let aws = moto.aws().await;
    let table = unique("recipes");
    recipe_aws::dynamodb::create_table(&aws.dynamodb(), &table)
        .await
        .expect("the table is created");
    deployment.env.extend(aws_client_env(&moto.url()));
    deployment.env.extend([
        ("RECIPE_RECORDS_BACKEND".to_owned(), "dynamodb".to_owned()),
        ("RECIPE_TABLE".to_owned(), table.clone()),
    ]);
    deployment.records = Arc::new(DynamoRecordStore::new(aws.dynamodb(), table));
    Pipeline::new(deployment)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_makes() {
    scenarios::five_hundred_makes(pipeline().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_documents_are_set_aside_with_reasons() {
    scenarios::bad_documents_are_set_aside_with_reasons(pipeline().await).await;
}
