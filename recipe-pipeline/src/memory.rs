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
use crate::ports::{PutMode, RecordStore, Written};
use crate::records::{MakeRecord, Rejection};

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
    /// In arrival order.
    rejections: Vec<Rejection>,
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

    async fn put_make(&self, record: &MakeRecord) -> Result<Written> {
        let mut contents = self.contents();
        let makes = contents.makes.entry(record.recipe_id).or_default();
        if makes.iter().any(|make| make.make_id == record.make_id) {
            return Ok(Written::AlreadyExists);
        }
        makes.push(record.clone());
        Ok(Written::Created)
    }

    async fn make(&self, recipe_id: i64, make_id: &str) -> Result<Option<MakeRecord>> {
        Ok(self
            .contents()
            .makes
            .get(&recipe_id)
            .and_then(|makes| makes.iter().find(|make| make.make_id == make_id))
            .cloned())
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
