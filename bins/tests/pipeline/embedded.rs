//! The scenarios on the embedded backends: a directory and SQLite.

use std::sync::Arc;

use recipe_embedded::{Database, LocalBucket, QueueConfig, SqliteQueue, SqliteRecordStore};

use crate::harness::{Deployment, Pipeline};
use crate::scenarios;

/// A data directory holding the bucket, the queues and the records.
pub(crate) fn deployment() -> Deployment {
    let scratch = tempfile::tempdir().expect("a temporary directory");
    let data = scratch.path().join("data");
    std::fs::create_dir_all(data.join("bucket")).expect("the bucket directory");
    let database = Database::open_data_dir(&data).expect("the database opens");
    let bucket = LocalBucket::open("local", data.join("bucket")).expect("the bucket opens");
    let dead = SqliteQueue::new(
        database.clone(),
        "claims-dead-letters",
        QueueConfig::default(),
    )
    .expect("the dead-letter queue opens");
    Deployment {
        env: vec![
            ("RECIPE_DATA_DIR".to_owned(), data.display().to_string()),
            // Short, so a killed sender's messages come back quickly.
            ("RECIPE_VISIBILITY_TIMEOUT_MS".to_owned(), "3000".to_owned()),
        ],
        bucket: Arc::new(bucket),
        records: Arc::new(SqliteRecordStore::new(database)),
        dead_letters: Box::new(move || {
            let dead = dead.clone();
            Box::pin(async move {
                dead.dead_letters()
                    .await
                    .expect("dead letters read")
                    .into_iter()
                    .map(|letter| (letter.body, letter.reason.unwrap_or_default()))
                    .collect()
            })
        }),
        scratch,
    }
}

fn pipeline() -> Pipeline {
    Pipeline::new(deployment())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_makes() {
    scenarios::five_hundred_makes(pipeline()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_killed_and_restarted_plain_poll() {
    scenarios::watcher_killed_and_restarted(pipeline()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_killed_and_restarted_sorted_keys() {
    let mut pipeline = pipeline();
    pipeline.set_env("RECIPE_SORTED_KEYS", "true");
    scenarios::watcher_killed_and_restarted(pipeline).await;
}

/// `recipe-watcher --mode changes`: the folder's filesystem events, and
/// what was written while the watcher was dead found by its start-up
/// listing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_killed_and_restarted_changes_mode() {
    let mut pipeline = pipeline();
    pipeline.set_env("RECIPE_WATCH_MODE", "changes");
    scenarios::watcher_killed_and_restarted(pipeline).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sender_killed_mid_batch() {
    scenarios::sender_killed_mid_batch(pipeline()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sender_drains_on_sigterm() {
    scenarios::sender_drains_on_sigterm(pipeline()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_down_for_twenty_seconds() {
    scenarios::server_down_for_twenty_seconds(pipeline()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_documents_are_set_aside_with_reasons() {
    scenarios::bad_documents_are_set_aside_with_reasons(pipeline()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_over_the_store() {
    scenarios::api_over_the_store(pipeline()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_holds_the_sender() {
    scenarios::a_refused_token_holds_the_sender(pipeline()).await;
}
