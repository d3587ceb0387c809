//! The record store (recipes with every version, makes with their
//! differences, rejections; every list read a page at a time) and the
//! announcement log on one DynamoDB table.
//!
#![doc = include_str!("../docs/dynamodb.md")]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, Delete, DeleteRequest, KeySchemaElement,
    KeyType, KeysAndAttributes, Put, PutRequest, ReturnValue, ScalarAttributeType, TableStatus,
    TransactWriteItem, Update, WriteRequest,
};
use recipe_diff::Recipe;
use recipe_ports::aggregate::{MakeAggregate, Rebuilt, VersionAggregate};
use recipe_ports::records::{
    Claim, LegacyMake, MakeIdentity, MakeRecord, MakeWritten, MigrationReport, RecipeVersion,
    Rejection, VersionWritten, next_make_id, next_recipe_id, recipe_ids_exhausted,
};
use recipe_ports::{AnnouncementLog, ObjectInfo, Page, PageRequest, RecordStore};
use recipe_ports::{Error, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::error_mapping::{from_sdk, refused};

mod compact;

use compact::{COMPRESSED_ATTRIBUTE, DICTIONARY_ATTRIBUTE, Dictionaries, Dictionary};

const BACKEND: &str = "dynamodb";

/// An item: attribute names to values.
type Item = HashMap<String, AttributeValue>;

/// The most keys one BatchGetItem takes.
const BATCH_GET_LIMIT: usize = 100;
/// The most items one BatchWriteItem takes.
const BATCH_WRITE_LIMIT: usize = 25;
/// How often a batch's unprocessed part is sent again before we give up.
const BATCH_ROUNDS: u32 = 8;

/// The partition of every recipe's latest item.
const RECIPES_PK: &str = "RECIPES";
/// What every latest item's sort key starts with.
const RECIPE_SK_PREFIX: &str = "RECIPE#";
/// Recipe versions, in their recipe's partition.
const VERSION_SK_PREFIX: &str = "VERSION#";
const REJECTIONS_PK: &str = "REJECTIONS";
/// What every rejection's sort key, and so every rejections cursor,
/// starts with.
const REJECTION_SK_PREFIX: &str = "REJECTION#";
const CHECKPOINT_PK: &str = "CHECKPOINT";
/// Makes under integer ids; every make sort key starts with [`MAKE_SK_STEM`].
const MAKE_SK_PREFIX: &str = "MAKEID#";
/// Makes stored before ids were integers (`MAKE#<text id>`), until
/// [`DynamoRecordStore::migrate_make_ids`] moves them.
const LEGACY_MAKE_SK_PREFIX: &str = "MAKE#";
/// What both make sort keys start with, so one query finds old makes too.
const MAKE_SK_STEM: &str = "MAKE";
/// The item holding a recipe's largest make id, in its partition.
const MAKE_COUNTER_SK: &str = "MAKECOUNTER";
const CLAIM_SK_PREFIX: &str = "CLAIM#";
/// A recipe version's aggregate, in its recipe's partition (not under
/// `MAKE`, so the makes' query never meets one).
const AGGREGATE_SK_PREFIX: &str = "AGGREGATE#";
/// The item saying a recipe's aggregates are kept: written once they were
/// built from its makes, so that a recipe stored before aggregates existed
/// has them built (lazily, once) before they are read or added to.
const AGGREGATED_SK: &str = "AGGREGATED";
/// The attribute counting the writes of an aggregate item: every write
/// is conditional on the count it read, so two writers never lose each
/// other's makes.
const REVISION_ATTRIBUTE: &str = "rev";
/// The partition of the counter of recipe ids given to bucket objects.
const RECIPE_IDS_PK: &str = "RECIPEIDS";
/// The sort key of that counter.
const RECIPE_IDS_COUNTER_SK: &str = "COUNTER";
/// What the partition of a bucket object's recipe id starts with.
const SOURCE_PK_PREFIX: &str = "SOURCE#";
/// The sort key of a bucket object's recipe id.
const SOURCE_SK: &str = "RECIPEID";

/// An id as 20 decimal digits whose string order is the ids' numeric
/// order: the sign bit flipped turns two's complement order into unsigned
/// order, and 20 digits hold any `u64`.
fn sortable(id: i64) -> String {
    format!("{:020}", (id as u64) ^ (1 << 63))
}

/// The id [`sortable`] wrote, when `digits` is such a text.
fn from_sortable(digits: &str) -> Option<i64> {
    if digits.len() != 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let flipped: u64 = digits.parse().ok()?;
    Some((flipped ^ (1 << 63)) as i64)
}

/// The sort key of recipe `recipe_id`'s latest item, in [`RECIPES_PK`]:
/// sortable, so the recipes list by id.
fn recipe_sk(recipe_id: i64) -> String {
    format!("{RECIPE_SK_PREFIX}{}", sortable(recipe_id))
}

/// The recipe id a latest item's sort key names.
fn recipe_id_of(item: &Item) -> Result<i64> {
    string_attribute(item, "sk")
        .and_then(|sk| sk.strip_prefix(RECIPE_SK_PREFIX))
        .and_then(from_sortable)
        .ok_or_else(|| Error::Corrupt {
            what: describe(item),
            message: "a recipe whose sort key is not RECIPE#<20 digits>".to_owned(),
        })
}

/// The partition of one recipe's versions, makes, make counter and claims.
fn recipe_pk(recipe_id: i64) -> String {
    format!("RECIPE#{recipe_id}")
}

/// The sort key of version `version` (from 1) of a recipe: 19 digits hold
/// any positive `i64`, so string order is version order.
fn version_sk(version: i64) -> String {
    format!("{VERSION_SK_PREFIX}{version:019}")
}

/// A make's sort key: its id, sortable as [`recipe_sk`]'s.
fn make_sk(make_id: i64) -> String {
    format!("{MAKE_SK_PREFIX}{}", sortable(make_id))
}

/// How many items a recipe version's aggregate is split over. Every make
/// rewrites one of them on the condition that no other make did meanwhile;
/// makes spread over the shards by make id, so concurrent makes of one
/// version seldom wait on each other (with one item, a burst of makes of
/// one recipe went round again and again).
const AGGREGATE_SHARDS: i64 = 32;

/// The shard of make `make_id`'s aggregate: the top bits of the id
/// multiplied by an odd constant (Fibonacci hashing), so ids that share
/// their low bits (named ids such as 206000002, 207000002…) still spread
/// over every shard.
fn aggregate_shard(make_id: i64) -> i64 {
    let mixed = (make_id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    // The top five bits: 0 to 31, one per shard.
    (mixed >> 59) as i64 % AGGREGATE_SHARDS
}

/// The sort key of shard `shard` of the aggregate of recipe version
/// `version`.
fn aggregate_sk(version: i64, shard: i64) -> String {
    format!("{AGGREGATE_SK_PREFIX}{version:019}#{shard}")
}

/// The key of shard `shard` of the aggregate of version `version` of
/// recipe `recipe_id`.
fn aggregate_key(recipe_id: i64, version: i64, shard: i64) -> Item {
    key(recipe_pk(recipe_id), aggregate_sk(version, shard))
}

/// An aggregate shard as stored: its revision and what it adds up to.
#[derive(Debug, Clone)]
struct StoredAggregate {
    version: i64,
    shard: i64,
    revision: i64,
    aggregate: MakeAggregate,
}

impl StoredAggregate {
    fn read(item: &Item) -> Result<StoredAggregate> {
        let (version, shard) = string_attribute(item, "sk")
            .and_then(|sk| sk.strip_prefix(AGGREGATE_SK_PREFIX))
            .and_then(|rest| rest.split_once('#'))
            .and_then(|(version, shard)| Some((version.parse().ok()?, shard.parse().ok()?)))
            .ok_or_else(|| Error::Corrupt {
                what: describe(item),
                message: "an aggregate whose sort key is not AGGREGATE#<version>#<shard>"
                    .to_owned(),
            })?;
        Ok(StoredAggregate {
            version,
            shard,
            revision: number_attribute(item, REVISION_ATTRIBUTE)?,
            aggregate: compressed_document(item)?,
        })
    }
}

/// The write that replaces shard `shard` of the aggregate of `version` of
/// recipe `recipe_id`, read at `revision` (`None`: there was none), with
/// `aggregate`.
fn aggregate_write(
    recipe_id: i64,
    (version, shard): (i64, i64),
    revision: Option<i64>,
    aggregate: &MakeAggregate,
) -> Result<TransactWrite> {
    let mut item = compressed_document_item(
        recipe_pk(recipe_id),
        aggregate_sk(version, shard),
        "aggregate",
        aggregate,
    )?;
    item.insert(
        REVISION_ATTRIBUTE.to_owned(),
        AttributeValue::N(revision.map_or(1, |r| r.saturating_add(1)).to_string()),
    );
    Ok(TransactWrite::Aggregate { item, revision })
}

/// The key of the item that records the recipe id given to the bucket
/// object at `location`: a digest, so a location of any length fits in a
/// partition key, and locations spread over partitions.
fn source_key(location: &str) -> Item {
    let digest = Sha256::digest(location.as_bytes());
    key(
        format!("{SOURCE_PK_PREFIX}{}", hex(&digest[..16])),
        SOURCE_SK.to_owned(),
    )
}

/// The key of the counter of recipe ids given to bucket objects.
fn recipe_ids_counter_key() -> Item {
    key(RECIPE_IDS_PK.to_owned(), RECIPE_IDS_COUNTER_SK.to_owned())
}

fn claim_sk(claim_key: &str) -> String {
    format!("{CLAIM_SK_PREFIX}{claim_key}")
}

fn rejection_sk(rejection: &Rejection) -> String {
    let digest = Sha256::new()
        .chain_update(rejection.source.as_bytes())
        .chain_update([0])
        .chain_update(rejection.reason.as_bytes())
        .finalize();
    format!(
        "{REJECTION_SK_PREFIX}{}#{}",
        rejection.rejected_at,
        hex(&digest[..8])
    )
}

/// The sort key a rejections cursor names: the cursor is the last sort
/// key of the page before, so only a text of that form
/// (`REJECTION#<rejectedAt>#<16 hex digits>`, within a sort key's 1024
/// bytes) is one this store gave.
fn rejection_cursor(cursor: &str) -> Result<&str> {
    let digest = cursor
        .strip_prefix(REJECTION_SK_PREFIX)
        .and_then(|rest| rest.rsplit_once('#'))
        .map(|(_, digest)| digest);
    let well_formed = digest.is_some_and(|digest| {
        digest.len() == 16
            && digest
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    });
    if well_formed && cursor.len() <= 1024 {
        Ok(cursor)
    } else {
        Err(Error::InvalidCursor {
            cursor: cursor.to_owned(),
        })
    }
}

/// `bytes` as lowercase hex digits.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
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

/// The key attributes of `item`.
fn key_of(item: &Item) -> Item {
    item.iter()
        .filter(|(name, _)| matches!(name.as_str(), "pk" | "sk"))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
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

/// `item` is corrupt, as `message` says.
fn corrupt(item: &Item, message: String) -> Error {
    Error::Corrupt {
        what: describe(item),
        message,
    }
}

/// The compressed frame an item holds in `z` (see [`compact`]); `None`
/// when it holds its record as JSON text in `doc`, as items written
/// before compact items do.
fn compressed_frame(item: &Item) -> Result<Option<&[u8]>> {
    item.get(COMPRESSED_ATTRIBUTE)
        .map(|frame| {
            frame
                .as_b()
                .map(AsRef::as_ref)
                .map_err(|_| corrupt(item, format!("`{COMPRESSED_ATTRIBUTE}` is not binary")))
        })
        .transpose()
}

/// The record decompressed from `item`'s frame.
fn decompressed<T: DeserializeOwned>(item: &Item, json: &[u8]) -> Result<T> {
    serde_json::from_slice(json).map_err(|e| {
        corrupt(
            item,
            format!("`{COMPRESSED_ATTRIBUTE}` does not read back: {e}"),
        )
    })
}

/// The record an item holds compressed alone in `z`, or as JSON text in
/// `doc`.
fn compressed_document<T: DeserializeOwned>(item: &Item) -> Result<T> {
    let Some(frame) = compressed_frame(item)? else {
        return document(item);
    };
    let json = compact::decompress_alone(frame).map_err(|message| corrupt(item, message))?;
    decompressed(item, &json)
}

/// An item holding `record`'s JSON compressed alone in `z`, under `pk`,
/// `sk`.
fn compressed_document_item<T: Serialize>(
    pk: String,
    sk: String,
    kind: &str,
    record: &T,
) -> Result<Item> {
    let frame = serde_json::to_vec(record)
        .map_err(|e| e.to_string())
        .and_then(|json| compact::compress_alone(&json).map_err(|e| e.to_string()))
        .map_err(|e| {
            refused(
                BACKEND,
                format!("{kind} ({pk}, {sk}) does not compress: {e}"),
            )
        })?;
    let mut item = key(pk, sk);
    item.insert("kind".to_owned(), s(kind));
    item.insert(
        COMPRESSED_ATTRIBUTE.to_owned(),
        AttributeValue::B(frame.into()),
    );
    Ok(item)
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

/// The item of a make record, under its recipe and make id: compressed
/// against `dictionary`, its version's text, when there is one (see
/// [`compact`]), else as JSON text in `doc`. The version it was cooked
/// from is also a number attribute of its own (`recipeVersion`), so that
/// a listing's filter can see it.
fn make_item(record: &MakeRecord, dictionary: Option<&Dictionary>) -> Result<Item> {
    let pk = recipe_pk(record.recipe_id);
    let sk = make_sk(record.make_id);
    let mut item = match dictionary {
        None => document_item(pk, sk, "make", record)?,
        Some(dictionary) => {
            let json = serde_json::to_vec(record).map_err(|e| {
                refused(
                    BACKEND,
                    format!("make ({pk}, {sk}) does not serialize: {e}"),
                )
            })?;
            let frame = dictionary.compress(&json).map_err(|e| {
                refused(BACKEND, format!("make ({pk}, {sk}) does not compress: {e}"))
            })?;
            let mut item = key(pk, sk);
            item.insert("kind".to_owned(), s("make"));
            item.insert(
                COMPRESSED_ATTRIBUTE.to_owned(),
                AttributeValue::B(frame.into()),
            );
            item.insert(
                DICTIONARY_ATTRIBUTE.to_owned(),
                AttributeValue::B(dictionary.digest().to_vec().into()),
            );
            item
        }
    };
    item.insert(
        MAKE_VERSION_ATTRIBUTE.to_owned(),
        AttributeValue::N(record.recipe_version.to_string()),
    );
    Ok(item)
}

/// The version a make item was cooked from: its `recipeVersion`, or 1 for
/// a make written before versions.
fn make_version(item: &Item) -> Result<i64> {
    if item.contains_key(MAKE_VERSION_ATTRIBUTE) {
        number_attribute(item, MAKE_VERSION_ATTRIBUTE)
    } else {
        Ok(1)
    }
}

/// The recipe id a make item's partition key names.
fn make_recipe_id(item: &Item) -> Result<i64> {
    string_attribute(item, "pk")
        .and_then(|pk| pk.strip_prefix("RECIPE#"))
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| {
            corrupt(
                item,
                "a make whose partition key is not RECIPE#<id>".to_owned(),
            )
        })
}

/// The attribute of a make item holding the recipe version it was cooked
/// from; make items written before versions existed have none (version 1).
const MAKE_VERSION_ATTRIBUTE: &str = "recipeVersion";

/// The attribute holding the version number, on a recipe's latest item
/// and its version items; a latest item without it was stored before
/// recipes had versions.
const VERSION_ATTRIBUTE: &str = "version";

/// When version 1 of a recipe stored before recipes had versions was
/// made, as far as we can tell: such items carry no time at all, so the
/// version 1 read from one says this fixed instant (the Unix epoch).
pub const LEGACY_VERSION_CREATED_AT: &str = "1970-01-01T00:00:00.000Z";

/// The message of version 1 of a recipe stored before recipes had
/// versions.
pub const LEGACY_VERSION_MESSAGE: &str = "stored before recipes had versions";

/// An item holding recipe version `version`: `doc` is the recipe alone
/// (what the recipe listing reads, and what a latest item always held),
/// `version` its number, and `meta` the rest of the version (time,
/// source, message, change count) as JSON, so the table needs no change
/// when a version gains a field.
fn version_item(pk: String, sk: String, kind: &str, version: &RecipeVersion) -> Result<Item> {
    let not_json = |e: serde_json::Error| {
        refused(
            BACKEND,
            format!(
                "version {} of recipe {} does not serialize: {e}",
                version.version, version.recipe_id
            ),
        )
    };
    let mut meta = serde_json::to_value(version).map_err(not_json)?;
    if let Some(fields) = meta.as_object_mut() {
        fields.remove("recipe");
    }
    let mut item = document_item(pk, sk, kind, &version.recipe)?;
    item.insert(
        VERSION_ATTRIBUTE.to_owned(),
        AttributeValue::N(version.version.to_string()),
    );
    item.insert("meta".to_owned(), s(meta.to_string()));
    Ok(item)
}

/// Recipe `version.recipe_id`'s latest item, holding `version`.
fn latest_item(version: &RecipeVersion) -> Result<Item> {
    version_item(
        RECIPES_PK.to_owned(),
        recipe_sk(version.recipe_id),
        "recipe",
        version,
    )
}

/// The immutable item of `version`, in its recipe's partition.
fn version_record_item(version: &RecipeVersion) -> Result<Item> {
    version_item(
        recipe_pk(version.recipe_id),
        version_sk(version.version),
        "version",
        version,
    )
}

/// Whether a latest item was stored before recipes had versions: it has
/// no version number (and is at version 1).
fn is_legacy_recipe(item: &Item) -> bool {
    !item.contains_key(VERSION_ATTRIBUTE)
}

/// The version a latest item or a version item holds, of recipe
/// `recipe_id`. A latest item stored before recipes had versions holds
/// version 1, read as [`legacy_first_version`] says.
fn read_version(recipe_id: i64, item: &Item) -> Result<RecipeVersion> {
    if is_legacy_recipe(item) {
        return legacy_first_version(recipe_id, item);
    }
    let corrupt = |message: String| Error::Corrupt {
        what: describe(item),
        message,
    };
    let number = number_attribute(item, VERSION_ATTRIBUTE)?;
    let recipe: serde_json::Value = document(item)?;
    let meta = string_attribute(item, "meta")
        .ok_or_else(|| corrupt("no string attribute `meta`".to_owned()))?;
    let mut fields: serde_json::Map<String, serde_json::Value> = serde_json::from_str(meta)
        .map_err(|e| corrupt(format!("`meta` does not read back: {e}")))?;
    fields.insert("recipe".to_owned(), recipe);
    let version: RecipeVersion = serde_json::from_value(serde_json::Value::Object(fields))
        .map_err(|e| corrupt(format!("the version does not read back: {e}")))?;
    if version.version != number || version.recipe_id != recipe_id {
        return Err(corrupt(format!(
            "it holds version {} of recipe {}",
            version.version, version.recipe_id
        )));
    }
    Ok(version)
}

/// Version 1 of a recipe stored before recipes had versions, read from
/// its latest item: the recipe it holds, at [`LEGACY_VERSION_CREATED_AT`]
/// (the item has no time), from no known source, with
/// [`LEGACY_VERSION_MESSAGE`].
fn legacy_first_version(recipe_id: i64, item: &Item) -> Result<RecipeVersion> {
    let mut recipe: Recipe = document(item)?;
    recipe.recipe_id.get_or_insert(recipe_id);
    Ok(RecipeVersion {
        recipe_id,
        version: 1,
        recipe,
        created_at: LEGACY_VERSION_CREATED_AT.to_owned(),
        source: None,
        message: Some(LEGACY_VERSION_MESSAGE.to_owned()),
        changes: 0,
    })
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

    /// Writes `writes` in one transaction: all or nothing. A cancelled
    /// transaction wrote nothing; [`Transacted`] says why it was cancelled.
    ///
    /// A client request token makes the SDK's own retries of this request
    /// idempotent: a retry after a reply lost on the way (a 500 after the
    /// transaction took effect) is answered as the first, rather than
    /// failing a condition the first attempt itself changed.
    async fn transact(&self, writes: &[TransactWrite]) -> Result<Transacted> {
        let items = writes
            .iter()
            .map(|write| write.to_sdk(&self.name))
            .collect::<Result<Vec<_>>>()?;
        let described = format!(
            "TransactWriteItems of {} items on {}",
            items.len(),
            self.name
        );
        let outcome = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .client_request_token(request_token())
            .send()
            .await;
        let Err(error) = outcome else {
            return Ok(Transacted::Committed);
        };
        let Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) =
            error.as_service_error()
        else {
            return Err(from_sdk(BACKEND, &described, &error));
        };
        // One reason per write, in order, `None` for the writes that
        // were fine.
        let codes: Vec<&str> = cancelled
            .cancellation_reasons()
            .iter()
            .map(|reason| reason.code().unwrap_or("None"))
            .collect();
        if let Some(index) = codes
            .iter()
            .position(|code| *code == "ConditionalCheckFailed")
        {
            return Ok(Transacted::ConditionFailed(index));
        }
        if codes.contains(&"TransactionConflict") {
            return Ok(Transacted::Conflict);
        }
        if codes
            .iter()
            .any(|code| matches!(*code, "ThrottlingError" | "ProvisionedThroughputExceeded"))
        {
            return Err(Error::Unavailable {
                backend: BACKEND,
                message: format!("{described}: throttled ({})", codes.join(", ")),
            });
        }
        if codes.is_empty() {
            // DynamoDB always names the reasons; a compatible server that
            // does not still cancelled the whole transaction, so we ask
            // the table which condition does not hold.
            tracing::debug!(table = %self.name, "a cancelled transaction named no reasons");
            return self.failed_condition(writes).await;
        }
        Err(from_sdk(BACKEND, &described, &error))
    }

    /// Which of `writes` has a condition that does not hold now, read
    /// item by item: the answer to a cancellation that named no reasons.
    /// When every condition holds again (the table changed after the
    /// cancellation), the transaction lost a race: [`Transacted::Conflict`].
    async fn failed_condition(&self, writes: &[TransactWrite]) -> Result<Transacted> {
        for (index, write) in writes.iter().enumerate() {
            let holds = match write {
                TransactWrite::NewItem(item) => {
                    let item_key = key_of(item);
                    self.get(item_key).await?.is_none()
                }
                TransactWrite::DeleteExisting(item_key) => {
                    self.get(item_key.clone()).await?.is_some()
                }
                TransactWrite::Latest { item, expected } => {
                    let stored = self.get(key_of(item)).await?;
                    expected.holds(stored.as_ref())
                }
                TransactWrite::Aggregate { item, revision } => {
                    let stored = self.get(key_of(item)).await?;
                    stored
                        .map(|item| number_attribute(&item, REVISION_ATTRIBUTE))
                        .transpose()?
                        == *revision
                }
                TransactWrite::Counter {
                    recipe_id, from, ..
                } => {
                    let counter = self.get(counter_key(*recipe_id)).await?;
                    counter
                        .map(|item| number_attribute(&item, "last"))
                        .transpose()?
                        == *from
                }
            };
            if !holds {
                return Ok(Transacted::ConditionFailed(index));
            }
        }
        Ok(Transacted::Conflict)
    }

    /// Every item of the table whose sort key starts with `sk_prefix`,
    /// through every page.
    ///
    /// A `Scan` reads (and is billed for) the whole table, whatever the
    /// filter keeps; the ports never use it. Only an operator's one-off
    /// command does ([`DynamoRecordStore::migrate_make_ids`]), where
    /// finding every old make at once is the point.
    async fn scan_sort_key_prefix(&self, sk_prefix: &str) -> Result<Vec<Item>> {
        let mut items = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let output = self
                .client
                .scan()
                .table_name(&self.name)
                .consistent_read(true)
                .filter_expression("begins_with(sk, :prefix)")
                .expression_attribute_values(":prefix", s(sk_prefix))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| {
                    from_sdk(
                        BACKEND,
                        &format!("Scan for sort keys {sk_prefix:?}… on {}", self.name),
                        &e,
                    )
                })?;
            items.extend(output.items.unwrap_or_default());
            match output.last_evaluated_key {
                Some(last) if !last.is_empty() => start = Some(last),
                _ => return Ok(items),
            }
        }
    }

    /// Up to `want` items of one partition, in sort-key order (or the
    /// reverse), after a sort key when the query says so, that the
    /// query's filter and then `keep` accept; `keep` may also stop the
    /// listing with an error.
    ///
    /// A `Query` applies its `Limit` before its filter (and stops at 1 MB
    /// whatever the limit), so one request may answer fewer items than
    /// asked although more follow. We ask for as many as are still
    /// wanted and go on from `LastEvaluatedKey` until `want` are kept or
    /// the partition ends: a page that holds fewer than `want` is the
    /// last one.
    async fn query_page(
        &self,
        query: &PageQuery,
        want: usize,
        mut keep: impl FnMut(&Item) -> Result<bool>,
    ) -> Result<Vec<Item>> {
        let mut kept = Vec::new();
        let mut start = query.after.clone().map(|sk| key(query.pk.clone(), sk));
        while kept.len() < want {
            let limit = i32::try_from(want - kept.len()).unwrap_or(i32::MAX);
            let mut request = self
                .client
                .query()
                .table_name(&self.name)
                .consistent_read(true)
                .expression_attribute_values(":pk", s(query.pk.as_str()))
                .expression_attribute_values(":prefix", s(query.sk_prefix))
                .scan_index_forward(query.forward)
                .limit(limit)
                .set_exclusive_start_key(start.take());
            request = match &query.up_to {
                None => request.key_condition_expression("pk = :pk AND begins_with(sk, :prefix)"),
                Some(last) => request
                    .key_condition_expression("pk = :pk AND sk BETWEEN :prefix AND :last")
                    .expression_attribute_values(":last", s(last.as_str())),
            };
            if let Some(filter) = &query.filter {
                request = request.filter_expression(filter.expression);
                for (name, value) in &filter.values {
                    request = request.expression_attribute_values(*name, value.clone());
                }
                for (placeholder, name) in &filter.names {
                    request = request.expression_attribute_names(*placeholder, *name);
                }
            }
            let output = request.send().await.map_err(|e| {
                from_sdk(
                    BACKEND,
                    &format!(
                        "Query pk = {:?}, sort keys {:?}… on {}",
                        query.pk, query.sk_prefix, self.name
                    ),
                    &e,
                )
            })?;
            for item in output.items.unwrap_or_default() {
                if keep(&item)? {
                    kept.push(item);
                }
            }
            match output.last_evaluated_key {
                Some(last) if !last.is_empty() => start = Some(last),
                _ => break,
            }
        }
        // A response never holds more than its limit, so `kept` holds at
        // most `want`.
        Ok(kept)
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
        let requests = items
            .into_iter()
            .map(|item| {
                let put = PutRequest::builder()
                    .set_item(Some(item))
                    .build()
                    .map_err(|e| refused(BACKEND, e))?;
                Ok(WriteRequest::builder().put_request(put).build())
            })
            .collect::<Result<Vec<_>>>()?;
        self.batch_write(requests).await
    }

    /// Deletes the items at `keys`, 25 a request, as [`Table::batch_put`]
    /// puts; a key with no item is no failure. No two keys may be equal.
    async fn batch_delete(&self, keys: Vec<Item>) -> Result<()> {
        let requests = keys
            .into_iter()
            .map(|key| {
                let delete = DeleteRequest::builder()
                    .set_key(Some(key))
                    .build()
                    .map_err(|e| refused(BACKEND, e))?;
                Ok(WriteRequest::builder().delete_request(delete).build())
            })
            .collect::<Result<Vec<_>>>()?;
        self.batch_write(requests).await
    }

    /// Sends `requests` 25 a BatchWriteItem, sending the unprocessed part
    /// (throttling) again after a backoff.
    async fn batch_write(&self, requests: Vec<WriteRequest>) -> Result<()> {
        for chunk in requests.chunks(BATCH_WRITE_LIMIT) {
            let mut pending = chunk.to_vec();
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

/// What [`Table::query_page`] reads: the items of partition `pk` whose
/// sort key starts with `sk_prefix`.
#[derive(Debug, Clone)]
struct PageQuery {
    pk: String,
    sk_prefix: &'static str,
    /// Continue after this sort key (a page's cursor).
    after: Option<String>,
    /// Sort-key order when `true`, the reverse otherwise.
    forward: bool,
    filter: Option<Filter>,
    /// Only sort keys up to this one (it starts with `sk_prefix`): the key
    /// condition stops the read there, where a filter would read on.
    up_to: Option<String>,
}

impl PageQuery {
    /// The items of `pk` whose sort key starts with `sk_prefix`, in
    /// sort-key order, from the start.
    fn new(pk: String, sk_prefix: &'static str) -> Self {
        PageQuery {
            pk,
            sk_prefix,
            after: None,
            forward: true,
            filter: None,
            up_to: None,
        }
    }
}

/// A query's `FilterExpression` with the values and names it uses.
#[derive(Debug, Clone)]
struct Filter {
    expression: &'static str,
    values: Vec<(&'static str, AttributeValue)>,
    names: Vec<(&'static str, &'static str)>,
}

/// A [`RecordStore`] on one DynamoDB table (see the [module docs](self)
/// for its items and access patterns).
#[derive(Debug, Clone)]
pub struct DynamoRecordStore {
    table: Table,
    /// The texts of the versions whose makes were read or written.
    dictionaries: Dictionaries,
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
            dictionaries: Dictionaries::default(),
        }
    }

    /// The table's name.
    pub fn table_name(&self) -> &str {
        &self.table.name
    }

    /// Recipe `recipe_id`'s latest item, when it is stored.
    async fn latest_item(&self, recipe_id: i64) -> Result<Option<Item>> {
        self.table
            .get(key(RECIPES_PK.to_owned(), recipe_sk(recipe_id)))
            .await
    }

    /// The dictionary of the makes of version `version` of recipe
    /// `recipe_id`: the text of its version item, which is written once
    /// and never changed. `None` when it has no version item (a recipe
    /// stored before versions, still at version 1).
    async fn dictionary(&self, recipe_id: i64, version: i64) -> Result<Option<Arc<Dictionary>>> {
        if let Some(known) = self.dictionaries.get(recipe_id, version) {
            return Ok(Some(known));
        }
        let Some(item) = self
            .table
            .get(key(recipe_pk(recipe_id), version_sk(version)))
            .await?
        else {
            return Ok(None);
        };
        let text = string_attribute(&item, "doc").ok_or_else(|| Error::Corrupt {
            what: describe(&item),
            message: "no string attribute `doc`".to_owned(),
        })?;
        let dictionary = Arc::new(Dictionary::new(text));
        self.dictionaries
            .keep(recipe_id, version, Arc::clone(&dictionary));
        Ok(Some(dictionary))
    }

    /// The make record a make item holds, compressed or as JSON text.
    async fn read_make(&self, item: &Item) -> Result<MakeRecord> {
        let Some(frame) = compressed_frame(item)? else {
            return document(item);
        };
        let digest = item
            .get(DICTIONARY_ATTRIBUTE)
            .and_then(|digest| digest.as_b().ok())
            .ok_or_else(|| {
                corrupt(
                    item,
                    format!("no binary attribute `{DICTIONARY_ATTRIBUTE}`"),
                )
            })?;
        let version = make_version(item)?;
        let dictionary = self
            .dictionary(make_recipe_id(item)?, version)
            .await?
            .ok_or_else(|| {
                corrupt(
                    item,
                    format!("it is compressed against version {version}, whose item is missing"),
                )
            })?;
        let json = dictionary
            .decompress(frame, digest.as_ref())
            .map_err(|message| corrupt(item, message))?;
        decompressed(item, &json)
    }

    /// Version 1 of recipe `recipe_id` when it was stored before recipes
    /// had versions and has had no version since (then its latest item is
    /// its only version); `None` for any other recipe.
    async fn legacy_first_version(&self, recipe_id: i64) -> Result<Option<RecipeVersion>> {
        match self.latest_item(recipe_id).await? {
            Some(item) if is_legacy_recipe(&item) => {
                legacy_first_version(recipe_id, &item).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// Gives every make stored before make ids were integers
    /// (`MAKE#<text id>`) its integer id, as `recipe migrate-ids` does:
    /// see [`DynamoRecordStore::migrate_make_ids_with`].
    ///
    /// # Errors
    /// An old make that does not read (the migration then moves nothing),
    /// or a request that failed (what moved stays moved; run it again).
    pub async fn migrate_make_ids(&self) -> Result<MigrationReport> {
        self.migrate_make_ids_with(&mut |_| {}).await
    }

    /// Gives every make stored before make ids were integers its integer
    /// id, telling `progress` what it does.
    ///
    /// One `Scan` finds the old makes (`MAKE#<text id>`); this is the
    /// adapter's only `Scan`, acceptable because an operator runs it once
    /// per table, not a service per request. Every old make is read and
    /// checked before anything is written. Then, recipe by recipe and in
    /// arrival order (`recordedAt`, then the old id), as the SQLite
    /// migration does:
    ///
    /// - a number written as text (`"7"`) keeps its number; the recipe's
    ///   counter first moves past every kept number, so that no id given
    ///   here or by a server lands on one; a kept number that a make
    ///   stored since the upgrade has taken gets the next id instead
    ///   ([`MoveNote::KeptIdTaken`]);
    /// - any other text id (`s3-…`, `body-…`) gets the next id of its
    ///   recipe; an object's make (`s3-…`) keeps its old id as its claim
    ///   (`CLAIM#s3-…`, as [`RecordStore::put_make`] writes them), so a
    ///   message sent before the migration finds it when redelivered.
    ///
    /// Each make moves in one `TransactWriteItems`: the new item (which
    /// must not exist), the old item deleted (which must still exist), the
    /// counter moved (on the condition that it holds the value read) and
    /// the claim. A crash leaves each make old or new, never both or
    /// neither; running it again moves what is left, and on a table with
    /// nothing old it writes nothing at all. A make that another run moved
    /// meanwhile is skipped ([`MigrationEvent::AlreadyMoved`]).
    ///
    /// # Errors
    /// As [`DynamoRecordStore::migrate_make_ids`].
    pub async fn migrate_make_ids_with(
        &self,
        progress: &mut (dyn FnMut(&MigrationEvent) + Send),
    ) -> Result<MigrationReport> {
        let by_recipe = self.legacy_makes().await?;
        progress(&MigrationEvent::Found {
            makes: by_recipe.values().map(Vec::len).sum(),
            recipes: by_recipe.len(),
        });
        let mut report = MigrationReport::default();
        for (&recipe_id, makes) in &by_recipe {
            let kept = makes
                .iter()
                .filter_map(|legacy| legacy.make.kept_id())
                .max();
            if let Some(kept) = kept {
                self.move_counter_past(recipe_id, kept).await?;
            }
            for legacy in makes {
                let legacy_id = legacy.make.legacy_id.clone();
                match self.move_legacy_make(recipe_id, legacy).await? {
                    Some((make_id, note)) => {
                        report.add(recipe_id, &legacy.make, make_id);
                        progress(&MigrationEvent::Moved {
                            recipe_id,
                            legacy_id,
                            make_id,
                            note,
                        });
                    }
                    None => progress(&MigrationEvent::AlreadyMoved {
                        recipe_id,
                        legacy_id,
                    }),
                }
            }
            // The moved makes are new items that no aggregate counted
            // (a rebuild passes old makes over): count them now.
            self.rebuild_aggregates(recipe_id).await?;
        }
        Ok(report)
    }

    /// Every make of the old form, by recipe, each recipe's in arrival
    /// order. Fails on the first that does not read, before anything is
    /// written.
    async fn legacy_makes(&self) -> Result<BTreeMap<i64, Vec<LegacyItem>>> {
        let mut by_recipe: BTreeMap<i64, Vec<LegacyItem>> = BTreeMap::new();
        for item in self
            .table
            .scan_sort_key_prefix(LEGACY_MAKE_SK_PREFIX)
            .await?
        {
            let corrupt = |message: String| Error::Corrupt {
                what: describe(&item),
                message,
            };
            let recipe_id: i64 = string_attribute(&item, "pk")
                .and_then(|pk| pk.strip_prefix("RECIPE#"))
                .and_then(|id| id.parse().ok())
                .ok_or_else(|| corrupt("an old make outside a RECIPE#<id> partition".to_owned()))?;
            let text_id = string_attribute(&item, "sk")
                .and_then(|sk| sk.strip_prefix(LEGACY_MAKE_SK_PREFIX))
                .unwrap_or_default();
            let document = string_attribute(&item, "doc")
                .ok_or_else(|| corrupt("no string attribute `doc`".to_owned()))?;
            let make = LegacyMake::from_document(document)
                .map_err(|e| corrupt(format!("`doc` does not read back: {e}")))?
                .ok_or_else(|| corrupt("an old make whose `makeId` is not text".to_owned()))?;
            if make.record.recipe_id != recipe_id || make.legacy_id != text_id {
                return Err(corrupt(format!(
                    "the document names make {:?} of recipe {}",
                    make.legacy_id, make.record.recipe_id
                )));
            }
            by_recipe.entry(recipe_id).or_default().push(LegacyItem {
                key: key_of(&item),
                make,
            });
        }
        for makes in by_recipe.values_mut() {
            makes.sort_by(|a, b| {
                (
                    a.make.record.recorded_at.as_str(),
                    a.make.legacy_id.as_str(),
                )
                    .cmp(&(
                        b.make.record.recorded_at.as_str(),
                        b.make.legacy_id.as_str(),
                    ))
            });
        }
        Ok(by_recipe)
    }

    /// Moves recipe `recipe_id`'s counter to `at_least`, unless it is
    /// there or past it already.
    async fn move_counter_past(&self, recipe_id: i64, at_least: i64) -> Result<()> {
        for round in 0..TRANSACTION_ROUNDS {
            let last = self.last_make_id(recipe_id).await?;
            if last.unwrap_or(0) >= at_least {
                return Ok(());
            }
            match self
                .table
                .transact(&[TransactWrite::counter(recipe_id, last, at_least)])
                .await?
            {
                Transacted::Committed => return Ok(()),
                Transacted::Conflict => pause_after_conflict(round).await,
                // Moved meanwhile: read it again.
                Transacted::ConditionFailed(_) => {}
            }
        }
        Err(lost_every_round(recipe_id))
    }

    /// Moves one old make to its integer id in one transaction: the id
    /// and what there is to say about it, or `None` when the old item was
    /// gone (another run moved it).
    async fn move_legacy_make(
        &self,
        recipe_id: i64,
        legacy: &LegacyItem,
    ) -> Result<Option<(i64, Option<MoveNote>)>> {
        let kept = legacy.make.kept_id();
        let claim = legacy.make.claim();
        let mut note = None;
        for round in 0..TRANSACTION_ROUNDS {
            let last = self.last_make_id(recipe_id).await?;
            let make_id = match kept {
                Some(kept) if note != Some(MoveNote::KeptIdTaken) => kept,
                _ => next_id(recipe_id, last)?,
            };
            let record = legacy.make.record.clone().numbered(make_id);
            // In the order a cancellation is best explained by, as in
            // `try_put_make`: the old item gone means another run moved
            // it, whatever else failed.
            let mut writes = vec![TransactWrite::DeleteExisting(legacy.key.clone())];
            let claim_at = match &claim {
                Some(claim) if note != Some(MoveNote::ClaimTaken) => {
                    writes.push(TransactWrite::new_item(claim_item(
                        recipe_id, claim, make_id,
                    )));
                    Some(writes.len() - 1)
                }
                _ => None,
            };
            if make_id > last.unwrap_or(0) {
                writes.push(TransactWrite::counter(recipe_id, last, make_id));
            }
            let make_at = writes.len();
            let dictionary = self.dictionary(recipe_id, record.recipe_version).await?;
            writes.push(TransactWrite::new_item(make_item(
                &record,
                dictionary.as_deref(),
            )?));
            let failed = match self.table.transact(&writes).await? {
                Transacted::Committed => return Ok(Some((make_id, note))),
                Transacted::Conflict => {
                    pause_after_conflict(round).await;
                    continue;
                }
                Transacted::ConditionFailed(index) => index,
            };
            if failed == 0 {
                return Ok(None);
            }
            if claim_at == Some(failed) {
                // The claim names a make stored since the upgrade (the
                // object was delivered again before the migration): that
                // claim stays, and this make moves without one.
                tracing::warn!(
                    recipe_id,
                    legacy_id = %legacy.make.legacy_id,
                    "the object's claim names another make already; moving this one without it"
                );
                note = Some(MoveNote::ClaimTaken);
            } else if failed == make_at && kept == Some(make_id) {
                tracing::warn!(
                    recipe_id,
                    legacy_id = %legacy.make.legacy_id,
                    "a make stored since the upgrade has the kept id; this one gets the next"
                );
                note = Some(MoveNote::KeptIdTaken);
            } else if failed == make_at {
                self.repair_counter(recipe_id, last, make_id).await?;
            } else {
                // The counter moved meanwhile: read it again.
                pause_after_conflict(round).await;
            }
        }
        Err(lost_every_round(recipe_id))
    }

    /// One round of [`RecordStore::put_make`]: `None` when the round must
    /// go again (the id it was given turned out taken, or a transaction
    /// conflicted with another).
    ///
    /// A given id is reserved first, with one atomic `ADD` to the recipe's
    /// counter: it never fails and never races, so writers of one recipe
    /// do not wait on each other. The claim and the make are then written
    /// in one transaction, each on the condition that it is new. A
    /// reserved id that is not used (a redelivery, which finds its claim;
    /// a crash) leaves a gap, never a duplicate. A named id moves the
    /// counter past it before the make is written, so an id given later
    /// does not land on it; should a crash come between the two, a given
    /// id that finds its slot taken is simply reserved again.
    async fn try_put_make(
        &self,
        identity: &MakeIdentity,
        record: &MakeRecord,
        round: u32,
    ) -> Result<Option<MakeWritten>> {
        let recipe_id = record.recipe_id;
        let (make_id, claim) = match identity {
            MakeIdentity::Named(make_id) => {
                self.raise_counter(recipe_id, *make_id).await?;
                (*make_id, None)
            }
            MakeIdentity::Claimed(claim) => match self.reserve_make_id(recipe_id).await? {
                Some(make_id) => (make_id, Some(claim)),
                None => return Ok(Some(MakeWritten::Exhausted)),
            },
            MakeIdentity::Next => match self.reserve_make_id(recipe_id).await? {
                Some(make_id) => (make_id, None),
                None => return Ok(Some(MakeWritten::Exhausted)),
            },
        };
        let record = record.clone().numbered(make_id);
        let contribution = MakeAggregate::of(&record);
        let dictionary = self.dictionary(recipe_id, record.recipe_version).await?;
        let version = record.recipe_version;
        let mut aggregate_round = 0;
        let (failed, make_at) = loop {
            let shard = aggregate_shard(make_id);
            let (revision, mut aggregate) =
                self.aggregate_to_add_to(recipe_id, version, shard).await?;
            aggregate.absorb(&contribution);
            // The claim first: a claim made before answers the request,
            // whatever else failed. The aggregate last: DynamoDB names
            // the first failed condition, so a make stored before is told
            // from an aggregate another make changed meanwhile.
            let mut writes = Vec::with_capacity(3);
            if let Some(claim) = claim {
                writes.push(TransactWrite::new_item(claim_item(
                    recipe_id, claim, make_id,
                )));
            }
            let make_at = writes.len();
            writes.push(TransactWrite::new_item(make_item(
                &record,
                dictionary.as_deref(),
            )?));
            let aggregate_at = writes.len();
            writes.push(aggregate_write(
                recipe_id,
                (version, shard),
                revision,
                &aggregate,
            )?);
            match self.table.transact(&writes).await? {
                Transacted::Committed => return Ok(Some(MakeWritten::Created(record))),
                Transacted::Conflict => {
                    pause_after_conflict(round).await;
                    return Ok(None);
                }
                // Another make of the version was counted meanwhile: add
                // this one to the aggregate as it is now, keeping the id.
                Transacted::ConditionFailed(index) if index == aggregate_at => {
                    aggregate_round += 1;
                    if aggregate_round >= TRANSACTION_ROUNDS {
                        return Err(lost_every_round(recipe_id));
                    }
                    pause_after_conflict(aggregate_round).await;
                }
                Transacted::ConditionFailed(index) => break (index, make_at),
            }
        };
        match (claim, identity) {
            (Some(claim), _) if failed != make_at => self.claimed(recipe_id, claim).await,
            // The make named so is stored.
            (_, MakeIdentity::Named(_)) => {
                let stored =
                    self.make(recipe_id, make_id)
                        .await?
                        .ok_or_else(|| Error::Unavailable {
                            backend: BACKEND,
                            message: format!(
                                "make {make_id} of recipe {recipe_id} was there and is gone"
                            ),
                        })?;
                Ok(Some(MakeWritten::Existing(stored)))
            }
            // A given id whose slot a named make took before the counter
            // moved past it: reserve another.
            _ => {
                tracing::warn!(
                    recipe_id,
                    make_id,
                    "a given make id was taken by a named make"
                );
                Ok(None)
            }
        }
    }

    /// The largest recipe id stored (the last latest item of `RECIPES`,
    /// in id order), `None` when there is none.
    async fn largest_recipe_id(&self) -> Result<Option<i64>> {
        let query = PageQuery {
            forward: false,
            ..PageQuery::new(RECIPES_PK.to_owned(), RECIPE_SK_PREFIX)
        };
        let items = self.table.query_page(&query, 1, |_| Ok(true)).await?;
        items.first().map(recipe_id_of).transpose()
    }

    /// Reserves a recipe id for the bucket object at `location`, past
    /// `largest`, the largest recipe id stored: one atomic `ADD` to the
    /// counter of given ids; when a recipe posted with an id of its own
    /// is past the counter, the counter first moves up to it.
    async fn reserve_recipe_id(&self, largest: Option<i64>, location: &str) -> Result<i64> {
        // Past the last id given, no reservation can be in range: say so
        // before the counter moves out of `i64`.
        if largest.is_some_and(|largest| next_recipe_id(largest).is_none()) {
            return Err(recipe_ids_exhausted(BACKEND, location));
        }
        let mut reserved = self.add_to_recipe_ids().await?;
        if let Some(largest) = largest
            && reserved <= largest
        {
            self.raise_recipe_ids(largest).await?;
            reserved = self.add_to_recipe_ids().await?;
        }
        // The counter only moves up from 0, so the id reserved is the one
        // after the last; `next_recipe_id` says whether it is in range.
        next_recipe_id(reserved - 1).ok_or_else(|| recipe_ids_exhausted(BACKEND, location))
    }

    /// `ADD last :1` on the counter of given recipe ids (created at 1 when
    /// missing): the new value.
    async fn add_to_recipe_ids(&self) -> Result<i64> {
        let output = self
            .table
            .client
            .update_item()
            .table_name(&self.table.name)
            .set_key(Some(recipe_ids_counter_key()))
            .update_expression("ADD #last :one SET #kind = :kind")
            .expression_attribute_names("#last", "last")
            .expression_attribute_names("#kind", "kind")
            .expression_attribute_values(":one", AttributeValue::N("1".to_owned()))
            .expression_attribute_values(":kind", s("recipe id counter"))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| {
                from_sdk(
                    BACKEND,
                    &format!("UpdateItem (ADD) recipe id counter on {}", self.table.name),
                    &e,
                )
            })?;
        number_attribute(&output.attributes.unwrap_or_default(), "last")
    }

    /// Moves the counter of given recipe ids up to `recipe_id` unless it
    /// is past it already.
    async fn raise_recipe_ids(&self, recipe_id: i64) -> Result<()> {
        let what = format!("recipe id counter on {}", self.table.name);
        self.raise_to(
            recipe_ids_counter_key(),
            recipe_id,
            "recipe id counter",
            &what,
        )
        .await
    }

    /// The recipe id recorded for the bucket object at `location`.
    async fn recorded_recipe_id(&self, location: &str) -> Result<Option<i64>> {
        self.table
            .get(source_key(location))
            .await?
            .map(|item| number_attribute(&item, "recipeId"))
            .transpose()
    }

    /// Reserves the next make id of recipe `recipe_id` with one atomic
    /// `ADD` to its counter (created at 1 when missing); `None` once the
    /// ids run past [`recipe_ports::records::MAX_MAKE_ID`].
    async fn reserve_make_id(&self, recipe_id: i64) -> Result<Option<i64>> {
        let output = self
            .table
            .client
            .update_item()
            .table_name(&self.table.name)
            .set_key(Some(counter_key(recipe_id)))
            .update_expression("ADD #last :one SET #kind = :kind")
            .expression_attribute_names("#last", "last")
            .expression_attribute_names("#kind", "kind")
            .expression_attribute_values(":one", AttributeValue::N("1".to_owned()))
            .expression_attribute_values(":kind", s("counter"))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| {
                from_sdk(
                    BACKEND,
                    &format!(
                        "UpdateItem (ADD) make counter of recipe {recipe_id} on {}",
                        self.table.name
                    ),
                    &e,
                )
            })?;
        let attributes = output.attributes.unwrap_or_default();
        let reserved = number_attribute(&attributes, "last")?;
        // The counter only moves up from 0, so the id reserved is the
        // one after the last; `next_make_id` says whether it is in range.
        Ok(next_make_id(reserved - 1))
    }

    /// Moves recipe `recipe_id`'s counter up to `make_id` unless it is
    /// there already (a named id: ids given later must pass it). Ids at or
    /// below 0 leave it alone.
    async fn raise_counter(&self, recipe_id: i64, make_id: i64) -> Result<()> {
        if make_id <= 0 {
            return Ok(());
        }
        let what = format!("make counter of recipe {recipe_id} on {}", self.table.name);
        self.raise_to(counter_key(recipe_id), make_id, "counter", &what)
            .await
    }

    /// Moves the counter item at `key` (of `kind`) up to `id`, unless it is
    /// past it already: ids given later must pass one named meanwhile.
    async fn raise_to(&self, key: Item, id: i64, kind: &str, what: &str) -> Result<()> {
        let raised = self
            .table
            .client
            .update_item()
            .table_name(&self.table.name)
            .set_key(Some(key))
            .update_expression("SET #last = :id, #kind = :kind")
            .condition_expression("attribute_not_exists(#last) OR #last < :id")
            .expression_attribute_names("#last", "last")
            .expression_attribute_names("#kind", "kind")
            .expression_attribute_values(":id", AttributeValue::N(id.to_string()))
            .expression_attribute_values(":kind", s(kind))
            .send()
            .await;
        match raised {
            Ok(_) => Ok(()),
            // Past it already.
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(())
            }
            Err(error) => Err(from_sdk(BACKEND, &format!("UpdateItem {what}"), &error)),
        }
    }

    /// Moves recipe `recipe_id`'s counter from `last` to `make_id`, whose
    /// slot a migrating transaction found taken although the counter was
    /// behind it (a named make whose counter move a crash cut off); the
    /// caller goes round again. A race lost here changes nothing: the next
    /// round reads the counter again.
    async fn repair_counter(&self, recipe_id: i64, last: Option<i64>, make_id: i64) -> Result<()> {
        tracing::warn!(recipe_id, make_id, "a make id counter was behind its makes");
        self.table
            .transact(&[TransactWrite::counter(recipe_id, last, make_id)])
            .await
            .map(|_| ())
    }

    /// The largest make id recipe `recipe_id` has used, `None` before its
    /// first make.
    async fn last_make_id(&self, recipe_id: i64) -> Result<Option<i64>> {
        let item = self.table.get(counter_key(recipe_id)).await?;
        item.map(|item| number_attribute(&item, "last")).transpose()
    }

    /// The aggregate a new make of `version` of recipe `recipe_id` is
    /// added to, with its revision (`None`: not stored yet). A recipe whose
    /// aggregates were never built (its makes were stored before
    /// aggregates were kept) has them built first, once.
    async fn aggregate_to_add_to(
        &self,
        recipe_id: i64,
        version: i64,
        shard: i64,
    ) -> Result<(Option<i64>, MakeAggregate)> {
        let shard_key = aggregate_key(recipe_id, version, shard);
        if let Some(item) = self.table.get(shard_key.clone()).await? {
            let stored = StoredAggregate::read(&item)?;
            return Ok((Some(stored.revision), stored.aggregate));
        }
        if !self.aggregated(recipe_id).await? {
            if self.has_makes(recipe_id).await? {
                self.rebuild_aggregates(recipe_id).await?;
                if let Some(item) = self.table.get(shard_key).await? {
                    let stored = StoredAggregate::read(&item)?;
                    return Ok((Some(stored.revision), stored.aggregate));
                }
            } else {
                // A new recipe: nothing to build, and no rebuild for the
                // writers of its first makes to race.
                self.mark_aggregated(recipe_id).await?;
            }
        }
        Ok((None, MakeAggregate::default()))
    }

    /// Whether recipe `recipe_id` has a make stored (one `Query`, `Limit`
    /// 1).
    async fn has_makes(&self, recipe_id: i64) -> Result<bool> {
        let query = PageQuery::new(recipe_pk(recipe_id), MAKE_SK_PREFIX);
        Ok(!self
            .table
            .query_page(&query, 1, |_| Ok(true))
            .await?
            .is_empty())
    }

    /// Writes recipe `recipe_id`'s [`AGGREGATED_SK`] item.
    async fn mark_aggregated(&self, recipe_id: i64) -> Result<()> {
        let mut marker = key(recipe_pk(recipe_id), AGGREGATED_SK.to_owned());
        marker.insert("kind".to_owned(), s("aggregated"));
        self.table.put(marker, false).await?;
        Ok(())
    }

    /// Whether recipe `recipe_id`'s aggregates were built from its makes
    /// (its [`AGGREGATED_SK`] item exists).
    async fn aggregated(&self, recipe_id: i64) -> Result<bool> {
        Ok(self
            .table
            .get(key(recipe_pk(recipe_id), AGGREGATED_SK.to_owned()))
            .await?
            .is_some())
    }

    /// Every stored aggregate of recipe `recipe_id`, by version.
    async fn stored_aggregates(&self, recipe_id: i64) -> Result<Vec<StoredAggregate>> {
        let query = PageQuery::new(recipe_pk(recipe_id), AGGREGATE_SK_PREFIX);
        let items = self
            .table
            .query_page(&query, usize::MAX, |_| Ok(true))
            .await?;
        items.iter().map(StoredAggregate::read).collect()
    }

    /// One round of [`RecordStore::rebuild_aggregates`]: `None` when a make
    /// was stored meanwhile (an aggregate's revision moved) and the round
    /// must go again.
    async fn try_rebuild(&self, recipe_id: i64) -> Result<Option<Rebuilt>> {
        // The revisions first, then the makes: a make stored after its
        // aggregate's revision was read fails the write below, and one
        // stored before is among the makes read.
        let stored = self.stored_aggregates(recipe_id).await?;
        let (built, makes) = self.aggregates_of_makes(recipe_id).await?;
        let mut writes = Vec::new();
        for (&(version, shard), aggregate) in &built {
            let kept = stored
                .iter()
                .find(|s| (s.version, s.shard) == (version, shard));
            // What is right already is not written again: a second
            // rebuild writes nothing.
            if kept.is_some_and(|kept| kept.aggregate == *aggregate) {
                continue;
            }
            writes.push(aggregate_write(
                recipe_id,
                (version, shard),
                kept.map(|kept| kept.revision),
                aggregate,
            )?);
        }
        for kept in &stored {
            if !built.contains_key(&(kept.version, kept.shard)) {
                writes.push(TransactWrite::DeleteExisting(aggregate_key(
                    recipe_id,
                    kept.version,
                    kept.shard,
                )));
            }
        }
        // A transaction takes at most 100 writes; each chunk is all or
        // nothing, and a failed one sends the whole rebuild round again,
        // which reads what the chunks before it wrote.
        for chunk in writes.chunks(100) {
            match self.table.transact(chunk).await? {
                Transacted::Committed => {}
                Transacted::Conflict | Transacted::ConditionFailed(_) => return Ok(None),
            }
        }
        self.mark_aggregated(recipe_id).await?;
        let versions: HashSet<i64> = built.keys().map(|(version, _)| *version).collect();
        Ok(Some(Rebuilt {
            makes,
            versions: versions.len() as u64,
        }))
    }

    /// The aggregates of recipe `recipe_id`'s makes per version, and how
    /// many makes were read: a page of makes at a time, each added and
    /// dropped, so a recipe of any size is summed in little memory. Makes
    /// still under text ids (`MAKE#…`) are passed over: `recipe
    /// migrate-ids` rebuilds the aggregates of each recipe it moves.
    async fn aggregates_of_makes(
        &self,
        recipe_id: i64,
    ) -> Result<(BTreeMap<(i64, i64), MakeAggregate>, u64)> {
        let mut shards: BTreeMap<(i64, i64), MakeAggregate> = BTreeMap::new();
        let mut read = 0u64;
        let mut query = PageQuery::new(recipe_pk(recipe_id), MAKE_SK_PREFIX);
        loop {
            let items = self
                .table
                .query_page(&query, PageRequest::<i64>::MAX_LIMIT, |_| Ok(true))
                .await?;
            for item in &items {
                let make = self.read_make(item).await?;
                shards
                    .entry((make.recipe_version, aggregate_shard(make.make_id)))
                    .or_default()
                    .absorb(&MakeAggregate::of(&make));
                read += 1;
            }
            match items.last() {
                Some(last) if items.len() == PageRequest::<i64>::MAX_LIMIT => {
                    query.after = string_attribute(last, "sk").map(str::to_owned);
                }
                _ => break,
            }
        }
        Ok((shards, read))
    }

    /// What a claim made before answers: its make, or a mismatch.
    async fn claimed(&self, recipe_id: i64, claim: &Claim) -> Result<Option<MakeWritten>> {
        let Some(item) = self
            .table
            .get(key(recipe_pk(recipe_id), claim_sk(&claim.key)))
            .await?
        else {
            // The claim was there a moment ago; go round again.
            return Ok(None);
        };
        let make_id = number_attribute(&item, "makeId")?;
        // A claim without its fingerprint matches no request.
        let Some(fingerprint) = string_attribute(&item, "fingerprint") else {
            return Ok(Some(MakeWritten::ClaimMismatch { make_id }));
        };
        // Read before the fingerprint is compared, as `answer` reads
        // synchronously: a reused idempotency key (a 422) costs one read
        // more; a redelivery, the common case, none.
        let stored = self.make(recipe_id, make_id).await?;
        claim
            .answer(recipe_id, (fingerprint, make_id), |_| Ok(stored))
            .map(Some)
    }
}

/// What [`DynamoRecordStore::migrate_make_ids_with`] is doing, for an
/// operator watching it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MigrationEvent {
    /// The scan is done: this many old makes to move.
    Found {
        /// Old makes found.
        makes: usize,
        /// Recipes they belong to.
        recipes: usize,
    },
    /// One make moved to its integer id.
    Moved {
        /// Its recipe.
        recipe_id: i64,
        /// Its old text id.
        legacy_id: String,
        /// Its id now.
        make_id: i64,
        /// Anything that went otherwise than planned.
        note: Option<MoveNote>,
    },
    /// The old make was gone when its turn came: another run moved it.
    AlreadyMoved {
        /// Its recipe.
        recipe_id: i64,
        /// Its old text id.
        legacy_id: String,
    },
}

/// Why a make moved otherwise than planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MoveNote {
    /// Its text id was a number, but a make stored since the upgrade (a
    /// server running before the migration) had taken that number: it
    /// got the next id of its recipe instead.
    KeptIdTaken,
    /// Its object claim already named a make stored since the upgrade
    /// (the object was delivered again before the migration): that claim
    /// stays, and this make moved without one.
    ClaimTaken,
}

/// An old make as the migration's scan found it.
#[derive(Debug)]
struct LegacyItem {
    /// Its item's key, to delete it by.
    key: Item,
    make: LegacyMake,
}

/// How a transaction ended, when DynamoDB answered it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transacted {
    /// Every write took effect.
    Committed,
    /// Cancelled, nothing written: the condition of the write at this
    /// index failed (the first such).
    ConditionFailed(usize),
    /// Cancelled, nothing written: another transaction was writing one of
    /// the same items at that moment (`TransactionConflict`). The same
    /// writes may succeed a moment later.
    Conflict,
}

/// A recipe whose make counter other writers kept moving, every round.
fn lost_every_round(recipe_id: i64) -> Error {
    Error::Unavailable {
        backend: BACKEND,
        message: format!(
            "make of recipe {recipe_id}: other writers won the make id {TRANSACTION_ROUNDS} times"
        ),
    }
}

/// Waits before the next round after a race lost to another writer (its
/// counter write, or a `TransactionConflict`): a random time up to 10 ms
/// doubled each round (at most 640 ms), so writers that collided do not
/// collide again at once.
async fn pause_after_conflict(round: u32) {
    let ceiling_ms = 10u64 << round.min(6);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos());
    tokio::time::sleep(Duration::from_millis(u64::from(nanos) % ceiling_ms + 1)).await;
}

/// A token no other transaction of this process (or, with the process id
/// and the time in it, of another) uses: at most 36 characters.
fn request_token() -> String {
    static SEQUENCE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let sequence = SEQUENCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    let digest = Sha256::new()
        .chain_update(std::process::id().to_le_bytes())
        .chain_update(nanos.to_le_bytes())
        .chain_update(sequence.to_le_bytes())
        .finalize();
    hex(&digest[..16])
}

/// How many rounds [`RecordStore::put_make`] (and a migrated make) takes
/// before it gives up.
const TRANSACTION_ROUNDS: u32 = 16;

/// The id recipe `recipe_id` gives after `last`, for a migrated make:
/// one that cannot be given one is refused, naming it.
fn next_id(recipe_id: i64, last: Option<i64>) -> Result<i64> {
    next_make_id(last.unwrap_or(0)).ok_or_else(|| {
        refused(
            BACKEND,
            format!(
                "recipe {recipe_id} has used its last make id; a migrated make cannot be given one"
            ),
        )
    })
}

/// The number attribute `name` of `item`.
fn number_attribute(item: &Item, name: &str) -> Result<i64> {
    item.get(name)
        .and_then(|value| value.as_n().ok())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| Error::Corrupt {
            what: describe(item),
            message: format!("no whole-number attribute `{name}`"),
        })
}

/// The key of recipe `recipe_id`'s make counter.
fn counter_key(recipe_id: i64) -> Item {
    key(recipe_pk(recipe_id), MAKE_COUNTER_SK.to_owned())
}

/// The claim item naming make `make_id` of recipe `recipe_id`.
fn claim_item(recipe_id: i64, claim: &Claim, make_id: i64) -> Item {
    let mut item = key(recipe_pk(recipe_id), claim_sk(&claim.key));
    item.insert("kind".to_owned(), s("claim"));
    item.insert("makeId".to_owned(), AttributeValue::N(make_id.to_string()));
    item.insert("fingerprint".to_owned(), s(claim.fingerprint.as_str()));
    item
}

/// One write of a make transaction.
#[derive(Debug, Clone)]
enum TransactWrite {
    /// Put an item that must not exist yet.
    NewItem(Item),
    /// Move recipe `recipe_id`'s make counter from `from` (`None`: no
    /// counter yet) to `to`, on the condition that it is still `from`.
    Counter {
        recipe_id: i64,
        from: Option<i64>,
        to: i64,
    },
    /// Delete an item that must exist (a migrated make's old item).
    DeleteExisting(Item),
    /// Put a recipe version's aggregate, on the condition that the stored
    /// one is still at `revision` (`None`: there is none).
    Aggregate { item: Item, revision: Option<i64> },
    /// Put a recipe's latest item, on the condition that the latest item
    /// stored is still the one `expected` describes.
    Latest {
        item: Item,
        expected: LatestExpected,
    },
}

/// What a recipe's latest item must be for a new version to replace it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum LatestExpected {
    /// No item: the recipe is new (its version 1).
    Absent,
    /// The item of this version: the one before the new version.
    Version(i64),
    /// The item stored before recipes had versions, holding exactly this
    /// `doc`: the version 1 read from it is the version 1 written.
    Legacy(String),
}

impl LatestExpected {
    /// Whether `stored` (the latest item now) is what is expected.
    fn holds(&self, stored: Option<&Item>) -> bool {
        match (self, stored) {
            (LatestExpected::Absent, stored) => stored.is_none(),
            (_, None) => false,
            (LatestExpected::Version(version), Some(item)) => item
                .get(VERSION_ATTRIBUTE)
                .and_then(|value| value.as_n().ok())
                .is_some_and(|n| n.parse() == Ok(*version)),
            (LatestExpected::Legacy(doc), Some(item)) => {
                is_legacy_recipe(item) && string_attribute(item, "doc") == Some(doc.as_str())
            }
        }
    }
}

impl TransactWrite {
    fn new_item(item: Item) -> Self {
        TransactWrite::NewItem(item)
    }

    fn counter(recipe_id: i64, from: Option<i64>, to: i64) -> Self {
        TransactWrite::Counter {
            recipe_id,
            from,
            to,
        }
    }

    fn to_sdk(&self, table: &str) -> Result<TransactWriteItem> {
        let builder = TransactWriteItem::builder();
        let put_new = |item: Item| {
            Put::builder()
                .table_name(table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk)")
                .build()
                .map_err(|e| refused(BACKEND, e))
        };
        Ok(match self {
            TransactWrite::NewItem(item) => builder.put(put_new(item.clone())?).build(),
            // The first counter is put whole: an item never exists
            // without its `last`, even for a moment. (moto creates an
            // updated item key first and sets its attributes after, and a
            // concurrent read saw it half made.)
            TransactWrite::Counter {
                recipe_id,
                from: None,
                to,
            } => {
                let mut item = counter_key(*recipe_id);
                item.insert("kind".to_owned(), s("counter"));
                item.insert("last".to_owned(), AttributeValue::N(to.to_string()));
                builder.put(put_new(item)?).build()
            }
            TransactWrite::Counter {
                recipe_id,
                from: Some(from),
                to,
            } => builder
                .update(
                    Update::builder()
                        .table_name(table)
                        .set_key(Some(counter_key(*recipe_id)))
                        .update_expression("SET #last = :to")
                        .condition_expression("#last = :from")
                        .expression_attribute_names("#last", "last")
                        .expression_attribute_values(":to", AttributeValue::N(to.to_string()))
                        .expression_attribute_values(":from", AttributeValue::N(from.to_string()))
                        .build()
                        .map_err(|e| refused(BACKEND, e))?,
                )
                .build(),
            TransactWrite::Latest { item, expected } => {
                let put = Put::builder()
                    .table_name(table)
                    .set_item(Some(item.clone()));
                let put = match expected {
                    LatestExpected::Absent => put.condition_expression("attribute_not_exists(pk)"),
                    LatestExpected::Version(version) => put
                        .condition_expression("#version = :before")
                        .expression_attribute_names("#version", VERSION_ATTRIBUTE)
                        .expression_attribute_values(
                            ":before",
                            AttributeValue::N(version.to_string()),
                        ),
                    // A doc is at most an item's 400 KB, which a condition's
                    // value may be; the transaction stays far below its 4 MB.
                    LatestExpected::Legacy(doc) => put
                        .condition_expression(
                            "attribute_exists(pk) AND attribute_not_exists(#version) AND #doc = :doc",
                        )
                        .expression_attribute_names("#version", VERSION_ATTRIBUTE)
                        .expression_attribute_names("#doc", "doc")
                        .expression_attribute_values(":doc", s(doc.as_str())),
                };
                builder
                    .put(put.build().map_err(|e| refused(BACKEND, e))?)
                    .build()
            }
            TransactWrite::Aggregate {
                item,
                revision: None,
            } => builder.put(put_new(item.clone())?).build(),
            TransactWrite::Aggregate {
                item,
                revision: Some(revision),
            } => builder
                .put(
                    Put::builder()
                        .table_name(table)
                        .set_item(Some(item.clone()))
                        .condition_expression("#rev = :rev")
                        .expression_attribute_names("#rev", REVISION_ATTRIBUTE)
                        .expression_attribute_values(
                            ":rev",
                            AttributeValue::N(revision.to_string()),
                        )
                        .build()
                        .map_err(|e| refused(BACKEND, e))?,
                )
                .build(),
            TransactWrite::DeleteExisting(item_key) => builder
                .delete(
                    Delete::builder()
                        .table_name(table)
                        .set_key(Some(item_key.clone()))
                        .condition_expression("attribute_exists(pk)")
                        .build()
                        .map_err(|e| refused(BACKEND, e))?,
                )
                .build(),
        })
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

    async fn put_version(&self, version: &RecipeVersion) -> Result<VersionWritten> {
        if version.version < 1 {
            return Err(refused(
                BACKEND,
                format!(
                    "version {} of recipe {} is below 1",
                    version.version, version.recipe_id
                ),
            ));
        }
        // Set once a version 2 finds its recipe stored before versions.
        let mut legacy: Option<Item> = None;
        for round in 0..TRANSACTION_ROUNDS {
            let writes = version_writes(version, legacy.as_ref())?;
            match self.table.transact(&writes).await? {
                Transacted::Committed => return Ok(VersionWritten::Created),
                Transacted::Conflict => pause_after_conflict(round).await,
                Transacted::ConditionFailed(_) if version.version == 2 && legacy.is_none() => {
                    // A recipe stored before versions is at version 1
                    // without saying so: its version 2 writes version 1
                    // too, once.
                    match self.latest_item(version.recipe_id).await? {
                        Some(item) if is_legacy_recipe(&item) => legacy = Some(item),
                        _ => return Ok(VersionWritten::Taken),
                    }
                }
                Transacted::ConditionFailed(_) => return Ok(VersionWritten::Taken),
            }
        }
        Err(Error::Unavailable {
            backend: BACKEND,
            message: format!(
                "version {} of recipe {}: other transactions conflicted {TRANSACTION_ROUNDS} times",
                version.version, version.recipe_id
            ),
        })
    }

    async fn latest_version(&self, recipe_id: i64) -> Result<Option<RecipeVersion>> {
        self.latest_item(recipe_id)
            .await?
            .map(|item| read_version(recipe_id, &item))
            .transpose()
    }

    async fn recipe_version(&self, recipe_id: i64, version: i64) -> Result<Option<RecipeVersion>> {
        if version < 1 {
            return Ok(None);
        }
        let stored = self
            .table
            .get(key(recipe_pk(recipe_id), version_sk(version)))
            .await?;
        match stored {
            Some(item) => read_version(recipe_id, &item).map(Some),
            // A recipe stored before versions has no version items: its
            // latest item is version 1.
            None if version == 1 => self.legacy_first_version(recipe_id).await,
            None => Ok(None),
        }
    }

    async fn versions(
        &self,
        recipe_id: i64,
        page: &PageRequest<i64>,
    ) -> Result<Page<RecipeVersion, i64>> {
        if page.after.is_some_and(|after| after <= 1) {
            // Nothing comes before version 1.
            return Ok(Page {
                items: Vec::new(),
                next: None,
            });
        }
        let query = PageQuery {
            after: page.after.map(version_sk),
            forward: false,
            ..PageQuery::new(recipe_pk(recipe_id), VERSION_SK_PREFIX)
        };
        let items = self
            .table
            .query_page(&query, page_limit(page.limit) + 1, |_| Ok(true))
            .await?;
        let mut versions = items
            .iter()
            .map(|item| read_version(recipe_id, item))
            .collect::<Result<Vec<_>>>()?;
        if versions.is_empty() {
            // No version items: an unknown recipe, or one stored before
            // versions, whose only version is its latest item.
            versions.extend(self.legacy_first_version(recipe_id).await?);
        }
        Ok(Page::from_items(
            versions,
            page_limit(page.limit),
            |version| version.version,
        ))
    }

    async fn recipes_page(&self, page: &PageRequest<i64>) -> Result<Page<Recipe, i64>> {
        let query = PageQuery {
            after: page.after.map(recipe_sk),
            ..PageQuery::new(RECIPES_PK.to_owned(), RECIPE_SK_PREFIX)
        };
        let items = self
            .table
            .query_page(&query, page_limit(page.limit) + 1, |_| Ok(true))
            .await?;
        let recipes = items
            .iter()
            .map(|item| Ok((recipe_id_of(item)?, document::<Recipe>(item)?)))
            .collect::<Result<Vec<_>>>()?;
        let page = Page::from_items(recipes, page_limit(page.limit), |(recipe_id, _)| *recipe_id);
        Ok(Page {
            items: page.items.into_iter().map(|(_, recipe)| recipe).collect(),
            next: page.next,
        })
    }

    async fn put_make(&self, identity: &MakeIdentity, record: &MakeRecord) -> Result<MakeWritten> {
        // A round goes again only when its given id turned out taken or
        // its transaction conflicted with another: rare, since ids are
        // reserved atomically (see `try_put_make`).
        for round in 0..TRANSACTION_ROUNDS {
            if let Some(written) = self.try_put_make(identity, record, round).await? {
                return Ok(written);
            }
        }
        Err(lost_every_round(record.recipe_id))
    }

    /// One `Query` of the recipe's `AGGREGATE#` items, after a `GetItem`
    /// of its `AGGREGATED` item; a recipe whose aggregates were never built
    /// has them built first (see `rebuild_aggregates`).
    async fn aggregates(&self, recipe_id: i64) -> Result<Vec<VersionAggregate>> {
        if !self.aggregated(recipe_id).await? {
            self.rebuild_aggregates(recipe_id).await?;
        }
        let mut versions: BTreeMap<i64, MakeAggregate> = BTreeMap::new();
        for stored in self.stored_aggregates(recipe_id).await? {
            versions
                .entry(stored.version)
                .or_default()
                .absorb(&stored.aggregate);
        }
        Ok(versions
            .into_iter()
            .map(|(version, aggregate)| VersionAggregate {
                recipe_id,
                version,
                aggregate,
            })
            .collect())
    }

    /// Reads the aggregates' revisions, then every make, and writes the
    /// aggregates that differ from those built, each on the condition that
    /// its revision did not move; a make stored meanwhile moves it, and
    /// the rebuild goes round again. Then the `AGGREGATED` item.
    async fn rebuild_aggregates(&self, recipe_id: i64) -> Result<Rebuilt> {
        for round in 0..TRANSACTION_ROUNDS {
            if let Some(rebuilt) = self.try_rebuild(recipe_id).await? {
                return Ok(rebuilt);
            }
            pause_after_conflict(round).await;
        }
        Err(lost_every_round(recipe_id))
    }

    async fn make(&self, recipe_id: i64, make_id: i64) -> Result<Option<MakeRecord>> {
        match self
            .table
            .get(key(recipe_pk(recipe_id), make_sk(make_id)))
            .await?
        {
            Some(item) => self.read_make(&item).await.map(Some),
            None => Ok(None),
        }
    }

    async fn makes_page(
        &self,
        recipe_id: i64,
        version: Option<i64>,
        page: &PageRequest<i64>,
    ) -> Result<Page<MakeRecord, i64>> {
        // From the start, the query covers every sort key starting with
        // `MAKE`: old makes (`MAKE#…`, which sort first) are found and
        // refused rather than silently missing, and the counter
        // (`MAKECOUNTER`) is passed over. After a cursor it starts past
        // both, among the `MAKEID#` keys, which sort by make id.
        let query = PageQuery {
            after: page.after.map(make_sk),
            filter: version.map(makes_of_version),
            ..PageQuery::new(recipe_pk(recipe_id), MAKE_SK_STEM)
        };
        let items = self
            .table
            .query_page(&query, page_limit(page.limit) + 1, |item| {
                let sk = string_attribute(item, "sk").unwrap_or_default();
                if sk.starts_with(LEGACY_MAKE_SK_PREFIX) {
                    // Never skipped silently: an old make must be
                    // migrated, and the operator is told how.
                    return Err(Error::Corrupt {
                        what: describe(item),
                        message:
                            "a make stored with a text id; run `recipe migrate-ids` on this table"
                                .to_owned(),
                    });
                }
                Ok(sk.starts_with(MAKE_SK_PREFIX))
            })
            .await?;
        let mut makes = Vec::with_capacity(items.len());
        for item in &items {
            makes.push(self.read_make(item).await?);
        }
        Ok(Page::from_items(makes, page_limit(page.limit), |make| {
            make.make_id
        }))
    }

    /// A `GetItem` of the location's item; when missing, a `Query` for
    /// the largest recipe id stored, an `ADD` to the counter of given
    /// ids, and a conditional `PutItem` of the location's item. Of two
    /// writers racing for one location, the one whose put fails the
    /// condition reads and answers the winner's id; its reserved id is a
    /// gap.
    async fn recipe_id_for_source(&self, location: &str) -> Result<i64> {
        for _ in 0..TRANSACTION_ROUNDS {
            if let Some(recipe_id) = self.recorded_recipe_id(location).await? {
                return Ok(recipe_id);
            }
            let largest = self.largest_recipe_id().await?;
            let recipe_id = self.reserve_recipe_id(largest, location).await?;
            let mut item = source_key(location);
            item.insert("kind".to_owned(), s("source"));
            item.insert("location".to_owned(), s(location));
            item.insert(
                "recipeId".to_owned(),
                AttributeValue::N(recipe_id.to_string()),
            );
            if self.table.put(item, true).await? {
                return Ok(recipe_id);
            }
            // Another writer recorded the location first: the next round
            // reads its id.
        }
        Err(Error::Unavailable {
            backend: BACKEND,
            message: format!(
                "{location}: its recipe id was recorded and gone {TRANSACTION_ROUNDS} times"
            ),
        })
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

    async fn rejections_page(&self, page: &PageRequest<String>) -> Result<Page<Rejection, String>> {
        let after = page
            .after
            .as_deref()
            .map(rejection_cursor)
            .transpose()?
            .map(str::to_owned);
        let query = PageQuery {
            after,
            ..PageQuery::new(REJECTIONS_PK.to_owned(), REJECTION_SK_PREFIX)
        };
        let items = self
            .table
            .query_page(&query, page_limit(page.limit) + 1, |_| Ok(true))
            .await?;
        let rejections = items
            .iter()
            .map(|item| {
                let sk = string_attribute(item, "sk").unwrap_or_default().to_owned();
                Ok((sk, document::<Rejection>(item)?))
            })
            .collect::<Result<Vec<_>>>()?;
        let page = Page::from_items(rejections, page_limit(page.limit), |(sk, _)| sk.clone());
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(|(_, rejection)| rejection)
                .collect(),
            next: page.next,
        })
    }

    async fn delete_makes(&self, recipe_id: i64, make_ids: &[i64]) -> Result<u64> {
        let wanted: HashSet<i64> = make_ids.iter().copied().collect();
        let make_keys: Vec<Item> = wanted
            .iter()
            .map(|&make_id| key(recipe_pk(recipe_id), make_sk(make_id)))
            .collect();
        // Read first, to answer how many there were.
        let found = self.table.batch_get(make_keys).await?;
        // The claims that name them: every claim of the recipe is read,
        // which a sweep does once per recipe, not once per make.
        let claims = self
            .table
            .query_page(
                &PageQuery::new(recipe_pk(recipe_id), CLAIM_SK_PREFIX),
                usize::MAX,
                |item| Ok(number_attribute(item, "makeId").is_ok_and(|id| wanted.contains(&id))),
            )
            .await?;
        let deleted = found.len() as u64;
        // Claims first: a claim without its make would answer a redelivery
        // with a make that is not there, a make without its claim is only
        // a make that a replay could record again.
        self.table
            .batch_delete(claims.iter().map(key_of).collect())
            .await?;
        self.table
            .batch_delete(found.iter().map(key_of).collect())
            .await?;
        // The aggregates, built anew from the makes left (the rebuild's
        // revision conditions count a make stored meanwhile once).
        if deleted > 0 {
            self.rebuild_aggregates(recipe_id).await?;
        }
        Ok(deleted)
    }

    async fn delete_versions(&self, recipe_id: i64, versions: &[i64]) -> Result<u64> {
        if let Some(latest) = self.latest_version(recipe_id).await?
            && versions.contains(&latest.version)
        {
            return Err(Error::Refused {
                backend: BACKEND,
                message: format!(
                    "version {} is recipe {recipe_id}'s latest: it is kept",
                    latest.version
                ),
            });
        }
        let unique: HashSet<i64> = versions.iter().copied().collect();
        let found = self
            .table
            .batch_get(
                unique
                    .into_iter()
                    .map(|version| key(recipe_pk(recipe_id), version_sk(version)))
                    .collect(),
            )
            .await?;
        let deleted = found.len() as u64;
        self.table
            .batch_delete(found.iter().map(key_of).collect())
            .await?;
        Ok(deleted)
    }

    async fn delete_rejections_before(&self, rejected_before: &str) -> Result<u64> {
        // Rejections sort by their time, so the old ones are the first of
        // the partition.
        // A rejection's sort key is `REJECTION#<rejectedAt>#<digest>`, so
        // every one at the cutoff or later sorts past this bare one.
        let cutoff = format!("{REJECTION_SK_PREFIX}{rejected_before}");
        let query = PageQuery {
            up_to: Some(cutoff),
            ..PageQuery::new(REJECTIONS_PK.to_owned(), REJECTION_SK_PREFIX)
        };
        let mut old = Vec::new();
        self.table
            .query_page(&query, usize::MAX, |item| {
                old.push(key_of(item));
                Ok(false)
            })
            .await?;
        let deleted = old.len() as u64;
        self.table.batch_delete(old).await?;
        Ok(deleted)
    }
}

/// How many items a page asked for `limit` holds: at most
/// [`PageRequest::MAX_LIMIT`], whatever a request built by hand says, so
/// that no page reads without bound.
fn page_limit(limit: usize) -> usize {
    limit.min(PageRequest::<i64>::MAX_LIMIT)
}

/// The filter that keeps the makes cooked from `version`, and old makes
/// (`MAKE#…`, so that they are refused rather than missed). A make item
/// written before versions has no `recipeVersion` attribute: it was
/// cooked from version 1.
fn makes_of_version(version: i64) -> Filter {
    let values = vec![
        (":version", AttributeValue::N(version.to_string())),
        (":legacy", s(LEGACY_MAKE_SK_PREFIX)),
    ];
    let names = vec![("#version", MAKE_VERSION_ATTRIBUTE)];
    if version == 1 {
        let mut values = values;
        values.push((":make", s(MAKE_SK_PREFIX)));
        Filter {
            expression: "#version = :version OR begins_with(sk, :legacy) \
                         OR (attribute_not_exists(#version) AND begins_with(sk, :make))",
            values,
            names,
        }
    } else {
        Filter {
            expression: "#version = :version OR begins_with(sk, :legacy)",
            values,
            names,
        }
    }
}

/// The writes that store `version` as its recipe's next version: its
/// latest item, on the condition that it still holds the version before
/// (or is absent, for version 1), and the version's own item, which must
/// be new. `legacy` is the latest item of a recipe stored before versions,
/// for its version 2: its version 1 item is written too, and the latest
/// item must still be exactly that one.
fn version_writes(version: &RecipeVersion, legacy: Option<&Item>) -> Result<Vec<TransactWrite>> {
    let expected = match (version.version, legacy) {
        (_, Some(item)) => {
            LatestExpected::Legacy(string_attribute(item, "doc").unwrap_or_default().to_owned())
        }
        (1, None) => LatestExpected::Absent,
        (number, None) => LatestExpected::Version(number - 1),
    };
    // The latest item first: its condition is the one that answers.
    let mut writes = vec![
        TransactWrite::Latest {
            item: latest_item(version)?,
            expected,
        },
        TransactWrite::new_item(version_record_item(version)?),
    ];
    if let Some(item) = legacy {
        let first = legacy_first_version(version.recipe_id, item)?;
        writes.push(TransactWrite::new_item(version_record_item(&first)?));
    }
    Ok(writes)
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
    fn makes_spread_over_every_aggregate_shard() {
        for ids in [
            (1..=64).collect::<Vec<i64>>(),
            (1..=64).map(|n| n * 1_000_000 + 2).collect(),
        ] {
            let shards: HashSet<i64> = ids.iter().map(|&id| aggregate_shard(id)).collect();
            // A hash, not a round robin: most shards, not necessarily all.
            assert!(shards.len() as i64 >= AGGREGATE_SHARDS / 2, "{ids:?}");
        }
        assert!((0..AGGREGATE_SHARDS).contains(&aggregate_shard(-7)));
    }

    #[test]
    fn sortable_ids_read_back_and_nothing_else_does() {
        for id in [i64::MIN, -1, 0, 1, 7, i64::MAX] {
            assert_eq!(from_sortable(&sortable(id)), Some(id));
        }
        for text in [
            "",
            "1",
            "0922337203685477580x",
            "+9223372036854775809",
            "99999999999999999999",
        ] {
            assert_eq!(from_sortable(text), None, "{text:?}");
        }
        let item = key(RECIPES_PK.to_owned(), recipe_sk(-3));
        assert_eq!(recipe_id_of(&item).unwrap(), -3);
        let stranger = key(RECIPES_PK.to_owned(), "RECIPE#12".to_owned());
        assert!(matches!(
            recipe_id_of(&stranger),
            Err(Error::Corrupt { .. })
        ));
    }

    #[test]
    fn version_sort_keys_sort_like_the_versions() {
        let keys: Vec<String> = [1, 2, 9, 10, 11, 100, i64::MAX]
            .into_iter()
            .map(version_sk)
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert_eq!(version_sk(12), "VERSION#0000000000000000012");
    }

    fn pie(version: i64) -> RecipeVersion {
        RecipeVersion {
            recipe_id: 4,
            version,
            recipe: Recipe {
                recipe_name: format!("Pie {version}").into(),
                recipe_id: Some(4),
                ..Recipe::default()
            },
            created_at: "2026-12-01T00:00:00.000Z".to_owned(),
            source: Some("s3://b/recipes/pie.json@e1".to_owned()),
            message: Some("less sugar".to_owned()),
            changes: 2,
        }
    }

    #[test]
    fn a_version_reads_back_from_its_items_and_a_legacy_item_is_version_1() {
        let version = pie(3);
        for item in [
            latest_item(&version).unwrap(),
            version_record_item(&version).unwrap(),
        ] {
            assert!(!is_legacy_recipe(&item));
            assert_eq!(read_version(4, &item).unwrap(), version);
            // The recipe alone is the document, as a listing reads it.
            assert_eq!(document::<Recipe>(&item).unwrap(), version.recipe);
            assert!(matches!(read_version(5, &item), Err(Error::Corrupt { .. })));
        }
        let legacy = document_item(
            RECIPES_PK.to_owned(),
            recipe_sk(4),
            "recipe",
            &version.recipe,
        )
        .unwrap();
        assert!(is_legacy_recipe(&legacy));
        let first = read_version(4, &legacy).unwrap();
        assert_eq!((first.version, first.changes, first.source), (1, 0, None));
        assert_eq!(first.created_at, LEGACY_VERSION_CREATED_AT);
        assert_eq!(first.message.as_deref(), Some(LEGACY_VERSION_MESSAGE));
        assert_eq!(first.recipe, version.recipe);
    }

    #[test]
    fn latest_conditions_hold_for_what_they_expect() {
        let second = latest_item(&pie(2)).unwrap();
        let legacy = document_item(
            RECIPES_PK.to_owned(),
            recipe_sk(4),
            "recipe",
            &pie(1).recipe,
        )
        .unwrap();
        let legacy_doc = string_attribute(&legacy, "doc").unwrap().to_owned();
        assert!(LatestExpected::Absent.holds(None));
        assert!(!LatestExpected::Absent.holds(Some(&second)));
        assert!(LatestExpected::Version(2).holds(Some(&second)));
        assert!(!LatestExpected::Version(1).holds(Some(&second)));
        assert!(!LatestExpected::Version(2).holds(None));
        assert!(!LatestExpected::Version(1).holds(Some(&legacy)));
        assert!(LatestExpected::Legacy(legacy_doc.clone()).holds(Some(&legacy)));
        assert!(!LatestExpected::Legacy("{}".to_owned()).holds(Some(&legacy)));
        assert!(!LatestExpected::Legacy(legacy_doc).holds(Some(&second)));
    }

    #[test]
    fn a_legacy_recipes_version_2_writes_version_1_too() {
        let legacy = document_item(
            RECIPES_PK.to_owned(),
            recipe_sk(4),
            "recipe",
            &pie(1).recipe,
        )
        .unwrap();
        let writes = version_writes(&pie(2), Some(&legacy)).unwrap();
        let sort_keys: Vec<String> = writes
            .iter()
            .map(|write| match write {
                TransactWrite::Latest { item, .. } | TransactWrite::NewItem(item) => {
                    string_attribute(item, "sk").unwrap_or_default().to_owned()
                }
                other => panic!("unexpected write {other:?}"),
            })
            .collect();
        assert_eq!(sort_keys, [recipe_sk(4), version_sk(2), version_sk(1)]);
        assert!(matches!(
            &writes[0],
            TransactWrite::Latest {
                expected: LatestExpected::Legacy(_),
                ..
            }
        ));
        let plain = version_writes(&pie(2), None).unwrap();
        assert_eq!(plain.len(), 2);
        assert!(matches!(
            &plain[0],
            TransactWrite::Latest {
                expected: LatestExpected::Version(1),
                ..
            }
        ));
        assert!(matches!(
            &version_writes(&pie(1), None).unwrap()[0],
            TransactWrite::Latest {
                expected: LatestExpected::Absent,
                ..
            }
        ));
    }

    #[test]
    fn rejection_cursors_are_rejection_sort_keys() {
        let rejection = Rejection {
            source: "s3://b/makes/x.json@e".to_owned(),
            reason: "bad".to_owned(),
            rejected_at: "2026-01-01T00:00:00Z".to_owned(),
        };
        let sk = rejection_sk(&rejection);
        assert_eq!(rejection_cursor(&sk).unwrap(), sk);
        for stranger in [
            "",
            "REJECTION#",
            "REJECTION#x#abc",
            "MAKEID#1",
            "REJECTION#x#0123456789abcdeg",
        ] {
            assert!(
                matches!(rejection_cursor(stranger), Err(Error::InvalidCursor { .. })),
                "{stranger:?}"
            );
        }
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
