//! `recipe up` killed with SIGKILL while makes stream into its bucket, at
//! three moments, and restarted on the same data directory each time: the
//! SQLite file stays intact and every make is stored exactly once.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use crate::support::free_port;
use crate::up::{self, drop_make};

/// How many makes stream in.
const MAKES: usize = 200;
/// How far apart they arrive: 200 makes over about 5 s, so both kills
/// land while makes are still arriving or being worked on.
const PACE: Duration = Duration::from_millis(25);
/// After how many stored makes of the stream each kill comes: as the
/// first arrives, early, and late in the stream.
const KILL_AFTER: [usize; 3] = [1, 60, 140];
/// The seeded make of recipe 1 that a first run stores besides ours.
const SEEDED: usize = 1;

/// `PRAGMA integrity_check` on the file as it is now.
fn integrity(database: &Path) -> String {
    let connection = Connection::open(database).expect("the database opens");
    connection
        .query_row("PRAGMA integrity_check", [], |row| row.get::<_, String>(0))
        .expect("integrity_check runs")
}

/// The streamed makes the store has no record of.
fn missing_makes(database: &Path) -> Vec<String> {
    let connection = Connection::open(database).expect("the database opens");
    let mut statement = connection
        .prepare("SELECT json_extract(document, '$.source') FROM makes")
        .expect("the query prepares");
    let sources: Vec<String> = statement
        .query_map([], |row| row.get::<_, Option<String>>(0))
        .expect("the query runs")
        .filter_map(|row| row.ok().flatten())
        .collect();
    (0..MAKES)
        .map(up::make_key)
        .filter(|key| !sources.iter().any(|source| source.ends_with(key.as_str())))
        .collect()
}

/// What is left in the queues, for failure messages.
fn queue_rows(database: &Path) -> String {
    let connection = Connection::open(database).expect("the database opens");
    let mut statement = connection
        .prepare("SELECT queue, receive_count, body, coalesce(reason, '') FROM messages")
        .expect("the query prepares");
    let rows: Vec<String> = statement
        .query_map([], |row| {
            Ok(format!(
                "{} x{} {} {}",
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?
            ))
        })
        .expect("the query runs")
        .filter_map(Result::ok)
        .collect();
    format!("--- messages ---\n{}", rows.join("\n"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_stream_three_times_stores_every_make_once() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let data = dir.path().join("data");
    let database = data.join("recipe.sqlite3");
    let log = dir.path().join("up.log");
    let port = free_port();

    let mut up = up::start(&data, port, &log).await;
    // The seeded recipes are stored once the seeded make of recipe 1 is.
    up.wait_for_makes(SEEDED, Duration::from_secs(60)).await;

    let writer = std::thread::spawn({
        let data = data.clone();
        move || -> std::io::Result<()> {
            for n in 0..MAKES {
                drop_make(&data, n)?;
                std::thread::sleep(PACE);
            }
            Ok(())
        }
    });

    for threshold in KILL_AFTER {
        let stored = up
            .wait_for_makes(SEEDED + threshold, Duration::from_secs(90))
            .await
            - SEEDED;
        up.kill();
        let written = std::fs::read_dir(data.join("bucket/makes"))
            .expect("the bucket folder lists")
            .filter_map(Result::ok)
            .filter(|entry| entry.file_name().to_string_lossy().starts_with("fault-"))
            .count();
        eprintln!("SIGKILL after {stored} of {MAKES} makes stored ({written} written)");
        assert_eq!(
            integrity(&database),
            "ok",
            "the database as SIGKILL left it is intact"
        );
        up = up::start(&data, port, &log).await;
    }

    writer
        .join()
        .expect("the writer does not panic")
        .expect("every make is written");
    let waited = up
        .try_wait_for_makes(SEEDED + MAKES, Duration::from_secs(60))
        .await;
    // A little longer, so a late duplicate would show.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let listed = up.count_makes().await;
    let tail = up.log_tail();
    up.stop();
    let missing = missing_makes(&database);
    assert!(
        waited.is_ok() && listed == Some(SEEDED + MAKES),
        "the API lists every make once: waited {waited:?}, lists {listed:?}; \
         not in the store: {missing:?}\n{}\n{tail}",
        queue_rows(&database)
    );

    assert_eq!(
        integrity(&database),
        "ok",
        "the database is intact at the end"
    );
    let connection = Connection::open(&database).expect("the database opens");
    let count = |sql: &str| -> i64 {
        connection
            .query_row(sql, [], |row| row.get(0))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    };
    assert_eq!(
        count(
            "SELECT count(DISTINCT json_extract(document, '$.source')) FROM makes
             WHERE json_extract(document, '$.source') LIKE '%/makes/fault-%'"
        ),
        MAKES as i64,
        "every streamed make is stored, each from its own file\n{tail}"
    );
    assert_eq!(
        count("SELECT count(*) FROM makes WHERE recipe_id = 1"),
        (SEEDED + MAKES) as i64,
        "no make is stored twice\n{tail}"
    );
    // Claims the killed processes had received may still wait out their
    // visibility timeout: redelivered, they find their make stored and are
    // acknowledged. None may have been dead-lettered.
    eprintln!("{}", queue_rows(&database));
    assert_eq!(
        count("SELECT count(*) FROM messages WHERE queue <> 'claims'"),
        0,
        "nothing is dead-lettered\n{}\n{tail}",
        queue_rows(&database)
    );
    assert_eq!(
        count("SELECT count(*) FROM rejections"),
        0,
        "nothing was refused\n{tail}"
    );
}
