//! The one assembly: configuration in, ports and services out. The only
//! place that knows which backend is behind each port; the three service
//! binaries and `recipe up` all build their parts here.
//!
//! Each port chooses its backend on its own ([`BackendChoice`]), so a
//! pipeline can move to AWS one piece at a time: a folder for a bucket and
//! SQLite for the queues, with records in DynamoDB, say. Backends are
//! opened only when a port needs them: an all-AWS process never touches a
//! data directory, and an all-embedded one never loads AWS configuration.

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
use recipe_pipeline::recipe_cache::CachedRecipes;
use recipe_pipeline::retention;
use recipe_pipeline::sender::{Sender, SenderConfig};
use recipe_pipeline::server::{AppState, ServerConfig};
use recipe_pipeline::watcher::{WatchMode, Watcher, WatcherConfig};
use recipe_ports::memory::InMemoryRecordStore;
use recipe_ports::records::MigrationReport;
use recipe_ports::{AnnouncementLog, DeadLetters, ObjectStore, Queue, RecipeServer, RecordStore};
use tokio::sync::OnceCell;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::config::{
    BackendArgs, BackendChoice, BucketBackend, QueueBackend, RecordsBackend, RetentionArgs,
};

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

/// The configured backends, opened as ports need them.
pub struct Assembly {
    args: BackendArgs,
    choice: BackendChoice,
    /// The data directory's SQLite database, once a port needed it.
    local: OnceCell<Local>,
    /// The AWS configuration, once a port needed it.
    aws: OnceCell<Aws>,
}

/// The embedded backends' home.
struct Local {
    dir: PathBuf,
    database: Database,
}

impl Assembly {
    /// The assembly `args` configure. Nothing is opened yet.
    pub fn new(args: &BackendArgs) -> Self {
        Assembly {
            args: args.clone(),
            choice: args.choice(),
            local: OnceCell::new(),
            aws: OnceCell::new(),
        }
    }

    /// Which backend is behind each port.
    pub fn choice(&self) -> BackendChoice {
        self.choice
    }

    /// Opens every backend a port of this configuration uses, so a wrong
    /// setting fails at start-up rather than at the first request.
    pub async fn open(&self) -> Result<()> {
        let BackendChoice {
            bucket,
            queue,
            records,
        } = self.choice;
        if bucket == BucketBackend::Local
            || queue == QueueBackend::Local
            || records == RecordsBackend::Sqlite
        {
            self.local()?;
        }
        if bucket == BucketBackend::S3
            || queue == QueueBackend::Sqs
            || records == RecordsBackend::Dynamodb
        {
            self.aws().await;
        }
        Ok(())
    }

    // ---- the ports ----

    /// The bucket.
    pub async fn object_store(&self) -> Result<Arc<dyn ObjectStore>> {
        match self.choice.bucket {
            BucketBackend::Local => Ok(Arc::new(self.local_bucket()?)),
            BucketBackend::S3 => Ok(Arc::new(S3ObjectStore::new(
                self.aws().await.s3(),
                required(&self.args.bucket, "--bucket (RECIPE_BUCKET)")?,
            ))),
        }
    }

    /// The claim-check queue, redriving to the dead-letter queue after
    /// [`MAX_RECEIVES`] receives (on SQS, by the queue's redrive policy).
    pub async fn claims(&self) -> Result<Arc<dyn Queue>> {
        match self.choice.queue {
            QueueBackend::Local => {
                let name = self.args.queue_url.as_deref().unwrap_or(EMBEDDED_QUEUE);
                let config = self
                    .queue_config()
                    .with_dead_letter_queue(self.dead_letter_name(), MAX_RECEIVES);
                Ok(Arc::new(self.local_queue(name, config)?))
            }
            QueueBackend::Sqs => {
                let url = required(&self.args.queue_url, "--queue-url (RECIPE_QUEUE_URL)")?;
                Ok(Arc::new(
                    SqsQueue::connect(self.aws().await.sqs(), url).await?,
                ))
            }
        }
    }

    /// Where unprocessable claim checks go, with their reasons.
    pub async fn dead_letters(&self) -> Result<Arc<dyn DeadLetters>> {
        match self.choice.queue {
            QueueBackend::Local => Ok(Arc::new(
                self.local_queue(&self.dead_letter_name(), self.queue_config())?,
            )),
            QueueBackend::Sqs => {
                let url = required(&self.args.dlq_url, "--dlq-url (RECIPE_DLQ_URL)")?;
                Ok(Arc::new(
                    SqsQueue::connect(self.aws().await.sqs(), url).await?,
                ))
            }
        }
    }

    /// The S3 notification queue of event mode, on the queues' backend.
    /// The embedded bucket sends no notifications; a named local queue
    /// lets tests play S3's part.
    pub async fn events(&self, url: &str) -> Result<Arc<dyn Queue>> {
        match self.choice.queue {
            QueueBackend::Local => Ok(Arc::new(self.local_queue(url, self.queue_config())?)),
            QueueBackend::Sqs => Ok(Arc::new(
                SqsQueue::connect(self.aws().await.sqs(), url).await?,
            )),
        }
    }

    /// The watcher's durable memory, scoped to the bucket it watches. It
    /// lives with the queue it records announcements to: SQLite beside a
    /// local queue, the DynamoDB table beside SQS.
    pub async fn announcements(&self) -> Result<Arc<dyn AnnouncementLog>> {
        let bucket = self.args.bucket.as_deref().unwrap_or(EMBEDDED_BUCKET);
        match self.choice.queue {
            QueueBackend::Local => Ok(Arc::new(SqliteAnnouncementLog::new(
                self.local()?.database.clone(),
                bucket,
            ))),
            QueueBackend::Sqs => Ok(Arc::new(DynamoAnnouncementLog::new(
                self.aws().await.dynamodb(),
                required(&self.args.table, "--table (RECIPE_TABLE)")?,
                bucket,
            ))),
        }
    }

    /// Recipes, makes with their differences, and rejections.
    pub async fn records(&self) -> Result<Arc<dyn RecordStore>> {
        match self.choice.records {
            RecordsBackend::Sqlite => Ok(Arc::new(SqliteRecordStore::new(
                self.local()?.database.clone(),
            ))),
            RecordsBackend::Dynamodb => Ok(Arc::new(self.dynamo_records().await?)),
            RecordsBackend::Memory => {
                tracing::warn!("records are kept in memory and lost when the process stops");
                Ok(Arc::new(InMemoryRecordStore::new()))
            }
        }
    }

    /// The DynamoDB record store itself, for what only it does (`recipe
    /// migrate-ids`).
    pub async fn dynamo_records(&self) -> Result<DynamoRecordStore> {
        Ok(DynamoRecordStore::new(
            self.aws().await.dynamodb(),
            required(&self.args.table, "--table (RECIPE_TABLE)")?,
        ))
    }

    // ---- the services ----

    /// The watcher, announcing new objects of the bucket on the claims
    /// queue; `events_url` is the notification queue of event mode. In
    /// changes mode the bucket must be the directory: it is both what the
    /// watcher lists and what reports its changes.
    pub async fn watcher(
        &self,
        config: WatcherConfig,
        events_url: Option<&str>,
    ) -> Result<Watcher> {
        let events = match (config.mode, events_url) {
            (WatchMode::Events, Some(url)) => Some(self.events(url).await?),
            (WatchMode::Events, None) => {
                anyhow::bail!("events mode needs --events-queue-url (RECIPE_EVENTS_QUEUE_URL)")
            }
            (WatchMode::Poll { .. } | WatchMode::Changes, _) => None,
        };
        let claims = self.claims().await?;
        let announcements = self.announcements().await?;
        if config.mode == WatchMode::Changes {
            let bucket = Arc::new(self.local_bucket().context(
                "changes mode follows the directory bucket's filesystem events; \
                 an S3 bucket is watched with --mode events or poll",
            )?);
            return Ok(
                Watcher::new(bucket.clone(), claims, announcements, None, config)
                    .with_changes(bucket),
            );
        }
        Ok(Watcher::new(
            self.object_store().await?,
            claims,
            announcements,
            events,
            config,
        ))
    }

    /// The sender, handing announced documents to `server`.
    pub async fn sender(
        &self,
        server: Arc<dyn RecipeServer>,
        config: SenderConfig,
    ) -> Result<Arc<Sender>> {
        Ok(Arc::new(Sender::new(
            self.object_store().await?,
            self.claims().await?,
            self.dead_letters().await?,
            server,
            config,
        )))
    }

    /// The API server's state over the records, recipe reads kept for
    /// [`RECIPE_CACHE_TIME`].
    pub async fn server_state(&self, config: ServerConfig) -> Result<AppState> {
        let records = CachedRecipes::new(self.records().await?, RECIPE_CACHE_TIME);
        Ok(AppState::new(Arc::new(records), config))
    }

    /// The retention sweep (see [`recipe_pipeline::retention`]) running
    /// until `shutdown`, as a task; a task that ends at once when `args`
    /// keep everything, as they do unless an operator sets them.
    pub async fn retention(
        &self,
        args: &RetentionArgs,
        shutdown: CancellationToken,
    ) -> Result<JoinHandle<()>> {
        let policy = args.policy();
        if policy.keeps_everything() {
            return Ok(tokio::spawn(async {}));
        }
        if self.choice.records == RecordsBackend::Memory {
            tracing::warn!(
                "retention is set, but records in memory are never kept past the process"
            );
            return Ok(tokio::spawn(async {}));
        }
        let records = self.records().await?;
        let dead_letters = match policy.dead_letters {
            Some(_) if self.choice.queue == QueueBackend::Sqs => {
                tracing::warn!(
                    "--keep-dead-letters does nothing on SQS: the dead-letter queue's own \
                     retention applies (the stack's DeadLetterRetentionSeconds)"
                );
                None
            }
            Some(_) => Some(self.dead_letters().await?),
            None => None,
        };
        let every = args.retention_sweep_every;
        Ok(tokio::spawn(async move {
            retention::run(
                records.as_ref(),
                dead_letters.as_deref(),
                policy,
                every,
                shutdown,
            )
            .await;
        }))
    }

    // ---- what the binaries report ----

    /// What opening the embedded database migrated (makes of an older
    /// build given integer ids); `None` when nothing was, or the database
    /// is not open (DynamoDB is migrated by `recipe migrate-ids`).
    pub fn migrated(&self) -> Option<&MigrationReport> {
        let report = self.local.get()?.database.migrated();
        (!report.migrated.is_empty()).then_some(report)
    }

    /// What `/readyz` checks: with a data directory open, that it can be
    /// written (see [`Database::probe_write`]); AWS needs no such check.
    pub fn write_probe(&self) -> Option<crate::health::WriteProbe> {
        let database = self.local.get()?.database.clone();
        Some(Arc::new(move || {
            let database = database.clone();
            Box::pin(async move { database.probe_write().await.map_err(|e| e.to_string()) })
        }))
    }

    /// Logs how many AWS requests this process made, by operation: the
    /// figure the cost of the pipeline is measured in.
    pub fn log_requests(&self) {
        let Some(aws) = self.aws.get() else {
            return;
        };
        let counter = aws.requests();
        let by_operation: Vec<String> = counter
            .snapshot()
            .into_iter()
            .map(|(operation, count)| format!("{operation}={count}"))
            .collect();
        let billed = counter.billed();
        let per_item = |map: &std::collections::BTreeMap<String, u64>| {
            map.iter()
                .map(|(kind, n)| format!("{kind}={n}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        tracing::info!(
            aws_requests = counter.total(),
            by_operation = %by_operation.join(" "),
            dynamodb_write_units = billed.write_units,
            dynamodb_read_units = billed.read_units,
            write_units_by_item = %per_item(&billed.write_units_by_item),
            bytes_by_item = %per_item(&billed.bytes_by_item),
            writes_by_item = %per_item(&billed.writes_by_item),
            sqs_billed_requests = billed.sqs_requests,
            "AWS requests made"
        );
    }

    // ---- the backends ----

    /// The data directory and its database, opened on first use.
    fn local(&self) -> Result<&Local> {
        if let Some(local) = self.local.get() {
            return Ok(local);
        }
        let dir = self.args.data_dir.clone().context(
            "a local bucket, local queues and SQLite records live in a data directory: \
             set --data-dir (RECIPE_DATA_DIR)",
        )?;
        std::fs::create_dir_all(dir.join("bucket"))
            .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
        let database = Database::open_data_dir(&dir)
            .with_context(|| format!("cannot open the database in {}", dir.display()))?;
        // Another caller may have opened it meanwhile; both are the same
        // file, and the first one stays.
        let _ = self.local.set(Local { dir, database });
        self.local
            .get()
            .context("the data directory was opened and then lost")
    }

    /// The AWS configuration, loaded on first use. Credentials come from
    /// the standard chain only (environment, profile, EKS Pod Identity /
    /// IRSA); `AWS_ENDPOINT_URL` points at a local S3/SQS/DynamoDB-compatible
    /// server.
    async fn aws(&self) -> &Aws {
        self.aws
            .get_or_init(|| async { Aws::load(&AwsOptions::default()).await })
            .await
    }

    /// The directory bucket, `DIR/bucket/`; an error when the bucket is
    /// configured on S3.
    fn local_bucket(&self) -> Result<LocalBucket> {
        if self.choice.bucket != BucketBackend::Local {
            anyhow::bail!("the bucket is on S3, not in a data directory");
        }
        let name = self.args.bucket.as_deref().unwrap_or(EMBEDDED_BUCKET);
        let dir = self.local()?.dir.join("bucket");
        Ok(LocalBucket::open(name, dir)?)
    }

    fn local_queue(&self, name: &str, config: QueueConfig) -> Result<SqliteQueue> {
        Ok(SqliteQueue::new(
            self.local()?.database.clone(),
            name,
            config,
        )?)
    }

    fn queue_config(&self) -> QueueConfig {
        QueueConfig::new(self.args.visibility_timeout_ms)
    }

    fn dead_letter_name(&self) -> String {
        self.args
            .dlq_url
            .clone()
            .unwrap_or_else(|| EMBEDDED_DEAD_LETTERS.to_owned())
    }
}

/// A setting an AWS port needs, or an error naming its flag and variable.
fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str> {
    value
        .as_deref()
        .with_context(|| format!("on AWS, {name} is required"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_local_port_without_a_data_directory_names_the_flag() {
        let args = BackendArgs {
            bucket_backend: Some(BucketBackend::Local),
            ..BackendArgs::default()
        };
        let error = Assembly::new(&args).object_store().await.err().unwrap();
        assert!(format!("{error:#}").contains("--data-dir"), "{error:#}");
    }

    #[tokio::test]
    async fn only_the_backends_in_use_are_opened() {
        let dir = tempfile::tempdir().unwrap();
        let assembly = Assembly::new(&BackendArgs::embedded(dir.path()));
        assembly.open().await.unwrap();
        assert!(assembly.local.get().is_some());
        assert!(assembly.aws.get().is_none(), "no AWS configuration loaded");
        assert!(assembly.write_probe().is_some());
        assembly.records().await.unwrap();
        assembly.claims().await.unwrap();
        assembly.object_store().await.unwrap();
    }
}
