//! The database file: schema version, refusal of newer files, several
//! openers at once, data surviving a restart, corrupt rows.

use std::time::Duration;

use recipe_diff::Recipe;
use recipe_embedded::database::{DATABASE_FILE_NAME, SCHEMA_VERSION};
use recipe_embedded::{
    Database, QueueConfig, SqliteAnnouncementLog, SqliteQueue, SqliteRecordStore,
};
use recipe_ports::Error;
use recipe_ports::aggregate::MakeAggregate;
use recipe_ports::records::Rejection;
use recipe_ports::records::{MakeIdentity, MakeRecord};
use recipe_ports::records::{RecipeVersion, VersionWritten};
use recipe_ports::{AnnouncementLog, ObjectInfo, Queue, RecordStore};

fn raw(dir: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join(DATABASE_FILE_NAME)).unwrap()
}

fn pie() -> Recipe {
    Recipe {
        recipe_name: "Pie".into(),
        recipe_id: Some(1),
        ..Recipe::default()
    }
}

#[test]
fn the_schema_version_and_wal_mode_are_set() {
    let dir = tempfile::tempdir().unwrap();
    let database = Database::open_data_dir(dir.path()).unwrap();
    assert_eq!(database.path(), dir.path().join(DATABASE_FILE_NAME));
    let connection = raw(dir.path());
    let version: u32 = connection
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let mode: String = connection
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    // Opening again migrates nothing and fails nothing.
    drop(database);
    Database::open_data_dir(dir.path()).unwrap();
}

#[test]
fn a_file_from_a_newer_build_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(Database::open_data_dir(dir.path()).unwrap());
    raw(dir.path())
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    let error = Database::open_data_dir(dir.path()).unwrap_err();
    assert!(matches!(error, Error::Refused { .. }), "{error}");
    assert!(error.to_string().contains("newer"), "{error}");
}

#[test]
fn processes_opening_a_new_file_at_once_migrate_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let openers: Vec<_> = (0..4)
        .map(|_| {
            let path = dir.path().to_path_buf();
            std::thread::spawn(move || Database::open_data_dir(path).map(drop))
        })
        .collect();
    for opener in openers {
        opener.join().unwrap().unwrap();
    }
}

#[tokio::test]
async fn data_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let object = ObjectInfo {
        key: "makes/a.json".to_owned(),
        etag: "e1".to_owned(),
        size: 2,
    };
    let rejection = Rejection {
        source: "s3://local/makes/bad.json@e2".to_owned(),
        reason: "malformed JSON at line 1, column 1".to_owned(),
        rejected_at: "2026-11-22T12:00:00Z".to_owned(),
    };
    {
        let database = Database::open_data_dir(dir.path()).unwrap();
        let store = SqliteRecordStore::new(database.clone());
        store.put_version(&first_version()).await.unwrap();
        store.put_rejection(&rejection).await.unwrap();
        let log = SqliteAnnouncementLog::new(database.clone(), "local");
        log.record(std::slice::from_ref(&object)).await.unwrap();
        log.save_checkpoint("makes/a.json").await.unwrap();
        let queue = SqliteQueue::new(database, "work", QueueConfig::default()).unwrap();
        queue.send_batch(&["kept".to_owned()]).await.unwrap();
    }
    let database = Database::open_data_dir(dir.path()).unwrap();
    let store = SqliteRecordStore::new(database.clone());
    assert_eq!(store.recipe(1).await.unwrap(), Some(pie()));
    assert_eq!(
        store.recipe_version(1, 1).await.unwrap(),
        Some(first_version())
    );
    assert_eq!(store.rejections().await.unwrap(), [rejection]);
    let log = SqliteAnnouncementLog::new(database.clone(), "local");
    assert!(
        log.unannounced(vec![object.clone()])
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        log.checkpoint().await.unwrap().as_deref(),
        Some("makes/a.json")
    );
    // Another log's memory is its own.
    let other = SqliteAnnouncementLog::new(database.clone(), "other-bucket");
    assert_eq!(
        other.unannounced(vec![object.clone()]).await.unwrap(),
        [object]
    );
    assert_eq!(other.checkpoint().await.unwrap(), None);
    let queue = SqliteQueue::new(database, "work", QueueConfig::default()).unwrap();
    let received = queue.receive(10, Duration::ZERO).await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].body, "kept");
}

#[tokio::test]
async fn unreadable_rows_are_corrupt_and_bad_requests_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteRecordStore::new(Database::open_data_dir(dir.path()).unwrap());
    raw(dir.path())
        .execute_batch(
            "INSERT INTO recipes (recipe_id, document) VALUES (5, 'not json');
             INSERT INTO recipe_versions (recipe_id, version, document) VALUES (5, 1, 'not json');
             INSERT INTO recipe_versions (recipe_id, version, document)
             SELECT 6, 1, document FROM recipe_versions WHERE recipe_id = 5;",
        )
        .unwrap();
    let error = store.recipe(5).await.unwrap_err();
    assert!(matches!(error, Error::Corrupt { .. }), "{error}");
    assert!(error.to_string().contains("recipe 5"), "{error}");
    assert!(matches!(store.recipes().await, Err(Error::Corrupt { .. })));

    // A version stored under keys its document contradicts is corrupt too.
    store.put_version(&first_version()).await.unwrap();
    raw(dir.path())
        .execute(
            "UPDATE recipe_versions SET document =
                 (SELECT document FROM recipe_versions WHERE recipe_id = 1)
             WHERE recipe_id = 6",
            [],
        )
        .unwrap();
    let error = store.recipe_version(6, 1).await.unwrap_err();
    assert!(
        error.to_string().contains("version 1 of recipe 1"),
        "{error}"
    );

    let zeroth = RecipeVersion {
        version: 0,
        ..first_version()
    };
    assert_eq!(
        store.put_version(&zeroth).await.unwrap(),
        VersionWritten::Taken
    );
}

fn first_version() -> RecipeVersion {
    RecipeVersion {
        recipe_id: 1,
        version: 1,
        recipe: pie(),
        created_at: "2026-12-03T10:00:00.000Z".to_owned(),
        source: None,
        message: None,
        changes: 0,
    }
}

/// A file of the first schema (the bins' legacy data directory, made by
/// a build before make ids were integers) opens at the current schema,
/// and its recipes keep their ids from the ids given to bucket objects.
#[tokio::test]
async fn an_old_file_migrates_and_gives_recipe_ids_past_its_recipes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "../bins/tests/data/legacy-data-dir/recipe.sqlite3",
        dir.path().join(DATABASE_FILE_NAME),
    )
    .unwrap();
    let found: u32 = raw(dir.path())
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap();
    assert!(found < SCHEMA_VERSION, "the fixture is of an older schema");
    let store = SqliteRecordStore::new(Database::open_data_dir(dir.path()).unwrap());
    let stored = store.recipes().await.unwrap();
    assert!(!stored.is_empty(), "the fixture's recipes are kept");
    for recipe_id in stored.iter().filter_map(|r| r.recipe_id) {
        let makes = store.makes(recipe_id).await.unwrap();
        assert_eq!(
            store.aggregates(recipe_id).await.unwrap(),
            MakeAggregate::by_version(recipe_id, &makes),
            "the migration builds recipe {recipe_id}'s aggregates from its makes"
        );
    }
    let largest = stored.iter().filter_map(|r| r.recipe_id).max().unwrap();
    let given = store
        .recipe_id_for_source("s3://local/recipes/pancakes.html")
        .await
        .unwrap();
    assert!(given > largest, "{given} is past {largest}");
    assert_eq!(
        store
            .recipe_id_for_source("s3://local/recipes/pancakes.html")
            .await
            .unwrap(),
        given
    );
}

/// A file of the schema just before recipe sources existed gets the
/// table on open, keeping what it held.
#[tokio::test]
async fn a_file_without_recipe_sources_gets_them_on_open() {
    let dir = tempfile::tempdir().unwrap();
    {
        let database = Database::open_data_dir(dir.path()).unwrap();
        SqliteRecordStore::new(database)
            .put_version(&first_version())
            .await
            .unwrap();
    }
    raw(dir.path())
        .execute_batch(&format!(
            "DROP TABLE recipe_sources; DROP TABLE make_aggregates; PRAGMA user_version = {};",
            SCHEMA_VERSION - 2
        ))
        .unwrap();
    let store = SqliteRecordStore::new(Database::open_data_dir(dir.path()).unwrap());
    assert_eq!(store.recipe(1).await.unwrap(), Some(pie()));
    assert_eq!(
        store
            .recipe_id_for_source("s3://local/recipes/tea.cook")
            .await
            .unwrap(),
        2
    );
    let version: u32 = raw(dir.path())
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}

/// A file of the schema just before aggregates were kept, holding makes
/// of two versions, gets every recipe version's aggregate built from its
/// makes on open; makes stored afterwards are added to them.
#[tokio::test]
async fn a_file_without_aggregates_gets_them_built_from_its_makes_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let make = |version: i64, rating: f64, at: &str| MakeRecord {
        recipe_id: 1,
        make_id: 0,
        made_at: Some(at.to_owned()),
        notes: Some(format!("made at {at}")),
        recipe: Recipe {
            rating: Some(rating),
            ..pie()
        },
        recipe_version: version,
        differences: recipe_diff::diff(
            &pie(),
            &Recipe {
                rating: Some(rating),
                ..pie()
            },
        ),
        flat_differences: Vec::new(),
        source: None,
        recorded_at: at.to_owned(),
    };
    {
        let store = SqliteRecordStore::new(Database::open_data_dir(dir.path()).unwrap());
        store.put_version(&first_version()).await.unwrap();
        for (version, rating, at) in [
            (1, 3.0, "2026-11-01T08:00:00Z"),
            (1, 4.5, "2026-11-02T08:00:00Z"),
            (2, 5.0, "2026-11-03T08:00:00Z"),
        ] {
            store
                .put_make(&MakeIdentity::Next, &make(version, rating, at))
                .await
                .unwrap();
        }
    }
    raw(dir.path())
        .execute_batch(&format!(
            "DROP TABLE make_aggregates; PRAGMA user_version = {};",
            SCHEMA_VERSION - 1
        ))
        .unwrap();
    let store = SqliteRecordStore::new(Database::open_data_dir(dir.path()).unwrap());
    let makes = store.makes(1).await.unwrap();
    assert_eq!(makes.len(), 3);
    let built = store.aggregates(1).await.unwrap();
    assert_eq!(built, MakeAggregate::by_version(1, &makes));
    assert_eq!(
        built
            .iter()
            .map(|v| v.aggregate.make_count)
            .collect::<Vec<_>>(),
        [2, 1]
    );
    store
        .put_make(
            &MakeIdentity::Named(9),
            &make(2, 1.0, "2026-11-04T08:00:00Z"),
        )
        .await
        .unwrap();
    let makes = store.makes(1).await.unwrap();
    assert_eq!(
        store.aggregates(1).await.unwrap(),
        MakeAggregate::by_version(1, &makes)
    );
}
