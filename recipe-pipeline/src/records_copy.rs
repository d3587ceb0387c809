//! Copying every record from one store to another through the port: how a
//! cook who started with `recipe up` moves to the cluster and keeps their
//! data (`recipe migrate`).
//!
//! Idempotent, so it is safe to stop and run again: a version is stored
//! only as its recipe's next one (one already there is compared, not
//! written again), a make under its own id (one already there is
//! compared, not written again), and a rejection under a key the
//! DynamoDB store derives from its content. The destination keeps its
//! own analytics aggregates as makes arrive, as it does for any make.
//!
//! What is not copied: the identity claims of makes that came from a
//! bucket object with no `makeId` (the port has no way to list them). Such
//! a make is found again only if the *old* bucket's objects are replayed
//! into the new store; point the cluster at its own bucket instead.

use std::collections::HashMap;

use recipe_ports::records::{MakeIdentity, MakeRecord, MakeWritten, RecipeVersion, VersionWritten};
use recipe_ports::{Error, PageRequest, RecordStore, Result};

/// What a copy did, in all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Copied {
    /// Recipes read from the source.
    pub recipes: u64,
    /// Versions written to the destination.
    pub versions: u64,
    /// Versions the destination held already, the same.
    pub versions_there: u64,
    /// Makes written to the destination.
    pub makes: u64,
    /// Makes the destination held already, the same.
    pub makes_there: u64,
    /// Rejections written (again, where the store keeps one of each).
    pub rejections: u64,
}

impl std::fmt::Display for Copied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} recipes; {} versions copied, {} there already; {} makes copied, {} there already; \
             {} rejections copied",
            self.recipes,
            self.versions,
            self.versions_there,
            self.makes,
            self.makes_there,
            self.rejections
        )
    }
}

/// One recipe copied, for progress output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecipeCopied {
    /// The recipe.
    pub recipe_id: i64,
    /// Its versions written now, and those there already.
    pub versions: (u64, u64),
    /// Its makes written now, and those there already.
    pub makes: (u64, u64),
}

/// Copies every recipe with its versions and makes, then every rejection,
/// from `from` to `to`, calling `progress` after each recipe.
///
/// Stops with [`Error::Refused`] where the destination holds something
/// else under the same name (another version N of a recipe, another make
/// under an id): a copy never overwrites.
pub async fn copy_records(
    from: &dyn RecordStore,
    to: &dyn RecordStore,
    mut progress: impl FnMut(RecipeCopied),
) -> Result<Copied> {
    let mut copied = Copied::default();
    let mut request = PageRequest::first(PageRequest::<i64>::MAX_LIMIT);
    loop {
        let page = from.recipes_page(&request).await?;
        for recipe in &page.items {
            let Some(recipe_id) = recipe.recipe_id else {
                continue;
            };
            let versions = copy_versions(from, to, recipe_id).await?;
            let makes = copy_makes(from, to, recipe_id).await?;
            copied.recipes += 1;
            copied.versions += versions.0;
            copied.versions_there += versions.1;
            copied.makes += makes.0;
            copied.makes_there += makes.1;
            progress(RecipeCopied {
                recipe_id,
                versions,
                makes,
            });
        }
        match page.next {
            Some(after) => request.after = Some(after),
            None => break,
        }
    }
    for rejection in from.rejections().await? {
        to.put_rejection(&rejection).await?;
        copied.rejections += 1;
    }
    Ok(copied)
}

/// A recipe's versions, oldest first: (written, there already).
async fn copy_versions(
    from: &dyn RecordStore,
    to: &dyn RecordStore,
    recipe_id: i64,
) -> Result<(u64, u64)> {
    let mut versions: Vec<RecipeVersion> = Vec::new();
    let mut request = PageRequest::first(PageRequest::<i64>::MAX_LIMIT);
    loop {
        let page = from.versions(recipe_id, &request).await?;
        versions.extend(page.items);
        match page.next {
            Some(after) => request.after = Some(after),
            None => break,
        }
    }
    versions.reverse();
    let (mut written, mut there) = (0, 0);
    for version in versions {
        match to.put_version(&version).await? {
            VersionWritten::Created => written += 1,
            VersionWritten::Taken => {
                let held = to.recipe_version(recipe_id, version.version).await?;
                match held {
                    Some(held) if held.recipe == version.recipe => there += 1,
                    Some(_) => {
                        return Err(refused(format!(
                            "the destination holds another version {} of recipe {recipe_id}: \
                             nothing of it is overwritten",
                            version.version
                        )));
                    }
                    None => {
                        return Err(refused(format!(
                            "version {} of recipe {recipe_id} cannot follow the destination's \
                             latest (older versions deleted by a retention policy leave a gap \
                             a new store cannot start from)",
                            version.version
                        )));
                    }
                }
            }
        }
    }
    Ok((written, there))
}

/// A recipe's makes, under their own ids: (written, there already).
async fn copy_makes(
    from: &dyn RecordStore,
    to: &dyn RecordStore,
    recipe_id: i64,
) -> Result<(u64, u64)> {
    let (mut written, mut there) = (0, 0);
    let mut request = PageRequest::first(PageRequest::<i64>::MAX_LIMIT);
    loop {
        let page = from.makes_page(recipe_id, None, &request).await?;
        // The destination's page from the same place: a make found there,
        // the same, costs no write (a run after a finished or interrupted
        // one reads, mostly). One not found in it is written, and the
        // store's answer decides.
        let held = to.makes_page(recipe_id, None, &request).await?.items;
        let held: HashMap<i64, &MakeRecord> = held.iter().map(|m| (m.make_id, m)).collect();
        for make in &page.items {
            if held.get(&make.make_id).is_some_and(|held| *held == make) {
                there += 1;
                continue;
            }
            match to
                .put_make(&MakeIdentity::Named(make.make_id), make)
                .await?
            {
                MakeWritten::Created(_) => written += 1,
                MakeWritten::Existing(held) if held == *make => there += 1,
                MakeWritten::Existing(_) | MakeWritten::ClaimMismatch { .. } => {
                    return Err(refused(format!(
                        "the destination holds another make {} of recipe {recipe_id}: \
                         nothing of it is overwritten",
                        make.make_id
                    )));
                }
                MakeWritten::Exhausted => {
                    return Err(refused(format!(
                        "make {} of recipe {recipe_id}: the destination has no id left",
                        make.make_id
                    )));
                }
            }
        }
        match page.next {
            Some(after) => request.after = Some(after),
            None => break,
        }
    }
    Ok((written, there))
}

fn refused(message: String) -> Error {
    Error::Refused {
        backend: "copy",
        message,
    }
}

#[cfg(test)]
mod tests {
    use recipe_diff::{Recipe, RecipeDiff};
    use recipe_ports::memory::InMemoryRecordStore;
    use recipe_ports::records::Rejection;

    use super::*;

    fn recipe(name: &str) -> Recipe {
        Recipe {
            recipe_name: name.into(),
            recipe_id: Some(1),
            ..Recipe::default()
        }
    }

    async fn source() -> InMemoryRecordStore {
        let store = InMemoryRecordStore::new();
        for (version, name) in [(1, "Stew"), (2, "Beef Stew")] {
            let written = store
                .put_version(&RecipeVersion {
                    recipe_id: 1,
                    version,
                    recipe: recipe(name),
                    created_at: "2026-12-01T00:00:00.000Z".to_owned(),
                    source: None,
                    message: None,
                    changes: 0,
                })
                .await;
            assert_eq!(written.ok(), Some(VersionWritten::Created));
        }
        for (identity, version) in [(MakeIdentity::Next, 1), (MakeIdentity::Named(9), 2)] {
            let record = MakeRecord {
                recipe_id: 1,
                make_id: 0,
                made_at: None,
                notes: None,
                recipe: recipe("Stew"),
                recipe_version: version,
                differences: RecipeDiff::default(),
                flat_differences: Vec::new(),
                source: None,
                recorded_at: "2026-12-02T00:00:00.000Z".to_owned(),
            };
            assert!(store.put_make(&identity, &record).await.is_ok());
        }
        let rejection = Rejection {
            source: "s3://bucket/makes/bad.json@e".to_owned(),
            reason: "not JSON".to_owned(),
            rejected_at: "2026-12-02T00:00:00.000Z".to_owned(),
        };
        assert!(store.put_rejection(&rejection).await.is_ok());
        store
    }

    #[tokio::test]
    async fn everything_is_copied_once_however_often_it_runs() {
        let (from, to) = (source().await, InMemoryRecordStore::new());
        let mut seen = Vec::new();
        let first = copy_records(&from, &to, |recipe| seen.push(recipe))
            .await
            .ok();
        assert_eq!(
            first,
            Some(Copied {
                recipes: 1,
                versions: 2,
                versions_there: 0,
                makes: 2,
                makes_there: 0,
                rejections: 1,
            })
        );
        assert_eq!(seen.len(), 1);
        let again = copy_records(&from, &to, |_| {}).await.ok();
        assert_eq!(
            again.map(|c| (c.versions, c.versions_there, c.makes, c.makes_there)),
            Some((0, 2, 0, 2)),
            "a second run writes nothing"
        );
        assert_eq!(to.makes(1).await.ok(), from.makes(1).await.ok());
        let held: Vec<i64> = to
            .makes(1)
            .await
            .unwrap_or_default()
            .iter()
            .map(|m| m.make_id)
            .collect();
        assert_eq!(held, [1, 9], "makes keep their ids");
        assert_eq!(
            to.latest_version(1).await.ok(),
            from.latest_version(1).await.ok()
        );
    }

    #[tokio::test]
    async fn another_history_under_the_same_names_is_refused_not_overwritten() {
        let from = source().await;
        let to = InMemoryRecordStore::new();
        let other = RecipeVersion {
            recipe_id: 1,
            version: 1,
            recipe: recipe("Someone else's"),
            created_at: "2026-11-01T00:00:00.000Z".to_owned(),
            source: None,
            message: None,
            changes: 0,
        };
        assert!(to.put_version(&other).await.is_ok());
        let copied = copy_records(&from, &to, |_| {}).await;
        assert!(
            matches!(&copied, Err(Error::Refused { message, .. }) if message.contains("another version 1")),
            "{copied:?}"
        );
        assert_eq!(
            to.latest_version(1).await.ok().flatten().map(|v| v.recipe),
            Some(recipe("Someone else's"))
        );
    }
}
