//! Make ids on DynamoDB: moving makes stored under text ids to integer ids
//! (`DynamoRecordStore::migrate_make_ids`), and what a cancelled make or
//! version transaction leaves behind (nothing), with or without the
//! cancellation's reasons.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::interceptors::FinalizerInterceptorContextMut;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::error::TransactionCanceledException;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::Error as ErasedError;
use aws_smithy_runtime_api::client::orchestrator::OrchestratorError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use recipe_aws::dynamodb::{MigrationEvent, MoveNote};
use recipe_aws::{Aws, DynamoRecordStore};
use recipe_diff::{Recipe, Step};
use recipe_ports::RecordStore;
use recipe_ports::records::{
    Claim, MakeIdentity, MakeRecord, MakeWritten, MigrationReport, RecipeVersion, VersionWritten,
};

type Item = HashMap<String, AttributeValue>;

async fn table() -> (Aws, String) {
    crate::fresh_table("migration").await
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

fn recipe(recipe_id: i64) -> Recipe {
    Recipe {
        recipe_name: "Pie".into(),
        recipe_id: Some(recipe_id),
        rating: Some(3.0),
        ingredients: Vec::new(),
        steps: vec![Step {
            step_id: Some(1),
            step_text: "Bake it".into(),
        }],
    }
}

/// A make of `recipe_id` with a real difference (the rating), so its flat
/// list names its make id.
fn make(recipe_id: i64, notes: &str, recorded_at: &str) -> MakeRecord {
    let original = recipe(recipe_id);
    let mut cooked = original.clone();
    cooked.rating = Some(5.0);
    MakeRecord {
        recipe_id,
        make_id: 0,
        made_at: None,
        notes: Some(notes.to_owned()),
        recipe_version: 1,
        differences: recipe_diff::diff(&original, &cooked),
        recipe: cooked,
        flat_differences: Vec::new(),
        source: None,
        recorded_at: recorded_at.to_owned(),
    }
}

/// Writes a make as the adapter stored it before make ids were integers:
/// under `MAKE#<text id>`, with the text id as its document's `makeId`.
async fn put_old_make(
    client: &Client,
    table: &str,
    text_id: &str,
    notes: &str,
    recorded_at: &str,
    recipe_id: i64,
) {
    let mut document =
        serde_json::to_value(make(recipe_id, notes, recorded_at)).expect("a make is JSON");
    document["makeId"] = serde_json::Value::from(text_id);
    let item: Item = HashMap::from([
        ("pk".to_owned(), s(&format!("RECIPE#{recipe_id}"))),
        ("sk".to_owned(), s(&format!("MAKE#{text_id}"))),
        ("kind".to_owned(), s("make")),
        ("doc".to_owned(), s(&document.to_string())),
    ]);
    client
        .put_item()
        .table_name(table)
        .set_item(Some(item))
        .send()
        .await
        .expect("moto stores the old make");
}

/// Every item of the table, in key order, each written out with its
/// attributes in name order: two equal texts are two equal tables.
async fn table_text(client: &Client, table: &str) -> String {
    let mut items: Vec<Item> = Vec::new();
    let mut start = None;
    loop {
        let output = client
            .scan()
            .table_name(table)
            .consistent_read(true)
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .expect("moto scans the table");
        items.extend(output.items.unwrap_or_default());
        match output.last_evaluated_key {
            Some(last) if !last.is_empty() => start = Some(last),
            _ => break,
        }
    }
    let mut lines: Vec<String> = items
        .iter()
        .map(|item| {
            let mut attributes: Vec<(&String, &AttributeValue)> = item.iter().collect();
            attributes.sort_by_key(|(name, _)| name.as_str());
            format!("{attributes:?}")
        })
        .collect();
    lines.sort();
    lines.join("\n")
}

async fn get(client: &Client, table: &str, pk: &str, sk: &str) -> Option<Item> {
    client
        .get_item()
        .table_name(table)
        .key("pk", s(pk))
        .key("sk", s(sk))
        .consistent_read(true)
        .send()
        .await
        .expect("moto reads the item")
        .item
}

/// The make id a claim item names.
async fn claimed_make_id(client: &Client, table: &str, recipe_id: i64, claim: &str) -> i64 {
    let item = get(
        client,
        table,
        &format!("RECIPE#{recipe_id}"),
        &format!("CLAIM#{claim}"),
    )
    .await
    .unwrap_or_else(|| panic!("recipe {recipe_id} has claim {claim}"));
    assert_eq!(
        item["fingerprint"],
        s(""),
        "an object claim has no fingerprint"
    );
    item["makeId"]
        .as_n()
        .ok()
        .and_then(|n| n.parse().ok())
        .expect("a claim names its make by number")
}

fn object_claim(key: &str) -> MakeIdentity {
    MakeIdentity::Claimed(Claim {
        key: key.to_owned(),
        fingerprint: String::new(),
    })
}

fn existing(written: MakeWritten, what: &str) -> MakeRecord {
    match written {
        MakeWritten::Existing(record) => record,
        other => panic!("{what}: expected the stored make, got {other:?}"),
    }
}

fn created(written: MakeWritten, what: &str) -> MakeRecord {
    match written {
        MakeWritten::Created(record) => record,
        other => panic!("{what}: expected a new make, got {other:?}"),
    }
}

const S3_PIE: &str = "s3-00000000000000aa";
const S3_SOUP: &str = "s3-00000000000000cc";

#[tokio::test]
async fn moto_names_the_failed_condition_of_a_cancelled_transaction() {
    // What the adapter relies on (and falls back from when it is missing):
    // a cancelled TransactWriteItems names a reason per write, in order.
    let (aws, table) = table().await;
    let client = aws.dynamodb();
    let put = |sk: &str| {
        let item: Item = HashMap::from([("pk".to_owned(), s("P")), ("sk".to_owned(), s(sk))]);
        TransactWriteItem::builder()
            .put(
                Put::builder()
                    .table_name(&table)
                    .set_item(Some(item))
                    .condition_expression("attribute_not_exists(pk)")
                    .build()
                    .unwrap(),
            )
            .build()
    };
    client
        .transact_write_items()
        .transact_items(put("B"))
        .send()
        .await
        .unwrap();
    let error = client
        .transact_write_items()
        .transact_items(put("A"))
        .transact_items(put("B"))
        .send()
        .await
        .unwrap_err();
    let Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) =
        error.as_service_error()
    else {
        panic!("expected a cancelled transaction, got {error:?}");
    };
    let codes: Vec<Option<&str>> = cancelled
        .cancellation_reasons()
        .iter()
        .map(|reason| reason.code())
        .collect();
    assert_eq!(codes, [Some("None"), Some("ConditionalCheckFailed")]);
    assert!(
        get(&client, &table, "P", "A").await.is_none(),
        "the write whose condition held was not made either"
    );
}

#[tokio::test]
async fn old_makes_get_integer_ids_and_claims_and_a_second_run_changes_nothing() {
    let (aws, table) = table().await;
    let client = aws.dynamodb();
    let store = DynamoRecordStore::new(client.clone(), &table);
    // Recipe 1: two kept numbers and two derived ids, written out of
    // arrival order.
    put_old_make(&client, &table, "7", "seven", "2026-11-01T10:00:00Z", 1).await;
    put_old_make(&client, &table, "3", "three", "2026-11-01T12:00:00Z", 1).await;
    put_old_make(&client, &table, S3_PIE, "object", "2026-11-01T09:00:00Z", 1).await;
    put_old_make(
        &client,
        &table,
        "body-00000000000000bb",
        "posted",
        "2026-11-01T11:00:00Z",
        1,
    )
    .await;
    // Recipe 2: a server upgraded before the migration stored make 2,
    // which an old make also names.
    put_old_make(&client, &table, "2", "old two", "2026-11-02T11:00:00Z", 2).await;
    put_old_make(
        &client,
        &table,
        S3_SOUP,
        "object",
        "2026-11-02T10:00:00Z",
        2,
    )
    .await;
    put_old_make(
        &client,
        &table,
        "body-00000000000000dd",
        "posted",
        "2026-11-02T09:30:00Z",
        2,
    )
    .await;
    let new_two = created(
        store
            .put_make(
                &MakeIdentity::Named(2),
                &make(2, "new two", "2026-11-03T08:00:00Z"),
            )
            .await
            .unwrap(),
        "a make stored since the upgrade",
    );

    let error = store.makes(1).await.unwrap_err().to_string();
    assert!(error.contains("recipe migrate-ids"), "{error}");

    let mut events = Vec::new();
    let report = store
        .migrate_make_ids_with(&mut |event| events.push(event.clone()))
        .await
        .unwrap();
    let expected = |moves: &[(i64, &str, i64)]| MigrationReport {
        migrated: moves
            .iter()
            .map(|&(recipe, old, new)| (recipe, old.to_owned(), new))
            .collect(),
    };
    assert_eq!(
        report,
        expected(&[
            (1, S3_PIE, 8),
            (1, "7", 7),
            (1, "body-00000000000000bb", 9),
            (1, "3", 3),
            (2, "body-00000000000000dd", 3),
            (2, S3_SOUP, 4),
            (2, "2", 5),
        ]),
        "kept numbers kept, the others numbered past them in arrival order"
    );
    assert_eq!(
        events.first(),
        Some(&MigrationEvent::Found {
            makes: 7,
            recipes: 2
        })
    );
    assert!(
        events.contains(&MigrationEvent::Moved {
            recipe_id: 2,
            legacy_id: "2".to_owned(),
            make_id: 5,
            note: Some(MoveNote::KeptIdTaken),
        }),
        "{events:?}"
    );

    // Every make is there under its integer id, listed in id order (the
    // report above shows the arrival order the ids were given in), with
    // the id everywhere it is named.
    let listed = |makes: Vec<MakeRecord>| -> Vec<(i64, String)> {
        makes
            .into_iter()
            .map(|make| (make.make_id, make.notes.unwrap_or_default()))
            .collect()
    };
    assert_eq!(
        listed(store.makes(1).await.unwrap()),
        [
            (3, "three".to_owned()),
            (7, "seven".to_owned()),
            (8, "object".to_owned()),
            (9, "posted".to_owned()),
        ]
    );
    assert_eq!(
        listed(store.makes(2).await.unwrap()),
        [
            (2, "new two".to_owned()),
            (3, "posted".to_owned()),
            (4, "object".to_owned()),
            (5, "old two".to_owned()),
        ]
    );
    for (recipe_id, make_id) in [(1, 7), (1, 8), (2, 5)] {
        let stored = store.make(recipe_id, make_id).await.unwrap().unwrap();
        assert_eq!(stored.make_id, make_id);
        assert_eq!(stored.differences.make_id, Some(make_id));
        assert!(
            stored
                .flat_differences
                .iter()
                .all(|item| item.make_id == Some(make_id)),
            "{stored:?}"
        );
    }
    assert_eq!(store.make(2, 2).await.unwrap(), Some(new_two));

    // An object's make keeps its old id as its claim: a message sent
    // before the migration finds it.
    assert_eq!(claimed_make_id(&client, &table, 1, S3_PIE).await, 8);
    let redelivered = existing(
        store
            .put_make(
                &object_claim(S3_PIE),
                &make(1, "again", "2026-11-04T00:00:00Z"),
            )
            .await
            .unwrap(),
        "a redelivered object's make",
    );
    assert_eq!(redelivered.make_id, 8);
    assert_eq!(redelivered.notes.as_deref(), Some("object"));
    assert_eq!(
        existing(
            store
                .put_make(
                    &object_claim(S3_SOUP),
                    &make(2, "again", "2026-11-04T00:00:00Z")
                )
                .await
                .unwrap(),
            "a redelivered object's make",
        )
        .make_id,
        4
    );
    assert!(
        get(&client, &table, "RECIPE#1", "CLAIM#body-00000000000000bb")
            .await
            .is_none(),
        "a posted body's make leaves no claim"
    );

    // A second run finds nothing and writes nothing.
    let before = table_text(&client, &table).await;
    assert!(!before.contains("MAKE#"), "no old make is left:\n{before}");
    aws.requests().reset();
    assert_eq!(
        store.migrate_make_ids().await.unwrap(),
        MigrationReport::default()
    );
    assert_eq!(aws.requests().count("DynamoDB", "TransactWriteItems"), 0);
    assert_eq!(
        table_text(&client, &table).await,
        before,
        "the table is unchanged"
    );

    // Each counter is past every id, kept or given (and past the id that
    // the claim check above reserved and did not need: a gap, as a
    // redelivery leaves on DynamoDB).
    for (recipe_id, next) in [(1, 11), (2, 7)] {
        let record = make(recipe_id, "next", "2026-11-05T00:00:00Z");
        let written = created(
            store.put_make(&MakeIdentity::Next, &record).await.unwrap(),
            "a make after the migration",
        );
        assert_eq!(written.make_id, next, "recipe {recipe_id}");
    }

    // A run that stopped part-way left the rest old: running again moves
    // what is left, and only that.
    put_old_make(
        &client,
        &table,
        "s3-00000000000000ee",
        "left",
        "2026-10-01T00:00:00Z",
        1,
    )
    .await;
    assert_eq!(
        store.migrate_make_ids().await.unwrap(),
        expected(&[(1, "s3-00000000000000ee", 12)])
    );
}

#[tokio::test]
async fn a_cancelled_make_transaction_leaves_nothing_behind() {
    let (aws, table) = table().await;
    let client = aws.dynamodb();
    let store = DynamoRecordStore::new(client.clone(), &table);
    // An item at the slot the next make id points to (make 1 of each
    // recipe) with no counter: the first transaction of each write below
    // is cancelled by it.
    for recipe_id in [1, 3] {
        let blocker = created(
            store
                .put_make(
                    &MakeIdentity::Named(1),
                    &make(recipe_id, "blocker", "2026-11-01T00:00:00Z"),
                )
                .await
                .unwrap(),
            "the blocking make",
        );
        assert_eq!(blocker.make_id, 1);
        client
            .delete_item()
            .table_name(&table)
            .key("pk", s(&format!("RECIPE#{recipe_id}")))
            .key("sk", s("MAKECOUNTER"))
            .send()
            .await
            .unwrap();
    }
    let blocker_item = get(&client, &table, "RECIPE#1", "MAKEID#09223372036854775809").await;
    assert!(blocker_item.is_some(), "make 1's sort key is sortable");

    // put_make: id 1 reserved, the claim and make 1 in one transaction,
    // cancelled by the blocker; then id 2 reserved and the make stored as
    // make 2. Had the cancelled transaction left its claim (naming make
    // 1), the second could not have written it.
    aws.requests().reset();
    let stored = created(
        store
            .put_make(
                &object_claim(S3_PIE),
                &make(1, "object", "2026-11-02T00:00:00Z"),
            )
            .await
            .unwrap(),
        "a make whose first slot is taken",
    );
    assert_eq!(stored.make_id, 2);
    assert_eq!(
        aws.requests().count("DynamoDB", "TransactWriteItems"),
        2,
        "cancelled, then committed: {:?}",
        aws.requests()
    );
    assert_eq!(claimed_make_id(&client, &table, 1, S3_PIE).await, 2);
    assert_eq!(
        get(&client, &table, "RECIPE#1", "MAKEID#09223372036854775809").await,
        blocker_item,
        "the blocker is untouched"
    );
    // A retry finds the make stored once.
    let again = existing(
        store
            .put_make(
                &object_claim(S3_PIE),
                &make(1, "object", "2026-11-02T00:00:00Z"),
            )
            .await
            .unwrap(),
        "the same object again",
    );
    assert_eq!(again, stored);
    let ids: Vec<i64> = store
        .makes(1)
        .await
        .unwrap()
        .iter()
        .map(|m| m.make_id)
        .collect();
    assert_eq!(ids, [1, 2]);

    // The migration: the same cancellation moves nothing (the old make
    // stays, no claim, no new item), and the next round moves it once.
    put_old_make(
        &client,
        &table,
        S3_SOUP,
        "old object",
        "2026-10-01T00:00:00Z",
        3,
    )
    .await;
    aws.requests().reset();
    assert_eq!(
        store.migrate_make_ids().await.unwrap().migrated,
        [(3, S3_SOUP.to_owned(), 2)]
    );
    // The cancelled one, the one that moved it, and the rebuild of the
    // recipe's aggregates with the moved make counted.
    assert_eq!(aws.requests().count("DynamoDB", "TransactWriteItems"), 4);
    let kept = store.aggregates(3).await.unwrap();
    assert_eq!(
        kept,
        recipe_ports::aggregate::MakeAggregate::by_version(3, &store.makes(3).await.unwrap())
    );
    assert_eq!(claimed_make_id(&client, &table, 3, S3_SOUP).await, 2);
    assert!(
        get(&client, &table, "RECIPE#3", &format!("MAKE#{S3_SOUP}"))
            .await
            .is_none()
    );
    let ids: Vec<i64> = store
        .makes(3)
        .await
        .unwrap()
        .iter()
        .map(|m| m.make_id)
        .collect();
    assert_eq!(ids, [1, 2], "the old make moved to the next id");
    assert!(store.migrate_make_ids().await.unwrap().migrated.is_empty());
}

/// Takes the cancellation reasons out of every cancelled transaction's
/// answer, as a DynamoDB-compatible server that does not send them would
/// answer; counts how often it did.
#[derive(Debug, Default)]
struct WithoutCancellationReasons {
    stripped: Arc<AtomicUsize>,
}

impl Intercept for WithoutCancellationReasons {
    fn name(&self) -> &'static str {
        "WithoutCancellationReasons"
    }

    fn modify_before_attempt_completion(
        &self,
        context: &mut FinalizerInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(outcome) = context.output_or_error_mut() else {
            return Ok(());
        };
        let cancelled = match outcome {
            Err(error) => error
                .as_operation_error()
                .and_then(|error| error.downcast_ref::<TransactWriteItemsError>())
                .and_then(|error| match error {
                    TransactWriteItemsError::TransactionCanceledException(cancelled) => {
                        Some(cancelled)
                    }
                    _ => None,
                }),
            Ok(_) => None,
        };
        if let Some(cancelled) = cancelled {
            let mut without =
                TransactionCanceledException::builder().meta(cancelled.meta().clone());
            if let Some(message) = cancelled.message() {
                without = without.message(message);
            }
            *outcome = Err(OrchestratorError::operation(ErasedError::erase(
                TransactWriteItemsError::TransactionCanceledException(without.build()),
            )));
            self.stripped.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

#[tokio::test]
async fn without_cancellation_reasons_the_failed_condition_is_read_from_the_table() {
    let (aws, table) = table().await;
    let interceptor = WithoutCancellationReasons::default();
    let stripped = Arc::clone(&interceptor.stripped);
    let client = Client::from_conf(
        aws.dynamodb()
            .config()
            .to_builder()
            .interceptor(interceptor)
            .build(),
    );
    let store = DynamoRecordStore::new(client.clone(), &table);

    // A taken slot with the counter behind it: the counter is repaired.
    created(
        store
            .put_make(
                &MakeIdentity::Named(1),
                &make(1, "blocker", "2026-11-01T00:00:00Z"),
            )
            .await
            .unwrap(),
        "the blocking make",
    );
    client
        .delete_item()
        .table_name(&table)
        .key("pk", s("RECIPE#1"))
        .key("sk", s("MAKECOUNTER"))
        .send()
        .await
        .unwrap();
    let object = created(
        store
            .put_make(
                &object_claim(S3_PIE),
                &make(1, "object", "2026-11-02T00:00:00Z"),
            )
            .await
            .unwrap(),
        "a make whose first slot is taken",
    );
    assert_eq!(object.make_id, 2);
    // A claim made before: the make it names.
    assert_eq!(
        existing(
            store
                .put_make(
                    &object_claim(S3_PIE),
                    &make(1, "again", "2026-11-03T00:00:00Z")
                )
                .await
                .unwrap(),
            "a redelivered object",
        ),
        object
    );
    // A named id taken: the make stored under it.
    assert_eq!(
        existing(
            store
                .put_make(
                    &MakeIdentity::Named(2),
                    &make(1, "named", "2026-11-03T00:00:00Z")
                )
                .await
                .unwrap(),
            "a taken named id",
        ),
        object
    );
    // An old make whose kept number is taken: the next id (4: the
    // redelivery above reserved 3 before it found its claim).
    put_old_make(&client, &table, "2", "old two", "2026-10-01T00:00:00Z", 1).await;
    assert_eq!(
        store.migrate_make_ids().await.unwrap().migrated,
        [(1, "2".to_owned(), 4)]
    );
    let ids: Vec<i64> = store
        .makes(1)
        .await
        .unwrap()
        .iter()
        .map(|m| m.make_id)
        .collect();
    assert_eq!(ids, [1, 2, 4]);
    assert!(
        stripped.load(Ordering::Relaxed) >= 4,
        "every cancellation went without reasons"
    );
}

#[tokio::test]
async fn without_cancellation_reasons_a_taken_version_is_read_from_the_table() {
    let (aws, table) = table().await;
    let interceptor = WithoutCancellationReasons::default();
    let stripped = Arc::clone(&interceptor.stripped);
    let client = Client::from_conf(
        aws.dynamodb()
            .config()
            .to_builder()
            .interceptor(interceptor)
            .build(),
    );
    let store = DynamoRecordStore::new(client.clone(), &table);
    let version = |recipe_id: i64, number: i64| RecipeVersion {
        recipe_id,
        version: number,
        recipe: recipe(recipe_id),
        created_at: "2026-12-01T00:00:00.000Z".to_owned(),
        source: None,
        message: None,
        changes: 0,
    };
    let put = |v: RecipeVersion| {
        let store = &store;
        async move { store.put_version(&v).await.unwrap() }
    };
    assert_eq!(put(version(1, 1)).await, VersionWritten::Created);
    assert_eq!(put(version(1, 1)).await, VersionWritten::Taken);
    assert_eq!(put(version(1, 3)).await, VersionWritten::Taken);
    assert_eq!(put(version(1, 2)).await, VersionWritten::Created);

    // A recipe stored before versions: its version 2 finds the latest
    // item's version condition failed, reads it, and writes version 1 too.
    let legacy = recipe(2);
    let item: Item = HashMap::from([
        ("pk".to_owned(), s("RECIPES")),
        (
            "sk".to_owned(),
            s(&format!("RECIPE#{:020}", 2u64 ^ (1 << 63))),
        ),
        ("kind".to_owned(), s("recipe")),
        (
            "doc".to_owned(),
            s(&serde_json::to_string(&legacy).unwrap()),
        ),
    ]);
    client
        .put_item()
        .table_name(&table)
        .set_item(Some(item))
        .send()
        .await
        .unwrap();
    assert_eq!(put(version(2, 1)).await, VersionWritten::Taken);
    assert_eq!(put(version(2, 2)).await, VersionWritten::Created);
    let first = store.recipe_version(2, 1).await.unwrap().unwrap();
    assert_eq!(first.recipe, legacy);
    assert!(
        stripped.load(Ordering::Relaxed) >= 4,
        "every cancellation went without reasons"
    );
}
