//! A record store that remembers recipes' latest versions for a moment.
//!
//! Every make is diffed against its recipe, and recipes change rarely:
//! reading the recipe once per make doubled the server's requests to the
//! store. [`CachedRecipes`] wraps any [`RecordStore`] and answers repeated
//! reads of a recipe's latest version from memory for a short time. A
//! version written through this instance drops the cached copy at once,
//! and so does a version write that finds itself beaten ([`VersionWritten::Taken`]),
//! so the writer's next read is fresh; a version written through another
//! server replica is seen within the time to live. A make recorded in that
//! window is pinned to the version it was diffed against, so it is never
//! wrong, only a moment behind.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use recipe_diff::Recipe;
use recipe_ports::records::{
    MakeIdentity, MakeRecord, MakeWritten, RecipeVersion, Rejection, VersionWritten,
};
use recipe_ports::{Page, PageRequest, RecordStore, Result};
use tokio::time::Instant;

/// A [`RecordStore`] with reads of recipes' latest versions cached for a
/// time to live.
pub struct CachedRecipes {
    inner: Arc<dyn RecordStore>,
    time_to_live: Duration,
    latest: Mutex<HashMap<i64, (Instant, RecipeVersion)>>,
}

impl CachedRecipes {
    /// Wraps `inner`, keeping each latest version read for `time_to_live`.
    pub fn new(inner: Arc<dyn RecordStore>, time_to_live: Duration) -> Self {
        CachedRecipes {
            inner,
            time_to_live,
            latest: Mutex::new(HashMap::new()),
        }
    }

    fn cached(&self, recipe_id: i64) -> Option<RecipeVersion> {
        let latest = self.latest.lock().ok()?;
        let (read_at, version) = latest.get(&recipe_id)?;
        (read_at.elapsed() < self.time_to_live).then(|| version.clone())
    }

    fn remember(&self, recipe_id: i64, version: Option<&RecipeVersion>) {
        if let Ok(mut latest) = self.latest.lock() {
            match version {
                Some(version) => {
                    latest.insert(recipe_id, (Instant::now(), version.clone()));
                }
                // An unknown recipe is not remembered: it may arrive any
                // moment, and a make waiting for it should see it then.
                None => {
                    latest.remove(&recipe_id);
                }
            }
        }
    }
}

#[async_trait]
impl RecordStore for CachedRecipes {
    async fn ping(&self) -> Result<()> {
        self.inner.ping().await
    }

    async fn put_version(&self, version: &RecipeVersion) -> Result<VersionWritten> {
        self.remember(version.recipe_id, None);
        let written = self.inner.put_version(version).await;
        // Written or beaten, what is cached is no longer the latest.
        self.remember(version.recipe_id, None);
        written
    }

    async fn latest_version(&self, recipe_id: i64) -> Result<Option<RecipeVersion>> {
        if let Some(version) = self.cached(recipe_id) {
            return Ok(Some(version));
        }
        let version = self.inner.latest_version(recipe_id).await?;
        self.remember(recipe_id, version.as_ref());
        Ok(version)
    }

    async fn recipe_version(&self, recipe_id: i64, version: i64) -> Result<Option<RecipeVersion>> {
        self.inner.recipe_version(recipe_id, version).await
    }

    async fn versions(
        &self,
        recipe_id: i64,
        page: &PageRequest<i64>,
    ) -> Result<Page<RecipeVersion, i64>> {
        self.inner.versions(recipe_id, page).await
    }

    async fn recipes_page(&self, page: &PageRequest<i64>) -> Result<Page<Recipe, i64>> {
        self.inner.recipes_page(page).await
    }

    async fn put_make(&self, identity: &MakeIdentity, record: &MakeRecord) -> Result<MakeWritten> {
        self.inner.put_make(identity, record).await
    }

    async fn make(&self, recipe_id: i64, make_id: i64) -> Result<Option<MakeRecord>> {
        self.inner.make(recipe_id, make_id).await
    }

    async fn makes_page(
        &self,
        recipe_id: i64,
        version: Option<i64>,
        page: &PageRequest<i64>,
    ) -> Result<Page<MakeRecord, i64>> {
        self.inner.makes_page(recipe_id, version, page).await
    }

    async fn aggregates(
        &self,
        recipe_id: i64,
    ) -> Result<Vec<recipe_ports::aggregate::VersionAggregate>> {
        self.inner.aggregates(recipe_id).await
    }

    async fn rebuild_aggregates(&self, recipe_id: i64) -> Result<recipe_ports::aggregate::Rebuilt> {
        self.inner.rebuild_aggregates(recipe_id).await
    }

    async fn recipe_id_for_source(&self, location: &str) -> Result<i64> {
        self.inner.recipe_id_for_source(location).await
    }

    async fn put_rejection(&self, rejection: &Rejection) -> Result<()> {
        self.inner.put_rejection(rejection).await
    }

    async fn rejections_page(&self, page: &PageRequest<String>) -> Result<Page<Rejection, String>> {
        self.inner.rejections_page(page).await
    }

    async fn delete_makes(&self, recipe_id: i64, make_ids: &[i64]) -> Result<u64> {
        self.inner.delete_makes(recipe_id, make_ids).await
    }

    async fn delete_versions(&self, recipe_id: i64, versions: &[i64]) -> Result<u64> {
        // The latest is never deleted, so what is cached stays true.
        self.inner.delete_versions(recipe_id, versions).await
    }

    async fn delete_rejections_before(&self, rejected_before: &str) -> Result<u64> {
        self.inner.delete_rejections_before(rejected_before).await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use recipe_ports::memory::InMemoryRecordStore;

    /// Counts latest-version reads that reach the store.
    struct Counting {
        inner: InMemoryRecordStore,
        reads: AtomicUsize,
    }

    #[async_trait]
    impl RecordStore for Counting {
        async fn ping(&self) -> Result<()> {
            self.inner.ping().await
        }
        async fn put_version(&self, version: &RecipeVersion) -> Result<VersionWritten> {
            self.inner.put_version(version).await
        }
        async fn latest_version(&self, recipe_id: i64) -> Result<Option<RecipeVersion>> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            self.inner.latest_version(recipe_id).await
        }
        async fn recipe_version(&self, id: i64, version: i64) -> Result<Option<RecipeVersion>> {
            self.inner.recipe_version(id, version).await
        }
        async fn versions(
            &self,
            id: i64,
            page: &PageRequest<i64>,
        ) -> Result<Page<RecipeVersion, i64>> {
            self.inner.versions(id, page).await
        }
        async fn recipes_page(&self, page: &PageRequest<i64>) -> Result<Page<Recipe, i64>> {
            self.inner.recipes_page(page).await
        }
        async fn put_make(
            &self,
            identity: &MakeIdentity,
            record: &MakeRecord,
        ) -> Result<MakeWritten> {
            self.inner.put_make(identity, record).await
        }
        async fn make(&self, recipe_id: i64, make_id: i64) -> Result<Option<MakeRecord>> {
            self.inner.make(recipe_id, make_id).await
        }
        async fn makes_page(
            &self,
            id: i64,
            version: Option<i64>,
            page: &PageRequest<i64>,
        ) -> Result<Page<MakeRecord, i64>> {
            self.inner.makes_page(id, version, page).await
        }
        async fn aggregates(
            &self,
            id: i64,
        ) -> Result<Vec<recipe_ports::aggregate::VersionAggregate>> {
            self.inner.aggregates(id).await
        }
        async fn rebuild_aggregates(&self, id: i64) -> Result<recipe_ports::aggregate::Rebuilt> {
            self.inner.rebuild_aggregates(id).await
        }
        async fn recipe_id_for_source(&self, location: &str) -> Result<i64> {
            self.inner.recipe_id_for_source(location).await
        }
        async fn put_rejection(&self, rejection: &Rejection) -> Result<()> {
            self.inner.put_rejection(rejection).await
        }
        async fn rejections_page(
            &self,
            page: &PageRequest<String>,
        ) -> Result<Page<Rejection, String>> {
            self.inner.rejections_page(page).await
        }
        async fn delete_makes(&self, recipe_id: i64, make_ids: &[i64]) -> Result<u64> {
            self.inner.delete_makes(recipe_id, make_ids).await
        }
        async fn delete_versions(&self, recipe_id: i64, versions: &[i64]) -> Result<u64> {
            self.inner.delete_versions(recipe_id, versions).await
        }
        async fn delete_rejections_before(&self, rejected_before: &str) -> Result<u64> {
            self.inner.delete_rejections_before(rejected_before).await
        }
    }

    fn version(number: i64, name: &str) -> RecipeVersion {
        RecipeVersion {
            recipe_id: 1,
            version: number,
            recipe: Recipe {
                recipe_name: name.into(),
                recipe_id: Some(1),
                ..Recipe::default()
            },
            created_at: "2026-12-03T10:00:00.000Z".to_owned(),
            source: None,
            message: None,
            changes: 0,
        }
    }

    #[tokio::test]
    async fn it_is_still_a_record_store() {
        let store =
            CachedRecipes::new(Arc::new(InMemoryRecordStore::new()), Duration::from_secs(5));
        recipe_ports::conformance::record_store(&store).await;
    }

    #[tokio::test(start_paused = true)]
    async fn repeated_reads_stay_in_memory_until_they_expire_or_a_write() {
        let counting = Arc::new(Counting {
            inner: InMemoryRecordStore::new(),
            reads: AtomicUsize::new(0),
        });
        let store = CachedRecipes::new(counting.clone(), Duration::from_secs(5));
        assert_eq!(store.recipe(1).await.unwrap(), None);
        assert_eq!(
            store.recipe(1).await.unwrap(),
            None,
            "absence is not cached"
        );
        assert_eq!(counting.reads.load(Ordering::SeqCst), 2);

        store.put_version(&version(1, "Pie")).await.unwrap();
        for _ in 0..10 {
            assert_eq!(
                store.latest_version(1).await.unwrap(),
                Some(version(1, "Pie"))
            );
        }
        assert_eq!(counting.reads.load(Ordering::SeqCst), 3, "one read for ten");

        store.put_version(&version(2, "Tart")).await.unwrap();
        assert_eq!(
            &*store.recipe(1).await.unwrap().unwrap().recipe_name,
            "Tart",
            "a write is seen at once"
        );

        // A write elsewhere is seen once the time to live has passed, or
        // at once by a writer that finds itself beaten.
        counting
            .inner
            .put_version(&version(3, "Crumble"))
            .await
            .unwrap();
        assert_eq!(store.latest_version(1).await.unwrap().unwrap().version, 2);
        assert_eq!(
            store.put_version(&version(3, "Pie again")).await.unwrap(),
            VersionWritten::Taken
        );
        assert_eq!(store.latest_version(1).await.unwrap().unwrap().version, 3);
        counting
            .inner
            .put_version(&version(4, "Galette"))
            .await
            .unwrap();
        tokio::time::advance(Duration::from_secs(6)).await;
        assert_eq!(
            &*store.recipe(1).await.unwrap().unwrap().recipe_name,
            "Galette"
        );
    }
}
