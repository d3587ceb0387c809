//! [`SqliteRecordStore`]: recipe versions, makes and rejections as JSON
//! documents in SQLite tables.
//!
//! Documents are stored whole (the same camelCase JSON the API serves), with
//! the ids they are looked up by as columns beside them. `recipe_versions`
//! holds every version, keyed `(recipe_id, version)`; `recipes` the latest
//! one's document and number, written in the same transaction, so a new
//! version is the one after the latest or nothing at all. The makes table's
//! `UNIQUE (recipe_id, make_id)` is what makes a redelivered make a no-op;
//! `make_counters` holds each recipe's largest make id, and `make_claims`
//! the object versions and idempotency keys that name makes. A make, its
//! claim and its counter are written in one transaction: there is no
//! moment when one exists without the others. `recipe_sources` holds the
//! recipe ids given to bucket objects whose documents name none, by
//! location; an id is given in the same transaction that looks for one.
//! `make_aggregates` holds what each recipe version's makes add up to (a
//! [`MakeAggregate`] as JSON), changed in the transaction that inserts a
//! make, so a make is counted exactly when it is first stored.

use async_trait::async_trait;
use recipe_diff::Recipe;
use recipe_ports::aggregate::{MakeAggregate, Rebuilt, VersionAggregate};
use recipe_ports::records::{
    Claim, LegacyMake, MakeIdentity, MakeRecord, MakeWritten, MigrationReport, RecipeVersion,
    Rejection, VersionWritten, next_make_id, next_recipe_id, recipe_ids_exhausted,
};
use recipe_ports::{Error, Page, PageRequest, RecordStore, Result};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::database::{BACKEND, Database, Failure, now_ms};

/// The record store over a [`Database`].
#[derive(Debug, Clone)]
pub struct SqliteRecordStore {
    database: Database,
}

impl SqliteRecordStore {
    /// The records of `database`.
    pub fn new(database: Database) -> Self {
        SqliteRecordStore { database }
    }
}

/// A document as stored.
fn to_json(value: &impl Serialize, what: impl FnOnce() -> String) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Refused {
        backend: BACKEND,
        message: format!("{} cannot be stored as JSON: {e}", what()),
    })
}

/// A stored document read back; one that no longer reads is corrupt.
fn from_json<T: DeserializeOwned>(document: &str, what: impl FnOnce() -> String) -> Result<T> {
    serde_json::from_str(document).map_err(|e| Error::Corrupt {
        what: what(),
        message: e.to_string(),
    })
}

#[async_trait]
impl RecordStore for SqliteRecordStore {
    /// Takes the write lock and writes beside the database (see
    /// [`Database::probe_write`]), so a locked, read-only or full data
    /// directory fails readiness, not only the next write.
    async fn ping(&self) -> Result<()> {
        self.database.probe_write().await
    }

    async fn put_version(&self, version: &RecipeVersion) -> Result<VersionWritten> {
        let recipe_id = version.recipe_id;
        let number = version.version;
        let document = to_json(version, || {
            format!("version {number} of recipe {recipe_id}")
        })?;
        let latest = to_json(&version.recipe, || format!("recipe {recipe_id}"))?;
        self.database
            .call(move |connection| {
                // IMMEDIATE: the latest number read is still the latest
                // when the new version is written after it.
                let transaction =
                    connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let current = latest_number(&transaction, recipe_id)?;
                if current.unwrap_or(0).checked_add(1) != Some(number) {
                    return Ok(VersionWritten::Taken);
                }
                transaction
                    .prepare_cached(
                        "INSERT INTO recipe_versions (recipe_id, version, document)
                         VALUES (?1, ?2, ?3)",
                    )?
                    .execute(params![recipe_id, number, document])?;
                transaction
                    .prepare_cached(
                        "INSERT INTO recipes (recipe_id, document, version) VALUES (?1, ?2, ?3)
                         ON CONFLICT (recipe_id) DO UPDATE
                         SET document = excluded.document, version = excluded.version",
                    )?
                    .execute(params![recipe_id, latest, number])?;
                transaction.commit()?;
                Ok(VersionWritten::Created)
            })
            .await
    }

    async fn latest_version(&self, recipe_id: i64) -> Result<Option<RecipeVersion>> {
        let found: Option<(i64, String)> = self
            .database
            .lookup(move |connection| {
                Ok(connection
                    .prepare_cached(
                        "SELECT version, document FROM recipe_versions WHERE recipe_id = ?1
                         ORDER BY version DESC LIMIT 1",
                    )?
                    .query_row([recipe_id], |row| Ok((row.get(0)?, row.get(1)?)))
                    .optional()?)
            })
            .await?;
        found
            .map(|(version, document)| read_version(recipe_id, version, &document))
            .transpose()
    }

    async fn recipe_version(&self, recipe_id: i64, version: i64) -> Result<Option<RecipeVersion>> {
        let document: Option<String> = self
            .database
            .lookup(move |connection| {
                Ok(connection
                    .prepare_cached(
                        "SELECT document FROM recipe_versions
                         WHERE recipe_id = ?1 AND version = ?2",
                    )?
                    .query_row([recipe_id, version], |row| row.get(0))
                    .optional()?)
            })
            .await?;
        document
            .map(|document| read_version(recipe_id, version, &document))
            .transpose()
    }

    async fn versions(
        &self,
        recipe_id: i64,
        page: &PageRequest<i64>,
    ) -> Result<Page<RecipeVersion, i64>> {
        let (limit, below) = (page.limit, page.after.unwrap_or(i64::MAX));
        let rows: Vec<(i64, String)> = self
            .database
            .read(move |connection| {
                let mut statement = connection.prepare_cached(
                    "SELECT version, document FROM recipe_versions
                     WHERE recipe_id = ?1 AND version < ?2 ORDER BY version DESC LIMIT ?3",
                )?;
                let rows = statement
                    .query_map(params![recipe_id, below, one_more(limit)], |row| {
                        Ok((row.get(0)?, row.get(1)?))
                    })?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            })
            .await?;
        let versions = rows
            .into_iter()
            .map(|(version, document)| read_version(recipe_id, version, &document))
            .collect::<Result<Vec<_>>>()?;
        Ok(Page::from_items(versions, limit, |v| v.version))
    }

    async fn recipes_page(&self, page: &PageRequest<i64>) -> Result<Page<Recipe, i64>> {
        // Recipe ids span all of i64, so the first page has no bound rather
        // than a smallest one.
        let (limit, after) = (page.limit, page.after);
        let rows: Vec<(i64, String)> = self
            .database
            .read(move |connection| {
                let mut statement = connection.prepare_cached(
                    "SELECT recipe_id, document FROM recipes
                     WHERE ?1 IS NULL OR recipe_id > ?1 ORDER BY recipe_id LIMIT ?2",
                )?;
                let rows = statement.query_map(params![after, one_more(limit)], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            })
            .await?;
        let recipes = rows
            .into_iter()
            .map(|(recipe_id, document)| from_json(&document, || format!("recipe {recipe_id}")))
            .collect::<Result<Vec<Recipe>>>()?;
        Ok(Page::from_items(recipes, limit, |recipe| {
            recipe.recipe_id.unwrap_or_default()
        }))
    }

    async fn put_make(&self, identity: &MakeIdentity, record: &MakeRecord) -> Result<MakeWritten> {
        let identity = identity.clone();
        let record = record.clone();
        self.database
            .call(move |connection| {
                // IMMEDIATE: the look-ups and the writes see the same
                // tables, whatever other processes do meanwhile, and the
                // make, its claim and its counter commit together.
                let transaction =
                    connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let written = write_make(&transaction, &identity, record)?;
                transaction.commit()?;
                Ok(written)
            })
            .await
    }

    async fn make(&self, recipe_id: i64, make_id: i64) -> Result<Option<MakeRecord>> {
        self.database
            .lookup(move |connection| stored_make(connection, recipe_id, make_id))
            .await
    }

    async fn makes_page(
        &self,
        recipe_id: i64,
        version: Option<i64>,
        page: &PageRequest<i64>,
    ) -> Result<Page<MakeRecord, i64>> {
        // Make ids stay within ±2^53, so i64::MIN is below every one.
        let (limit, after) = (page.limit, page.after.unwrap_or(i64::MIN));
        let rows: Vec<(i64, String)> = self
            .database
            .read(move |connection| {
                let mut statement = connection.prepare_cached(
                    "SELECT make_id, document FROM makes
                     WHERE recipe_id = ?1 AND make_id > ?2
                       AND (?3 IS NULL OR recipe_version = ?3)
                     ORDER BY make_id LIMIT ?4",
                )?;
                let rows = statement
                    .query_map(params![recipe_id, after, version, one_more(limit)], |row| {
                        Ok((row.get(0)?, row.get(1)?))
                    })?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            })
            .await?;
        let makes = rows
            .into_iter()
            .map(|(make_id, document)| {
                from_json(&document, || format!("make {recipe_id}/{make_id}"))
            })
            .collect::<Result<Vec<MakeRecord>>>()?;
        Ok(Page::from_items(makes, limit, |make| make.make_id))
    }

    async fn aggregates(&self, recipe_id: i64) -> Result<Vec<VersionAggregate>> {
        let rows: Vec<(i64, String)> = self
            .database
            .read(move |connection| {
                let mut statement = connection.prepare_cached(
                    "SELECT version, document FROM make_aggregates
                     WHERE recipe_id = ?1 ORDER BY version",
                )?;
                let rows =
                    statement.query_map([recipe_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            })
            .await?;
        rows.into_iter()
            .map(|(version, document)| {
                Ok(VersionAggregate {
                    recipe_id,
                    version,
                    aggregate: from_json(&document, || aggregate_name(recipe_id, version))?,
                })
            })
            .collect()
    }

    async fn rebuild_aggregates(&self, recipe_id: i64) -> Result<Rebuilt> {
        self.database
            .call(move |connection| {
                // IMMEDIATE: no make is stored between reading the makes
                // and replacing the aggregates.
                let transaction =
                    connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let rebuilt = rebuild_recipe(&transaction, recipe_id)?;
                transaction.commit()?;
                Ok(rebuilt)
            })
            .await
    }

    async fn recipe_id_for_source(&self, location: &str) -> Result<i64> {
        // A redelivery, or a new version of a known object, finds its id
        // without taking the write lock.
        let owned = location.to_owned();
        let recorded = self
            .database
            .lookup(move |connection| recorded_recipe_id(connection, &owned))
            .await?;
        if let Some(recipe_id) = recorded {
            return Ok(recipe_id);
        }
        let location = location.to_owned();
        self.database
            .call(move |connection| {
                // IMMEDIATE: the look-up, the largest id and the insert see
                // the same tables, so two writers never give one location
                // two ids, nor two locations one id.
                let transaction =
                    connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
                if let Some(recipe_id) = recorded_recipe_id(&transaction, &location)? {
                    return Ok(recipe_id);
                }
                let largest: i64 = transaction
                    .prepare_cached(
                        "SELECT max(
                             coalesce((SELECT max(recipe_id) FROM recipes), 0),
                             coalesce((SELECT max(recipe_id) FROM recipe_sources), 0))",
                    )?
                    .query_row([], |row| row.get(0))?;
                let recipe_id = next_recipe_id(largest)
                    .ok_or_else(|| recipe_ids_exhausted(BACKEND, &location))?;
                transaction
                    .prepare_cached(
                        "INSERT INTO recipe_sources (location, recipe_id, given_at_ms)
                         VALUES (?1, ?2, ?3)",
                    )?
                    .execute(params![location, recipe_id, now_ms()])?;
                transaction.commit()?;
                Ok(recipe_id)
            })
            .await
    }

    async fn put_rejection(&self, rejection: &Rejection) -> Result<()> {
        let rejection = rejection.clone();
        self.database
            .call(move |connection| {
                connection.execute(
                    "INSERT INTO rejections (source, reason, rejected_at) VALUES (?1, ?2, ?3)",
                    params![rejection.source, rejection.reason, rejection.rejected_at],
                )?;
                Ok(())
            })
            .await
    }

    async fn rejections_page(&self, page: &PageRequest<String>) -> Result<Page<Rejection, String>> {
        // The cursor is the last rejection's `seq`.
        let after: i64 = match &page.after {
            None => 0,
            Some(cursor) => cursor.parse().map_err(|_| Error::InvalidCursor {
                cursor: cursor.clone(),
            })?,
        };
        let limit = page.limit;
        let rows: Vec<(i64, Rejection)> = self
            .database
            .read(move |connection| {
                let mut statement = connection.prepare_cached(
                    "SELECT seq, source, reason, rejected_at FROM rejections
                     WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                )?;
                let rows = statement.query_map(params![after, one_more(limit)], |row| {
                    Ok((
                        row.get(0)?,
                        Rejection {
                            source: row.get(1)?,
                            reason: row.get(2)?,
                            rejected_at: row.get(3)?,
                        },
                    ))
                })?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            })
            .await?;
        let page = Page::from_items(rows, limit, |(seq, _)| seq.to_string());
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
        let make_ids = make_ids.to_vec();
        self.database
            .call(move |connection| {
                // One transaction: a make never goes without its claims,
                // nor its aggregates without it. IMMEDIATE: no make is
                // stored between the deletes and the rebuild.
                let transaction =
                    connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let mut deleted = 0;
                for make_id in make_ids {
                    deleted += transaction
                        .prepare_cached("DELETE FROM makes WHERE recipe_id = ?1 AND make_id = ?2")?
                        .execute(params![recipe_id, make_id])?
                        as u64;
                    transaction
                        .prepare_cached(
                            "DELETE FROM make_claims WHERE recipe_id = ?1 AND make_id = ?2",
                        )?
                        .execute(params![recipe_id, make_id])?;
                }
                // In the same transaction: the aggregates never count a
                // make that is gone.
                if deleted > 0 {
                    rebuild_recipe(&transaction, recipe_id)?;
                }
                transaction.commit()?;
                Ok(deleted)
            })
            .await
    }

    async fn delete_versions(&self, recipe_id: i64, versions: &[i64]) -> Result<u64> {
        let versions = versions.to_vec();
        self.database
            .call(move |connection| {
                // IMMEDIATE: the latest read is still the latest when the
                // others go.
                let transaction =
                    connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let latest = latest_number(&transaction, recipe_id)?;
                if let Some(latest) = latest.filter(|latest| versions.contains(latest)) {
                    return Err(Error::Refused {
                        backend: BACKEND,
                        message: format!(
                            "version {latest} is recipe {recipe_id}'s latest: it is kept"
                        ),
                    }
                    .into());
                }
                let mut deleted = 0;
                for version in versions {
                    deleted += transaction
                        .prepare_cached(
                            "DELETE FROM recipe_versions WHERE recipe_id = ?1 AND version = ?2",
                        )?
                        .execute(params![recipe_id, version])?
                        as u64;
                }
                transaction.commit()?;
                Ok(deleted)
            })
            .await
    }

    async fn delete_rejections_before(&self, rejected_before: &str) -> Result<u64> {
        let rejected_before = rejected_before.to_owned();
        self.database
            .call(move |connection| {
                Ok(connection
                    .prepare_cached("DELETE FROM rejections WHERE rejected_at < ?1")?
                    .execute([rejected_before])? as u64)
            })
            .await
    }
}

/// The rows a page of `limit` reads: one more, to learn whether more
/// follow (see [`Page::from_items`]).
fn one_more(limit: usize) -> i64 {
    i64::try_from(limit).map_or(i64::MAX, |limit| limit.saturating_add(1))
}

/// The recipe id given to the bucket object at `location`, if any.
fn recorded_recipe_id(connection: &Connection, location: &str) -> Result<Option<i64>, Failure> {
    Ok(connection
        .prepare_cached("SELECT recipe_id FROM recipe_sources WHERE location = ?1")?
        .query_row([location], |row| row.get(0))
        .optional()?)
}

/// A stored version read back, checked against the keys it was found by.
fn read_version(recipe_id: i64, version: i64, document: &str) -> Result<RecipeVersion> {
    let what = || format!("version {version} of recipe {recipe_id}");
    let stored: RecipeVersion = from_json(document, what)?;
    if (stored.recipe_id, stored.version) != (recipe_id, version) {
        return Err(Error::Corrupt {
            what: what(),
            message: format!(
                "the document says version {} of recipe {}",
                stored.version, stored.recipe_id
            ),
        });
    }
    Ok(stored)
}

/// The make `make_id` of recipe `recipe_id`, read through `connection`.
fn stored_make(
    connection: &Connection,
    recipe_id: i64,
    make_id: i64,
) -> Result<Option<MakeRecord>, Failure> {
    let document: Option<String> = connection
        .prepare_cached("SELECT document FROM makes WHERE recipe_id = ?1 AND make_id = ?2")?
        .query_row(params![recipe_id, make_id], |row| row.get(0))
        .optional()?;
    Ok(document
        .map(|document| from_json(&document, || format!("make {recipe_id}/{make_id}")))
        .transpose()?)
}

/// The number of recipe `recipe_id`'s latest version, when it has one.
fn latest_number(
    transaction: &rusqlite::Transaction<'_>,
    recipe_id: i64,
) -> Result<Option<i64>, Failure> {
    Ok(transaction
        .prepare_cached("SELECT version FROM recipes WHERE recipe_id = ?1")?
        .query_row([recipe_id], |row| row.get(0))
        .optional()?)
}

/// Stores `record` under `identity` within `transaction` (see
/// [`RecordStore::put_make`]).
fn write_make(
    transaction: &rusqlite::Transaction<'_>,
    identity: &MakeIdentity,
    record: MakeRecord,
) -> Result<MakeWritten, Failure> {
    let recipe_id = record.recipe_id;
    let make_id = match identity {
        MakeIdentity::Named(make_id) => {
            if let Some(stored) = stored_make(transaction, recipe_id, *make_id)? {
                return Ok(MakeWritten::Existing(stored));
            }
            *make_id
        }
        MakeIdentity::Claimed(claim) => {
            if let Some(found) = claimed(transaction, recipe_id, claim)? {
                return Ok(found);
            }
            let Some(make_id) = next_id(transaction, recipe_id)? else {
                return Ok(MakeWritten::Exhausted);
            };
            insert_claim(transaction, recipe_id, claim, make_id)?;
            make_id
        }
        MakeIdentity::Next => match next_id(transaction, recipe_id)? {
            Some(make_id) => make_id,
            None => return Ok(MakeWritten::Exhausted),
        },
    };
    let record = record.numbered(make_id);
    let document = to_json(&record, || format!("make {recipe_id}/{make_id}"))?;
    transaction
        .prepare_cached(
            "INSERT INTO makes (recipe_id, make_id, recipe_version, document)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![recipe_id, make_id, record.recipe_version, document])?;
    raise_counter(transaction, recipe_id, make_id)?;
    add_to_aggregate(
        transaction,
        recipe_id,
        record.recipe_version,
        &MakeAggregate::of(&record),
    )?;
    Ok(MakeWritten::Created(record))
}

/// The aggregate of recipe `recipe_id`'s version `version`, when kept.
fn stored_aggregate(
    connection: &Connection,
    recipe_id: i64,
    version: i64,
) -> Result<Option<MakeAggregate>, Failure> {
    let document: Option<String> = connection
        .prepare_cached(
            "SELECT document FROM make_aggregates WHERE recipe_id = ?1 AND version = ?2",
        )?
        .query_row(params![recipe_id, version], |row| row.get(0))
        .optional()?;
    Ok(document
        .map(|document| from_json(&document, || aggregate_name(recipe_id, version)))
        .transpose()?)
}

fn aggregate_name(recipe_id: i64, version: i64) -> String {
    format!("the aggregate of version {version} of recipe {recipe_id}")
}

/// Adds `contribution` to the aggregate of recipe `recipe_id`'s version
/// `version`, within the transaction that stores the makes it counts.
fn add_to_aggregate(
    transaction: &rusqlite::Transaction<'_>,
    recipe_id: i64,
    version: i64,
    contribution: &MakeAggregate,
) -> Result<(), Failure> {
    let mut aggregate = stored_aggregate(transaction, recipe_id, version)?.unwrap_or_default();
    aggregate.absorb(contribution);
    let document = to_json(&aggregate, || aggregate_name(recipe_id, version))?;
    transaction
        .prepare_cached(
            "INSERT INTO make_aggregates (recipe_id, version, document) VALUES (?1, ?2, ?3)
             ON CONFLICT (recipe_id, version) DO UPDATE SET document = excluded.document",
        )?
        .execute(params![recipe_id, version, document])?;
    Ok(())
}

/// Builds recipe `recipe_id`'s aggregates from its makes, replacing the
/// kept ones, within `transaction`. The makes are read one at a time, so
/// a recipe of any size is rebuilt in little memory.
fn rebuild_recipe(
    transaction: &rusqlite::Transaction<'_>,
    recipe_id: i64,
) -> Result<Rebuilt, Failure> {
    let mut versions: std::collections::BTreeMap<i64, MakeAggregate> =
        std::collections::BTreeMap::new();
    let mut makes = 0u64;
    {
        let mut statement = transaction.prepare_cached(
            "SELECT make_id, document FROM makes WHERE recipe_id = ?1 ORDER BY make_id",
        )?;
        let mut rows = statement.query([recipe_id])?;
        while let Some(row) = rows.next()? {
            let make_id: i64 = row.get(0)?;
            let document: String = row.get(1)?;
            let make: MakeRecord = from_json(&document, || format!("make {recipe_id}/{make_id}"))?;
            versions
                .entry(make.recipe_version)
                .or_default()
                .absorb(&MakeAggregate::of(&make));
            makes += 1;
        }
    }
    transaction
        .prepare_cached("DELETE FROM make_aggregates WHERE recipe_id = ?1")?
        .execute([recipe_id])?;
    for (version, aggregate) in &versions {
        add_to_aggregate(transaction, recipe_id, *version, aggregate)?;
    }
    Ok(Rebuilt {
        makes,
        versions: versions.len() as u64,
    })
}

/// Schema step 5: the aggregates table, and the aggregates of every
/// recipe's makes stored before it. It runs inside the migration's
/// transaction: a crash leaves the file as it was, and the next open runs
/// it again.
pub(crate) fn build_aggregates(
    transaction: &rusqlite::Transaction<'_>,
    _report: &mut MigrationReport,
) -> Result<(), Failure> {
    transaction.execute_batch(
        "
        CREATE TABLE make_aggregates (
            recipe_id INTEGER NOT NULL,
            version   INTEGER NOT NULL,
            document  TEXT    NOT NULL,
            PRIMARY KEY (recipe_id, version)
        ) WITHOUT ROWID;
        ",
    )?;
    let recipes: Vec<i64> = {
        let mut statement =
            transaction.prepare("SELECT DISTINCT recipe_id FROM makes ORDER BY recipe_id")?;
        let rows = statement.query_map([], |row| row.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for recipe_id in recipes {
        rebuild_recipe(transaction, recipe_id)?;
    }
    Ok(())
}

/// What an earlier claim of `claim` answers, or `None` when it is new.
fn claimed(
    transaction: &rusqlite::Transaction<'_>,
    recipe_id: i64,
    claim: &Claim,
) -> Result<Option<MakeWritten>, Failure> {
    let earlier: Option<(String, i64)> = transaction
        .prepare_cached(
            "SELECT fingerprint, make_id FROM make_claims WHERE recipe_id = ?1 AND claim = ?2",
        )?
        .query_row(params![recipe_id, claim.key], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    let Some((fingerprint, make_id)) = earlier else {
        return Ok(None);
    };
    claim
        .answer(recipe_id, (&fingerprint, make_id), |make_id| {
            stored_make(transaction, recipe_id, make_id)
        })
        .map(Some)
}

/// The id recipe `recipe_id` gives next (see [`next_make_id`]).
fn next_id(
    transaction: &rusqlite::Transaction<'_>,
    recipe_id: i64,
) -> Result<Option<i64>, Failure> {
    let last: i64 = transaction
        .prepare_cached("SELECT last_make_id FROM make_counters WHERE recipe_id = ?1")?
        .query_row([recipe_id], |row| row.get(0))
        .optional()?
        .unwrap_or(0);
    Ok(next_make_id(last))
}

fn insert_claim(
    transaction: &rusqlite::Transaction<'_>,
    recipe_id: i64,
    claim: &Claim,
    make_id: i64,
) -> Result<(), Failure> {
    transaction
        .prepare_cached(
            "INSERT INTO make_claims (recipe_id, claim, fingerprint, make_id, claimed_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            recipe_id,
            claim.key,
            claim.fingerprint,
            make_id,
            now_ms()
        ])?;
    Ok(())
}

/// Inserts a make migrated by schema step 2 at `seq` (it keeps its place)
/// and moves its recipe's counter past its id. The table as step 2 left
/// it: later steps add columns with defaults that fit migrated makes.
fn insert_migrated_make(
    transaction: &rusqlite::Transaction<'_>,
    record: &MakeRecord,
    seq: i64,
) -> Result<(), Failure> {
    let (recipe_id, make_id) = (record.recipe_id, record.make_id);
    let document = to_json(record, || format!("make {recipe_id}/{make_id}"))?;
    transaction
        .prepare_cached(
            "INSERT INTO makes (seq, recipe_id, make_id, document) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![seq, recipe_id, make_id, document])?;
    raise_counter(transaction, recipe_id, make_id)
}

/// Moves recipe `recipe_id`'s counter past `make_id`, when it is behind.
fn raise_counter(
    transaction: &rusqlite::Transaction<'_>,
    recipe_id: i64,
    make_id: i64,
) -> Result<(), Failure> {
    transaction
        .prepare_cached(
            "INSERT INTO make_counters (recipe_id, last_make_id) VALUES (?1, ?2)
             ON CONFLICT (recipe_id) DO UPDATE
             SET last_make_id = max(last_make_id, excluded.last_make_id)",
        )?
        // Given ids start at 1 whatever named ids below it were used.
        .execute(params![recipe_id, make_id.max(0)])?;
    Ok(())
}

/// Schema step 2: makes get integer ids, recipes a counter of them, and
/// makes their claims.
///
/// Every make keeps its place (`seq`) and its contents. A number written
/// as text keeps its number; any other text id (`s3-…` from a bucket
/// object, `body-…` from a posted body) gets the next id of its recipe, in
/// arrival order, after every kept number; an object's make keeps its old
/// id as its claim, so a redelivery of a message sent before the
/// migration finds it. It runs inside the migration's transaction: a
/// crash leaves the file as it was, and the next open runs it again.
pub(crate) fn migrate_make_ids(
    transaction: &rusqlite::Transaction<'_>,
    report: &mut MigrationReport,
) -> Result<(), Failure> {
    transaction.execute_batch(
        "
        CREATE TABLE make_counters (
            recipe_id    INTEGER PRIMARY KEY,
            last_make_id INTEGER NOT NULL
        );
        CREATE TABLE make_claims (
            recipe_id     INTEGER NOT NULL,
            claim         TEXT    NOT NULL,
            fingerprint   TEXT    NOT NULL,
            make_id       INTEGER NOT NULL,
            claimed_at_ms INTEGER NOT NULL,
            PRIMARY KEY (recipe_id, claim)
        ) WITHOUT ROWID;
        ALTER TABLE makes RENAME TO makes_with_text_ids;
        CREATE TABLE makes (
            seq       INTEGER PRIMARY KEY AUTOINCREMENT,
            recipe_id INTEGER NOT NULL,
            make_id   INTEGER NOT NULL,
            document  TEXT    NOT NULL,
            UNIQUE (recipe_id, make_id)
        );
        ",
    )?;
    let rows: Vec<(i64, i64, String)> = {
        let mut statement = transaction
            .prepare("SELECT seq, recipe_id, document FROM makes_with_text_ids ORDER BY seq")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut legacy = Vec::with_capacity(rows.len());
    for (seq, recipe_id, document) in rows {
        let make = LegacyMake::from_document(&document)
            .map_err(|message| Error::Corrupt {
                what: format!("make {seq} of recipe {recipe_id}"),
                message,
            })?
            .ok_or_else(|| Error::Corrupt {
                what: format!("make {seq} of recipe {recipe_id}"),
                message: "a make of the old schema without a text makeId".to_owned(),
            })?;
        legacy.push((seq, recipe_id, make));
    }
    // Kept numbers first, so an id given below never takes one of them.
    for (_, recipe_id, make) in &legacy {
        if let Some(make_id) = make.kept_id() {
            raise_counter(transaction, *recipe_id, make_id)?;
        }
    }
    for (seq, recipe_id, make) in legacy {
        let make_id = match make.kept_id() {
            Some(make_id) => make_id,
            None => next_id(transaction, recipe_id)?.ok_or_else(|| Error::Refused {
                backend: BACKEND,
                message: format!(
                    "recipe {recipe_id} has a make numbered past the largest id; \
                     make {:?} cannot be given one",
                    make.legacy_id
                ),
            })?,
        };
        if let Some(claim) = make.claim() {
            insert_claim(transaction, recipe_id, &claim, make_id)?;
        }
        insert_migrated_make(transaction, &make.record.clone().numbered(make_id), seq)?;
        report.add(recipe_id, &make, make_id);
    }
    transaction.execute_batch("DROP TABLE makes_with_text_ids;")?;
    Ok(())
}
