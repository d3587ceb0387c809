//! A [`RecordStore`] in memory: the third adapter, for tests, examples and
//! a server that needs nothing on disk.
//!
//! It keeps the same promises as the SQLite and DynamoDB stores (the
//! `conformance` suite checks them), so a test that passes over it says
//! something about the real stores too. Everything is lost when it is
//! dropped.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use recipe_diff::Recipe;

use crate::aggregate::{MakeAggregate, Rebuilt, VersionAggregate};
use crate::error::{Error, Result};
use crate::page::{Page, PageRequest};
use crate::records::{
    MakeIdentity, MakeRecord, MakeWritten, RecipeVersion, Rejection, VersionWritten, next_make_id,
    next_recipe_id, recipe_ids_exhausted,
};
use crate::store::RecordStore;

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
    /// By recipe id, so listing gives them in id order as the port
    /// promises; each recipe's versions in ascending order (with gaps
    /// where a retention policy deleted old ones).
    versions: BTreeMap<i64, Vec<RecipeVersion>>,
    /// Per recipe, makes by id.
    makes: BTreeMap<i64, BTreeMap<i64, MakeRecord>>,
    /// Per recipe, the largest make id ever used.
    last_make_ids: BTreeMap<i64, i64>,
    /// Per recipe and claim key: the fingerprint and the make it names.
    claims: BTreeMap<(i64, String), (String, i64)>,
    /// In arrival order.
    rejections: Vec<Rejection>,
    /// How many rejections were deleted from the front of `rejections`:
    /// a cursor counts from the first ever recorded, so deleting old ones
    /// moves no reader's place.
    rejections_deleted: usize,
    /// Bucket object locations and the recipe ids given them.
    recipe_sources: BTreeMap<String, i64>,
    /// Per recipe and version, what its makes add up to: changed with the
    /// make under the same lock, so a make and its count never part.
    aggregates: BTreeMap<(i64, i64), MakeAggregate>,
}

impl Contents {
    /// Make `make_id` of recipe `recipe_id`, when stored.
    fn make(&self, recipe_id: i64, make_id: i64) -> Option<MakeRecord> {
        self.makes
            .get(&recipe_id)
            .and_then(|makes| makes.get(&make_id))
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

    async fn put_version(&self, version: &RecipeVersion) -> Result<VersionWritten> {
        if version.version < 1 {
            return Err(Error::Refused {
                backend: "memory",
                message: format!("recipe version {} is below 1", version.version),
            });
        }
        let mut contents = self.contents();
        let versions = contents.versions.entry(version.recipe_id).or_default();
        let next = versions.last().map_or(1, |latest| latest.version + 1);
        if version.version != next {
            return Ok(VersionWritten::Taken);
        }
        versions.push(version.clone());
        Ok(VersionWritten::Created)
    }

    async fn latest_version(&self, recipe_id: i64) -> Result<Option<RecipeVersion>> {
        Ok(self
            .contents()
            .versions
            .get(&recipe_id)
            .and_then(|versions| versions.last())
            .cloned())
    }

    async fn recipe_version(&self, recipe_id: i64, version: i64) -> Result<Option<RecipeVersion>> {
        let contents = self.contents();
        let Some(versions) = contents.versions.get(&recipe_id) else {
            return Ok(None);
        };
        Ok(versions
            .binary_search_by_key(&version, |stored| stored.version)
            .ok()
            .map(|index| versions[index].clone()))
    }

    async fn versions(
        &self,
        recipe_id: i64,
        page: &PageRequest<i64>,
    ) -> Result<Page<RecipeVersion, i64>> {
        let contents = self.contents();
        let newest_first = contents
            .versions
            .get(&recipe_id)
            .into_iter()
            .flatten()
            .rev()
            .filter(|version| page.after.is_none_or(|after| version.version < after))
            .take(page.limit + 1)
            .cloned()
            .collect();
        Ok(Page::from_items(newest_first, page.limit, |v| v.version))
    }

    async fn recipes_page(&self, page: &PageRequest<i64>) -> Result<Page<Recipe, i64>> {
        let contents = self.contents();
        let start = page.after.map_or(Bound::Unbounded, Bound::Excluded);
        let recipes = contents
            .versions
            .range((start, Bound::Unbounded))
            .filter_map(|(_, versions)| versions.last())
            .take(page.limit + 1)
            .map(|latest| latest.recipe.clone())
            .collect();
        Ok(Page::from_items(recipes, page.limit, |recipe| {
            recipe.recipe_id.unwrap_or_default()
        }))
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
            .aggregates
            .entry((recipe_id, record.recipe_version))
            .or_default()
            .absorb(&MakeAggregate::of(&record));
        contents
            .makes
            .entry(recipe_id)
            .or_default()
            .insert(make_id, record.clone());
        Ok(MakeWritten::Created(record))
    }

    async fn make(&self, recipe_id: i64, make_id: i64) -> Result<Option<MakeRecord>> {
        Ok(self.contents().make(recipe_id, make_id))
    }

    async fn makes_page(
        &self,
        recipe_id: i64,
        version: Option<i64>,
        page: &PageRequest<i64>,
    ) -> Result<Page<MakeRecord, i64>> {
        let contents = self.contents();
        let start = page.after.map_or(Bound::Unbounded, Bound::Excluded);
        let makes = contents
            .makes
            .get(&recipe_id)
            .into_iter()
            .flat_map(|makes| makes.range((start, Bound::Unbounded)))
            .map(|(_, make)| make)
            .filter(|make| version.is_none_or(|version| make.recipe_version == version))
            .take(page.limit + 1)
            .cloned()
            .collect();
        Ok(Page::from_items(makes, page.limit, |make| make.make_id))
    }

    async fn aggregates(&self, recipe_id: i64) -> Result<Vec<VersionAggregate>> {
        Ok(self
            .contents()
            .aggregates
            .range((recipe_id, i64::MIN)..=(recipe_id, i64::MAX))
            .map(|(&(recipe_id, version), aggregate)| VersionAggregate {
                recipe_id,
                version,
                aggregate: aggregate.clone(),
            })
            .collect())
    }

    async fn rebuild_aggregates(&self, recipe_id: i64) -> Result<Rebuilt> {
        let mut contents = self.contents();
        let makes = contents.makes.get(&recipe_id);
        let built =
            MakeAggregate::by_version(recipe_id, makes.into_iter().flat_map(|m| m.values()));
        let read = makes.map_or(0, |makes| makes.len() as u64);
        contents
            .aggregates
            .retain(|(recipe, _), _| *recipe != recipe_id);
        let versions = built.len() as u64;
        for version in built {
            contents
                .aggregates
                .insert((recipe_id, version.version), version.aggregate);
        }
        Ok(Rebuilt {
            makes: read,
            versions,
        })
    }

    async fn recipe_id_for_source(&self, location: &str) -> Result<i64> {
        let mut contents = self.contents();
        if let Some(recipe_id) = contents.recipe_sources.get(location) {
            return Ok(*recipe_id);
        }
        // Past every recipe stored and every id given, stored or not yet.
        let largest = [
            contents.versions.keys().next_back(),
            contents.recipe_sources.values().max(),
        ]
        .into_iter()
        .flatten()
        .copied()
        .max()
        .unwrap_or(0);
        let recipe_id =
            next_recipe_id(largest).ok_or_else(|| recipe_ids_exhausted("memory", location))?;
        contents
            .recipe_sources
            .insert(location.to_owned(), recipe_id);
        Ok(recipe_id)
    }

    async fn put_rejection(&self, rejection: &Rejection) -> Result<()> {
        self.contents().rejections.push(rejection.clone());
        Ok(())
    }

    async fn rejections_page(&self, page: &PageRequest<String>) -> Result<Page<Rejection, String>> {
        // The cursor is the number of the next rejection to read, counted
        // from the first ever recorded.
        let from = match &page.after {
            None => 0,
            Some(cursor) => cursor.parse::<usize>().map_err(|_| Error::InvalidCursor {
                cursor: cursor.clone(),
            })?,
        };
        let contents = self.contents();
        let deleted = contents.rejections_deleted;
        let items: Vec<Rejection> = contents
            .rejections
            .iter()
            .skip(from.saturating_sub(deleted))
            .take(page.limit)
            .cloned()
            .collect();
        let end = from.max(deleted) + items.len();
        let next = (end < deleted + contents.rejections.len()).then(|| end.to_string());
        Ok(Page { items, next })
    }

    async fn delete_makes(&self, recipe_id: i64, make_ids: &[i64]) -> Result<u64> {
        let deleted = {
            let mut contents = self.contents();
            let mut deleted = 0;
            if let Some(makes) = contents.makes.get_mut(&recipe_id) {
                for make_id in make_ids {
                    deleted += u64::from(makes.remove(make_id).is_some());
                }
            }
            contents.claims.retain(|(claim_recipe, _), (_, make_id)| {
                *claim_recipe != recipe_id || !make_ids.contains(make_id)
            });
            deleted
        };
        if deleted > 0 {
            self.rebuild_aggregates(recipe_id).await?;
        }
        Ok(deleted)
    }

    async fn delete_versions(&self, recipe_id: i64, versions: &[i64]) -> Result<u64> {
        let mut contents = self.contents();
        let Some(stored) = contents.versions.get_mut(&recipe_id) else {
            return Ok(0);
        };
        if let Some(latest) = stored.last().map(|latest| latest.version)
            && versions.contains(&latest)
        {
            return Err(Error::Refused {
                backend: "memory",
                message: format!("version {latest} is recipe {recipe_id}'s latest: it is kept"),
            });
        }
        let before = stored.len();
        stored.retain(|version| !versions.contains(&version.version));
        Ok((before - stored.len()) as u64)
    }

    async fn delete_rejections_before(&self, rejected_before: &str) -> Result<u64> {
        let mut contents = self.contents();
        // Rejections arrive in time order, so the old ones are the first.
        let old = contents
            .rejections
            .iter()
            .take_while(|rejection| rejection.rejected_at.as_str() < rejected_before)
            .count();
        contents.rejections.drain(..old);
        contents.rejections_deleted += old;
        Ok(old as u64)
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
    async fn gives_no_recipe_id_past_the_last() {
        let store = InMemoryRecordStore::new();
        let last = RecipeVersion {
            recipe_id: crate::records::MAX_GIVEN_RECIPE_ID,
            version: 1,
            recipe: Recipe::default(),
            created_at: String::new(),
            source: None,
            message: None,
            changes: 0,
        };
        store.put_version(&last).await.unwrap();
        let error = store
            .recipe_id_for_source("s3://bucket/recipes/tea.cook")
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Refused { .. }), "{error}");
        assert!(error.to_string().contains("recipes/tea.cook"), "{error}");
    }

    #[tokio::test]
    async fn refuses_a_version_below_one() {
        let store = InMemoryRecordStore::new();
        let version = RecipeVersion {
            recipe_id: 1,
            version: 0,
            recipe: Recipe::default(),
            created_at: String::new(),
            source: None,
            message: None,
            changes: 0,
        };
        let error = store.put_version(&version).await.unwrap_err();
        assert!(!error.is_transient());
    }
}
