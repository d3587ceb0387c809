//! The ports' one specification, run on the embedded adapters.

use std::time::Duration;

use recipe_embedded::{
    Database, LocalBucket, QueueConfig, SqliteAnnouncementLog, SqliteQueue, SqliteRecordStore,
};
use recipe_ports::conformance;

#[tokio::test]
async fn local_bucket_is_an_object_store() {
    let dir = tempfile::tempdir().unwrap();
    let bucket = LocalBucket::open("local", dir.path()).unwrap();
    conformance::object_store(&bucket).await;
}

#[tokio::test]
async fn sqlite_queue_is_a_queue() {
    let dir = tempfile::tempdir().unwrap();
    let database = Database::open_data_dir(dir.path()).unwrap();
    let config = QueueConfig::new(Duration::from_secs(2)).with_dead_letter_queue("dlq", 5);
    let queue = SqliteQueue::new(database, "work", config).unwrap();
    conformance::queue(&queue).await;
}

#[tokio::test]
async fn sqlite_record_store_is_a_record_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteRecordStore::new(Database::open_data_dir(dir.path()).unwrap());
    conformance::record_store(&store).await;
}

#[tokio::test]
async fn sqlite_announcement_log_is_an_announcement_log() {
    let dir = tempfile::tempdir().unwrap();
    let log = SqliteAnnouncementLog::new(Database::open_data_dir(dir.path()).unwrap(), "local");
    conformance::announcement_log(&log).await;
}
