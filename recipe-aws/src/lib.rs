//! # recipe-aws
//!
//! The AWS side of the recipe pipeline: the ports of [`recipe_ports`] on
//! S3, SQS and DynamoDB.
//!
//! ```text
//!  S3 bucket ──► watcher ──► SQS queue ──► sender ──► server ──► DynamoDB table
//!  S3ObjectStore            SqsQueue                            DynamoRecordStore
//!                                                               DynamoAnnouncementLog
//! ```
//!
//! - [`config`]: one [`Aws`] configuration from the standard provider chain
//!   (environment, profile, EKS Pod Identity, IRSA), with `AWS_ENDPOINT_URL`
//!   for a local S3/SQS/DynamoDB-compatible server, standard retries and
//!   timeouts; it makes the three clients;
//! - [`request_counter`]: the [`RequestCounter`] interceptor every client
//!   carries, counting requests per service and operation, and what
//!   [`billing`] reads off their bodies: DynamoDB request units and SQS's
//!   64 KiB chunks;
//! - [`s3`]: [`S3ObjectStore`], the bucket port;
//! - [`sqs`]: [`SqsQueue`], the queue port, plus queue creation with a
//!   dead-letter queue and [`SqsQueue::send_with_reason`];
//! - [`dynamodb`]: [`DynamoRecordStore`] and [`DynamoAnnouncementLog`] on one
//!   table, whose design (keys, items, access patterns, the version and
//!   make transactions, how tables written before versions are read) the
//!   module documents, and [`dynamodb::create_table`].
//!
//! Every failure is a [`recipe_ports::Error`]: throttling, 5xx answers,
//! timeouts and connection failures are `Unavailable` (worth retrying);
//! access denied, missing resources and malformed requests are `Refused`.
//!
//! ## Example
//!
//! Wiring the ports from the environment, as the binaries do (it needs
//! credentials and a network, so it is only compiled here):
//!
//! ```no_run
//! use recipe_aws::{Aws, AwsOptions, DynamoRecordStore, S3ObjectStore, SqsQueue};
//! use recipe_ports::{ListRequest, ObjectStore, RecordStore};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let aws = Aws::load(&AwsOptions::default()).await;
//! let bucket = S3ObjectStore::new(aws.s3(), "my-recipes");
//! let queue = SqsQueue::connect(aws.sqs(), "https://sqs.eu-west-1.amazonaws.com/123/makes").await?;
//! let records = DynamoRecordStore::new(aws.dynamodb(), "recipes");
//!
//! records.ping().await?;
//! let page = bucket.list(ListRequest { prefix: "makes/", ..ListRequest::default() }).await?;
//! println!("{} makes, {} AWS requests so far", page.objects.len(), aws.requests().total());
//! # drop(queue);
//! # Ok(())
//! # }
//! ```
//!
//! The request counter needs no network:
//!
//! ```
//! use recipe_aws::RequestCounter;
//!
//! let counter = RequestCounter::default();
//! assert_eq!(counter.total(), 0);
//! assert_eq!(counter.count("SQS", "ReceiveMessage"), 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

pub mod billing;
pub mod config;
pub mod dynamodb;
mod error_mapping;
pub mod request_counter;
pub mod s3;
pub mod sqs;

pub use config::{Aws, AwsOptions};
pub use dynamodb::{DynamoAnnouncementLog, DynamoRecordStore};
pub use request_counter::RequestCounter;
pub use s3::S3ObjectStore;
pub use sqs::SqsQueue;
