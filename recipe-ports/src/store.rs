//! The record store port: recipes, makes with their differences, and
//! rejections.

use async_trait::async_trait;
use recipe_diff::Recipe;

use crate::error::Result;
use crate::records::{MakeIdentity, MakeRecord, MakeWritten, Rejection};

/// How a recipe write treats an existing recipe with the same id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutMode {
    /// Fail with [`Written::Conflict`] when it exists (`POST /recipes`).
    Create,
    /// Create or replace (`PUT /recipes/{id}`, a changed object in the bucket).
    Upsert,
}

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// A new record.
    Created,
    /// An existing record was replaced.
    Replaced,
    /// The record was there already; nothing changed. For makes this is how
    /// a redelivered make is recognised.
    AlreadyExists,
    /// A create met an existing record.
    Conflict,
}

/// Where recipes, makes with their differences, and rejections are kept.
#[async_trait]
pub trait RecordStore: Send + Sync {
    /// Succeeds when the store can be read and written.
    async fn ping(&self) -> Result<()>;

    /// Stores a recipe under its `recipe_id`, which must be set.
    async fn put_recipe(&self, recipe: &Recipe, mode: PutMode) -> Result<Written>;

    /// The recipe with this id.
    async fn recipe(&self, recipe_id: i64) -> Result<Option<Recipe>>;

    /// Every recipe, by id.
    async fn recipes(&self) -> Result<Vec<Recipe>>;

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

    /// Every make of a recipe, oldest first.
    async fn makes(&self, recipe_id: i64) -> Result<Vec<MakeRecord>>;

    /// Records why a document was refused, so nothing is dropped silently.
    async fn put_rejection(&self, rejection: &Rejection) -> Result<()>;

    /// Every recorded rejection, oldest first.
    async fn rejections(&self) -> Result<Vec<Rejection>>;
}
