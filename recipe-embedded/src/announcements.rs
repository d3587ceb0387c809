//! [`SqliteAnnouncementLog`]: the poll-mode watcher's durable memory.
//!
//! A set of announced `(key, etag)` pairs, so every version is announced
//! once and a restart misses nothing, and one checkpoint row for listings
//! that resume with `StartAfter`.

use async_trait::async_trait;
use recipe_ports::Result;
use recipe_ports::{AnnouncementLog, ObjectInfo};
use rusqlite::{OptionalExtension, params};

use crate::database::{Database, now_ms};

/// The announcement log of one watcher, in a [`Database`].
#[derive(Debug, Clone)]
pub struct SqliteAnnouncementLog {
    database: Database,
    name: String,
}

impl SqliteAnnouncementLog {
    /// The log called `name` (the bucket's name is a good one): watchers of
    /// different buckets can share a database without sharing memory.
    pub fn new(database: Database, name: impl Into<String>) -> Self {
        SqliteAnnouncementLog {
            database,
            name: name.into(),
        }
    }
}

#[async_trait]
impl AnnouncementLog for SqliteAnnouncementLog {
    async fn unannounced(&self, objects: Vec<ObjectInfo>) -> Result<Vec<ObjectInfo>> {
        let log = self.name.clone();
        self.database
            .call(move |connection| {
                // One read transaction: a page of a thousand keys is one
                // snapshot and one lock, not a thousand.
                let transaction = connection.transaction()?;
                let mut fresh = Vec::new();
                {
                    let mut announced = transaction.prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM announcements
                                        WHERE log = ?1 AND key = ?2 AND etag = ?3)",
                    )?;
                    for object in objects {
                        let seen: bool = announced
                            .query_row(params![log, object.key, object.etag], |row| row.get(0))?;
                        if !seen {
                            fresh.push(object);
                        }
                    }
                }
                transaction.commit()?;
                Ok(fresh)
            })
            .await
    }

    async fn record(&self, objects: &[ObjectInfo]) -> Result<()> {
        let log = self.name.clone();
        let objects = objects.to_vec();
        self.database
            .call(move |connection| {
                let transaction = connection.transaction()?;
                {
                    let mut insert = transaction.prepare_cached(
                        "INSERT INTO announcements (log, key, etag, announced_at_ms)
                         VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT DO NOTHING",
                    )?;
                    let now = now_ms();
                    for object in &objects {
                        insert.execute(params![log, object.key, object.etag, now])?;
                    }
                }
                transaction.commit()?;
                Ok(())
            })
            .await
    }

    async fn checkpoint(&self) -> Result<Option<String>> {
        let log = self.name.clone();
        self.database
            .call(move |connection| {
                Ok(connection
                    .query_row("SELECT key FROM checkpoints WHERE log = ?1", [log], |row| {
                        row.get(0)
                    })
                    .optional()?)
            })
            .await
    }

    async fn save_checkpoint(&self, key: &str) -> Result<()> {
        let log = self.name.clone();
        let key = key.to_owned();
        self.database
            .call(move |connection| {
                connection.execute(
                    "INSERT INTO checkpoints (log, key) VALUES (?1, ?2)
                     ON CONFLICT (log) DO UPDATE SET key = excluded.key",
                    params![log, key],
                )?;
                Ok(())
            })
            .await
    }
}
