//! A record store that remembers recipes for a moment.
//!
//! Every make is diffed against its recipe, and recipes change rarely:
//! reading the recipe once per make doubled the server's requests to the
//! store. [`CachedRecipes`] wraps any [`RecordStore`] and answers repeated
//! recipe reads from memory for a short time. A write through this
//! instance drops the cached copy at once; a write through another server
//! replica is seen within the time to live.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use recipe_diff::Recipe;
use tokio::time::Instant;

use recipe_ports::Result;
use recipe_ports::records::{MakeIdentity, MakeRecord, MakeWritten, Rejection};
use recipe_ports::{PutMode, RecordStore, Written};

/// A [`RecordStore`] with recipe reads cached for a time to live.
pub struct CachedRecipes {
    inner: Arc<dyn RecordStore>,
    time_to_live: Duration,
    recipes: Mutex<HashMap<i64, (Instant, Recipe)>>,
}

impl CachedRecipes {
    /// Wraps `inner`, keeping each recipe read for `time_to_live`.
    pub fn new(inner: Arc<dyn RecordStore>, time_to_live: Duration) -> Self {
        CachedRecipes {
            inner,
            time_to_live,
            recipes: Mutex::new(HashMap::new()),
        }
    }

    fn cached(&self, recipe_id: i64) -> Option<Recipe> {
        let recipes = self.recipes.lock().ok()?;
        let (read_at, recipe) = recipes.get(&recipe_id)?;
        (read_at.elapsed() < self.time_to_live).then(|| recipe.clone())
    }

    fn remember(&self, recipe_id: i64, recipe: Option<&Recipe>) {
        if let Ok(mut recipes) = self.recipes.lock() {
            match recipe {
                Some(recipe) => {
                    recipes.insert(recipe_id, (Instant::now(), recipe.clone()));
                }
                // An unknown recipe is not remembered: it may arrive any
                // moment, and a make waiting for it should see it then.
                None => {
                    recipes.remove(&recipe_id);
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

    async fn put_recipe(&self, recipe: &Recipe, mode: PutMode) -> Result<Written> {
        if let Some(id) = recipe.recipe_id {
            self.remember(id, None);
        }
        self.inner.put_recipe(recipe, mode).await
    }

    async fn recipe(&self, recipe_id: i64) -> Result<Option<Recipe>> {
        if let Some(recipe) = self.cached(recipe_id) {
            return Ok(Some(recipe));
        }
        let recipe = self.inner.recipe(recipe_id).await?;
        self.remember(recipe_id, recipe.as_ref());
        Ok(recipe)
    }

    async fn recipes(&self) -> Result<Vec<Recipe>> {
        self.inner.recipes().await
    }

    async fn put_make(&self, identity: &MakeIdentity, record: &MakeRecord) -> Result<MakeWritten> {
        self.inner.put_make(identity, record).await
    }

    async fn make(&self, recipe_id: i64, make_id: i64) -> Result<Option<MakeRecord>> {
        self.inner.make(recipe_id, make_id).await
    }

    async fn makes(&self, recipe_id: i64) -> Result<Vec<MakeRecord>> {
        self.inner.makes(recipe_id).await
    }

    async fn put_rejection(&self, rejection: &Rejection) -> Result<()> {
        self.inner.put_rejection(rejection).await
    }

    async fn rejections(&self) -> Result<Vec<Rejection>> {
        self.inner.rejections().await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use recipe_ports::memory::InMemoryRecordStore;

    /// Counts recipe reads that reach the store.
    struct Counting {
        inner: InMemoryRecordStore,
        reads: AtomicUsize,
    }

    #[async_trait]
    impl RecordStore for Counting {
        async fn ping(&self) -> Result<()> {
            self.inner.ping().await
        }
        async fn put_recipe(&self, recipe: &Recipe, mode: PutMode) -> Result<Written> {
            self.inner.put_recipe(recipe, mode).await
        }
        async fn recipe(&self, recipe_id: i64) -> Result<Option<Recipe>> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            self.inner.recipe(recipe_id).await
        }
        async fn recipes(&self) -> Result<Vec<Recipe>> {
            self.inner.recipes().await
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
        async fn makes(&self, recipe_id: i64) -> Result<Vec<MakeRecord>> {
            self.inner.makes(recipe_id).await
        }
        async fn put_rejection(&self, rejection: &Rejection) -> Result<()> {
            self.inner.put_rejection(rejection).await
        }
        async fn rejections(&self) -> Result<Vec<Rejection>> {
            self.inner.rejections().await
        }
    }

    fn pie(name: &str) -> Recipe {
        Recipe {
            recipe_name: name.to_owned(),
            recipe_id: Some(1),
            ..Recipe::default()
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

        store
            .put_recipe(&pie("Pie"), PutMode::Create)
            .await
            .unwrap();
        for _ in 0..10 {
            assert_eq!(store.recipe(1).await.unwrap(), Some(pie("Pie")));
        }
        assert_eq!(counting.reads.load(Ordering::SeqCst), 3, "one read for ten");

        store
            .put_recipe(&pie("Tart"), PutMode::Upsert)
            .await
            .unwrap();
        assert_eq!(
            store.recipe(1).await.unwrap(),
            Some(pie("Tart")),
            "a write is seen at once"
        );

        // A write elsewhere is seen once the time to live has passed.
        counting
            .inner
            .put_recipe(&pie("Crumble"), PutMode::Upsert)
            .await
            .unwrap();
        assert_eq!(store.recipe(1).await.unwrap(), Some(pie("Tart")));
        tokio::time::advance(Duration::from_secs(6)).await;
        assert_eq!(store.recipe(1).await.unwrap(), Some(pie("Crumble")));
    }
}
