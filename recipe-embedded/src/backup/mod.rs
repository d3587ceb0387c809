//! Backups of a data directory's database, and restores from them.
//!
//! - [`backup_to`] copies the database of a data directory into one file
//!   while `recipe up` (or any service) keeps writing to it: SQLite's
//!   online backup API, a few pages a step, inside one read transaction,
//!   so the copy is the database as it was at one moment (WAL mode lets
//!   the writer go on meanwhile);
//! - [`restore_from`] checks that a file is a database this build can read
//!   (schema not newer, `PRAGMA integrity_check` clean), copies it into a
//!   data directory under a temporary name, migrates it to the current
//!   schema and renames it into place: a crash leaves the old database or
//!   the new one, never half of one.
//!
//! Only the database is copied: the bucket directory (`DATA_DIR/bucket/`)
//! is not part of a backup. Restoring brings back the recipes and their
//! versions, the makes with their differences, the rejections, the queues
//! and the watcher's memory as they were at the backup's moment. Objects
//! that arrived in the bucket since are announced again by the next
//! `recipe up`, and an object already recorded is never recorded twice: a
//! bucket object maps to its make once (`docs/recovery.md`).
//!
//! ## Example
//!
//! ```
//! use std::path::Path;
//!
//! use recipe_embedded::Database;
//! use recipe_embedded::backup::{BackupOptions, RestoreOptions, backup_to, restore_from};
//!
//! # let scratch = tempfile::tempdir()?;
//! # let (data, copy, restored) = (
//! #     scratch.path().join("data"),
//! #     scratch.path().join("recipes.backup"),
//! #     scratch.path().join("restored"),
//! # );
//! let database = Database::open_data_dir(&data)?;
//! let written = backup_to(&data, &copy, &BackupOptions::default(), &mut |progress| {
//!     eprintln!("{}/{} pages", progress.copied, progress.total);
//! })?;
//! assert_eq!(written.records.makes, 0);
//!
//! let report = restore_from(&copy, &restored, &RestoreOptions::default())?;
//! assert!(!report.replaced);
//! assert!(Path::new(&report.database).exists());
//! # drop(database);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod online;
mod partial;
mod restore;

use std::path::PathBuf;
use std::time::Duration;

use recipe_ports::records::MigrationReport;
use rusqlite::{Connection, OptionalExtension};

pub use error::BackupError;
pub use online::backup_to;
pub use restore::restore_from;

/// How [`backup_to`] copies.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BackupOptions {
    /// Replace the backup file when it exists.
    pub force: bool,
    /// Pages copied per step. Each step writes them into the copy and then
    /// pauses, so a long copy shares the disk with the running pipeline
    /// instead of monopolising it.
    pub pages_per_step: u32,
    /// The pause between steps.
    pub pause: Duration,
}

impl Default for BackupOptions {
    /// 1 MiB a step at SQLite's default 4 KiB pages, with a 5 ms pause:
    /// about 200 MB/s at most, a rate that leaves a laptop's disk to the
    /// pipeline between steps.
    fn default() -> Self {
        BackupOptions {
            force: false,
            pages_per_step: 256,
            pause: Duration::from_millis(5),
        }
    }
}

impl BackupOptions {
    /// Options with `force` set as given and the default pace.
    pub fn with_force(force: bool) -> Self {
        BackupOptions {
            force,
            ..BackupOptions::default()
        }
    }
}

/// How far a backup has come, after a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Pages copied so far.
    pub copied: u64,
    /// Pages in the database at the backup's moment.
    pub total: u64,
}

/// What a database holds, counted in a backup or a restored copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecordCounts {
    /// Recipes.
    pub recipes: u64,
    /// Recipe versions; `None` in a file from before recipes had versions
    /// (schema 1 and 2), where each recipe is its own version 1.
    pub versions: Option<u64>,
    /// Makes, of every recipe.
    pub makes: u64,
}

/// What [`backup_to`] wrote.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BackupReport {
    /// The backup file.
    pub file: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its schema version, the database's at the backup's moment.
    pub schema_version: u32,
    /// What it holds.
    pub records: RecordCounts,
}

/// How [`restore_from`] restores.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RestoreOptions {
    /// Replace the data directory's database when it has one (never while
    /// a process has it open).
    pub force: bool,
}

impl RestoreOptions {
    /// Options with `force` set as given.
    pub fn with_force(force: bool) -> Self {
        RestoreOptions { force }
    }
}

/// What [`restore_from`] did.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RestoreReport {
    /// The database now in place.
    pub database: PathBuf,
    /// Whether a database was there before and has been replaced.
    pub replaced: bool,
    /// The backup's schema version.
    pub schema_version_found: u32,
    /// The schema version of the database now in place: this build's.
    pub schema_version: u32,
    /// What migrating the backup to this build's schema did to its makes.
    pub migrated: MigrationReport,
    /// What the restored database holds.
    pub records: RecordCounts,
}

/// The schema version of the database `connection` has open.
fn schema_version(connection: &Connection) -> rusqlite::Result<u32> {
    connection.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Whether the database `connection` has open has the table `name`.
fn has_table(connection: &Connection, name: &str) -> rusqlite::Result<bool> {
    Ok(connection
        .query_row(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [name],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Counts what the database `connection` has open holds.
fn count_records(connection: &Connection) -> rusqlite::Result<RecordCounts> {
    let count = |table: &str| -> rusqlite::Result<u64> {
        // Table names from our own constants, never from input.
        let n: i64 = connection.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
            row.get(0)
        })?;
        // A count is never negative.
        Ok(u64::try_from(n).unwrap_or_default())
    };
    Ok(RecordCounts {
        recipes: count("recipes")?,
        versions: if has_table(connection, "recipe_versions")? {
            Some(count("recipe_versions")?)
        } else {
            None
        },
        makes: count("makes")?,
    })
}
