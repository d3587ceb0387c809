//! Recipe versions and paged lists on DynamoDB: what the conformance
//! suite cannot see, because it starts from an empty table written by the
//! code under test. Tables written before recipes had versions (a recipe
//! item without a version number, make items without one) read as version
//! 1 and are completed by the first new version; pages that a filter
//! thins out are still filled; cursors are the store's own.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use recipe_aws::dynamodb::{LEGACY_VERSION_CREATED_AT, LEGACY_VERSION_MESSAGE};
use recipe_aws::{Aws, DynamoRecordStore};
use recipe_diff::{Recipe, RecipeDiff, Step};
use recipe_ports::records::{
    MakeIdentity, MakeRecord, MakeWritten, RecipeVersion, Rejection, VersionWritten,
};
use recipe_ports::{Error, PageRequest, RecordStore};

type Item = HashMap<String, AttributeValue>;

async fn table() -> (Aws, String) {
    crate::fresh_table("versions").await
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

/// An id written as the adapter's sort keys write it.
fn sortable(id: i64) -> String {
    format!("{:020}", (id as u64) ^ (1 << 63))
}

fn recipe(recipe_id: i64, name: &str) -> Recipe {
    Recipe {
        recipe_name: name.into(),
        recipe_id: Some(recipe_id),
        rating: Some(4.0),
        ingredients: Vec::new(),
        steps: vec![Step {
            step_id: Some(1),
            step_text: "Bake it".into(),
        }],
    }
}

fn version(recipe_id: i64, number: i64, name: &str) -> RecipeVersion {
    RecipeVersion {
        recipe_id,
        version: number,
        recipe: recipe(recipe_id, name),
        created_at: format!("2026-12-{number:02}T09:00:00.000Z"),
        source: Some(format!("s3://bucket/recipes/{recipe_id}.json@e{number}")),
        message: Some(format!("version {number}")),
        changes: 1,
    }
}

/// The version 1 a recipe stored before versions reads as.
fn legacy_version(recipe_id: i64, name: &str) -> RecipeVersion {
    RecipeVersion {
        recipe_id,
        version: 1,
        recipe: recipe(recipe_id, name),
        created_at: LEGACY_VERSION_CREATED_AT.to_owned(),
        source: None,
        message: Some(LEGACY_VERSION_MESSAGE.to_owned()),
        changes: 0,
    }
}

async fn put_raw(client: &Client, table: &str, item: Item) {
    client
        .put_item()
        .table_name(table)
        .set_item(Some(item))
        .send()
        .await
        .expect("moto stores the item");
}

/// Writes a recipe as the adapter stored it before recipes had versions
/// (`put_recipe`): one item in the `RECIPES` partition holding the recipe
/// alone, with no version number and no time.
async fn put_old_recipe(client: &Client, table: &str, recipe: &Recipe) {
    let recipe_id = recipe.recipe_id.expect("an old recipe has its id");
    let item = HashMap::from([
        ("pk".to_owned(), s("RECIPES")),
        (
            "sk".to_owned(),
            s(&format!("RECIPE#{}", sortable(recipe_id))),
        ),
        ("kind".to_owned(), s("recipe")),
        (
            "doc".to_owned(),
            s(&serde_json::to_string(recipe).expect("a recipe is JSON")),
        ),
    ]);
    put_raw(client, table, item).await;
}

fn make(recipe_id: i64, recipe_version: i64, notes: &str) -> MakeRecord {
    MakeRecord {
        recipe_id,
        make_id: 0,
        made_at: None,
        notes: Some(notes.to_owned()),
        recipe: recipe(recipe_id, "Pie"),
        recipe_version,
        differences: RecipeDiff::default(),
        flat_differences: Vec::new(),
        source: None,
        recorded_at: "2026-12-01T10:00:00Z".to_owned(),
    }
}

/// Writes make `make_id` as the adapter stored makes before recipes had
/// versions: under its integer id, with no `recipeVersion`, neither in
/// its document nor as an attribute.
async fn put_old_make(client: &Client, table: &str, recipe_id: i64, make_id: i64) {
    let mut document = serde_json::to_value(make(recipe_id, 1, &format!("old {make_id}")))
        .expect("a make is JSON");
    document["makeId"] = serde_json::Value::from(make_id);
    let removed = document
        .as_object_mut()
        .and_then(|fields| fields.remove("recipeVersion"));
    assert!(removed.is_some(), "the old document has no version");
    let item = HashMap::from([
        ("pk".to_owned(), s(&format!("RECIPE#{recipe_id}"))),
        ("sk".to_owned(), s(&format!("MAKEID#{}", sortable(make_id)))),
        ("kind".to_owned(), s("make")),
        ("doc".to_owned(), s(&document.to_string())),
    ]);
    put_raw(client, table, item).await;
}

async fn get_raw(client: &Client, table: &str, pk: &str, sk: &str) -> Option<Item> {
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

fn numbers(page: &[RecipeVersion]) -> Vec<i64> {
    page.iter().map(|version| version.version).collect()
}

#[tokio::test]
async fn a_recipe_stored_before_versions_is_version_1_and_its_version_2_completes_the_history() {
    let (aws, table) = table().await;
    let client = aws.dynamodb();
    let store = DynamoRecordStore::new(client.clone(), &table);
    put_old_recipe(&client, &table, &recipe(7, "Pie")).await;
    store.put_version(&version(8, 1, "Bread")).await.unwrap();

    // Read as version 1 everywhere, without a write.
    let first = legacy_version(7, "Pie");
    assert_eq!(store.latest_version(7).await.unwrap(), Some(first.clone()));
    assert_eq!(store.recipe(7).await.unwrap(), Some(recipe(7, "Pie")));
    assert_eq!(
        store.recipe_version(7, 1).await.unwrap(),
        Some(first.clone())
    );
    assert!(store.recipe_version(7, 2).await.unwrap().is_none());
    let listed = store.versions(7, &PageRequest::first(10)).await.unwrap();
    assert_eq!((listed.items, listed.next), (vec![first.clone()], None));
    let names: Vec<String> = store
        .recipes()
        .await
        .unwrap()
        .into_iter()
        .map(|recipe| recipe.recipe_name.to_string())
        .collect();
    assert_eq!(names, ["Pie", "Bread"], "old and new recipes list by id");

    // Only a version 2 follows it.
    let put = |v: RecipeVersion| {
        let store = &store;
        async move { store.put_version(&v).await.unwrap() }
    };
    assert_eq!(put(version(7, 1, "Other")).await, VersionWritten::Taken);
    assert_eq!(put(version(7, 3, "Skipped")).await, VersionWritten::Taken);
    assert_eq!(
        get_raw(&client, &table, "RECIPE#7", &format!("VERSION#{:019}", 1)).await,
        None,
        "nothing is written by a refused version"
    );
    assert_eq!(
        put(version(7, 2, "Apple Pie")).await,
        VersionWritten::Created
    );

    // Version 1 is stored now, as it was read before.
    let stored_first = get_raw(&client, &table, "RECIPE#7", &format!("VERSION#{:019}", 1))
        .await
        .expect("version 2 wrote version 1's item");
    assert_eq!(stored_first["version"], AttributeValue::N("1".to_owned()));
    assert_eq!(
        store.recipe_version(7, 1).await.unwrap(),
        Some(first.clone())
    );
    assert_eq!(
        store.latest_version(7).await.unwrap(),
        Some(version(7, 2, "Apple Pie"))
    );
    assert_eq!(store.recipe(7).await.unwrap(), Some(recipe(7, "Apple Pie")));
    let listed = store.versions(7, &PageRequest::first(10)).await.unwrap();
    assert_eq!(numbers(&listed.items), [2, 1]);
    assert_eq!(listed.items[1], first);

    // And the history goes on as any other.
    assert_eq!(put(version(7, 2, "Again")).await, VersionWritten::Taken);
    assert_eq!(
        put(version(7, 3, "Cherry Pie")).await,
        VersionWritten::Created
    );
    let listed = store.versions(7, &PageRequest::first(10)).await.unwrap();
    assert_eq!(numbers(&listed.items), [3, 2, 1]);
}

#[tokio::test]
async fn writers_racing_for_a_legacy_recipes_version_2_store_it_once() {
    let (aws, table) = table().await;
    let client = aws.dynamodb();
    let store = DynamoRecordStore::new(client.clone(), &table);
    put_old_recipe(&client, &table, &recipe(3, "Soup")).await;
    let racers = (0..6).map(|n| {
        let v = version(3, 2, &format!("Soup {n}"));
        let store = &store;
        async move { store.put_version(&v).await.unwrap() }
    });
    let won = futures_util::future::join_all(racers)
        .await
        .into_iter()
        .filter(|written| *written == VersionWritten::Created)
        .count();
    assert_eq!(won, 1);
    let listed = store.versions(3, &PageRequest::first(10)).await.unwrap();
    assert_eq!(numbers(&listed.items), [2, 1]);
    assert_eq!(listed.items[1], legacy_version(3, "Soup"));
}

#[tokio::test]
async fn versions_page_newest_first() {
    let (aws, table) = table().await;
    let store = DynamoRecordStore::new(aws.dynamodb(), &table);
    for number in 1..=12 {
        let written = store
            .put_version(&version(5, number, &format!("Pie {number}")))
            .await
            .unwrap();
        assert_eq!(written, VersionWritten::Created);
    }
    let mut pages = Vec::new();
    let mut request = PageRequest::first(5);
    loop {
        let page = store.versions(5, &request).await.unwrap();
        pages.push((numbers(&page.items), page.next));
        match page.next {
            Some(after) => request.after = Some(after),
            None => break,
        }
    }
    assert_eq!(
        pages,
        [
            (vec![12, 11, 10, 9, 8], Some(8)),
            (vec![7, 6, 5, 4, 3], Some(3)),
            (vec![2, 1], None),
        ]
    );
    assert_eq!(
        store.recipe_version(5, 10).await.unwrap(),
        Some(version(5, 10, "Pie 10")),
        "versions past 9 are found by their padded keys"
    );
    let below_first = store
        .versions(5, &PageRequest::after(5, Some(1)))
        .await
        .unwrap();
    assert!(below_first.items.is_empty() && below_first.next.is_none());
}

#[tokio::test]
async fn makes_stored_before_versions_are_makes_of_version_1() {
    let (aws, table) = table().await;
    let client = aws.dynamodb();
    let store = DynamoRecordStore::new(client.clone(), &table);
    for make_id in [1, 2, 4] {
        put_old_make(&client, &table, 6, make_id).await;
    }
    for (make_id, recipe_version) in [(3, 2), (5, 1), (6, 2)] {
        let written = store
            .put_make(
                &MakeIdentity::Named(make_id),
                &make(6, recipe_version, &format!("new {make_id}")),
            )
            .await
            .unwrap();
        assert!(matches!(written, MakeWritten::Created(_)), "{written:?}");
    }
    assert_eq!(
        store.make(6, 2).await.unwrap().unwrap().recipe_version,
        1,
        "an old make reads as cooked from version 1"
    );
    let ids = |makes: &[MakeRecord]| makes.iter().map(|m| m.make_id).collect::<Vec<_>>();
    assert_eq!(ids(&store.makes(6).await.unwrap()), [1, 2, 3, 4, 5, 6]);
    for (recipe_version, expected) in [(1, vec![1, 2, 4, 5]), (2, vec![3, 6]), (3, vec![])] {
        let page = store
            .makes_page(6, Some(recipe_version), &PageRequest::first(10))
            .await
            .unwrap();
        assert_eq!(ids(&page.items), expected, "version {recipe_version}");
        assert_eq!(page.next, None);
    }
}

#[tokio::test]
async fn a_page_the_version_filter_thins_out_is_still_filled() {
    let (aws, table) = table().await;
    let store = DynamoRecordStore::new(aws.dynamodb(), &table);
    // Twenty makes of version 1, then five of version 2: a Query asked
    // for three items reads three makes of version 1 and keeps none.
    for n in 0..25 {
        let recipe_version = if n < 20 { 1 } else { 2 };
        store
            .put_make(
                &MakeIdentity::Next,
                &make(9, recipe_version, &format!("make {n}")),
            )
            .await
            .unwrap();
    }
    aws.requests().reset();
    let first = store
        .makes_page(9, Some(2), &PageRequest::first(2))
        .await
        .unwrap();
    let ids: Vec<i64> = first.items.iter().map(|m| m.make_id).collect();
    assert_eq!((ids, first.next), (vec![21, 22], Some(22)));
    assert!(
        aws.requests().count("DynamoDB", "Query") > 1,
        "the page was filled over several requests: {:?}",
        aws.requests()
    );
    let rest = store
        .makes_page(9, Some(2), &PageRequest::after(2, first.next))
        .await
        .unwrap();
    let ids: Vec<i64> = rest.items.iter().map(|m| m.make_id).collect();
    assert_eq!((ids, rest.next), (vec![23, 24], Some(24)));
    let last = store
        .makes_page(9, Some(2), &PageRequest::after(2, rest.next))
        .await
        .unwrap();
    let ids: Vec<i64> = last.items.iter().map(|m| m.make_id).collect();
    assert_eq!((ids, last.next), (vec![25], None));
    // Unfiltered, the counter item in the partition is passed over.
    let all = store
        .makes_page(9, None, &PageRequest::first(25))
        .await
        .unwrap();
    assert_eq!((all.items.len(), all.next), (25, None));
}

#[tokio::test]
async fn rejection_cursors_are_the_stores_own() {
    let (aws, table) = table().await;
    let store = DynamoRecordStore::new(aws.dynamodb(), &table);
    let rejections: Vec<Rejection> = (1..=5)
        .map(|n| Rejection {
            source: format!("s3://bucket/makes/bad-{n}.json@e1"),
            reason: "not JSON".to_owned(),
            rejected_at: format!("2026-12-01T12:00:0{n}Z"),
        })
        .collect();
    // Stored out of order: listed by the time they happened.
    for rejection in rejections.iter().rev() {
        store.put_rejection(rejection).await.unwrap();
    }
    let first = store.rejections_page(&PageRequest::first(2)).await.unwrap();
    assert_eq!(first.items, rejections[..2]);
    let cursor = first.next.clone().expect("more follow");
    assert!(
        cursor.starts_with("REJECTION#2026-12-01T12:00:02Z#"),
        "{cursor}"
    );
    let second = store
        .rejections_page(&PageRequest::after(2, first.next))
        .await
        .unwrap();
    assert_eq!(second.items, rejections[2..4]);
    let last = store
        .rejections_page(&PageRequest::after(2, second.next))
        .await
        .unwrap();
    assert_eq!((last.items.as_slice(), last.next), (&rejections[4..], None));

    let overlong = format!("REJECTION#{}#0123456789abcdef", "9".repeat(1024));
    for stranger in [
        "",
        "2",
        "REJECTION#",
        "REJECTION#2026-12-01T12:00:02Z",
        "REJECTION#2026-12-01T12:00:02Z#0123",
        "REJECTION#2026-12-01T12:00:02Z#0123456789ABCDEF",
        "RECIPE#09223372036854775809",
        overlong.as_str(),
    ] {
        let request = PageRequest::after(2, Some(stranger.to_owned()));
        assert!(
            matches!(
                store.rejections_page(&request).await,
                Err(Error::InvalidCursor { .. })
            ),
            "{stranger:?} is refused"
        );
    }
}
