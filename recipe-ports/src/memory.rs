//! A [`RecordStore`] in memory: the third adapter, for tests, examples and
//! a server that needs nothing on disk.
//!
//! It keeps the same promises as the SQLite and DynamoDB stores (the
//! `conformance` suite checks them), so a test that passes over it says
//! something about the real stores too. Everything is lost when it is
//! dropped.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use recipe_diff::Recipe;

use crate::error::{Error, Result};
use crate::records::{MakeIdentity, MakeRecord, MakeWritten, Rejection, next_make_id};
use crate::store::{PutMode, RecordStore, Written};

/// Recipes, makes and rejections held in maps behind one lock.
///
/// Every operation takes the lock briefly and never awaits while holding
/// it, so a plain [`std::sync::Mutex`] is enough.
#[derive(Debug, Default)]
pub struct InMemoryRecordStore {
    contents: Mutex<Contents>,
}

#[derive(Debug, Default)]
struct Contents {
    /// By id, so listing gives them in id order as the port promises.
    recipes: BTreeMap<i64, Recipe>,
    /// Per recipe, makes in arrival order; a make id appears once.
    makes: BTreeMap<i64, Vec<MakeRecord>>,
    /// Per recipe, the largest make id ever used.
    last_make_ids: BTreeMap<i64, i64>,
    /// Per recipe and claim key: the fingerprint and the make it names.
    claims: BTreeMap<(i64, String), (String, i64)>,
    /// In arrival order.
    rejections: Vec<Rejection>,
}

impl Contents {
    /// Make `make_id` of recipe `recipe_id`, when stored.
    fn make(&self, recipe_id: i64, make_id: i64) -> Option<MakeRecord> {
        self.makes
            .get(&recipe_id)
            .and_then(|makes| makes.iter().find(|make| make.make_id == make_id))
            .cloned()
    }
}

impl InMemoryRecordStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The contents, locked. A panic elsewhere while holding the lock
    /// leaves the maps consistent (each write is one map operation), so a
    /// poisoned lock is still safe to use.
    fn contents(&self) -> MutexGuard<'_, Contents> {
        self.contents
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[async_trait]
impl RecordStore for InMemoryRecordStore {
    async fn ping(&self) -> Result<()> {
        Ok(())
    }

    async fn put_recipe(&self, recipe: &Recipe, mode: PutMode) -> Result<Written> {
        let Some(recipe_id) = recipe.recipe_id else {
            return Err(Error::Refused {
                backend: "memory",
                message: format!("recipe {:?} has no recipeId", recipe.recipe_name),
            });
        };
        let mut contents = self.contents();
        match (contents.recipes.entry(recipe_id), mode) {
            (Entry::Vacant(entry), _) => {
                entry.insert(recipe.clone());
                Ok(Written::Created)
            }
            (Entry::Occupied(_), PutMode::Create) => Ok(Written::Conflict),
            (Entry::Occupied(mut entry), PutMode::Upsert) => {
                entry.insert(recipe.clone());
                Ok(Written::Replaced)
            }
        }
    }

    async fn recipe(&self, recipe_id: i64) -> Result<Option<Recipe>> {
        Ok(self.contents().recipes.get(&recipe_id).cloned())
    }

    async fn recipes(&self) -> Result<Vec<Recipe>> {
        Ok(self.contents().recipes.values().cloned().collect())
    }

    async fn put_make(&self, identity: &MakeIdentity, record: &MakeRecord) -> Result<MakeWritten> {
        let recipe_id = record.recipe_id;
        let mut contents = self.contents();
        let claimed = match identity {
            MakeIdentity::Named(make_id) => {
                if let Some(stored) = contents.make(recipe_id, *make_id) {
                    return Ok(MakeWritten::Existing(stored));
                }
                None
            }
            MakeIdentity::Claimed(claim) => {
                let claim_key = (recipe_id, claim.key.clone());
                if let Some((fingerprint, make_id)) = contents.claims.get(&claim_key) {
                    return claim.answer(recipe_id, (fingerprint, *make_id), |make_id| {
                        Ok::<_, Error>(contents.make(recipe_id, make_id))
                    });
                }
                Some((claim_key, claim.fingerprint.clone()))
            }
            MakeIdentity::Next => None,
        };
        let last = contents.last_make_ids.entry(recipe_id).or_insert(0);
        let make_id = match identity {
            MakeIdentity::Named(make_id) => *make_id,
            MakeIdentity::Claimed(_) | MakeIdentity::Next => match next_make_id(*last) {
                Some(make_id) => make_id,
                None => return Ok(MakeWritten::Exhausted),
            },
        };
        *last = (*last).max(make_id);
        if let Some((claim_key, fingerprint)) = claimed {
            contents.claims.insert(claim_key, (fingerprint, make_id));
        }
        let record = record.clone().numbered(make_id);
        contents
            .makes
            .entry(recipe_id)
            .or_default()
            .push(record.clone());
        Ok(MakeWritten::Created(record))
    }

    async fn make(&self, recipe_id: i64, make_id: i64) -> Result<Option<MakeRecord>> {
        Ok(self.contents().make(recipe_id, make_id))
    }

    async fn makes(&self, recipe_id: i64) -> Result<Vec<MakeRecord>> {
        Ok(self
            .contents()
            .makes
            .get(&recipe_id)
            .cloned()
            .unwrap_or_default())
    }

    async fn put_rejection(&self, rejection: &Rejection) -> Result<()> {
        self.contents().rejections.push(rejection.clone());
        Ok(())
    }

    async fn rejections(&self) -> Result<Vec<Rejection>> {
        Ok(self.contents().rejections.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn conforms() {
        crate::conformance::record_store(&InMemoryRecordStore::new()).await;
    }

    #[tokio::test]
    async fn refuses_a_recipe_without_an_id() {
        let store = InMemoryRecordStore::new();
        let error = store
            .put_recipe(&Recipe::default(), PutMode::Upsert)
            .await
            .unwrap_err();
        assert!(!error.is_transient());
    }
}
