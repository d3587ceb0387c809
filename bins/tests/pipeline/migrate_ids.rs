//! `recipe migrate-ids`, the real binary, on a moto table holding makes
//! stored under text ids.

use std::collections::HashMap;
use std::process::{Command, Output};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use recipe_aws::DynamoRecordStore;
use recipe_diff::{Recipe, Step};
use recipe_ports::RecordStore;
use recipe_ports::records::{Claim, MakeIdentity, MakeRecord, MakeWritten};

use crate::harness::aws_env;
use crate::moto::{Moto, unique};

type Item = HashMap<String, AttributeValue>;

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

/// Writes a make as it was stored before make ids were integers.
async fn put_old_make(client: &Client, table: &str, recipe_id: i64, text_id: &str, at: &str) {
    let recipe = Recipe {
        recipe_name: "Pie".into(),
        recipe_id: Some(recipe_id),
        rating: Some(4.0),
        ingredients: Vec::new(),
        steps: vec![Step {
            step_id: Some(1),
            step_text: "Bake it".into(),
        }],
    };
    let record = MakeRecord {
        recipe_version: 1,
        recipe_id,
        make_id: 0,
        made_at: None,
        notes: Some(text_id.to_owned()),
        differences: recipe_diff::diff(&recipe, &recipe),
        recipe,
        flat_differences: Vec::new(),
        source: None,
        recorded_at: at.to_owned(),
    };
    let mut document = serde_json::to_value(record).expect("a make is JSON");
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

/// Every item of the table, sorted, attributes in name order.
async fn table_text(client: &Client, table: &str) -> String {
    let output = client
        .scan()
        .table_name(table)
        .consistent_read(true)
        .send()
        .await
        .expect("moto scans the table");
    assert!(
        output.last_evaluated_key.is_none(),
        "a small table: one page"
    );
    let mut lines: Vec<String> = output
        .items()
        .iter()
        .map(|item| {
            let mut attributes: Vec<_> = item.iter().collect();
            attributes.sort_by_key(|(name, _)| name.as_str());
            format!("{attributes:?}")
        })
        .collect();
    lines.sort();
    lines.join("\n")
}

/// Runs `recipe migrate-ids --table TABLE` against moto.
fn migrate_ids(table: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_recipe"))
        .args(["migrate-ids", "--table", table])
        .envs(aws_env(
            &Moto::shared().url(),
            "unused",
            "unused",
            "unused",
            table,
        ))
        .output()
        .expect("the recipe binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_ids_moves_old_makes_once_and_then_changes_nothing() {
    let aws = Moto::shared().aws().await;
    let client = aws.dynamodb();
    let table = unique("old-makes");
    recipe_aws::dynamodb::create_table(&client, &table)
        .await
        .expect("the table is created");
    put_old_make(&client, &table, 1, "4", "2026-11-01T10:00:00Z").await;
    put_old_make(
        &client,
        &table,
        1,
        "s3-0123456789abcdef",
        "2026-11-01T09:00:00Z",
    )
    .await;
    put_old_make(
        &client,
        &table,
        2,
        "body-0123456789abcdef",
        "2026-11-01T11:00:00Z",
    )
    .await;

    let first = migrate_ids(&table);
    let stdout = text(&first.stdout);
    assert!(first.status.success(), "{first:?}\n{}", text(&first.stderr));
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            format!("scanning table {table} for makes with text ids"),
            "found 3 make(s) with text ids in 2 recipe(s)".to_owned(),
            "recipe 1: make \"s3-0123456789abcdef\" is now make 5".to_owned(),
            "recipe 1: make \"4\" is now make 4".to_owned(),
            "recipe 2: make \"body-0123456789abcdef\" is now make 1".to_owned(),
            "gave 3 make(s) of 2 recipe(s) integer ids; \
             recipe 1: \"s3-0123456789abcdef\" -> 5; recipe 1: \"4\" -> 4; \
             recipe 2: \"body-0123456789abcdef\" -> 1"
                .to_owned(),
        ]
    );

    let store = DynamoRecordStore::new(client.clone(), &table);
    let ids: Vec<i64> = store
        .makes(1)
        .await
        .unwrap()
        .iter()
        .map(|make| make.make_id)
        .collect();
    assert_eq!(ids, [4, 5], "listed in make id order");
    let redelivered = store
        .put_make(
            &MakeIdentity::Claimed(Claim {
                key: "s3-0123456789abcdef".to_owned(),
                fingerprint: String::new(),
            }),
            &store.make(1, 4).await.unwrap().unwrap(),
        )
        .await
        .unwrap();
    assert!(
        matches!(&redelivered, MakeWritten::Existing(make) if make.make_id == 5),
        "the object's claim finds its make: {redelivered:?}"
    );

    let before = table_text(&client, &table).await;
    let second = migrate_ids(&table);
    assert!(second.status.success(), "{second:?}");
    assert_eq!(
        text(&second.stdout).lines().skip(1).collect::<Vec<_>>(),
        [
            "found no make with a text id: nothing to do",
            "gave 0 make(s) of 0 recipe(s) integer ids",
        ]
    );
    assert_eq!(table_text(&client, &table).await, before, "nothing changed");
}

#[test]
fn migrate_ids_help_says_it_is_safe_to_run_again() {
    let help = Command::new(env!("CARGO_BIN_EXE_recipe"))
        .args(["migrate-ids", "--help"])
        .output()
        .expect("the recipe binary runs");
    assert!(help.status.success());
    // clap wraps lines to the terminal's width: compare words.
    let help = text(&help.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for needle in [
        "idempotent",
        "safe to run again after a crash",
        "--table <NAME>",
    ] {
        assert!(help.contains(needle), "{needle:?} missing from:\n{help}");
    }
}
