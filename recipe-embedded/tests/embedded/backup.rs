//! Backups of a database in use, and restores: a consistent copy taken
//! while makes are written, every refusal naming its file, and a restore
//! over an old database that never replays the old one's log.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use recipe_diff::{Recipe, RecipeDiff};
use recipe_embedded::backup::{
    BackupError, BackupOptions, RestoreOptions, backup_to, restore_from,
};
use recipe_embedded::database::{DATABASE_FILE_NAME, SCHEMA_VERSION};
use recipe_embedded::{Database, SqliteRecordStore};
use recipe_ports::RecordStore;
use recipe_ports::records::{MakeIdentity, MakeRecord, RecipeVersion, object_claim};
use recipe_ports::{Error, Source};

fn recipe(id: i64) -> RecipeVersion {
    RecipeVersion {
        recipe_id: id,
        version: 1,
        recipe: Recipe {
            recipe_name: format!("Recipe {id}").into(),
            recipe_id: Some(id),
            ..Recipe::default()
        },
        created_at: "2026-12-03T10:00:00.000Z".to_owned(),
        source: None,
        message: None,
        changes: 0,
    }
}

/// Make `n` of recipe 1, claimed by its own bucket object, with a few
/// KiB of notes so that a few thousand of them fill a thousand pages.
async fn put_make(store: &SqliteRecordStore, n: u64) {
    let record = MakeRecord {
        recipe_id: 1,
        make_id: 0,
        made_at: None,
        notes: Some(format!("make {n} ").repeat(400)),
        recipe: recipe(1).recipe,
        recipe_version: 1,
        differences: RecipeDiff::default(),
        flat_differences: Vec::new(),
        source: Some(format!("s3://local/makes/{n}.json")),
        recorded_at: "2026-12-03T10:00:00.000Z".to_owned(),
    };
    let claim = object_claim(&Source::new("local", format!("makes/{n}.json"), "e"));
    store
        .put_make(&MakeIdentity::Claimed(claim), &record)
        .await
        .unwrap();
}

fn raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

fn integrity(path: &Path) -> String {
    raw(path)
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap()
}

fn count(path: &Path, sql: &str) -> i64 {
    raw(path).query_row(sql, [], |row| row.get(0)).unwrap()
}

/// A data directory with recipe 1 and `makes` makes of it.
async fn data_with_makes(dir: &Path, makes: u64) -> SqliteRecordStore {
    let store = SqliteRecordStore::new(Database::open_data_dir(dir).unwrap());
    store.put_version(&recipe(1)).await.unwrap();
    for n in 0..makes {
        put_make(&store, n).await;
    }
    store
}

#[tokio::test]
async fn a_backup_during_writes_is_the_database_at_one_moment() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let store = data_with_makes(&data, 1500).await;

    // A writer that keeps storing makes, one transaction each, counting
    // the ones that returned.
    let stored = Arc::new(AtomicU64::new(1500));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = tokio::spawn({
        let (stored, stop) = (Arc::clone(&stored), Arc::clone(&stop));
        async move {
            while !stop.load(Ordering::SeqCst) {
                put_make(&store, stored.load(Ordering::SeqCst)).await;
                stored.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;

    let before = stored.load(Ordering::SeqCst);
    let file = dir.path().join("backup.sqlite3");
    let mut options = BackupOptions::default();
    // Small steps, so the copy spans many of the writer's commits.
    options.pages_per_step = 16;
    options.pause = Duration::from_millis(2);
    let (report, steps) = tokio::task::spawn_blocking({
        let (data, file) = (data.clone(), file.clone());
        move || {
            let mut steps = Vec::new();
            let report = backup_to(&data, &file, &options, &mut |p| steps.push(p)).unwrap();
            (report, steps)
        }
    })
    .await
    .unwrap();
    let after = stored.load(Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();

    assert!(steps.len() > 10, "{} steps", steps.len());
    assert!(
        steps.windows(2).all(|w| w[0].copied <= w[1].copied),
        "progress only grows"
    );
    assert!(
        after > before + 5,
        "the writer went on during the copy ({before} → {after})"
    );
    let makes = report.records.makes;
    assert!(
        (before..=after).contains(&makes),
        "the copy holds every make stored before it began and none after it ended: \
         {before} ≤ {makes} ≤ {after}"
    );
    assert_eq!(integrity(&file), "ok");
    // One moment: the counter and the claims agree with the makes, and the
    // makes are ids 1..=n with no hole.
    assert_eq!(
        count(
            &file,
            "SELECT last_make_id FROM make_counters WHERE recipe_id = 1"
        ),
        makes as i64
    );
    assert_eq!(
        count(&file, "SELECT count(*) FROM make_claims"),
        makes as i64
    );
    assert_eq!(
        count(&file, "SELECT max(CAST(make_id AS INTEGER)) FROM makes"),
        makes as i64
    );
    // One self-contained file.
    let mode: String = raw(&file)
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| n == "data" || n == "backup.sqlite3"),
        "{names:?}"
    );

    let restored = dir.path().join("restored");
    let restore = restore_from(&file, &restored, &RestoreOptions::default()).unwrap();
    assert_eq!(restore.records, report.records);
    assert!(!restore.replaced);
    let store = SqliteRecordStore::new(Database::open_data_dir(&restored).unwrap());
    assert_eq!(store.makes(1).await.unwrap().len() as u64, makes);
    assert_eq!(integrity(&restored.join(DATABASE_FILE_NAME)), "ok");
}

#[test]
fn a_newer_schema_is_refused_naming_the_file_and_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    drop(Database::open_data_dir(dir.path()).unwrap());
    let file = dir.path().join(DATABASE_FILE_NAME);
    raw(&file)
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    let error =
        restore_from(&file, &dir.path().join("new"), &RestoreOptions::default()).unwrap_err();
    assert!(
        matches!(error, BackupError::NewerSchema { found, .. } if found == SCHEMA_VERSION + 1),
        "{error}"
    );
    let message = error.to_string();
    assert!(message.contains(&file.display().to_string()), "{message}");
    assert!(
        message.contains(&format!("schema version {}", SCHEMA_VERSION + 1)),
        "{message}"
    );
    assert!(!dir.path().join("new").exists(), "nothing created");
}

#[test]
fn files_that_are_not_recipe_databases_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("data");

    let garbage = dir.path().join("garbage.sqlite3");
    std::fs::write(&garbage, "this is not a database, just words ".repeat(200)).unwrap();
    let error = restore_from(&garbage, &target, &RestoreOptions::default()).unwrap_err();
    assert!(matches!(error, BackupError::NotADatabase { .. }), "{error}");
    assert!(error.to_string().contains("garbage.sqlite3"), "{error}");

    let other = dir.path().join("other.sqlite3");
    raw(&other)
        .execute_batch("CREATE TABLE notes (text TEXT)")
        .unwrap();
    let error = restore_from(&other, &target, &RestoreOptions::default()).unwrap_err();
    assert!(
        matches!(error, BackupError::NotARecipeDatabase { .. }),
        "{error}"
    );

    let missing = dir.path().join("missing.sqlite3");
    let error = restore_from(&missing, &target, &RestoreOptions::default()).unwrap_err();
    assert!(matches!(error, BackupError::Read { .. }), "{error}");
    assert!(error.to_string().contains("missing.sqlite3"), "{error}");
    assert!(!target.exists(), "nothing created");
}

#[tokio::test]
async fn a_damaged_backup_is_refused_before_anything_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    drop(data_with_makes(&data, 200).await);
    let file = dir.path().join("backup.sqlite3");
    backup_to(&data, &file, &BackupOptions::default(), &mut |_| {}).unwrap();

    // Scribble over the middle of the file: b-tree pages of the makes.
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2 / 4096 * 4096;
    bytes[middle..middle + 4096].fill(0xA5);
    std::fs::write(&file, bytes).unwrap();

    let error = restore_from(&file, &data, &RestoreOptions::with_force(true)).unwrap_err();
    assert!(matches!(error, BackupError::Damaged { .. }), "{error}");
    assert!(error.to_string().contains("backup.sqlite3"), "{error}");
    let database = data.join(DATABASE_FILE_NAME);
    assert_eq!(
        integrity(&database),
        "ok",
        "the database there is untouched"
    );
    assert_eq!(count(&database, "SELECT count(*) FROM makes"), 200);
}

#[tokio::test]
async fn an_existing_database_needs_force_and_no_process_using_it() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source");
    drop(data_with_makes(&source, 3).await);
    let file = dir.path().join("backup.sqlite3");
    backup_to(&source, &file, &BackupOptions::default(), &mut |_| {}).unwrap();

    let data = dir.path().join("data");
    let open = data_with_makes(&data, 7).await;
    let database = data.join(DATABASE_FILE_NAME);

    let error = restore_from(&file, &data, &RestoreOptions::default()).unwrap_err();
    assert!(
        matches!(error, BackupError::DatabaseExists { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("--force"), "{error}");

    let error = restore_from(&file, &data, &RestoreOptions::with_force(true)).unwrap_err();
    assert!(matches!(error, BackupError::InUse { .. }), "{error}");
    assert!(
        error.to_string().contains(&database.display().to_string()),
        "{error}"
    );
    assert_eq!(open.makes(1).await.unwrap().len(), 7, "still the old data");

    drop(open);
    let report = restore_from(&file, &data, &RestoreOptions::with_force(true)).unwrap();
    assert!(report.replaced);
    assert_eq!(report.records.makes, 3);
    let store = SqliteRecordStore::new(Database::open_data_dir(&data).unwrap());
    assert_eq!(store.makes(1).await.unwrap().len(), 3);
}

/// A database replaced after a crash may have a `-wal` beside it: SQLite
/// would replay it into whatever file has the database's name. The
/// restore removes it first.
#[tokio::test]
async fn a_restore_never_replays_the_replaced_databases_log() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source");
    drop(data_with_makes(&source, 2).await);
    let file = dir.path().join("backup.sqlite3");
    backup_to(&source, &file, &BackupOptions::default(), &mut |_| {}).unwrap();

    let data = dir.path().join("data");
    let old = data_with_makes(&data, 0).await;
    old.put_version(&recipe(99)).await.unwrap();
    let wal = data.join(format!("{DATABASE_FILE_NAME}-wal"));
    let stale = std::fs::read(&wal).unwrap();
    assert!(!stale.is_empty(), "the old database's log holds its writes");
    drop(old);
    // As a crash would leave it.
    std::fs::write(&wal, stale).unwrap();

    restore_from(&file, &data, &RestoreOptions::with_force(true)).unwrap();
    let database = data.join(DATABASE_FILE_NAME);
    assert_eq!(integrity(&database), "ok");
    let store = SqliteRecordStore::new(Database::open_data_dir(&data).unwrap());
    assert_eq!(
        store.recipe(99).await.unwrap(),
        None,
        "nothing of the old log"
    );
    assert_eq!(store.makes(1).await.unwrap().len(), 2);
}

/// A copy made with `cp` of a stopped data directory's database, still
/// marked for WAL, restores as well as a backup does.
#[tokio::test]
async fn a_plain_copy_of_a_stopped_database_restores() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    drop(data_with_makes(&data, 4).await);
    let copy = dir.path().join("copied.sqlite3");
    std::fs::copy(data.join(DATABASE_FILE_NAME), &copy).unwrap();

    let report = restore_from(
        &copy,
        &dir.path().join("restored"),
        &RestoreOptions::default(),
    )
    .unwrap();
    assert_eq!(report.records.makes, 4);
    assert_eq!(report.schema_version_found, SCHEMA_VERSION);
    let beside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        beside.len(),
        3,
        "no -wal or -shm left beside the copy: {beside:?}"
    );
}

/// A process that opens the database while a restore replaces it is
/// told so, and may retry.
#[tokio::test]
async fn a_database_being_restored_cannot_be_opened_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source");
    drop(data_with_makes(&source, 1).await);
    // Hold the exclusive lock as a restore does, from the outside.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(recipe_embedded::lock::lock_path(
            &source.join(DATABASE_FILE_NAME),
        ))
        .unwrap();
    lock.try_lock().unwrap();
    let error = Database::open_data_dir(&source).unwrap_err();
    assert!(matches!(error, Error::Unavailable { .. }), "{error}");
    assert!(error.to_string().contains("recipe restore"), "{error}");
    let error = backup_to(
        &source,
        &dir.path().join("b"),
        &BackupOptions::default(),
        &mut |_| {},
    )
    .unwrap_err();
    assert!(
        matches!(error, BackupError::BeingRestored { .. }),
        "{error}"
    );
    drop(lock);
    Database::open_data_dir(&source).unwrap();
}
