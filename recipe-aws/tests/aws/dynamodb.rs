//! The record store and the announcement log on one DynamoDB table.

use recipe_aws::dynamodb::create_table;
use recipe_aws::{Aws, DynamoAnnouncementLog, DynamoRecordStore};
use recipe_diff::{Recipe, Step};
use recipe_ports::records::{RecipeVersion, VersionWritten};
use recipe_ports::{AnnouncementLog, ObjectInfo, RecordStore};

use crate::moto::unique;

async fn table() -> (Aws, String) {
    crate::fresh_table("table").await
}

fn object(key: &str, etag: &str) -> ObjectInfo {
    ObjectInfo {
        key: key.to_owned(),
        etag: etag.to_owned(),
        size: 1,
    }
}

#[tokio::test]
async fn record_store_and_announcement_log_conform_on_one_table() {
    let (aws, table) = table().await;
    // Creating it again leaves it be.
    create_table(&aws.dynamodb(), &table).await.unwrap();
    let store = DynamoRecordStore::new(aws.dynamodb(), &table);
    recipe_ports::conformance::record_store(&store).await;
    let log = DynamoAnnouncementLog::new(aws.dynamodb(), &table, "bucket");
    recipe_ports::conformance::announcement_log(&log).await;
}

#[tokio::test]
async fn announcement_logs_of_two_scopes_are_apart() {
    let (aws, table) = table().await;
    let first = DynamoAnnouncementLog::new(aws.dynamodb(), &table, "bucket-a");
    let second = DynamoAnnouncementLog::new(aws.dynamodb(), &table, "bucket-b");
    let objects = vec![
        object("makes/crème brûlée 🍮.json", "1"),
        object("makes/a b#c.json", "1"),
    ];
    first.record(&objects).await.unwrap();
    assert!(first.unannounced(objects.clone()).await.unwrap().is_empty());
    assert_eq!(second.unannounced(objects.clone()).await.unwrap(), objects);
    first.save_checkpoint("makes/é").await.unwrap();
    assert_eq!(
        first.checkpoint().await.unwrap().as_deref(),
        Some("makes/é")
    );
    assert_eq!(second.checkpoint().await.unwrap(), None);
}

#[tokio::test]
async fn large_announcement_batches_are_split_and_counted() {
    let (aws, table) = table().await;
    let log = DynamoAnnouncementLog::new(aws.dynamodb(), &table, "bucket");
    let mut objects: Vec<ObjectInfo> = (0..250)
        .map(|i| object(&format!("makes/{i:04} make.json"), "e1"))
        .collect();
    // The same key twice in one call: the later version is the one kept.
    objects.push(object("makes/0000 make.json", "e2"));
    aws.requests().reset();
    assert_eq!(log.unannounced(objects.clone()).await.unwrap(), objects);
    assert_eq!(aws.requests().count("DynamoDB", "BatchGetItem"), 3);
    log.record(&objects).await.unwrap();
    assert_eq!(aws.requests().count("DynamoDB", "BatchWriteItem"), 10);
    assert_eq!(
        log.unannounced(objects.clone()).await.unwrap(),
        [object("makes/0000 make.json", "e1")],
        "only the older version of the doubled key is unannounced"
    );
}

#[tokio::test]
async fn long_listings_read_every_page() {
    let (aws, table) = table().await;
    let store = DynamoRecordStore::new(aws.dynamodb(), &table);
    // About 1.2 MB of recipes: more than one Query page holds.
    let long_step = "Stir gently. ".repeat(3_000);
    for id in (0..30).rev() {
        let recipe = Recipe {
            recipe_name: format!("Recipe {id}").into(),
            recipe_id: Some(id - 10),
            rating: None,
            ingredients: Vec::new(),
            steps: vec![Step {
                step_id: Some(1),
                step_text: long_step.clone().into(),
            }],
        };
        let version = RecipeVersion {
            recipe_id: id - 10,
            version: 1,
            recipe,
            created_at: "2026-11-20T09:00:00.000Z".to_owned(),
            source: None,
            message: None,
            changes: 0,
        };
        assert_eq!(
            store.put_version(&version).await.unwrap(),
            VersionWritten::Created
        );
    }
    aws.requests().reset();
    let ids: Vec<i64> = store
        .recipes()
        .await
        .unwrap()
        .iter()
        .filter_map(|r| r.recipe_id)
        .collect();
    assert_eq!(
        ids,
        (-10..20).collect::<Vec<_>>(),
        "every recipe, by id, negative ids first"
    );
    assert!(
        aws.requests().count("DynamoDB", "Query") >= 2,
        "the listing spans pages: {:?}",
        aws.requests()
    );
}

#[tokio::test]
async fn a_version_below_one_and_a_missing_table_are_refused() {
    let (aws, table) = table().await;
    let store = DynamoRecordStore::new(aws.dynamodb(), &table);
    let zero = RecipeVersion {
        recipe_id: 4,
        version: 0,
        recipe: Recipe {
            recipe_name: "Soup".into(),
            recipe_id: Some(4),
            rating: None,
            ingredients: Vec::new(),
            steps: Vec::new(),
        },
        created_at: "2026-11-20T09:00:00.000Z".to_owned(),
        source: None,
        message: None,
        changes: 0,
    };
    let error = store.put_version(&zero).await.unwrap_err();
    assert!(
        !error.is_transient() && error.to_string().contains("recipe 4"),
        "{error}"
    );

    let missing = DynamoRecordStore::new(aws.dynamodb(), unique("no-such-table"));
    let error = missing.ping().await.unwrap_err();
    assert!(!error.is_transient(), "{error}");
    assert!(error.to_string().contains("ResourceNotFound"), "{error}");
}
