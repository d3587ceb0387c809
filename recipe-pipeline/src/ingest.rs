//! What the server does with a recipe or make document, without HTTP.
//!
//! The handlers of [`crate::server`] are thin: they read the path, the
//! headers and the body, call [`record_recipe`] or [`record_make`], and
//! turn the outcome into a response. Keeping the logic here means a test or
//! a fuzzer can feed bytes to exactly what a request reaches.
//!
//! - A make's identity is `(recipeId, makeId)`. A make that names its
//!   `makeId` keeps it; one that names none gets the next integer of its
//!   recipe from the store. A make from the bucket is claimed by its
//!   object version ([`object_claim`]), and one posted with an
//!   `Idempotency-Key` by that key ([`idempotency_claim`]), so a
//!   redelivery or a retry finds the make it created; a make posted with
//!   neither is a new make every time (a cook may cook the same thing
//!   twice).
//! - A recipe is read in its [`DocumentFormat`]: JSON (native or
//!   schema.org JSON-LD), a saved page, or Cooklang; what was read around
//!   in it is logged. One from the bucket that names no `recipeId` (a
//!   page, a Cooklang file) is the recipe its object's location was given
//!   ([`RecordStore::recipe_id_for_source`]): a new version of the object
//!   is a new version of the same recipe.
//! - A document that came through the bucket and is refused is kept as a
//!   [`Rejection`], so nothing the cook dropped in the bucket disappears
//!   without a trace; a client posting by hand reads the refusal in the
//!   response instead.

use std::time::{Duration, Instant, SystemTime};

use recipe_diff::parse::{parse_recipe_cooklang, parse_recipe_html};
use recipe_diff::{Make, Parsed, Recipe, diff, diff_make, parse_make, parse_recipe_with_warnings};
use recipe_ports::records::{
    MAX_MAKE_ID, MakeIdentity, MakeRecord, MakeWritten, RecipeVersion, Rejection, VersionWritten,
    idempotency_claim, object_claim,
};
use recipe_ports::{Error, PageRequest, RecordStore, Source, Written};

use crate::document_format::DocumentFormat;

/// How a recipe write treats the id and an existing recipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecipeWrite {
    /// A new recipe, named by the document's `recipeId`; an existing one is
    /// a conflict (`POST /recipes` by hand).
    Create,
    /// Create or replace the recipe the document names: a recipe from the
    /// bucket, where a changed object is an update.
    Upsert,
    /// Create or replace the recipe with this id; the document's
    /// `recipeId`, if any, must agree (`PUT /recipes/{recipeId}`).
    Replace(i64),
}

/// Which recipe a make is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MakeOf {
    /// The recipe with this id, as a request path names it
    /// (`POST /recipes/{recipeId}/makes`); the document's `recipeId`, if
    /// any, must agree. An unknown recipe is not found before the body is
    /// read.
    Recipe(i64),
    /// The recipe the document names by its `recipeId` (`POST /makes`, and
    /// every make the sender delivers from the bucket).
    Named,
}

/// Why a document was not recorded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// The body is not a recipe or make that can be read; the error names
    /// the JSON path or the line and column.
    #[error(transparent)]
    Document(#[from] recipe_diff::Error),
    /// The body is not UTF-8 text, so not JSON.
    #[error("the body is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// Offset of the first byte that is not UTF-8.
        offset: usize,
    },
    /// A document without a `recipeId` where only the document can name
    /// its recipe: a recipe posted by hand is stored under its id (a
    /// recipe without one could never be diffed against), and a make
    /// names its original by it. (A recipe from the bucket without one is
    /// given the id of its object.)
    #[error("recipeId: the document names no recipeId")]
    MissingRecipeId,
    /// The document's `recipeId` is not the one the request path names.
    #[error("recipeId: the document says {document}, the path says {path}")]
    RecipeIdMismatch {
        /// The id in the request path.
        path: i64,
        /// The id in the document.
        document: i64,
    },
    /// A make names a recipe the store does not have.
    #[error("recipe {0} does not exist")]
    UnknownRecipe(i64),
    /// A make names a version of its recipe the store does not have (yet:
    /// the version may still be on its way through the bucket).
    #[error("recipe {recipe_id} has no version {version}")]
    UnknownVersion {
        /// The recipe.
        recipe_id: i64,
        /// The version the make names.
        version: i64,
    },
    /// A make names a version below 1.
    #[error("recipeVersion: {0} is not a version: versions are numbered from 1")]
    RecipeVersionOutOfRange(i64),
    /// A recipe was created with an id that is taken.
    #[error("recipe {0} exists already; PUT /recipes/{0} replaces it")]
    RecipeExists(i64),
    /// A make reuses the id of a stored make of the same recipe with other
    /// contents; storing it would silently drop one of the two.
    #[error("make {make_id} of recipe {recipe_id} exists already with other contents")]
    MakeConflict {
        /// The recipe.
        recipe_id: i64,
        /// The make id both documents claim.
        make_id: i64,
    },
    /// A make names a `makeId` past [`MAX_MAKE_ID`] (either way).
    #[error(
        "makeId: {0} is out of range: a make id is at most {MAX_MAKE_ID} (2^53 - 1) either way"
    )]
    MakeIdOutOfRange(i64),
    /// A make needs an id given and its recipe has used the last one
    /// (a make named [`MAX_MAKE_ID`]).
    #[error("recipe {0} has used make id {MAX_MAKE_ID}, the last one: a make must name its makeId")]
    MakeIdsExhausted(i64),
    /// A bucket document without a `recipeId` needs one given, and a recipe
    /// already uses the last id that can be: the document must name its own.
    #[error("recipeId: the document names none, and none is left to give it: {0}")]
    RecipeIdsExhausted(Error),
    /// An `Idempotency-Key` that recorded a make was sent again with
    /// another body: a client bug, or two requests sharing a key.
    #[error(
        "Idempotency-Key: this key recorded make {make_id} of recipe {recipe_id} with another body"
    )]
    IdempotencyKeyReused {
        /// The recipe.
        recipe_id: i64,
        /// The make the key recorded.
        make_id: i64,
    },
    /// The store failed; the document was not judged.
    #[error(transparent)]
    Store(Error),
}

impl IngestError {
    /// The JSON path of the value at fault, when the body is at fault:
    /// `ingredients[0].quantity`, `recipeId`, or `.` for the whole document
    /// (malformed JSON, a missing top-level field).
    pub fn json_path(&self) -> Option<String> {
        match self {
            IngestError::Document(recipe_diff::Error::Invalid { path, .. })
            | IngestError::Document(recipe_diff::Error::Quantity { path, .. })
                if !path.is_empty() =>
            {
                Some(path.clone())
            }
            IngestError::Document(_) | IngestError::NotUtf8 { .. } => Some(".".to_owned()),
            IngestError::MissingRecipeId
            | IngestError::RecipeIdMismatch { .. }
            | IngestError::RecipeIdsExhausted(_) => Some("recipeId".to_owned()),
            IngestError::MakeIdOutOfRange(_) => Some("makeId".to_owned()),
            IngestError::RecipeVersionOutOfRange(_) => Some("recipeVersion".to_owned()),
            IngestError::UnknownRecipe(_)
            | IngestError::UnknownVersion { .. }
            | IngestError::RecipeExists(_)
            | IngestError::MakeConflict { .. }
            | IngestError::IdempotencyKeyReused { .. }
            | IngestError::MakeIdsExhausted(_)
            | IngestError::Store(_) => None,
        }
    }

    /// Whether the document itself was refused, for good. Otherwise the
    /// same request may succeed later: the store failed, or the make's
    /// recipe has not arrived yet (queues do not keep order, and the sender
    /// retries it), so neither is recorded as a rejection.
    pub fn is_refusal(&self) -> bool {
        !matches!(
            self,
            IngestError::Store(_)
                | IngestError::UnknownRecipe(_)
                | IngestError::UnknownVersion { .. }
        )
    }
}

/// What a recipe write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecipeWritten {
    /// A new recipe: its version 1.
    Created,
    /// The recipe changed: a new version.
    NewVersion,
    /// The recipe is the same as its latest version (no difference and no
    /// restatement, as `recipe-diff` judges): no version was made.
    Unchanged,
}

/// A recipe as stored by [`record_recipe`].
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRecipe {
    /// What the write did.
    pub written: RecipeWritten,
    /// The recipe's latest version now: the new one, or the latest one
    /// when nothing changed.
    pub version: RecipeVersion,
}

/// How often a recipe write reads the latest version again after another
/// writer stored the version it was about to store, before it answers
/// that the store is too busy.
const VERSION_ATTEMPTS: usize = 16;

/// A make as stored by [`record_make`].
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedMake {
    /// [`Written::Created`], or [`Written::AlreadyExists`] for a make that
    /// was delivered before.
    pub written: Written,
    /// The stored record: the new one, or the one stored earlier.
    pub record: MakeRecord,
    /// How long computing the differences took; `None` when they were not
    /// computed because the make was already stored.
    pub diff_time: Option<Duration>,
}

/// Reads a recipe document and stores it as the recipe's next version,
/// with `message` when the cook gave one.
///
/// A recipe the same as its latest version makes no version
/// ([`RecipeWritten::Unchanged`]): a document delivered twice, or put
/// again as it was, is one version. `source` is set when the document came
/// from the bucket; the version names it, and a refusal is recorded as a
/// [`Rejection`].
pub async fn record_recipe(
    store: &dyn RecordStore,
    body: &[u8],
    write: RecipeWrite,
    source: Option<&Source>,
    message: Option<&str>,
) -> Result<RecordedRecipe, IngestError> {
    record_recipe_document(store, body, DocumentFormat::Json, write, source, message).await
}

/// [`record_recipe`] for a document in `format`: JSON, a saved page or a
/// Cooklang file.
///
/// A document from the bucket (`source` set) that names no `recipeId` is
/// stored under the id its object's location was given
/// ([`RecordStore::recipe_id_for_source`]), so the same object is always
/// the same recipe; a Cooklang file without a title is named by its key.
/// What was read around in the document (a line kept as written, a
/// rating left out) is logged, one line each.
pub async fn record_recipe_document(
    store: &dyn RecordStore,
    body: &[u8],
    format: DocumentFormat,
    write: RecipeWrite,
    source: Option<&Source>,
    message: Option<&str>,
) -> Result<RecordedRecipe, IngestError> {
    let outcome = store_recipe(store, body, format, write, source, message).await;
    refused_if_bucket(store, source, outcome).await
}

async fn store_recipe(
    store: &dyn RecordStore,
    body: &[u8],
    format: DocumentFormat,
    write: RecipeWrite,
    source: Option<&Source>,
    message: Option<&str>,
) -> Result<RecordedRecipe, IngestError> {
    let parsed = parse_recipe_document(text(body)?, format, source)?;
    for warning in &parsed.warnings {
        tracing::warn!(
            source = source.map(Source::version).as_deref().unwrap_or("request"),
            %warning,
            "read around part of a recipe"
        );
    }
    let mut recipe = parsed.value;
    if let RecipeWrite::Replace(path) = write {
        recipe.recipe_id = Some(agreeing_id(path, recipe.recipe_id)?);
    }
    let recipe_id = match (recipe.recipe_id, source) {
        (Some(recipe_id), _) => recipe_id,
        // Read first: a document that is not a recipe is given no id.
        (None, Some(source)) => store
            .recipe_id_for_source(&source.location())
            .await
            .map_err(|error| {
                if recipe_ports::records::is_recipe_ids_exhausted(&error) {
                    IngestError::RecipeIdsExhausted(error)
                } else {
                    IngestError::Store(error)
                }
            })?,
        (None, None) => return Err(IngestError::MissingRecipeId),
    };
    write_version(store, recipe_id, source, message, |latest| {
        match (latest, write) {
            (Some(_), RecipeWrite::Create) => Err(IngestError::RecipeExists(recipe_id)),
            _ => Ok(recipe.clone()),
        }
    })
    .await
}

/// Stores the recipe `next` makes of the latest version of `recipe_id`
/// (`None` for a recipe not stored yet) as the version after it, with
/// `message` when the cook gave one: the one versioned write that every
/// way of changing a recipe goes through.
///
/// `next` is called with the latest version as read; when another writer
/// stores the version after it first, the latest is read again and `next`
/// called again, so what it decides is always against the version it
/// follows (a promotion merges again with the newer latest). A recipe the
/// same as the latest version (no difference and no restatement, as
/// `recipe-diff` judges) makes no version: [`RecipeWritten::Unchanged`].
///
/// `source` is set for a document from the bucket: the version names it,
/// and an object version that made a version before is answered with that
/// version, whatever came after it.
///
/// # Errors
///
/// What `next` refuses with, or the store's failure, or
/// [`Error::Unavailable`] when other writers came first again and again.
pub async fn write_version<E: From<IngestError>>(
    store: &dyn RecordStore,
    recipe_id: i64,
    source: Option<&Source>,
    message: Option<&str>,
    mut next: impl FnMut(Option<&RecipeVersion>) -> Result<Recipe, E>,
) -> Result<RecordedRecipe, E> {
    let message = message.map(str::trim).filter(|m| !m.is_empty());
    // Read the latest, decide, write the one after it; when another writer
    // stored that one first, decide again against theirs.
    for _ in 0..VERSION_ATTEMPTS {
        // An object version delivered again (a redelivered message, a
        // retry after a crash) is the version it made, whatever came
        // after it: one object version is one version, at most.
        if let Some(source) = source
            && let Some(made) = version_from(store, recipe_id, source).await?
        {
            return Ok(RecordedRecipe {
                written: RecipeWritten::Unchanged,
                version: made,
            });
        }
        let latest = store
            .latest_version(recipe_id)
            .await
            .map_err(IngestError::Store)?;
        let mut recipe = next(latest.as_ref())?;
        recipe.recipe_id = Some(recipe_id);
        let changes = match &latest {
            Some(latest) => {
                let changes = diff(&latest.recipe, &recipe);
                if changes.is_empty() && changes.restatements.is_empty() {
                    return Ok(RecordedRecipe {
                        written: RecipeWritten::Unchanged,
                        version: latest.clone(),
                    });
                }
                changes.change_count()
            }
            None => 0,
        };
        let version = RecipeVersion {
            recipe_id,
            version: latest.as_ref().map_or(1, |latest| latest.version + 1),
            recipe,
            created_at: now(),
            source: source.map(Source::version),
            message: message.map(str::to_owned),
            changes,
        };
        match store
            .put_version(&version)
            .await
            .map_err(IngestError::Store)?
        {
            VersionWritten::Created => {
                let written = if latest.is_some() {
                    RecipeWritten::NewVersion
                } else {
                    RecipeWritten::Created
                };
                return Ok(RecordedRecipe { written, version });
            }
            VersionWritten::Taken => continue,
        }
    }
    Err(IngestError::Store(Error::Unavailable {
        backend: "record store",
        message: format!(
            "recipe {recipe_id}: {VERSION_ATTEMPTS} other versions were written while this one was"
        ),
    })
    .into())
}

/// The version of recipe `recipe_id` that `source` made, if any: its
/// history read newest first, where a redelivery finds it at once.
async fn version_from(
    store: &dyn RecordStore,
    recipe_id: i64,
    source: &Source,
) -> Result<Option<RecipeVersion>, IngestError> {
    let named = source.version();
    let mut request = PageRequest::first(PageRequest::<i64>::MAX_LIMIT);
    loop {
        let page = store
            .versions(recipe_id, &request)
            .await
            .map_err(IngestError::Store)?;
        if let Some(found) = page
            .items
            .into_iter()
            .find(|version| version.source.as_deref() == Some(named.as_str()))
        {
            return Ok(Some(found));
        }
        match page.next {
            Some(after) => request.after = Some(after),
            None => return Ok(None),
        }
    }
}

/// Reads a make of the recipe `of` names, computes its differences from
/// the stored original, and stores it once.
///
/// `source` is set when the make came from the bucket: its object version
/// then claims the make, and a refusal is recorded as a [`Rejection`].
/// `idempotency_key` is a client's `Idempotency-Key` header, which claims
/// the make for retries of the same request.
pub async fn record_make(
    store: &dyn RecordStore,
    of: MakeOf,
    body: &[u8],
    source: Option<&Source>,
    idempotency_key: Option<&str>,
) -> Result<RecordedMake, IngestError> {
    let outcome = store_make(store, of, body, source, idempotency_key).await;
    refused_if_bucket(store, source, outcome).await
}

async fn store_make(
    store: &dyn RecordStore,
    of: MakeOf,
    body: &[u8],
    source: Option<&Source>,
    idempotency_key: Option<&str>,
) -> Result<RecordedMake, IngestError> {
    let (recipe_id, latest, make) = match of {
        // The recipe first: a make of a recipe that does not exist is not
        // found, whatever its body says.
        MakeOf::Recipe(recipe_id) => {
            let latest = latest_version(store, recipe_id).await?;
            let mut make = parse_make(text(body)?)?;
            make.recipe.recipe_id = Some(agreeing_id(recipe_id, make.recipe.recipe_id)?);
            (recipe_id, latest, make)
        }
        MakeOf::Named => {
            let make = parse_make(text(body)?)?;
            let recipe_id = make.recipe.recipe_id.ok_or(IngestError::MissingRecipeId)?;
            (recipe_id, latest_version(store, recipe_id).await?, make)
        }
    };
    // Diffed against the version it was cooked from: the one it names, or
    // the latest.
    let original = match make.recipe_version {
        None => latest,
        Some(number) if number < 1 => return Err(IngestError::RecipeVersionOutOfRange(number)),
        Some(number) if number == latest.version => latest,
        Some(number) => store
            .recipe_version(recipe_id, number)
            .await
            .map_err(IngestError::Store)?
            .ok_or(IngestError::UnknownVersion {
                recipe_id,
                version: number,
            })?,
    };
    let identity = match (make.make_id, source, idempotency_key) {
        (Some(make_id), ..) if make_id.unsigned_abs() > MAX_MAKE_ID.unsigned_abs() => {
            return Err(IngestError::MakeIdOutOfRange(make_id));
        }
        (Some(make_id), ..) => MakeIdentity::Named(make_id),
        (None, Some(source), _) => MakeIdentity::Claimed(object_claim(source)),
        (None, None, Some(key)) => MakeIdentity::Claimed(idempotency_claim(key, body)),
        (None, None, None) => MakeIdentity::Next,
    };
    // No look-up first: the store's conditional write itself tells a
    // redelivery apart, so a new make costs one write.
    let started = Instant::now();
    let differences = diff_make(&original.recipe, &make);
    let diff_time = started.elapsed();
    let record = MakeRecord {
        recipe_id,
        make_id: make.make_id.unwrap_or_default(),
        made_at: make.made_at.clone(),
        notes: make.notes.clone(),
        recipe: make.recipe.clone(),
        recipe_version: original.version,
        differences,
        flat_differences: Vec::new(),
        source: source.map(Source::location),
        recorded_at: now(),
    };
    match store
        .put_make(&identity, &record)
        .await
        .map_err(IngestError::Store)?
    {
        MakeWritten::Created(record) => Ok(RecordedMake {
            written: Written::Created,
            record,
            diff_time: Some(diff_time),
        }),
        MakeWritten::Existing(existing) => already_stored(existing, &make, &identity),
        MakeWritten::ClaimMismatch { make_id } => {
            Err(IngestError::IdempotencyKeyReused { recipe_id, make_id })
        }
        MakeWritten::Exhausted => Err(IngestError::MakeIdsExhausted(recipe_id)),
    }
}

/// The latest version of recipe `recipe_id`, or
/// [`IngestError::UnknownRecipe`].
async fn latest_version(
    store: &dyn RecordStore,
    recipe_id: i64,
) -> Result<RecipeVersion, IngestError> {
    store
        .latest_version(recipe_id)
        .await
        .map_err(IngestError::Store)?
        .ok_or(IngestError::UnknownRecipe(recipe_id))
}

/// The answer to a make whose identity is stored already: the stored
/// record when it is the same make (a redelivery, a retry), a conflict
/// when another make claims its id.
fn already_stored(
    existing: MakeRecord,
    make: &Make,
    identity: &MakeIdentity,
) -> Result<RecordedMake, IngestError> {
    // A claim with the same fingerprint is the same request again: an
    // object version's bytes, or a retried body, do not change.
    let same = matches!(identity, MakeIdentity::Claimed(_)) || same_make(&existing, make);
    if same {
        Ok(RecordedMake {
            written: Written::AlreadyExists,
            record: existing,
            diff_time: None,
        })
    } else {
        Err(IngestError::MakeConflict {
            recipe_id: existing.recipe_id,
            make_id: existing.make_id,
        })
    }
}

/// Whether `make` is the make `existing` stores: compared in serialized
/// form, which is what a store keeps (a store that round-trips through
/// JSON gives back equal values).
fn same_make(existing: &MakeRecord, make: &Make) -> bool {
    serde_json::to_value(&existing.recipe).ok() == serde_json::to_value(&make.recipe).ok()
        && existing.made_at == make.made_at
        && existing.notes == make.notes
}

/// The id a document is stored under when the path names one: the path's,
/// which the document may repeat but not contradict.
fn agreeing_id(path: i64, document: Option<i64>) -> Result<i64, IngestError> {
    match document {
        Some(document) if document != path => Err(IngestError::RecipeIdMismatch { path, document }),
        _ => Ok(path),
    }
}

/// A recipe document in `format`, with the warnings about what was read
/// around in it. A Cooklang file without a title is named by its key's
/// file name, as the command line names it by the file's.
fn parse_recipe_document(
    text: &str,
    format: DocumentFormat,
    source: Option<&Source>,
) -> Result<Parsed<Recipe>, IngestError> {
    let mut parsed = match format {
        DocumentFormat::Json => parse_recipe_with_warnings(text)?,
        DocumentFormat::Html => parse_recipe_html(text)?,
        DocumentFormat::Cooklang => parse_recipe_cooklang(text)?,
    };
    if format == DocumentFormat::Cooklang
        && parsed.value.recipe_name.is_empty()
        && let Some(stem) = source.and_then(|source| key_stem(&source.key))
    {
        parsed.value.recipe_name = stem.into();
    }
    Ok(parsed)
}

/// The file name of `key` without its extension (`tea` for
/// `recipes/tea.cook`), when there is one.
fn key_stem(key: &str) -> Option<&str> {
    let name = key.rsplit('/').next()?;
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    (!stem.is_empty()).then_some(stem)
}

fn text(body: &[u8]) -> Result<&str, IngestError> {
    std::str::from_utf8(body).map_err(|e| IngestError::NotUtf8 {
        offset: e.valid_up_to(),
    })
}

/// Records a refusal of a document from the bucket. When the rejection
/// cannot be stored, the store's error is returned instead, so the sender
/// retries rather than dropping the document unrecorded.
async fn refused_if_bucket<T>(
    store: &dyn RecordStore,
    source: Option<&Source>,
    outcome: Result<T, IngestError>,
) -> Result<T, IngestError> {
    let (Err(error), Some(source)) = (&outcome, source) else {
        return outcome;
    };
    if !error.is_refusal() {
        return outcome;
    }
    let rejection = Rejection {
        source: source.version(),
        reason: error.to_string(),
        rejected_at: now(),
    };
    tracing::info!(source = %rejection.source, reason = %rejection.reason, "refused a document from the bucket");
    store
        .put_rejection(&rejection)
        .await
        .map_err(IngestError::Store)?;
    outcome
}

/// The current time in RFC 3339 UTC with milliseconds, the same width
/// every time so that timestamps sort as text.
fn now() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use recipe_ports::memory::InMemoryRecordStore;

    const PIE: &str = r#"{"recipeName": "Pie", "recipeId": 1, "rating": 4,
        "ingredients": [{"ingredientId": 1, "quantity": 2, "measurement": "cup", "ingredientName": "flour"}],
        "steps": [{"stepId": 1, "stepText": "Bake"}]}"#;

    fn source(etag: &str) -> Source {
        Source::new("bucket", "makes/pie.json", etag)
    }

    async fn store_with_pie() -> InMemoryRecordStore {
        let store = InMemoryRecordStore::new();
        record_recipe(&store, PIE.as_bytes(), RecipeWrite::Create, None, None)
            .await
            .unwrap();
        store
    }

    #[tokio::test]
    async fn recipes_are_created_conflict_and_replaced() {
        let store = store_with_pie().await;
        let again = record_recipe(&store, PIE.as_bytes(), RecipeWrite::Create, None, None).await;
        assert!(matches!(again, Err(IngestError::RecipeExists(1))));
        let same = record_recipe(&store, PIE.as_bytes(), RecipeWrite::Replace(1), None, None)
            .await
            .unwrap();
        assert_eq!(
            same.written,
            RecipeWritten::Unchanged,
            "the same recipe again"
        );
        assert_eq!(same.version.version, 1);
        // Written differently, the same recipe: a restatement makes a
        // version (the text changed), counting no change.
        let respelled = PIE.replace("\"cup\"", "\"cups\"");
        let restated = record_recipe(
            &store,
            respelled.as_bytes(),
            RecipeWrite::Upsert,
            None,
            None,
        )
        .await
        .unwrap();
        assert_eq!(restated.written, RecipeWritten::NewVersion);
        assert_eq!((restated.version.version, restated.version.changes), (2, 0));
        let less = PIE.replace("\"quantity\": 2", "\"quantity\": 1.5");
        let bucket = source("e4");
        let changed = record_recipe(
            &store,
            less.as_bytes(),
            RecipeWrite::Upsert,
            Some(&bucket),
            Some("  less flour  "),
        )
        .await
        .unwrap();
        assert_eq!(changed.written, RecipeWritten::NewVersion);
        let version = changed.version;
        assert_eq!((version.version, version.changes), (3, 1));
        assert_eq!(version.message.as_deref(), Some("less flour"));
        assert_eq!(
            version.source.as_deref(),
            Some("s3://bucket/makes/pie.json@e4")
        );
        assert_eq!(
            store
                .recipe_version(1, 1)
                .await
                .unwrap()
                .unwrap()
                .recipe
                .ingredients[0]
                .quantity,
            recipe_diff::parse_recipe(PIE).unwrap().ingredients[0].quantity
        );
    }

    #[tokio::test]
    async fn an_object_version_delivered_again_makes_no_version() {
        let store = store_with_pie().await;
        let first = PIE.replace("\"rating\": 4", "\"rating\": 3");
        let second = PIE.replace("\"rating\": 4", "\"rating\": 2");
        let (a, b) = (source("a"), source("b"));
        for (body, from) in [(&first, &a), (&second, &b), (&first, &a)] {
            record_recipe(
                &store,
                body.as_bytes(),
                RecipeWrite::Upsert,
                Some(from),
                None,
            )
            .await
            .unwrap();
        }
        // Version 2 came from `a`; its redelivery after `b` is not a
        // revert but the same object version again.
        let latest = store.latest_version(1).await.unwrap().unwrap();
        assert_eq!(latest.version, 3);
        assert_eq!(
            latest.source.as_deref(),
            Some("s3://bucket/makes/pie.json@b")
        );
        // The same bytes from another object version are a revert.
        let reverted = record_recipe(
            &store,
            first.as_bytes(),
            RecipeWrite::Upsert,
            Some(&source("c")),
            None,
        )
        .await
        .unwrap();
        assert_eq!(
            (reverted.written, reverted.version.version),
            (RecipeWritten::NewVersion, 4)
        );
    }

    #[tokio::test]
    async fn writers_racing_for_a_version_each_get_one_or_find_theirs() {
        let store = store_with_pie().await;
        let bodies: Vec<String> = (0..6)
            .map(|n| PIE.replace("\"rating\": 4", &format!("\"rating\": {}", n % 3)))
            .collect();
        let writes = bodies
            .iter()
            .map(|body| record_recipe(&store, body.as_bytes(), RecipeWrite::Upsert, None, None));
        let results = futures_util::future::join_all(writes).await;
        let mut numbers: Vec<i64> = results
            .into_iter()
            .map(|result| result.unwrap())
            .filter(|recorded| recorded.written == RecipeWritten::NewVersion)
            .map(|recorded| recorded.version.version)
            .collect();
        numbers.sort_unstable();
        let latest = store.latest_version(1).await.unwrap().unwrap().version;
        assert_eq!(
            numbers,
            (2..=latest).collect::<Vec<_>>(),
            "no version twice, none lost"
        );
    }

    #[tokio::test]
    async fn a_put_takes_the_path_id_and_refuses_another() {
        let store = InMemoryRecordStore::new();
        let body = br#"{"recipeName": "Toast"}"#;
        let created = record_recipe(&store, body, RecipeWrite::Replace(9), None, None)
            .await
            .unwrap();
        assert_eq!(created.written, RecipeWritten::Created);
        assert_eq!(created.version.recipe.recipe_id, Some(9));
        let error = record_recipe(&store, PIE.as_bytes(), RecipeWrite::Replace(9), None, None)
            .await
            .unwrap_err();
        assert!(matches!(
            error,
            IngestError::RecipeIdMismatch {
                path: 9,
                document: 1
            }
        ));
        assert_eq!(error.json_path().as_deref(), Some("recipeId"));
        let missing = record_recipe(&store, body, RecipeWrite::Create, None, None)
            .await
            .unwrap_err();
        assert!(matches!(missing, IngestError::MissingRecipeId));
    }

    #[tokio::test]
    async fn bad_bodies_name_the_json_path() {
        let store = InMemoryRecordStore::new();
        let body = br#"{"recipeName": "Pie", "recipeId": 1,
            "ingredients": [{"quantity": "lots", "ingredientName": "flour"}]}"#;
        let error = record_recipe(&store, body, RecipeWrite::Create, None, None)
            .await
            .unwrap_err();
        assert_eq!(
            error.json_path().as_deref(),
            Some("ingredients[0].quantity")
        );
        assert!(error.is_refusal());
        for body in [&b"{"[..], b"[]", b"\xff\xfe"] {
            let error = record_recipe(&store, body, RecipeWrite::Create, None, None)
                .await
                .unwrap_err();
            assert_eq!(error.json_path().as_deref(), Some("."), "{error}");
        }
        assert!(
            store.rejections().await.unwrap().is_empty(),
            "refusals of requests by hand are answered, not recorded"
        );
    }

    #[tokio::test]
    async fn a_make_is_diffed_and_stored_once() {
        let store = store_with_pie().await;
        let body = br#"{"recipeName": "Pie", "recipeId": 1, "rating": 5, "makeId": 7,
            "ingredients": [{"ingredientId": 1, "quantity": 3, "measurement": "cup", "ingredientName": "flour"}],
            "steps": [{"stepId": 1, "stepText": "Bake"}]}"#;
        let first = record_make(&store, MakeOf::Recipe(1), body, Some(&source("e1")), None)
            .await
            .unwrap();
        assert_eq!(first.written, Written::Created);
        assert_eq!(first.record.make_id, 7);
        assert_eq!(first.record.differences.change_count(), 2);
        assert_eq!(first.record.flat_differences.len(), 2);
        assert_eq!(
            first.record.source.as_deref(),
            Some("s3://bucket/makes/pie.json")
        );
        assert!(first.diff_time.is_some());
        assert!(first.record.recorded_at.ends_with('Z'));

        let again = record_make(&store, MakeOf::Recipe(1), body, Some(&source("e1")), None)
            .await
            .unwrap();
        assert_eq!(again.written, Written::AlreadyExists);
        assert_eq!(again.record, first.record);
        assert_eq!(again.diff_time, None);
        assert_eq!(store.makes(1).await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn the_same_body_twice_without_an_id_is_two_makes() {
        let store = store_with_pie().await;
        let body = br#"{"recipeName": "Pie", "notes": "as written"}"#;
        let first = record_make(&store, MakeOf::Recipe(1), body, None, None)
            .await
            .unwrap();
        let second = record_make(&store, MakeOf::Recipe(1), body, None, None)
            .await
            .unwrap();
        assert_eq!(
            (first.written, second.written),
            (Written::Created, Written::Created)
        );
        assert_eq!((first.record.make_id, second.record.make_id), (1, 2));
        assert_eq!(first.record.recipe.recipe_id, Some(1));
    }

    #[tokio::test]
    async fn an_object_version_is_one_make() {
        let store = store_with_pie().await;
        let body = br#"{"recipeName": "Pie", "notes": "as written"}"#;
        let first = record_make(&store, MakeOf::Recipe(1), body, Some(&source("e1")), None)
            .await
            .unwrap();
        let redelivered = record_make(&store, MakeOf::Recipe(1), body, Some(&source("e1")), None)
            .await
            .unwrap();
        assert_eq!(redelivered.written, Written::AlreadyExists);
        assert_eq!(redelivered.record, first.record);
        let new_version = record_make(&store, MakeOf::Recipe(1), body, Some(&source("e2")), None)
            .await
            .unwrap();
        assert_eq!(new_version.written, Written::Created);
        assert_eq!(new_version.record.make_id, first.record.make_id + 1);
    }

    #[tokio::test]
    async fn an_idempotency_key_makes_a_retry_find_its_make() {
        let store = store_with_pie().await;
        let body = br#"{"recipeName": "Pie", "notes": "as written"}"#;
        let first = record_make(&store, MakeOf::Recipe(1), body, None, Some("retry-1"))
            .await
            .unwrap();
        let retried = record_make(&store, MakeOf::Recipe(1), body, None, Some("retry-1"))
            .await
            .unwrap();
        assert_eq!(retried.written, Written::AlreadyExists);
        assert_eq!(retried.record, first.record);
        let other = br#"{"recipeName": "Pie", "notes": "another day"}"#;
        let reused = record_make(&store, MakeOf::Recipe(1), other, None, Some("retry-1"))
            .await
            .unwrap_err();
        assert!(matches!(
            reused,
            IngestError::IdempotencyKeyReused {
                recipe_id: 1,
                make_id: 1
            }
        ));
        let fresh = record_make(&store, MakeOf::Recipe(1), body, None, Some("retry-2"))
            .await
            .unwrap();
        assert_eq!(fresh.record.make_id, 2);
        assert_eq!(store.makes(1).await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn another_make_with_a_taken_id_is_a_conflict() {
        let store = store_with_pie().await;
        record_make(
            &store,
            MakeOf::Recipe(1),
            br#"{"recipeName": "Pie", "makeId": 3}"#,
            None,
            None,
        )
        .await
        .unwrap();
        let other = br#"{"recipeName": "Pie", "makeId": 3, "notes": "different"}"#;
        let error = record_make(&store, MakeOf::Recipe(1), other, None, None)
            .await
            .unwrap_err();
        assert!(matches!(
            error,
            IngestError::MakeConflict {
                recipe_id: 1,
                make_id: 3
            }
        ));
        let from_bucket = record_make(&store, MakeOf::Recipe(1), other, Some(&source("e9")), None)
            .await
            .unwrap_err();
        assert!(from_bucket.is_refusal());
        let rejections = store.rejections().await.unwrap();
        assert_eq!(
            rejections.len(),
            1,
            "a conflict from the bucket is recorded"
        );
        assert!(
            rejections[0].reason.contains("make 3 of recipe 1"),
            "{rejections:?}"
        );
    }

    #[tokio::test]
    async fn make_ids_stay_within_what_json_reads_exactly() {
        let store = store_with_pie().await;
        let named = |id: i64| format!(r#"{{"recipeName": "Pie", "makeId": {id}}}"#);
        let too_large = record_make(
            &store,
            MakeOf::Recipe(1),
            named(MAX_MAKE_ID + 1).as_bytes(),
            None,
            None,
        )
        .await
        .unwrap_err();
        assert!(matches!(too_large, IngestError::MakeIdOutOfRange(_)));
        assert_eq!(too_large.json_path().as_deref(), Some("makeId"));
        let last = record_make(
            &store,
            MakeOf::Recipe(1),
            named(MAX_MAKE_ID).as_bytes(),
            None,
            None,
        )
        .await
        .unwrap();
        assert_eq!(last.record.make_id, MAX_MAKE_ID);
        // After the last id, a make must name its own.
        let body = br#"{"recipeName": "Pie"}"#;
        let exhausted = record_make(&store, MakeOf::Recipe(1), body, None, None)
            .await
            .unwrap_err();
        assert!(matches!(exhausted, IngestError::MakeIdsExhausted(1)));
        let named_below = record_make(&store, MakeOf::Recipe(1), named(-4).as_bytes(), None, None)
            .await
            .unwrap();
        assert_eq!(named_below.record.make_id, -4);
    }

    #[tokio::test]
    async fn a_make_of_an_unknown_recipe_is_not_found_whatever_its_body() {
        let store = store_with_pie().await;
        for body in [&br#"{"recipeName": "Pie", "recipeId": 1}"#[..], b"{"] {
            let error = record_make(&store, MakeOf::Recipe(2), body, None, None)
                .await
                .unwrap_err();
            assert!(matches!(error, IngestError::UnknownRecipe(2)), "{error}");
        }
    }

    #[tokio::test]
    async fn a_make_named_by_its_body_alone_finds_its_recipe() {
        let store = store_with_pie().await;
        let body = PIE.replace("\"rating\": 4", "\"rating\": 5");
        let recorded = record_make(
            &store,
            MakeOf::Named,
            body.as_bytes(),
            Some(&source("e1")),
            None,
        )
        .await
        .unwrap();
        assert_eq!(recorded.written, Written::Created);
        assert_eq!(recorded.record.recipe_id, 1);
        assert_eq!(recorded.record.differences.change_count(), 1);
        let anonymous = record_make(
            &store,
            MakeOf::Named,
            br#"{"recipeName": "Pie"}"#,
            None,
            None,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(anonymous, IngestError::MissingRecipeId),
            "{anonymous}"
        );
        assert_eq!(anonymous.json_path().as_deref(), Some("recipeId"));
        let unknown = br#"{"recipeName": "Pie", "recipeId": 8}"#;
        let unknown = record_make(&store, MakeOf::Named, unknown, None, None)
            .await
            .unwrap_err();
        assert!(
            matches!(unknown, IngestError::UnknownRecipe(8)),
            "{unknown}"
        );
    }

    #[tokio::test]
    async fn refusals_from_the_bucket_are_recorded() {
        let store = store_with_pie().await;
        let unknown = record_make(
            &store,
            MakeOf::Recipe(2),
            br#"{"recipeName": "Pie"}"#,
            Some(&source("e1")),
            None,
        )
        .await
        .unwrap_err();
        assert!(matches!(unknown, IngestError::UnknownRecipe(2)));
        assert_eq!(unknown.json_path(), None);
        // The recipe may still arrive (queues keep no order) and the sender
        // retries: not a refusal, so no rejection is recorded for it.
        assert!(!unknown.is_refusal());
        let mismatch = record_make(
            &store,
            MakeOf::Recipe(1),
            br#"{"recipeName": "Pie", "recipeId": 2}"#,
            Some(&source("e2")),
            None,
        )
        .await
        .unwrap_err();
        assert!(matches!(mismatch, IngestError::RecipeIdMismatch { .. }));
        record_recipe(&store, b"{", RecipeWrite::Upsert, Some(&source("e3")), None)
            .await
            .unwrap_err();

        let rejections = store.rejections().await.unwrap();
        let sources: Vec<&str> = rejections.iter().map(|r| r.source.as_str()).collect();
        assert_eq!(
            sources,
            [
                "s3://bucket/makes/pie.json@e2",
                "s3://bucket/makes/pie.json@e3"
            ]
        );
        assert_eq!(
            rejections[0].reason,
            "recipeId: the document says 2, the path says 1"
        );
        assert!(rejections[1].reason.contains("line 1"), "{rejections:?}");
    }

    /// A saved page whose JSON-LD Recipe names no id, as a blog serves it.
    const TART_PAGE: &str = r#"<!DOCTYPE html>
<html><head><title>Lemon Tart</title>
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "A Kitchen Blog"},
  {"@type": "Recipe", "name": "Lemon Tart",
   "recipeIngredient": ["1 1/2 cups flour", "3 lemons", "2 eggs"],
   "recipeInstructions": [{"@type": "HowToStep", "text": "Make the crust."},
                          {"@type": "HowToStep", "text": "Fill and bake."}]}
]}
</script></head><body><h1>Lemon Tart</h1></body></html>"#;

    /// A Cooklang file without a title.
    const TEA: &str = "Boil @water{1%l}.\nSteep @tea bags{4}, then stir in @sugar{100%g}.\n";

    fn page_source(etag: &str) -> Source {
        Source::new("bucket", "recipes/lemon-tart.html", etag)
    }

    #[tokio::test]
    async fn a_page_from_the_bucket_without_an_id_is_one_recipe_however_often_it_comes() {
        let store = store_with_pie().await;
        let first = record_recipe_document(
            &store,
            TART_PAGE.as_bytes(),
            DocumentFormat::Html,
            RecipeWrite::Upsert,
            Some(&page_source("e1")),
            None,
        )
        .await
        .unwrap();
        assert_eq!(first.written, RecipeWritten::Created);
        let version = &first.version;
        assert_eq!(version.recipe_id, 2, "the next id after the pie's");
        assert_eq!(version.recipe.recipe_id, Some(2));
        assert_eq!(&*version.recipe.recipe_name, "Lemon Tart");
        let names: Vec<&str> = version
            .recipe
            .ingredients
            .iter()
            .map(|i| i.ingredient_name.as_ref())
            .collect();
        assert_eq!(names, ["flour", "lemons", "eggs"]);
        assert_eq!(
            version.source.as_deref(),
            Some("s3://bucket/recipes/lemon-tart.html@e1"),
            "the version names the object"
        );

        // Delivered again, or rewritten unchanged (a new etag): one version.
        for etag in ["e1", "e2"] {
            let again = record_recipe_document(
                &store,
                TART_PAGE.as_bytes(),
                DocumentFormat::Html,
                RecipeWrite::Upsert,
                Some(&page_source(etag)),
                None,
            )
            .await
            .unwrap();
            assert_eq!(again.written, RecipeWritten::Unchanged, "{etag}");
            assert_eq!((again.version.recipe_id, again.version.version), (2, 1));
        }
        // Changed in the bucket: the same recipe's next version.
        let changed = TART_PAGE.replace("3 lemons", "4 lemons");
        let next = record_recipe_document(
            &store,
            changed.as_bytes(),
            DocumentFormat::Html,
            RecipeWrite::Upsert,
            Some(&page_source("e3")),
            None,
        )
        .await
        .unwrap();
        assert_eq!(next.written, RecipeWritten::NewVersion);
        assert_eq!((next.version.recipe_id, next.version.version), (2, 2));
        assert_eq!(store.recipes().await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn a_cooklang_file_without_a_title_is_named_by_its_key() {
        let store = store_with_pie().await;
        let tea = Source::new("bucket", "recipes/drinks/sweet-tea.cook", "e1");
        let recorded = record_recipe_document(
            &store,
            TEA.as_bytes(),
            DocumentFormat::Cooklang,
            RecipeWrite::Upsert,
            Some(&tea),
            None,
        )
        .await
        .unwrap();
        let recipe = &recorded.version.recipe;
        assert_eq!(&*recipe.recipe_name, "sweet-tea");
        assert_eq!(recipe.recipe_id, Some(2));
        assert_eq!(recipe.ingredients.len(), 3);
        assert_eq!(&*recipe.ingredients[2].ingredient_name, "sugar");
        // Another object is another recipe.
        let other = Source::new("bucket", "recipes/iced-tea.cook", "e1");
        let recorded = record_recipe_document(
            &store,
            TEA.as_bytes(),
            DocumentFormat::Cooklang,
            RecipeWrite::Upsert,
            Some(&other),
            None,
        )
        .await
        .unwrap();
        assert_eq!(recorded.version.recipe_id, 3);
        assert_eq!(&*recorded.version.recipe.recipe_name, "iced-tea");
    }

    #[tokio::test]
    async fn no_id_left_to_give_is_the_documents_fault() {
        let store = store_with_pie().await;
        let last = format!(
            r#"{{"recipeName": "Last", "recipeId": {}, "ingredients": [], "steps": []}}"#,
            recipe_ports::records::MAX_GIVEN_RECIPE_ID
        );
        record_recipe(&store, last.as_bytes(), RecipeWrite::Create, None, None)
            .await
            .unwrap();
        let anonymous = br#"{"recipeName": "Bread", "ingredients": [], "steps": []}"#;
        let bread = Source::new("bucket", "recipes/bread.json", "e1");
        let refused = record_recipe(&store, anonymous, RecipeWrite::Upsert, Some(&bread), None)
            .await
            .unwrap_err();
        assert!(
            matches!(refused, IngestError::RecipeIdsExhausted(_)),
            "{refused}"
        );
        assert!(refused.is_refusal(), "recorded as a rejection, not retried");
        assert_eq!(refused.json_path().as_deref(), Some("recipeId"));
    }

    #[tokio::test]
    async fn only_the_bucket_gives_ids_and_a_page_without_a_recipe_is_refused() {
        let store = store_with_pie().await;
        let anonymous = br#"{"recipeName": "Bread", "ingredients": [], "steps": []}"#;
        let by_hand = record_recipe(&store, anonymous, RecipeWrite::Create, None, None)
            .await
            .unwrap_err();
        assert!(matches!(by_hand, IngestError::MissingRecipeId), "{by_hand}");
        // The same JSON from the bucket is its object's recipe.
        let bread = Source::new("bucket", "recipes/bread.json", "e1");
        let from_bucket = record_recipe(&store, anonymous, RecipeWrite::Upsert, Some(&bread), None)
            .await
            .unwrap();
        assert_eq!(from_bucket.version.recipe_id, 2);

        let empty = Source::new("bucket", "recipes/empty.html", "e1");
        let refused = record_recipe_document(
            &store,
            b"<html><body>no recipe here</body></html>",
            DocumentFormat::Html,
            RecipeWrite::Upsert,
            Some(&empty),
            None,
        )
        .await
        .unwrap_err();
        assert!(refused.is_refusal(), "{refused}");
        assert_eq!(
            store.rejections().await.unwrap()[0].source,
            "s3://bucket/recipes/empty.html@e1"
        );
        // A refused document is given no id.
        let next = store
            .recipe_id_for_source("s3://bucket/recipes/next.cook")
            .await
            .unwrap();
        assert_eq!(next, 3);
    }

    #[test]
    fn key_stems_are_file_names_without_extensions() {
        assert_eq!(key_stem("recipes/sweet-tea.cook"), Some("sweet-tea"));
        assert_eq!(key_stem("tea"), Some("tea"));
        assert_eq!(key_stem("recipes/a.b.cook"), Some("a.b"));
        assert_eq!(key_stem("recipes/.cook"), None);
        assert_eq!(key_stem("recipes/"), None);
    }
}
