//! Losing the database, and getting it back: `recipe backup` of a running
//! `recipe up` while makes stream in, `recipe restore` into a new data
//! directory, and `recipe up` on it with the bucket replayed. Every make
//! stored before the backup began is in the copy; replaying a bucket whose
//! makes are recorded adds none; a restore refuses what it cannot use and
//! says why.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use recipe_embedded::Database;
use recipe_embedded::database::{DATABASE_FILE_NAME, SCHEMA_VERSION};
use rusqlite::{Connection, OpenFlags};

use crate::support::free_port;
use crate::up::{self, drop_make};

/// How many makes stream in during the backup test.
const MAKES: usize = 150;
/// How far apart they arrive: about 3 s in all, so the backup, in small
/// steps, runs while makes are still being stored.
const PACE: Duration = Duration::from_millis(20);
/// The seeded make of recipe 1 that a first run stores besides ours.
const SEEDED: usize = 1;
/// What a first run seeds: three recipes and four makes.
const SEEDED_OBJECTS: usize = 7;
/// The makes among them.
const SEEDED_MAKES: usize = 4;

/// Runs `recipe ARGS…` to the end, its output captured.
fn recipe(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_recipe"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("recipe runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A read-only look at a database, beside whatever process writes it.
fn look(database: &Path) -> Connection {
    let connection = Connection::open_with_flags(
        database,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .expect("the database opens");
    connection
        .busy_timeout(Duration::from_secs(5))
        .expect("a busy timeout");
    connection
        .pragma_update(None, "query_only", true)
        .expect("query_only");
    connection
}

fn count(database: &Path, sql: &str) -> i64 {
    look(database)
        .query_row(sql, [], |row| row.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn integrity(database: &Path) -> String {
    look(database)
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("integrity_check runs")
}

/// The bucket objects the stored makes came from.
fn make_sources(database: &Path) -> BTreeSet<String> {
    let connection = look(database);
    let mut statement = connection
        .prepare("SELECT json_extract(document, '$.source') FROM makes")
        .expect("the query prepares");
    statement
        .query_map([], |row| row.get::<_, Option<String>>(0))
        .expect("the query runs")
        .filter_map(|row| row.ok().flatten())
        .collect()
}

/// Copies the directory `from` to `to`, files and folders; each file
/// under a hidden name first and then renamed, as `mv` would drop it, so
/// a watcher looking meanwhile never meets half a file.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("the directory is created");
    for entry in std::fs::read_dir(from).expect("the directory lists") {
        let entry = entry.expect("an entry");
        let name = entry.file_name();
        let target = to.join(&name);
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            let hidden = to.join(format!(".{}.part", name.to_string_lossy()));
            std::fs::copy(entry.path(), &hidden).expect("the file copies");
            std::fs::rename(&hidden, &target).expect("the copy is renamed");
        }
    }
}

/// Waits until `database` holds `makes` makes and no message waits in
/// its queues: every claim check announced so far is settled.
async fn settled(up: &up::Up, database: &Path, makes: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let stored = count(database, "SELECT count(*) FROM makes");
        let waiting = count(database, "SELECT count(*) FROM messages");
        if stored >= makes as i64 && waiting == 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "not settled within 60 s: {stored} of {makes} makes, {waiting} messages\n{}",
            up.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The files in the bucket folder's `recipes/` and `makes/`.
fn bucket_objects(data: &Path) -> usize {
    ["recipes", "makes"]
        .iter()
        .map(|prefix| {
            std::fs::read_dir(data.join("bucket").join(prefix))
                .map(|entries| entries.count())
                .unwrap_or(0)
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_makes_stream_in_restores_every_make_stored_before_it() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let data = dir.path().join("data");
    let database = data.join(DATABASE_FILE_NAME);
    let file = dir.path().join("backup.sqlite3");
    let up = up::start(&data, free_port(), &dir.path().join("up.log")).await;
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
    up.wait_for_makes(SEEDED + 30, Duration::from_secs(60))
        .await;

    // Every make whose write completed before the backup started.
    let before = make_sources(&database);
    let started = Instant::now();
    // Small steps with pauses: the copy spans many of the pipeline's
    // commits, as a large database's copy would.
    let backup = recipe(&[
        "backup".as_ref(),
        data.as_os_str(),
        file.as_os_str(),
        "--pages-per-step".as_ref(),
        "2".as_ref(),
        "--pause-ms".as_ref(),
        "10".as_ref(),
    ]);
    let took = started.elapsed();
    let after = count(&database, "SELECT count(*) FROM makes");
    let (stdout, stderr) = (text(&backup.stdout), text(&backup.stderr));
    eprintln!(
        "backup took {took:?}: {} makes stored before it began, {after} when it ended\n\
         {stdout}{stderr}",
        before.len()
    );
    assert!(
        backup.status.success(),
        "{stdout}{stderr}\n{}",
        up.log_tail()
    );
    assert!(
        stdout.contains(&format!("wrote {}", file.display())),
        "{stdout}"
    );
    assert!(stderr.contains("copied "), "progress on stderr: {stderr}");
    assert!(
        after > before.len() as i64,
        "makes were stored while the backup ran ({} → {after})",
        before.len()
    );

    // The running pipeline's database is not replaced, --force or not.
    let refused = recipe(&[
        "restore".as_ref(),
        file.as_os_str(),
        data.as_os_str(),
        "--force".as_ref(),
    ]);
    let message = text(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{message}");
    assert!(
        message.contains("is open in another process") && message.contains(DATABASE_FILE_NAME),
        "{message}"
    );

    writer
        .join()
        .expect("the writer does not panic")
        .expect("every make is written");
    up.wait_for_makes(SEEDED + MAKES, Duration::from_secs(60))
        .await;
    up.stop();

    // Into a new data directory, checked by opening it as `recipe up` does.
    let restored = dir.path().join("restored");
    let restore = recipe(&["restore".as_ref(), file.as_os_str(), restored.as_os_str()]);
    let stdout = text(&restore.stdout);
    assert!(
        restore.status.success(),
        "{stdout}{}",
        text(&restore.stderr)
    );
    assert!(stdout.contains("is not part of a backup"), "{stdout}");
    let copy = restored.join(DATABASE_FILE_NAME);
    drop(Database::open(&copy).expect("the restored database opens"));
    assert_eq!(integrity(&copy), "ok");
    let in_copy = make_sources(&copy);
    let missing: Vec<_> = before.difference(&in_copy).collect();
    assert!(
        missing.is_empty(),
        "every make stored before the backup began is restored; missing {missing:?}"
    );
    let makes = count(&copy, "SELECT count(*) FROM makes");
    assert!(
        makes <= after,
        "none stored after it ended: {makes} > {after}"
    );
    assert_eq!(count(&copy, "SELECT count(*) FROM recipes"), 3);
    assert_eq!(count(&copy, "SELECT count(*) FROM recipe_versions"), 3);

    // `recipe up` on it is no first run: nothing seeded, though its bucket
    // folder is empty. With the bucket put back, it records what arrived
    // after the backup, and nothing twice.
    let up = up::start(&restored, free_port(), &dir.path().join("restored.log")).await;
    assert_eq!(bucket_objects(&restored), 0, "nothing seeded");
    copy_dir(&data.join("bucket"), &restored.join("bucket"));
    up.wait_for_makes(SEEDED + MAKES, Duration::from_secs(60))
        .await;
    // A little longer, so a late duplicate would show.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        up.count_makes().await,
        Some(SEEDED + MAKES),
        "{}",
        up.log_tail()
    );
    up.stop();
    assert_eq!(integrity(&copy), "ok");
    assert_eq!(
        count(
            &copy,
            "SELECT count(DISTINCT json_extract(document, '$.source')) FROM makes"
        ),
        count(&copy, "SELECT count(*) FROM makes"),
        "each make from its own object"
    );
    assert_eq!(count(&copy, "SELECT count(*) FROM rejections"), 0);
}

/// The watcher's memory restored with the records would make a replay a
/// no-op whatever the store did: every object would be skipped as
/// announced. So it is forgotten here, as it is after a point-in-time
/// restore on AWS (event mode keeps none) or with a watcher log lost:
/// every object in the bucket is announced, fetched and posted again, and
/// the store must recognise each one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replaying_a_whole_bucket_into_a_restored_store_adds_no_make() {
    const DROPPED: usize = 20;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let data = dir.path().join("data");
    let up = up::start(&data, free_port(), &dir.path().join("up.log")).await;
    up.wait_for_makes(SEEDED, Duration::from_secs(60)).await;
    for n in 0..DROPPED {
        drop_make(&data, n).expect("the make is dropped");
    }
    // Every object recorded, every claim settled: the backup holds the
    // whole bucket.
    settled(&up, &data.join(DATABASE_FILE_NAME), SEEDED_MAKES + DROPPED).await;
    up.stop();

    let file = dir.path().join("backup.sqlite3");
    let backup = recipe(&["backup".as_ref(), data.as_os_str(), file.as_os_str()]);
    assert!(backup.status.success(), "{}", text(&backup.stderr));
    let restored = dir.path().join("restored");
    let restore = recipe(&["restore".as_ref(), file.as_os_str(), restored.as_os_str()]);
    assert!(restore.status.success(), "{}", text(&restore.stderr));
    copy_dir(&data.join("bucket"), &restored.join("bucket"));
    let objects = bucket_objects(&restored);
    assert_eq!(objects, SEEDED_OBJECTS + DROPPED);

    let copy = restored.join(DATABASE_FILE_NAME);
    // How many makes, the last row written, how many versions.
    let tally = || -> Vec<i64> {
        [
            "SELECT count(*) FROM makes",
            "SELECT max(seq) FROM makes",
            "SELECT count(*) FROM recipe_versions",
        ]
        .iter()
        .map(|sql| count(&copy, sql))
        .collect()
    };
    let before = tally();
    assert_eq!(
        count(&copy, "SELECT count(*) FROM announcements"),
        objects as i64,
        "the backup remembers every object as announced"
    );
    let forgotten = Connection::open(&copy)
        .and_then(|c| c.execute_batch("DELETE FROM announcements; DELETE FROM checkpoints;"));
    forgotten.expect("the watcher's memory is cleared");

    let up = up::start(&restored, free_port(), &dir.path().join("restored.log")).await;
    // Replayed: every object announced again and every claim settled.
    let deadline = Instant::now() + Duration::from_secs(60);
    while count(&copy, "SELECT count(*) FROM announcements") < objects as i64 {
        assert!(
            Instant::now() < deadline,
            "the replay did not announce every object\n{}",
            up.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    settled(&up, &copy, SEEDED_MAKES + DROPPED).await;
    assert_eq!(up.count_makes().await, Some(SEEDED + DROPPED));
    let log = up.log_tail();
    up.stop();
    assert_eq!(tally(), before, "no make, id or version added\n{log}");
    assert_eq!(count(&copy, "SELECT count(*) FROM rejections"), 0, "{log}");
}

#[test]
fn backup_and_restore_refuse_what_they_cannot_use_and_say_why() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let data = dir.path().join("data");
    drop(Database::open_data_dir(&data).expect("a database"));
    let file = dir.path().join("backup.sqlite3");
    let arg = |path: &PathBuf| path.as_os_str().to_owned();

    let made = recipe(&["backup".as_ref(), &arg(&data), &arg(&file)]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    let written = std::fs::read(&file).expect("the backup is there");

    // Each refusal: exit status 2, one line naming the file at fault.
    let refused = |args: &[&std::ffi::OsStr], expected: &[&str]| {
        let output = recipe(args);
        let message = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
        assert_eq!(message.lines().count(), 1, "{message}");
        for part in expected {
            assert!(message.contains(part), "{part:?} not in {message}");
        }
    };

    refused(
        &["backup".as_ref(), &arg(&data), &arg(&file)],
        &["backup.sqlite3 exists already; --force replaces it"],
    );
    assert_eq!(std::fs::read(&file).expect("still there"), written);
    refused(
        &[
            "backup".as_ref(),
            &arg(&dir.path().join("nowhere")),
            &arg(&dir.path().join("b")),
        ],
        &["nowhere/recipe.sqlite3 does not exist"],
    );

    refused(
        &["restore".as_ref(), &arg(&file), &arg(&data)],
        &["data/recipe.sqlite3 exists already; --force replaces it"],
    );

    let newer = dir.path().join("newer.sqlite3");
    std::fs::copy(&file, &newer).expect("a copy");
    Connection::open(&newer)
        .and_then(|c| c.pragma_update(None, "user_version", SCHEMA_VERSION + 1))
        .expect("the schema version is set");
    refused(
        &[
            "restore".as_ref(),
            &arg(&newer),
            &arg(&dir.path().join("a")),
        ],
        &[
            "newer.sqlite3",
            &format!(
                "schema version {}, newer than this build's {SCHEMA_VERSION}",
                SCHEMA_VERSION + 1
            ),
        ],
    );

    let garbage = dir.path().join("garbage.sqlite3");
    std::fs::write(&garbage, "not a database ".repeat(500)).expect("written");
    refused(
        &[
            "restore".as_ref(),
            &arg(&garbage),
            &arg(&dir.path().join("b")),
        ],
        &["garbage.sqlite3 is not a database"],
    );

    // A real database with a page scribbled over: the schema still reads,
    // the integrity check does not pass.
    let damaged = dir.path().join("damaged.sqlite3");
    let mut bytes = written;
    let last_page = bytes.len() - 4096;
    bytes[last_page..].fill(0xA5);
    std::fs::write(&damaged, bytes).expect("written");
    refused(
        &[
            "restore".as_ref(),
            &arg(&damaged),
            &arg(&dir.path().join("c")),
        ],
        &["damaged.sqlite3 is damaged"],
    );
    for never_created in ["a", "b", "c"] {
        assert!(
            !dir.path().join(never_created).exists(),
            "nothing restored into {never_created}, not even the directory"
        );
    }

    // A database of an older build comes back migrated.
    let legacy = dir.path().join("legacy.sqlite3");
    std::fs::copy("tests/data/legacy-data-dir/recipe.sqlite3", &legacy).expect("a copy");
    let restored = dir.path().join("legacy");
    let output = recipe(&["restore".as_ref(), &arg(&legacy), &arg(&restored)]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert!(
        stdout.contains(&format!(
            "migrated from schema version 1 to {SCHEMA_VERSION}"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("3 recipes, 3 versions, 8 makes"),
        "{stdout}"
    );
    assert!(
        stdout.contains("gave 8 make(s) of 3 recipe(s) integer ids"),
        "{stdout}"
    );
}
