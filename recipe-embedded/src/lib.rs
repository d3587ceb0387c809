//! # recipe-embedded
//!
//! The embedded backends of the recipe pipeline: with these, the watcher,
//! the sender and the server run on a laptop with no AWS account (`recipe
//! up`). A local directory is the bucket; one SQLite file holds the queues,
//! the records and the watcher's announcement log. Each type implements one
//! port of [`recipe_ports`] and passes the same conformance suite
//! as the AWS adapters.
//!
//! - [`bucket`]: [`LocalBucket`], an [`ObjectStore`] over a directory
//!   (atomic writes, S3 key order, content-hash etags, listings that read
//!   only changed files), and an [`ObjectChanges`] through filesystem
//!   notifications ([`bucket::changes`]), so the watcher hears of a
//!   dropped file as it lands;
//! - [`database`]: [`Database`], the shared SQLite file (WAL mode, busy
//!   timeout, schema migrated on open), safe to open from several processes
//!   at once;
//! - [`queue`]: [`SqliteQueue`], a [`Queue`] with SQS's visibility timeouts,
//!   long polling and redrive to a dead-letter queue;
//! - [`records`]: [`SqliteRecordStore`], a [`RecordStore`] where a
//!   redelivered make is a no-op;
//! - [`announcements`]: [`SqliteAnnouncementLog`], an [`AnnouncementLog`]
//!   for the poll-mode watcher;
//! - [`backup`]: [`backup_to`](backup::backup_to), a consistent copy of a
//!   database in use, and [`restore_from`](backup::restore_from), which
//!   checks a copy and puts it in place (`recipe backup`, `recipe
//!   restore`);
//! - [`lock`]: the lock beside a database that says it is open, so a
//!   restore never replaces it from under a running process.
//!
//! Blocking work (file and SQLite calls) runs on tokio's blocking pool, so
//! these adapters need a tokio runtime. Failures map into
//! [`recipe_ports::Error`]: contention and I/O are `Unavailable` (worth a
//! retry), bad keys and requests `Refused`, unreadable stored data `Corrupt`.
//!
//! ## Example
//!
//! A make dropped in the bucket, announced on the queue by its
//! [`Source`](recipe_ports::Source), received and acknowledged:
//!
//! ```
//! use std::time::Duration;
//!
//! use recipe_embedded::{Database, LocalBucket, QueueConfig, SqliteQueue};
//! use recipe_ports::{ListRequest, ObjectStore, Queue, Source};
//!
//! # let data = tempfile::tempdir()?;
//! # let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build()?;
//! # runtime.block_on(async {
//! let bucket = LocalBucket::open("local", data.path().join("bucket"))?;
//! let database = Database::open_data_dir(data.path())?;
//! let queue = SqliteQueue::new(database, "makes", QueueConfig::default())?;
//!
//! bucket.put("makes/pie-1.json", br#"{"recipeId": 1}"#.to_vec()).await?;
//! let page = bucket.list(ListRequest { prefix: "makes/", ..ListRequest::default() }).await?;
//! let bodies: Vec<String> = page
//!     .objects
//!     .into_iter()
//!     .map(|object| Source::of(bucket.bucket(), &object).version())
//!     .collect();
//! queue.send_batch(&bodies).await?;
//!
//! let received = queue.receive(10, Duration::from_secs(1)).await?;
//! assert!(received[0].body.starts_with("s3://local/makes/pie-1.json@"));
//! queue.delete(&received[0].receipt).await?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`ObjectStore`]: recipe_ports::ObjectStore
//! [`Queue`]: recipe_ports::Queue
//! [`RecordStore`]: recipe_ports::RecordStore
//! [`AnnouncementLog`]: recipe_ports::AnnouncementLog
//! [`ObjectChanges`]: recipe_ports::ObjectChanges

#![forbid(unsafe_code)]

pub mod announcements;
pub mod backup;
pub mod bucket;
pub mod database;
pub mod lock;
pub mod queue;
pub mod records;

pub use announcements::SqliteAnnouncementLog;
pub use bucket::LocalBucket;
pub use database::Database;
pub use queue::{DeadLetter, QueueConfig, Redrive, SqliteQueue};
pub use records::SqliteRecordStore;
