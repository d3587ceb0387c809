//! Compact items on DynamoDB: a make stored compressed against its
//! version's text, within two write units for a typical make; read back
//! exactly, by a store that never saw it written; refused, not misread,
//! when its version's text is not the one it was compressed against.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use recipe_aws::{Aws, DynamoRecordStore};
use recipe_diff::{Recipe, diff, parse_recipe};
use recipe_ports::records::{Claim, MakeIdentity, MakeRecord, MakeWritten, RecipeVersion};
use recipe_ports::{Error, RecordStore};

const RECIPE_ID: i64 = 12;

async fn table() -> (Aws, String) {
    crate::fresh_table("compact").await
}

/// The benchmarks' `typical` recipe or make: 12 ingredients, 10 steps.
fn fixture(name: &str) -> Recipe {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../benches/fixtures")
        .join(format!("typical.{name}.json"));
    let text = std::fs::read_to_string(&path).expect("the benchmark fixture is there");
    parse_recipe(&text).expect("the fixture parses")
}

fn version() -> RecipeVersion {
    RecipeVersion {
        recipe_id: RECIPE_ID,
        version: 1,
        recipe: fixture("original"),
        created_at: "2026-12-01T10:00:00Z".to_owned(),
        source: None,
        message: None,
        changes: 0,
    }
}

fn typical_make() -> MakeRecord {
    let original = fixture("original");
    let cooked = fixture("make");
    MakeRecord {
        recipe_id: RECIPE_ID,
        make_id: 0,
        made_at: Some("2026-11-18T19:05:00Z".to_owned()),
        notes: Some("No coconut milk in the cupboard; used cream.".to_owned()),
        differences: diff(&original, &cooked),
        recipe: cooked,
        recipe_version: 1,
        flat_differences: Vec::new(),
        source: Some("s3://makes/curry/2026-11-18.json".to_owned()),
        recorded_at: "2026-12-01T10:00:00.000Z".to_owned(),
    }
}

fn claim() -> MakeIdentity {
    MakeIdentity::Claimed(Claim {
        key: "s3-0123456789abcdef".to_owned(),
        fingerprint: String::new(),
    })
}

async fn stored_make(aws: &Aws, table: &str) -> MakeRecord {
    let store = DynamoRecordStore::new(aws.dynamodb(), table);
    store
        .put_version(&version())
        .await
        .expect("version 1 stored");
    match store.put_make(&claim(), &typical_make()).await {
        Ok(MakeWritten::Created(record)) => record,
        other => panic!("the make is created: {other:?}"),
    }
}

#[tokio::test]
async fn a_typical_make_takes_two_write_units_and_reads_back_exactly() {
    let (aws, table) = table().await;
    let writer = DynamoRecordStore::new(aws.dynamodb(), &table);
    writer
        .put_version(&version())
        .await
        .expect("version 1 stored");
    aws.requests().reset();
    let written = match writer.put_make(&claim(), &typical_make()).await {
        Ok(MakeWritten::Created(record)) => record,
        other => panic!("the make is created: {other:?}"),
    };
    let billed = aws.requests().billed();
    assert_eq!(
        billed.write_units_by_item.get("make"),
        Some(&2),
        "in its transaction, so one KiB at most: {billed:?}"
    );
    let json = serde_json::to_vec(&written).expect("a record is JSON");
    assert!(
        billed.bytes_by_item["make"] * 5 < json.len() as u64,
        "{} bytes stored for {} of JSON",
        billed.bytes_by_item["make"],
        json.len()
    );

    // A store that has never seen the version reads it to decompress.
    let reader = DynamoRecordStore::new(aws.dynamodb(), &table);
    let read = reader.make(RECIPE_ID, written.make_id).await.unwrap();
    assert_eq!(read.as_ref(), Some(&written));
    let listed = reader.makes(RECIPE_ID).await.unwrap();
    assert_eq!(listed, vec![written.clone()]);

    // A redelivery finds its claim and answers the make it names.
    match writer.put_make(&claim(), &typical_make()).await {
        Ok(MakeWritten::Existing(existing)) => assert_eq!(existing, written),
        other => panic!("the claim answers: {other:?}"),
    }
}

#[tokio::test]
async fn a_make_read_against_another_text_of_its_version_is_refused() {
    let (aws, table) = table().await;
    let written = stored_make(&aws, &table).await;
    // Someone rewrites version 1's item with another text of the recipe.
    let client = aws.dynamodb();
    let mut version_item: HashMap<String, AttributeValue> = client
        .get_item()
        .table_name(&table)
        .key("pk", AttributeValue::S(format!("RECIPE#{RECIPE_ID}")))
        .key("sk", AttributeValue::S(format!("VERSION#{:019}", 1)))
        .send()
        .await
        .expect("moto reads the version")
        .item
        .expect("version 1 has an item");
    let AttributeValue::S(text) = &version_item["doc"] else {
        panic!("a version's doc is text");
    };
    let respaced = text.replacen(',', ", ", 1);
    version_item.insert("doc".to_owned(), AttributeValue::S(respaced));
    client
        .put_item()
        .table_name(&table)
        .set_item(Some(version_item))
        .send()
        .await
        .expect("moto stores the item");

    let reader = DynamoRecordStore::new(aws.dynamodb(), &table);
    match reader.make(RECIPE_ID, written.make_id).await {
        Err(Error::Corrupt { what, message }) => {
            assert!(what.contains("MAKEID#"), "{what}");
            assert!(message.contains("another text"), "{message}");
        }
        other => panic!("a corrupt make is refused: {other:?}"),
    }
}
