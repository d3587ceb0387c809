//! What only the SQLite record store can show: a make and its claim are
//! one transaction, so a failure between the two writes leaves neither.

use recipe_diff::{Recipe, RecipeDiff};
use recipe_embedded::database::DATABASE_FILE_NAME;
use recipe_embedded::{Database, SqliteRecordStore};
use recipe_ports::records::{MakeIdentity, MakeRecord, MakeWritten, object_claim};
use recipe_ports::{RecordStore, Source};

fn make() -> MakeRecord {
    MakeRecord {
        recipe_id: 1,
        make_id: 0,
        made_at: None,
        notes: Some("from the bucket".to_owned()),
        recipe: Recipe {
            recipe_name: "Pie".into(),
            recipe_id: Some(1),
            ..Recipe::default()
        },
        recipe_version: 1,
        differences: RecipeDiff::default(),
        flat_differences: Vec::new(),
        source: Some("s3://bucket/makes/pie.json".to_owned()),
        recorded_at: "2026-12-03T10:00:00.000Z".to_owned(),
    }
}

fn count(dir: &std::path::Path, table: &str) -> i64 {
    rusqlite::Connection::open(dir.join(DATABASE_FILE_NAME))
        .unwrap()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
            row.get(0)
        })
        .unwrap()
}

/// The claim is written first and the make second, in one transaction:
/// a failure of the make's write (here a trigger, standing for a crash,
/// a full disk or a killed process between the two) takes the claim with
/// it, and the redelivery that follows stores the make exactly once.
#[tokio::test]
async fn a_failure_between_the_claim_and_the_make_leaves_neither() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteRecordStore::new(Database::open_data_dir(dir.path()).unwrap());
    let claimed =
        MakeIdentity::Claimed(object_claim(&Source::new("bucket", "makes/pie.json", "e1")));

    rusqlite::Connection::open(dir.path().join(DATABASE_FILE_NAME))
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER fail_make BEFORE INSERT ON makes
             BEGIN SELECT RAISE(ABORT, 'the disk gave out'); END;",
        )
        .unwrap();
    let error = store.put_make(&claimed, &make()).await.unwrap_err();
    assert!(error.to_string().contains("the disk gave out"), "{error}");
    assert_eq!(
        count(dir.path(), "make_claims"),
        0,
        "no claim without its make"
    );
    assert_eq!(count(dir.path(), "makes"), 0);
    assert_eq!(count(dir.path(), "make_counters"), 0, "no id used up");

    rusqlite::Connection::open(dir.path().join(DATABASE_FILE_NAME))
        .unwrap()
        .execute_batch("DROP TRIGGER fail_make;")
        .unwrap();
    let MakeWritten::Created(stored) = store.put_make(&claimed, &make()).await.unwrap() else {
        panic!("the retry stores the make");
    };
    assert_eq!(stored.make_id, 1);
    let MakeWritten::Existing(again) = store.put_make(&claimed, &make()).await.unwrap() else {
        panic!("a redelivery finds it");
    };
    assert_eq!(again, stored);
    assert_eq!(count(dir.path(), "makes"), 1);
    assert_eq!(count(dir.path(), "make_claims"), 1);
}
