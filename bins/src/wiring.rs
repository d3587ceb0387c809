//! Building the ports from configuration: the only place that knows which
//! backend is behind each one.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use recipe_embedded::{
    Database, LocalBucket, QueueConfig, SqliteAnnouncementLog, SqliteQueue, SqliteRecordStore,
};
use recipe_pipeline::ports::{AnnouncementLog, DeadLetters, ObjectStore, Queue, RecordStore};

use crate::config::BackendArgs;

/// Queue names of the embedded backends when none are configured.
const EMBEDDED_QUEUE: &str = "claims";
const EMBEDDED_DEAD_LETTERS: &str = "claims-dead-letters";
const EMBEDDED_BUCKET: &str = "local";

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
}

impl Wiring {
    /// Opens the backends `args` names.
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
            None => anyhow::bail!(
                "no backend configured: give --data-dir (RECIPE_DATA_DIR) for the embedded backends"
            ),
        };
        Ok(Wiring {
            args: args.clone(),
            backend,
        })
    }

    /// The bucket.
    pub fn object_store(&self) -> Result<Arc<dyn ObjectStore>> {
        match &self.backend {
            Backend::Embedded { dir, .. } => {
                let name = self.args.bucket.as_deref().unwrap_or(EMBEDDED_BUCKET);
                Ok(Arc::new(LocalBucket::open(name, dir.join("bucket"))?))
            }
        }
    }

    /// The claim-check queue, redriving to the dead-letter queue after
    /// [`MAX_RECEIVES`] receives.
    pub fn claims(&self) -> Result<Arc<dyn Queue>> {
        match &self.backend {
            Backend::Embedded { database, .. } => Ok(Arc::new(self.embedded_claims(database)?)),
        }
    }

    /// Where unprocessable claim checks go, with their reasons.
    pub fn dead_letters(&self) -> Result<Arc<dyn DeadLetters>> {
        match &self.backend {
            Backend::Embedded { database, .. } => Ok(Arc::new(SqliteQueue::new(
                database.clone(),
                self.dead_letter_name(),
                QueueConfig::new(self.args.visibility_timeout_ms),
            )?)),
        }
    }

    /// Recipes, makes with their differences, and rejections.
    pub fn records(&self) -> Result<Arc<dyn RecordStore>> {
        match &self.backend {
            Backend::Embedded { database, .. } => {
                Ok(Arc::new(SqliteRecordStore::new(database.clone())))
            }
        }
    }

    /// The watcher's durable memory.
    pub fn announcements(&self) -> Result<Arc<dyn AnnouncementLog>> {
        match &self.backend {
            Backend::Embedded { database, .. } => {
                let bucket = self.args.bucket.as_deref().unwrap_or(EMBEDDED_BUCKET);
                Ok(Arc::new(SqliteAnnouncementLog::new(
                    database.clone(),
                    bucket,
                )))
            }
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
        }
    }

    fn embedded_claims(&self, database: &Database) -> Result<SqliteQueue> {
        let name = self.args.queue_url.as_deref().unwrap_or(EMBEDDED_QUEUE);
        Ok(SqliteQueue::new(
            database.clone(),
            name,
            QueueConfig::new(self.args.visibility_timeout_ms)
                .with_dead_letter_queue(self.dead_letter_name(), MAX_RECEIVES),
        )?)
    }

    fn dead_letter_name(&self) -> String {
        self.args
            .dlq_url
            .clone()
            .unwrap_or_else(|| EMBEDDED_DEAD_LETTERS.to_owned())
    }
}
