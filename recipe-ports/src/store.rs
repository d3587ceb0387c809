//! The record store port: recipes, makes with their differences, and
//! rejections.

use async_trait::async_trait;
use recipe_diff::Recipe;

use crate::aggregate::{Rebuilt, VersionAggregate};
use crate::error::Result;
use crate::page::{Page, PageRequest};
use crate::records::{
    MakeIdentity, MakeRecord, MakeWritten, RecipeVersion, Rejection, VersionWritten,
};

/// What a make write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// A new record.
    Created,
    /// The record was there already; nothing changed. This is how a
    /// redelivered make is recognised.
    AlreadyExists,
}

/// Where recipes with their versions, makes with their differences, and
/// rejections are kept.
///
/// Lists are read a page at a time ([`PageRequest`], [`Page`]); the
/// provided methods that read a whole list (`recipes`, `makes`,
/// `rejections`) walk the pages, for the analytics that need everything.
#[async_trait]
pub trait RecordStore: Send + Sync {
    /// Succeeds when the store can be read and written.
    async fn ping(&self) -> Result<()>;

    /// Stores `version` as version `version.version` of recipe
    /// `version.recipe_id`, only if that is the recipe's next version: 1
    /// when the recipe has none, its latest plus one otherwise. Otherwise
    /// nothing is written and the answer is [`VersionWritten::Taken`]:
    /// two writers never store the same version, and no version is ever
    /// replaced. Whether the recipe changed is the caller's judgement
    /// (`recipe-diff`'s), made against the latest version it read.
    async fn put_version(&self, version: &RecipeVersion) -> Result<VersionWritten>;

    /// The latest version of a recipe.
    async fn latest_version(&self, recipe_id: i64) -> Result<Option<RecipeVersion>>;

    /// One version of a recipe.
    async fn recipe_version(&self, recipe_id: i64, version: i64) -> Result<Option<RecipeVersion>>;

    /// A recipe's versions, newest first; a page continues below the
    /// version its request is `after`.
    async fn versions(
        &self,
        recipe_id: i64,
        page: &PageRequest<i64>,
    ) -> Result<Page<RecipeVersion, i64>>;

    /// The latest version of every recipe, by id; a page continues after
    /// the recipe id its request is `after`.
    async fn recipes_page(&self, page: &PageRequest<i64>) -> Result<Page<Recipe, i64>>;

    /// The recipe as its latest version has it.
    async fn recipe(&self, recipe_id: i64) -> Result<Option<Recipe>> {
        Ok(self
            .latest_version(recipe_id)
            .await?
            .map(|version| version.recipe))
    }

    /// Every recipe (its latest version), by id.
    async fn recipes(&self) -> Result<Vec<Recipe>> {
        let mut all = Vec::new();
        let mut request = PageRequest::first(PageRequest::<i64>::MAX_LIMIT);
        loop {
            let page = self.recipes_page(&request).await?;
            all.extend(page.items);
            match page.next {
                Some(after) => request.after = Some(after),
                None => return Ok(all),
            }
        }
    }

    /// Stores a make under `identity`, once.
    ///
    /// - [`MakeIdentity::Named`]: stored under that id, unless the recipe
    ///   has a make with that id already, which is answered unchanged
    ///   ([`MakeWritten::Existing`]; the caller tells a redelivery from a
    ///   conflict by its content).
    /// - [`MakeIdentity::Claimed`]: when the claim was made before, the
    ///   make it names is answered ([`MakeWritten::Existing`], or
    ///   [`MakeWritten::ClaimMismatch`] for another fingerprint); otherwise
    ///   the make is stored under the next id of its recipe and the claim
    ///   with it, atomically: never one without the other.
    /// - [`MakeIdentity::Next`]: stored under the next id of its recipe.
    ///
    /// A given id is past every id the recipe has used, named or given,
    /// taken atomically, so concurrent writers never share one and a given
    /// id never lands on a named one. Ids only grow; a store may skip one
    /// it reserved and did not use (DynamoDB, when a redelivery finds its
    /// claim), never reuse one. The id is set in the
    /// record with [`MakeRecord::numbered`]; `record.make_id` is ignored.
    async fn put_make(&self, identity: &MakeIdentity, record: &MakeRecord) -> Result<MakeWritten>;

    /// One make of a recipe.
    async fn make(&self, recipe_id: i64, make_id: i64) -> Result<Option<MakeRecord>>;

    /// The makes of a recipe in make id order (the order they were
    /// recorded, for makes given their ids), only those cooked from
    /// `version` when it is set; a page continues after the make id its
    /// request is `after`.
    async fn makes_page(
        &self,
        recipe_id: i64,
        version: Option<i64>,
        page: &PageRequest<i64>,
    ) -> Result<Page<MakeRecord, i64>>;

    /// Every make of a recipe, in make id order.
    async fn makes(&self, recipe_id: i64) -> Result<Vec<MakeRecord>> {
        let mut all = Vec::new();
        let mut request = PageRequest::first(PageRequest::<i64>::MAX_LIMIT);
        loop {
            let page = self.makes_page(recipe_id, None, &request).await?;
            all.extend(page.items);
            match page.next {
                Some(after) => request.after = Some(after),
                None => return Ok(all),
            }
        }
    }

    /// What the makes of recipe `recipe_id` add up to, one aggregate per
    /// version that has makes, by version.
    ///
    /// A store keeps them up to date as it stores makes: a make's
    /// contribution ([`MakeAggregate::of`](crate::aggregate::MakeAggregate::of))
    /// is added to its version's aggregate in the same atomic write that
    /// stores the make for the first time, so a redelivered make (which
    /// [`put_make`](RecordStore::put_make) answers as
    /// [`MakeWritten::Existing`]) counts once. They equal
    /// [`MakeAggregate::by_version`](crate::aggregate::MakeAggregate::by_version)
    /// of the recipe's makes.
    async fn aggregates(&self, recipe_id: i64) -> Result<Vec<VersionAggregate>>;

    /// Builds recipe `recipe_id`'s aggregates anew from its makes and
    /// replaces the kept ones: for data stored before aggregates were kept,
    /// or to repair them. Idempotent, and safe while makes are written: a
    /// make stored meanwhile is counted once.
    async fn rebuild_aggregates(&self, recipe_id: i64) -> Result<Rebuilt>;

    /// The recipe id of the bucket object at `location` (`s3://bucket/key`,
    /// as [`Source::location`](crate::Source::location) names it: no etag,
    /// so every version of the object is a version of one recipe), for a
    /// recipe document that names no `recipeId`.
    ///
    /// The id recorded for `location` when there is one; otherwise the
    /// next id is given and recorded, atomically: past every recipe id
    /// stored and every id given before, never one in use, and only
    /// ever one per location, however many writers ask at once (the
    /// loser of a race answers the winner's id). A store may skip an id
    /// it reserved and did not use, never reuse one. Ids given run from 1
    /// to [`MAX_GIVEN_RECIPE_ID`](crate::records::MAX_GIVEN_RECIPE_ID);
    /// past it, [`Error::Refused`](crate::Error::Refused).
    async fn recipe_id_for_source(&self, location: &str) -> Result<i64>;

    /// Records why a document was refused, so nothing is dropped silently.
    async fn put_rejection(&self, rejection: &Rejection) -> Result<()>;

    /// Recorded rejections, oldest first; the cursor is the store's own
    /// (an [`Error::InvalidCursor`](crate::Error::InvalidCursor) when it
    /// did not give it).
    async fn rejections_page(&self, page: &PageRequest<String>) -> Result<Page<Rejection, String>>;

    /// Deletes makes of a recipe with the identity claims that name them,
    /// for a retention policy; makes that are not there are skipped.
    /// Their ids are never given again: the recipe's count of ids keeps
    /// them. The recipe's aggregates are then built anew from the makes
    /// left, so they still equal them. Answers how many makes were
    /// deleted.
    async fn delete_makes(&self, recipe_id: i64, make_ids: &[i64]) -> Result<u64>;

    /// Deletes versions of a recipe, for a retention policy; versions that
    /// are not there are skipped. A recipe always keeps its latest
    /// version: asking to delete it is [`Error::Refused`](crate::Error::Refused)
    /// and deletes nothing. Answers how many versions were deleted.
    async fn delete_versions(&self, recipe_id: i64, versions: &[i64]) -> Result<u64>;

    /// Deletes the rejections recorded before `rejected_before` (RFC 3339
    /// with milliseconds, UTC: the form rejections record their time in,
    /// so the two compare as text), for a retention policy. Answers how
    /// many were deleted.
    async fn delete_rejections_before(&self, rejected_before: &str) -> Result<u64>;

    /// Every recorded rejection, oldest first.
    async fn rejections(&self) -> Result<Vec<Rejection>> {
        let mut all = Vec::new();
        let mut request = PageRequest::first(PageRequest::<String>::MAX_LIMIT);
        loop {
            let page = self.rejections_page(&request).await?;
            all.extend(page.items);
            match page.next {
                Some(after) => request.after = Some(after),
                None => return Ok(all),
            }
        }
    }
}
