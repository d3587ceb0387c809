//! recipe-aws against a real moto server on loopback: the ports'
//! conformance suite, and what only AWS has (redrive to a dead-letter
//! queue, request counting, error mapping).
//!
//! moto comes from `scripts/python-env`; without it these tests fail and
//! say so.

mod compact;
mod dynamodb;
mod errors;
mod migration;
mod moto;
mod s3;
mod sqs;
mod versions;

use recipe_aws::Aws;
use recipe_aws::dynamodb::create_table;

/// A client of the shared moto server, and a new table on it whose name
/// starts with `prefix`.
async fn fresh_table(prefix: &str) -> (Aws, String) {
    let aws = moto::Moto::shared().aws().await;
    let table = moto::unique(prefix);
    create_table(&aws.dynamodb(), &table)
        .await
        .expect("moto creates the table");
    (aws, table)
}
