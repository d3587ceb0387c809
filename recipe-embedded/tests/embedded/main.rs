//! The embedded adapters against the ports' conformance suite, and what
//! only a directory and a shared SQLite file can get wrong: keys that
//! escape, temporary files, files dropped by hand, several processes on
//! one database, data surviving a restart.

#![allow(clippy::unwrap_used)]

mod backup;
mod bucket;
mod conformance;
mod database;
mod queue;
mod records;

use std::path::Path;
use std::time::Duration;

use recipe_embedded::{Database, QueueConfig, SqliteQueue};

/// The queue `name` in the database of the data directory `dir`, through a
/// connection of its own.
fn queue_in(dir: &Path, name: &str, config: QueueConfig) -> SqliteQueue {
    SqliteQueue::new(Database::open_data_dir(dir).unwrap(), name, config).unwrap()
}

/// A short visibility timeout for tests that wait for messages to return.
fn short(timeout_ms: u64) -> QueueConfig {
    QueueConfig::new(Duration::from_millis(timeout_ms))
}
