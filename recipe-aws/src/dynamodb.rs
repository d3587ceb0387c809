//! The record store and the announcement log on one DynamoDB table.
//!
#![doc = include_str!("../docs/dynamodb.md")]

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType, KeysAndAttributes,
    PutRequest, ReturnValue, ScalarAttributeType, TableStatus, WriteRequest,
};
use recipe_diff::Recipe;
use recipe_pipeline::ports::{AnnouncementLog, ObjectInfo, PutMode, RecordStore, Written};
use recipe_pipeline::records::{MakeRecord, Rejection};
use recipe_pipeline::{Error, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::error_mapping::{from_sdk, refused};

const BACKEND: &str = "dynamodb";

/// An item: attribute names to values.
type Item = HashMap<String, AttributeValue>;

/// The most keys one BatchGetItem takes.
const BATCH_GET_LIMIT: usize = 100;
/// The most items one BatchWriteItem takes.
const BATCH_WRITE_LIMIT: usize = 25;
/// How often a batch's unprocessed part is sent again before we give up.
const BATCH_ROUNDS: u32 = 8;

const RECIPES_PK: &str = "RECIPES";
const REJECTIONS_PK: &str = "REJECTIONS";
const CHECKPOINT_PK: &str = "CHECKPOINT";
const MAKE_SK_PREFIX: &str = "MAKE#";

/// The recipe id as a sort key: the sign bit flipped turns two's
/// complement order into unsigned order, and 20 digits hold any `u64`, so
/// string order is numeric order.
fn recipe_sk(recipe_id: i64) -> String {
    format!("RECIPE#{:020}", (recipe_id as u64) ^ (1 << 63))
}

fn make_pk(recipe_id: i64) -> String {
    format!("RECIPE#{recipe_id}")
}

fn make_sk(make_id: &str) -> String {
    format!("{MAKE_SK_PREFIX}{make_id}")
}

fn rejection_sk(rejection: &Rejection) -> String {
    let digest = Sha256::new()
        .chain_update(rejection.source.as_bytes())
        .chain_update([0])
        .chain_update(rejection.reason.as_bytes())
        .finalize();
    let hex: String = digest
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("REJECTION#{}#{hex}", rejection.rejected_at)
}

fn announced_pk(key: &str) -> String {
    format!("ANNOUNCED#{key}")
}

fn scope_sk(scope: &str) -> String {
    format!("SCOPE#{scope}")
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn key(pk: String, sk: String) -> Item {
    HashMap::from([("pk".to_owned(), s(pk)), ("sk".to_owned(), s(sk))])
}

/// The string attribute `name` of `item`, if it is one.
fn string_attribute<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name)
        .and_then(|value| value.as_s().ok())
        .map(String::as_str)
}

/// Where an item is, for error messages.
fn describe(item: &Item) -> String {
    format!(
        "dynamodb item ({}, {})",
        string_attribute(item, "pk").unwrap_or("?"),
        string_attribute(item, "sk").unwrap_or("?")
    )
}

/// The record an item holds in its `doc` attribute.
fn document<T: DeserializeOwned>(item: &Item) -> Result<T> {
    let text = string_attribute(item, "doc").ok_or_else(|| Error::Corrupt {
        what: describe(item),
        message: "no string attribute `doc`".to_owned(),
    })?;
    serde_json::from_str(text).map_err(|e| Error::Corrupt {
        what: describe(item),
        message: format!("`doc` does not read back: {e}"),
    })
}

/// An item holding `record` as JSON under `pk`, `sk`.
fn document_item<T: Serialize>(pk: String, sk: String, kind: &str, record: &T) -> Result<Item> {
    let json = serde_json::to_string(record).map_err(|e| {
        refused(
            BACKEND,
            format!("{kind} ({pk}, {sk}) does not serialize: {e}"),
        )
    })?;
    let mut item = key(pk, sk);
    item.insert("kind".to_owned(), s(kind));
    item.insert("doc".to_owned(), s(json));
    Ok(item)
}

/// Creates the pipeline's table (on-demand billing) and waits until it is
/// active, for tests and local setups. A table that exists already is left
/// as it is.
pub async fn create_table(client: &Client, table: &str) -> Result<()> {
    let attribute = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .map_err(|e| refused(BACKEND, e))
    };
    let key_element = |name: &str, key_type: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(key_type)
            .build()
            .map_err(|e| refused(BACKEND, e))
    };
    let created = client
        .create_table()
        .table_name(table)
        .attribute_definitions(attribute("pk")?)
        .attribute_definitions(attribute("sk")?)
        .key_schema(key_element("pk", KeyType::Hash)?)
        .key_schema(key_element("sk", KeyType::Range)?)
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await;
    match created {
        Ok(_) => {}
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_resource_in_use_exception()) => {}
        Err(error) => return Err(from_sdk(BACKEND, &format!("CreateTable {table}"), &error)),
    }
    // A new table takes seconds on AWS to become usable.
    for _ in 0..120 {
        let description = client
            .describe_table()
            .table_name(table)
            .send()
            .await
            .map_err(|e| from_sdk(BACKEND, &format!("DescribeTable {table}"), &e))?;
        if description
            .table()
            .and_then(|t| t.table_status())
            .is_some_and(|status| *status == TableStatus::Active)
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err(Error::Unavailable {
        backend: BACKEND,
        message: format!("table {table} did not become active within a minute"),
    })
}

/// The table both adapters work on.
#[derive(Debug, Clone)]
struct Table {
    client: Client,
    name: String,
}

impl Table {
    async fn get(&self, key: Item) -> Result<Option<Item>> {
        let output = self
            .client
            .get_item()
            .table_name(&self.name)
            .set_key(Some(key.clone()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| {
                from_sdk(
                    BACKEND,
                    &format!("GetItem {} from {}", describe(&key), self.name),
                    &e,
                )
            })?;
        Ok(output.item)
    }

    /// Puts `item`; `true` when it was new. `only_if_new` makes the put
    /// conditional: an existing item is left alone and `false` returned.
    async fn put(&self, item: Item, only_if_new: bool) -> Result<bool> {
        let what = describe(&item);
        let mut request = self
            .client
            .put_item()
            .table_name(&self.name)
            .set_item(Some(item));
        request = if only_if_new {
            request.condition_expression("attribute_not_exists(pk)")
        } else {
            request.return_values(ReturnValue::AllOld)
        };
        match request.send().await {
            Ok(output) => Ok(output.attributes.is_none_or(|old| old.is_empty())),
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(error) => Err(from_sdk(
                BACKEND,
                &format!("PutItem {what} into {}", self.name),
                &error,
            )),
        }
    }

    /// Every item of partition `pk` (whose sort key starts with
    /// `sk_prefix`, when given), in sort-key order, through every page.
    async fn query(&self, pk: &str, sk_prefix: Option<&str>) -> Result<Vec<Item>> {
        let mut items = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let mut request = self
                .client
                .query()
                .table_name(&self.name)
                .consistent_read(true)
                .expression_attribute_values(":pk", s(pk))
                .set_exclusive_start_key(start.take());
            request = match sk_prefix {
                Some(prefix) => request
                    .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                    .expression_attribute_values(":prefix", s(prefix)),
                None => request.key_condition_expression("pk = :pk"),
            };
            let output = request.send().await.map_err(|e| {
                from_sdk(BACKEND, &format!("Query pk = {pk:?} on {}", self.name), &e)
            })?;
            items.extend(output.items.unwrap_or_default());
            match output.last_evaluated_key {
                Some(last) if !last.is_empty() => start = Some(last),
                _ => return Ok(items),
            }
        }
    }

    /// The items at `keys` that exist, in no particular order. Keys are
    /// sent 100 a request, each key once, and unprocessed keys (throttling)
    /// are sent again after a backoff.
    async fn batch_get(&self, keys: Vec<Item>) -> Result<Vec<Item>> {
        let mut found = Vec::new();
        for chunk in keys.chunks(BATCH_GET_LIMIT) {
            let mut pending = chunk.to_vec();
            let mut rounds = BatchRounds::new("BatchGetItem", &self.name);
            loop {
                let request = KeysAndAttributes::builder()
                    .set_keys(Some(pending))
                    .consistent_read(true)
                    .build()
                    .map_err(|e| refused(BACKEND, e))?;
                let output = self
                    .client
                    .batch_get_item()
                    .request_items(&self.name, request)
                    .send()
                    .await
                    .map_err(|e| {
                        from_sdk(BACKEND, &format!("BatchGetItem on {}", self.name), &e)
                    })?;
                if let Some(mut responses) = output.responses {
                    found.extend(responses.remove(&self.name).unwrap_or_default());
                }
                pending = output
                    .unprocessed_keys
                    .and_then(|mut unprocessed| unprocessed.remove(&self.name))
                    .map(|keys| keys.keys)
                    .unwrap_or_default();
                if pending.is_empty() {
                    break;
                }
                rounds.again(pending.len()).await?;
            }
        }
        Ok(found)
    }

    /// Puts `items`, 25 a request, sending unprocessed items (throttling)
    /// again after a backoff. No two items may share a key.
    async fn batch_put(&self, items: Vec<Item>) -> Result<()> {
        for chunk in items.chunks(BATCH_WRITE_LIMIT) {
            let mut pending = chunk
                .iter()
                .map(|item| {
                    let put = PutRequest::builder()
                        .set_item(Some(item.clone()))
                        .build()
                        .map_err(|e| refused(BACKEND, e))?;
                    Ok(WriteRequest::builder().put_request(put).build())
                })
                .collect::<Result<Vec<_>>>()?;
            let mut rounds = BatchRounds::new("BatchWriteItem", &self.name);
            loop {
                let output = self
                    .client
                    .batch_write_item()
                    .request_items(&self.name, pending)
                    .send()
                    .await
                    .map_err(|e| {
                        from_sdk(BACKEND, &format!("BatchWriteItem on {}", self.name), &e)
                    })?;
                pending = output
                    .unprocessed_items
                    .and_then(|mut unprocessed| unprocessed.remove(&self.name))
                    .unwrap_or_default();
                if pending.is_empty() {
                    break;
                }
                rounds.again(pending.len()).await?;
            }
        }
        Ok(())
    }
}

/// The rounds of one batch request whose unprocessed part (throttling) is
/// sent again: at most [`BATCH_ROUNDS`], with a doubling backoff between
/// them, so a table that stays throttled ends in an error, not a spin.
struct BatchRounds<'a> {
    operation: &'static str,
    table: &'a str,
    round: u32,
    backoff: Duration,
}

impl<'a> BatchRounds<'a> {
    fn new(operation: &'static str, table: &'a str) -> Self {
        BatchRounds {
            operation,
            table,
            round: 1,
            backoff: Duration::from_millis(50),
        }
    }

    /// Waits before the next round, or fails when the rounds are spent
    /// with `unprocessed` items left.
    async fn again(&mut self, unprocessed: usize) -> Result<()> {
        if self.round >= BATCH_ROUNDS {
            return Err(Error::Unavailable {
                backend: BACKEND,
                message: format!(
                    "{} on {}: {unprocessed} still unprocessed after {} rounds",
                    self.operation, self.table, self.round
                ),
            });
        }
        tokio::time::sleep(self.backoff).await;
        self.backoff *= 2;
        self.round += 1;
        Ok(())
    }
}

/// A [`RecordStore`] on one DynamoDB table (see the [module docs](self)
/// for its items and access patterns).
#[derive(Debug, Clone)]
pub struct DynamoRecordStore {
    table: Table,
}

impl DynamoRecordStore {
    /// The store on `table`, which must exist with the key schema that
    /// [`create_table`] makes.
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        DynamoRecordStore {
            table: Table {
                client,
                name: table.into(),
            },
        }
    }

    /// The table's name.
    pub fn table_name(&self) -> &str {
        &self.table.name
    }
}

#[async_trait]
impl RecordStore for DynamoRecordStore {
    async fn ping(&self) -> Result<()> {
        // A read of an item that is never written: proves the table is
        // there and readable, and costs the least a request can.
        self.table
            .get(key("PING".to_owned(), "PING".to_owned()))
            .await
            .map(|_| ())
    }

    async fn put_recipe(&self, recipe: &Recipe, mode: PutMode) -> Result<Written> {
        let Some(recipe_id) = recipe.recipe_id else {
            return Err(refused(
                BACKEND,
                format!(
                    "recipe {:?} has no recipeId to be stored under",
                    recipe.recipe_name
                ),
            ));
        };
        let item = document_item(
            RECIPES_PK.to_owned(),
            recipe_sk(recipe_id),
            "recipe",
            recipe,
        )?;
        let new = self.table.put(item, mode == PutMode::Create).await?;
        Ok(match (mode, new) {
            (_, true) => Written::Created,
            (PutMode::Create, false) => Written::Conflict,
            (PutMode::Upsert, false) => Written::Replaced,
        })
    }

    async fn recipe(&self, recipe_id: i64) -> Result<Option<Recipe>> {
        self.table
            .get(key(RECIPES_PK.to_owned(), recipe_sk(recipe_id)))
            .await?
            .map(|item| document(&item))
            .transpose()
    }

    async fn recipes(&self) -> Result<Vec<Recipe>> {
        self.table
            .query(RECIPES_PK, None)
            .await?
            .iter()
            .map(document)
            .collect()
    }

    async fn put_make(&self, record: &MakeRecord) -> Result<Written> {
        let item = document_item(
            make_pk(record.recipe_id),
            make_sk(&record.make_id),
            "make",
            record,
        )?;
        Ok(if self.table.put(item, true).await? {
            Written::Created
        } else {
            Written::AlreadyExists
        })
    }

    async fn make(&self, recipe_id: i64, make_id: &str) -> Result<Option<MakeRecord>> {
        self.table
            .get(key(make_pk(recipe_id), make_sk(make_id)))
            .await?
            .map(|item| document(&item))
            .transpose()
    }

    async fn makes(&self, recipe_id: i64) -> Result<Vec<MakeRecord>> {
        let mut makes = self
            .table
            .query(&make_pk(recipe_id), Some(MAKE_SK_PREFIX))
            .await?
            .iter()
            .map(document::<MakeRecord>)
            .collect::<Result<Vec<_>>>()?;
        // Keys order makes by id; the port wants them oldest first.
        makes.sort_by(|a, b| {
            (a.recorded_at.as_str(), a.make_id.as_str())
                .cmp(&(b.recorded_at.as_str(), b.make_id.as_str()))
        });
        Ok(makes)
    }

    async fn put_rejection(&self, rejection: &Rejection) -> Result<()> {
        let item = document_item(
            REJECTIONS_PK.to_owned(),
            rejection_sk(rejection),
            "rejection",
            rejection,
        )?;
        self.table.put(item, false).await.map(|_| ())
    }

    async fn rejections(&self) -> Result<Vec<Rejection>> {
        self.table
            .query(REJECTIONS_PK, None)
            .await?
            .iter()
            .map(document)
            .collect()
    }
}

/// An [`AnnouncementLog`] on the same table as [`DynamoRecordStore`]: one
/// item per object key holding the etag last announced, and one checkpoint
/// item, all within a scope (normally the bucket's name).
#[derive(Debug, Clone)]
pub struct DynamoAnnouncementLog {
    table: Table,
    scope: String,
}

impl DynamoAnnouncementLog {
    /// The log of `scope` (normally the watched bucket's name) on `table`.
    pub fn new(client: Client, table: impl Into<String>, scope: impl Into<String>) -> Self {
        DynamoAnnouncementLog {
            table: Table {
                client,
                name: table.into(),
            },
            scope: scope.into(),
        }
    }

    /// What this log covers.
    pub fn scope(&self) -> &str {
        &self.scope
    }
}

#[async_trait]
impl AnnouncementLog for DynamoAnnouncementLog {
    async fn unannounced(&self, objects: Vec<ObjectInfo>) -> Result<Vec<ObjectInfo>> {
        if objects.is_empty() {
            return Ok(objects);
        }
        // BatchGetItem refuses a request naming one key twice.
        let mut seen = HashSet::new();
        let keys = objects
            .iter()
            .filter(|object| seen.insert(object.key.as_str()))
            .map(|object| key(announced_pk(&object.key), scope_sk(&self.scope)))
            .collect();
        let announced: HashMap<String, String> = self
            .table
            .batch_get(keys)
            .await?
            .iter()
            .filter_map(|item| {
                let pk = string_attribute(item, "pk")?;
                let object_key = pk.strip_prefix("ANNOUNCED#")?;
                let etag = string_attribute(item, "etag")?;
                Some((object_key.to_owned(), etag.to_owned()))
            })
            .collect();
        Ok(objects
            .into_iter()
            .filter(|object| announced.get(&object.key) != Some(&object.etag))
            .collect())
    }

    async fn record(&self, objects: &[ObjectInfo]) -> Result<()> {
        // BatchWriteItem refuses a request naming one key twice; the last
        // version of a key is the one announced last.
        let mut latest: HashMap<&str, &ObjectInfo> = HashMap::new();
        let mut order = Vec::new();
        for object in objects {
            if latest.insert(object.key.as_str(), object).is_none() {
                order.push(object.key.as_str());
            }
        }
        let items = order
            .into_iter()
            .filter_map(|object_key| latest.get(object_key))
            .map(|object| {
                let mut item = key(announced_pk(&object.key), scope_sk(&self.scope));
                item.insert("kind".to_owned(), s("announced"));
                item.insert("etag".to_owned(), s(object.etag.as_str()));
                item
            })
            .collect();
        self.table.batch_put(items).await
    }

    async fn checkpoint(&self) -> Result<Option<String>> {
        let item = self
            .table
            .get(key(CHECKPOINT_PK.to_owned(), scope_sk(&self.scope)))
            .await?;
        Ok(item.and_then(|item| string_attribute(&item, "key").map(str::to_owned)))
    }

    async fn save_checkpoint(&self, object_key: &str) -> Result<()> {
        let mut item = key(CHECKPOINT_PK.to_owned(), scope_sk(&self.scope));
        item.insert("kind".to_owned(), s("checkpoint"));
        item.insert("key".to_owned(), s(object_key));
        self.table.put(item, false).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipe_sort_keys_sort_like_the_ids() {
        let ids = [i64::MIN, -5, -1, 0, 1, 2, 10, 99, 100, i64::MAX];
        let keys: Vec<String> = ids.iter().map(|&id| recipe_sk(id)).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert_eq!(recipe_sk(1), "RECIPE#09223372036854775809");
        assert!(keys.iter().all(|k| k.len() == "RECIPE#".len() + 20));
    }

    #[test]
    fn rejection_keys_sort_by_time_and_tell_rejections_apart() {
        let at = |time: &str, reason: &str| Rejection {
            source: "s3://b/makes/x.json@e".to_owned(),
            reason: reason.to_owned(),
            rejected_at: time.to_owned(),
        };
        let early = rejection_sk(&at("2026-01-01T00:00:00Z", "bad"));
        let late = rejection_sk(&at("2026-01-02T00:00:00Z", "bad"));
        assert!(early < late);
        assert_eq!(early, rejection_sk(&at("2026-01-01T00:00:00Z", "bad")));
        assert_ne!(early, rejection_sk(&at("2026-01-01T00:00:00Z", "worse")));
    }
}
