//! Building the ports from configuration: the only place that knows which
//! backend is behind each one.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use recipe_aws::{
    Aws, AwsOptions, DynamoAnnouncementLog, DynamoRecordStore, S3ObjectStore, SqsQueue,
};
use recipe_embedded::{
    Database, LocalBucket, QueueConfig, SqliteAnnouncementLog, SqliteQueue, SqliteRecordStore,
};
use recipe_pipeline::ports::{AnnouncementLog, DeadLetters, ObjectStore, Queue, RecordStore};

use crate::config::BackendArgs;

/// Names of the embedded backends when none are configured.
const EMBEDDED_QUEUE: &str = "claims";
const EMBEDDED_DEAD_LETTERS: &str = "claims-dead-letters";
const EMBEDDED_BUCKET: &str = "local";

/// How long a server keeps a recipe it read: a recipe changed through
/// another replica is seen after at most this long.
pub const RECIPE_CACHE_TIME: Duration = Duration::from_secs(5);

/// How often a claim check may come back before it is dead-lettered (the
/// redrive `maxReceiveCount`).
pub const MAX_RECEIVES: u32 = 5;

/// The configured backends, ready to hand out ports.
pub struct Wiring {
    args: BackendArgs,
    backend: Backend,
}

enum Backend {
    Embedded { dir: PathBuf, database: Database },
    Aws(Box<Aws>),
}

impl Wiring {
    /// Opens the backends `args` names: the embedded ones with
    /// `--data-dir`, AWS otherwise.
    pub async fn new(args: &BackendArgs) -> Result<Self> {
        let backend = match &args.data_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir.join("bucket")).with_context(|| {
                    format!("cannot create the data directory {}", dir.display())
                })?;
                let database = Database::open_data_dir(dir)
                    .with_context(|| format!("cannot open the database in {}", dir.display()))?;
                Backend::Embedded {
                    dir: dir.clone(),
                    database,
                }
            }
            // Credentials come from the standard chain only (environment,
            // profile, EKS Pod Identity / IRSA); `AWS_ENDPOINT_URL` points
            // at a local S3/SQS/DynamoDB-compatible server.
            None => Backend::Aws(Box::new(Aws::load(&AwsOptions::default()).await)),
        };
        Ok(Wiring {
            args: args.clone(),
            backend,
        })
    }

    /// What opening the embedded database migrated (makes of an older
    /// build given integer ids); `None` on AWS, whose table is migrated by
    /// `recipe migrate-ids`, or when nothing was migrated.
    pub fn migrated(&self) -> Option<&recipe_pipeline::records::MigrationReport> {
        match &self.backend {
            Backend::Embedded { database, .. } if !database.migrated().migrated.is_empty() => {
                Some(database.migrated())
            }
            _ => None,
        }
    }

    /// The AWS configuration, when the backend is AWS (for its request
    /// counter).
    pub fn aws(&self) -> Option<&Aws> {
        match &self.backend {
            Backend::Aws(aws) => Some(aws),
            Backend::Embedded { .. } => None,
        }
    }

    /// Logs how many AWS requests this process made, by operation: the
    /// figure the cost of the pipeline is measured in.
    pub fn log_requests(&self) {
        if let Some(aws) = self.aws() {
            let counter = aws.requests();
            let by_operation: Vec<String> = counter
                .snapshot()
                .into_iter()
                .map(|(operation, count)| format!("{operation}={count}"))
                .collect();
            tracing::info!(
                aws_requests = counter.total(),
                by_operation = %by_operation.join(" "),
                "AWS requests made"
            );
        }
    }

    /// What the health listener's `/readyz` checks: on the embedded
    /// backends, that the data directory can be written (see
    /// [`Database::probe_write`]); AWS needs no such check.
    pub fn write_probe(&self) -> Option<crate::health::WriteProbe> {
        match &self.backend {
            Backend::Embedded { database, .. } => {
                let database = database.clone();
                Some(Arc::new(move || {
                    let database = database.clone();
                    Box::pin(async move { database.probe_write().await.map_err(|e| e.to_string()) })
                }))
            }
            Backend::Aws(_) => None,
        }
    }

    /// The bucket.
    pub fn object_store(&self) -> Result<Arc<dyn ObjectStore>> {
        match &self.backend {
            Backend::Embedded { dir, .. } => {
                let name = self.args.bucket.as_deref().unwrap_or(EMBEDDED_BUCKET);
                Ok(Arc::new(LocalBucket::open(name, dir.join("bucket"))?))
            }
            Backend::Aws(aws) => Ok(Arc::new(S3ObjectStore::new(
                aws.s3(),
                required(&self.args.bucket, "--bucket (RECIPE_BUCKET)")?,
            ))),
        }
    }

    /// The claim-check queue, redriving to the dead-letter queue after
    /// [`MAX_RECEIVES`] receives (on AWS, by the queue's redrive policy).
    pub async fn claims(&self) -> Result<Arc<dyn Queue>> {
        match &self.backend {
            Backend::Embedded { database, .. } => {
                let name = self.args.queue_url.as_deref().unwrap_or(EMBEDDED_QUEUE);
                Ok(Arc::new(SqliteQueue::new(
                    database.clone(),
                    name,
                    QueueConfig::new(self.args.visibility_timeout_ms)
                        .with_dead_letter_queue(self.dead_letter_name(), MAX_RECEIVES),
                )?))
            }
            Backend::Aws(aws) => {
                let url = required(&self.args.queue_url, "--queue-url (RECIPE_QUEUE_URL)")?;
                Ok(Arc::new(SqsQueue::connect(aws.sqs(), url).await?))
            }
        }
    }

    /// Where unprocessable claim checks go, with their reasons.
    pub async fn dead_letters(&self) -> Result<Arc<dyn DeadLetters>> {
        match &self.backend {
            Backend::Embedded { database, .. } => Ok(Arc::new(SqliteQueue::new(
                database.clone(),
                self.dead_letter_name(),
                QueueConfig::new(self.args.visibility_timeout_ms),
            )?)),
            Backend::Aws(aws) => {
                let url = required(&self.args.dlq_url, "--dlq-url (RECIPE_DLQ_URL)")?;
                Ok(Arc::new(SqsQueue::connect(aws.sqs(), url).await?))
            }
        }
    }

    /// Recipes, makes with their differences, and rejections.
    pub fn records(&self) -> Result<Arc<dyn RecordStore>> {
        match &self.backend {
            Backend::Embedded { database, .. } => {
                Ok(Arc::new(SqliteRecordStore::new(database.clone())))
            }
            Backend::Aws(aws) => Ok(Arc::new(DynamoRecordStore::new(
                aws.dynamodb(),
                required(&self.args.table, "--table (RECIPE_TABLE)")?,
            ))),
        }
    }

    /// The DynamoDB record store itself, for what only it does (`recipe
    /// migrate-ids`); an error on the embedded backends.
    pub fn dynamo_records(&self) -> Result<DynamoRecordStore> {
        match &self.backend {
            Backend::Aws(aws) => Ok(DynamoRecordStore::new(
                aws.dynamodb(),
                required(&self.args.table, "--table (RECIPE_TABLE)")?,
            )),
            Backend::Embedded { dir, .. } => anyhow::bail!(
                "the records in {} are in SQLite, not DynamoDB",
                dir.display()
            ),
        }
    }

    /// The watcher's durable memory, scoped to the bucket it watches.
    pub fn announcements(&self) -> Result<Arc<dyn AnnouncementLog>> {
        let bucket = self.args.bucket.as_deref().unwrap_or(EMBEDDED_BUCKET);
        match &self.backend {
            Backend::Embedded { database, .. } => Ok(Arc::new(SqliteAnnouncementLog::new(
                database.clone(),
                bucket,
            ))),
            Backend::Aws(aws) => Ok(Arc::new(DynamoAnnouncementLog::new(
                aws.dynamodb(),
                required(&self.args.table, "--table (RECIPE_TABLE)")?,
                bucket,
            ))),
        }
    }

    /// The S3 notification queue of event mode.
    pub async fn events(&self, url: &str) -> Result<Arc<dyn Queue>> {
        match &self.backend {
            // The embedded bucket sends no notifications; a named queue lets
            // tests play S3's part.
            Backend::Embedded { database, .. } => Ok(Arc::new(SqliteQueue::new(
                database.clone(),
                url,
                QueueConfig::new(self.args.visibility_timeout_ms),
            )?)),
            Backend::Aws(aws) => Ok(Arc::new(SqsQueue::connect(aws.sqs(), url).await?)),
        }
    }

    fn dead_letter_name(&self) -> String {
        self.args
            .dlq_url
            .clone()
            .unwrap_or_else(|| EMBEDDED_DEAD_LETTERS.to_owned())
    }
}

/// A setting AWS needs, or an error naming its flag and variable.
fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str> {
    value.as_deref().with_context(|| {
        format!("on AWS, {name} is required (or --data-dir for the embedded backends)")
    })
}
