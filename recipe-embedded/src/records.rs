//! [`SqliteRecordStore`]: recipes, makes and rejections as JSON documents
//! in SQLite tables.
//!
//! Documents are stored whole (the same camelCase JSON the API serves), with
//! the ids they are looked up by as columns beside them. The makes table's
//! `UNIQUE (recipe_id, make_id)` is what makes a redelivered make a no-op.

use async_trait::async_trait;
use recipe_diff::Recipe;
use recipe_pipeline::ports::{PutMode, RecordStore, Written};
use recipe_pipeline::records::{MakeRecord, Rejection};
use recipe_pipeline::{Error, Result};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::database::{BACKEND, Database};

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

    async fn put_recipe(&self, recipe: &Recipe, mode: PutMode) -> Result<Written> {
        let Some(recipe_id) = recipe.recipe_id else {
            return Err(Error::Refused {
                backend: BACKEND,
                message: format!(
                    "recipe {:?} has no recipeId to be stored under",
                    recipe.recipe_name
                ),
            });
        };
        let document = to_json(recipe, || format!("recipe {recipe_id}"))?;
        self.database
            .call(move |connection| match mode {
                PutMode::Create => {
                    let inserted = connection.execute(
                        "INSERT INTO recipes (recipe_id, document) VALUES (?1, ?2)
                         ON CONFLICT (recipe_id) DO NOTHING",
                        params![recipe_id, document],
                    )?;
                    Ok(if inserted == 1 {
                        Written::Created
                    } else {
                        Written::Conflict
                    })
                }
                PutMode::Upsert => {
                    // IMMEDIATE: the existence check and the write see the
                    // same table, whatever other processes do meanwhile.
                    let transaction =
                        connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
                    let existed: bool = transaction.query_row(
                        "SELECT EXISTS (SELECT 1 FROM recipes WHERE recipe_id = ?1)",
                        [recipe_id],
                        |row| row.get(0),
                    )?;
                    transaction.execute(
                        "INSERT INTO recipes (recipe_id, document) VALUES (?1, ?2)
                         ON CONFLICT (recipe_id) DO UPDATE SET document = excluded.document",
                        params![recipe_id, document],
                    )?;
                    transaction.commit()?;
                    Ok(if existed {
                        Written::Replaced
                    } else {
                        Written::Created
                    })
                }
            })
            .await
    }

    async fn recipe(&self, recipe_id: i64) -> Result<Option<Recipe>> {
        let document: Option<String> = self
            .database
            .lookup(move |connection| {
                Ok(connection
                    .prepare_cached("SELECT document FROM recipes WHERE recipe_id = ?1")?
                    .query_row([recipe_id], |row| row.get(0))
                    .optional()?)
            })
            .await?;
        document
            .map(|document| from_json(&document, || format!("recipe {recipe_id}")))
            .transpose()
    }

    async fn recipes(&self) -> Result<Vec<Recipe>> {
        let rows: Vec<(i64, String)> = self
            .database
            .read(|connection| {
                let mut statement = connection
                    .prepare_cached("SELECT recipe_id, document FROM recipes ORDER BY recipe_id")?;
                let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            })
            .await?;
        rows.into_iter()
            .map(|(recipe_id, document)| from_json(&document, || format!("recipe {recipe_id}")))
            .collect()
    }

    async fn put_make(&self, record: &MakeRecord) -> Result<Written> {
        let (recipe_id, make_id) = (record.recipe_id, record.make_id.clone());
        let document = to_json(record, || format!("make {recipe_id}/{make_id}"))?;
        self.database
            .call(move |connection| {
                // DO NOTHING, not REPLACE: the first arrival of a make is
                // the record; a redelivery must not rewrite it.
                let inserted = connection.execute(
                    "INSERT INTO makes (recipe_id, make_id, document) VALUES (?1, ?2, ?3)
                     ON CONFLICT (recipe_id, make_id) DO NOTHING",
                    params![recipe_id, make_id, document],
                )?;
                Ok(if inserted == 1 {
                    Written::Created
                } else {
                    Written::AlreadyExists
                })
            })
            .await
    }

    async fn make(&self, recipe_id: i64, make_id: &str) -> Result<Option<MakeRecord>> {
        let make_id = make_id.to_owned();
        let key = make_id.clone();
        let document: Option<String> = self
            .database
            .lookup(move |connection| {
                Ok(connection
                    .prepare_cached(
                        "SELECT document FROM makes WHERE recipe_id = ?1 AND make_id = ?2",
                    )?
                    .query_row(params![recipe_id, key], |row| row.get(0))
                    .optional()?)
            })
            .await?;
        document
            .map(|document| from_json(&document, || format!("make {recipe_id}/{make_id}")))
            .transpose()
    }

    async fn makes(&self, recipe_id: i64) -> Result<Vec<MakeRecord>> {
        let rows: Vec<(String, String)> = self
            .database
            .read(move |connection| {
                let mut statement = connection.prepare_cached(
                    "SELECT make_id, document FROM makes WHERE recipe_id = ?1 ORDER BY seq",
                )?;
                let rows =
                    statement.query_map([recipe_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            })
            .await?;
        rows.into_iter()
            .map(|(make_id, document)| {
                from_json(&document, || format!("make {recipe_id}/{make_id}"))
            })
            .collect()
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

    async fn rejections(&self) -> Result<Vec<Rejection>> {
        self.database
            .read(|connection| {
                let mut statement = connection.prepare_cached(
                    "SELECT source, reason, rejected_at FROM rejections ORDER BY seq",
                )?;
                let rows = statement.query_map([], |row| {
                    Ok(Rejection {
                        source: row.get(0)?,
                        reason: row.get(1)?,
                        rejected_at: row.get(2)?,
                    })
                })?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            })
            .await
    }
}
