//! What the record store keeps: makes with their differences, and
//! rejections; and what identifies a make.

use recipe_diff::render::{SeedDifference, seed};
use recipe_diff::{Recipe, RecipeDiff};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::source::Source;

/// A make as stored, with the differences computed when it arrived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MakeRecord {
    /// The original recipe's id.
    pub recipe_id: i64,
    /// The make's id, unique within its recipe: the document's `makeId`,
    /// or the next integer of its recipe, given by the store.
    pub make_id: i64,
    /// When it was cooked, as the cook wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made_at: Option<String>,
    /// The cook's remarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The recipe as cooked.
    pub recipe: Recipe,
    /// The version of the recipe it was cooked from, and diffed against:
    /// the latest when it was recorded, or the `recipeVersion` it named.
    /// Makes stored before recipes had versions were diffed against what
    /// became version 1.
    #[serde(default = "first_version")]
    pub recipe_version: i64,
    /// The differences from that version, computed when the make arrived;
    /// they never change.
    pub differences: RecipeDiff,
    /// The same differences as the original project's flat list, each
    /// with the `changeId` it keeps for the life of the make: stored, not
    /// recomputed on read, so a later change to how the list is built
    /// never renumbers the changes a client has named.
    #[serde(default)]
    pub flat_differences: Vec<SeedDifference>,
    /// Where the make came from (`s3://bucket/key`), when it came through
    /// the bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// When the server stored it (RFC 3339).
    pub recorded_at: String,
}

/// The version a make recorded before versions existed was cooked from.
fn first_version() -> i64 {
    1
}

impl MakeRecord {
    /// The record under `make_id`: the id set wherever the record names
    /// it (the record, its differences) and the flat list built from the
    /// differences with that id. A store calls this once it has decided
    /// the id of a new make.
    #[must_use]
    pub fn numbered(mut self, make_id: i64) -> Self {
        self.make_id = make_id;
        self.differences.make_id = Some(make_id);
        self.flat_differences = seed(&self.differences);
        self
    }
}

/// The largest make id: 2^53 − 1, the largest integer every JSON reader
/// (JavaScript's included) reads exactly. A make may name an id up to it,
/// or down to its negative; the ids a store gives run from 1 to it.
pub const MAX_MAKE_ID: i64 = (1 << 53) - 1;

/// The id a store gives after `last`, the largest its recipe has used;
/// `None` once [`MAX_MAKE_ID`] is used (only a make naming it gets there).
pub fn next_make_id(last: i64) -> Option<i64> {
    (last < MAX_MAKE_ID).then(|| last.max(0) + 1)
}

/// The largest recipe id a store gives a bucket object
/// ([`RecordStore::recipe_id_for_source`](crate::RecordStore::recipe_id_for_source)):
/// 2^53 − 1, as for make ids, so every JSON reader reads it exactly.
pub const MAX_GIVEN_RECIPE_ID: i64 = MAX_MAKE_ID;

/// The recipe id a store gives a bucket object after `largest`, the
/// largest recipe id stored or given: 1 when every stored id is below 1;
/// `None` once [`MAX_GIVEN_RECIPE_ID`] is reached (only a recipe posted
/// with such an id gets there).
pub fn next_recipe_id(largest: i64) -> Option<i64> {
    (largest < MAX_GIVEN_RECIPE_ID).then(|| largest.max(0) + 1)
}

/// What [`recipe_ids_exhausted`]'s message says, after the location.
const RECIPE_IDS_EXHAUSTED: &str = "no recipe id is left to give";

/// The error a store answers when [`next_recipe_id`] has no id left.
pub fn recipe_ids_exhausted(backend: &'static str, location: &str) -> Error {
    Error::Refused {
        backend,
        message: format!(
            "{location}: {RECIPE_IDS_EXHAUSTED}: a recipe uses id {MAX_GIVEN_RECIPE_ID}; \
             the document must name its recipeId"
        ),
    }
}

/// Whether `error` is [`recipe_ids_exhausted`]'s: the document's fault
/// (it must name its `recipeId`), not the store's, unlike every other
/// [`Error::Refused`].
pub fn is_recipe_ids_exhausted(error: &Error) -> bool {
    matches!(error, Error::Refused { message, .. } if message.contains(RECIPE_IDS_EXHAUSTED))
}

/// How a make to be stored is identified, so that storing it again finds
/// the make stored the first time instead of making a second.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MakeIdentity {
    /// The document names its `makeId`: `(recipeId, makeId)` is the make.
    Named(i64),
    /// No `makeId`, but a claim that names this make for good: a version
    /// of a bucket object, or a client's `Idempotency-Key`. The make gets
    /// the next id of its recipe, and the claim is kept with it, in the
    /// same transaction, so a redelivery finds it.
    Claimed(Claim),
    /// Nothing names it: a new make with the next id of its recipe, every
    /// time.
    Next,
}

/// A claim on a make's id: see [`MakeIdentity::Claimed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// What is claimed, unique within the recipe: [`object_claim`] or
    /// [`idempotency_claim`].
    pub key: String,
    /// What the claim was made with (a digest of the request's body for an
    /// idempotency key), so the same key with other content is told apart
    /// from a retry.
    pub fingerprint: String,
}

/// The claim of one version of one bucket object: one object version is
/// one make, however often it is delivered.
///
/// The key is the digest that named such makes before make ids were
/// integers (`s3-` and 16 hex digits), so a migrated store's claims are
/// found by redeliveries of messages sent before the migration.
pub fn object_claim(source: &Source) -> Claim {
    let digest = Sha256::new()
        .chain_update(source.bucket.as_bytes())
        .chain_update([0])
        .chain_update(source.key.as_bytes())
        .chain_update([0])
        .chain_update(source.etag.as_bytes())
        .finalize();
    // No fingerprint: the etag is in the key, so the same key is always
    // the same bytes.
    Claim {
        key: format!("s3-{}", hex16(&digest)),
        fingerprint: String::new(),
    }
}

/// The claim of a client's `Idempotency-Key` on a make posted with `body`.
pub fn idempotency_claim(idempotency_key: &str, body: &[u8]) -> Claim {
    let key = Sha256::digest(idempotency_key.as_bytes());
    Claim {
        key: format!("key-{}", hex16(&key)),
        fingerprint: format!("sha256-{}", hex(&Sha256::digest(body))),
    }
}

impl Claim {
    /// What this claim answers when it was made before, as `earlier`: the
    /// fingerprint it was made with and the make it names. A claim made
    /// with another fingerprint is a [`MakeWritten::ClaimMismatch`] and
    /// reads nothing; otherwise `read` reads the make it names, answered
    /// unchanged ([`MakeWritten::Existing`]), and a claim naming no stored
    /// make is corrupt data.
    ///
    /// # Errors
    /// What `read` fails with, or [`Error::Corrupt`].
    pub fn answer<E: From<Error>>(
        &self,
        recipe_id: i64,
        earlier: (&str, i64),
        read: impl FnOnce(i64) -> Result<Option<MakeRecord>, E>,
    ) -> Result<MakeWritten, E> {
        let (fingerprint, make_id) = earlier;
        if fingerprint != self.fingerprint {
            return Ok(MakeWritten::ClaimMismatch { make_id });
        }
        read(make_id)?.map(MakeWritten::Existing).ok_or_else(|| {
            Error::Corrupt {
                what: format!("claim {} of recipe {recipe_id}", self.key),
                message: format!("it names make {make_id}, which is not stored"),
            }
            .into()
        })
    }
}

/// What a make write did.
#[derive(Debug, Clone, PartialEq)]
pub enum MakeWritten {
    /// A new make, stored under the id it now has.
    Created(MakeRecord),
    /// A make with this identity was stored before (the named id, or the
    /// claim with the same fingerprint): the stored record, unchanged.
    Existing(MakeRecord),
    /// The claim was made before with another fingerprint (an
    /// idempotency key reused for another body): nothing was stored.
    ClaimMismatch {
        /// The make the claim names.
        make_id: i64,
    },
    /// The make needs an id given and its recipe has used
    /// [`MAX_MAKE_ID`]: nothing was stored.
    Exhausted,
}

/// One version of a recipe: immutable once stored. A recipe's versions
/// are numbered 1, 2, 3… in the order they were written; its latest is
/// what `GET /recipes/{recipeId}` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecipeVersion {
    /// The recipe's id.
    pub recipe_id: i64,
    /// The version's number, from 1.
    pub version: i64,
    /// The recipe as this version has it, its `recipe_id` set.
    pub recipe: Recipe,
    /// When it was stored (RFC 3339, UTC).
    pub created_at: String,
    /// Where it came from: `s3://bucket/key@etag` for a document from the
    /// bucket; `None` for one written through the API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What the cook said of the change, when they said something.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// How many changes it made to the version before (as `recipe-diff`
    /// counts them: restatements are not changes); 0 for version 1.
    #[serde(default)]
    pub changes: usize,
}

/// What [`RecordStore::put_version`](crate::RecordStore::put_version) did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionWritten {
    /// Stored: the recipe's latest version is now this one.
    Created,
    /// Not stored: the recipe's latest version is not the one before this
    /// (another writer came first, or a version 1 met an existing recipe).
    /// Read the latest again and decide anew.
    Taken,
}

/// A document the server refused, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Rejection {
    /// Where the document came from (`s3://bucket/key@etag`, or the request path).
    pub source: String,
    /// What was wrong, naming the JSON path or line.
    pub reason: String,
    /// When it was refused (RFC 3339, UTC).
    pub rejected_at: String,
}

/// A make stored before make ids were integers, read for migration.
#[derive(Debug, Clone, PartialEq)]
pub struct LegacyMake {
    /// Its text id: a number written as text (`"7"`, a document's own
    /// `makeId`), `s3-…` (derived from a bucket object), or `body-…`
    /// (derived from a posted body).
    pub legacy_id: String,
    /// The record, with the make id still to be given
    /// ([`MakeRecord::numbered`]).
    pub record: MakeRecord,
}

impl LegacyMake {
    /// Reads a stored make document whose `makeId` is text; `None` when the
    /// document is not of that old form (its `makeId` is a number already).
    ///
    /// # Errors
    /// A document that is neither old nor new: its text, for the report.
    pub fn from_document(document: &str) -> Result<Option<LegacyMake>, String> {
        let mut value: serde_json::Value =
            serde_json::from_str(document).map_err(|e| e.to_string())?;
        let Some(legacy_id) = value
            .get("makeId")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
        else {
            return Ok(None);
        };
        value["makeId"] = serde_json::Value::from(0);
        let record: MakeRecord = serde_json::from_value(value).map_err(|e| e.to_string())?;
        Ok(Some(LegacyMake { legacy_id, record }))
    }

    /// The id it keeps: a number written as text keeps its number.
    pub fn kept_id(&self) -> Option<i64> {
        self.legacy_id.parse().ok()
    }

    /// The claim it leaves for redeliveries: an object's make keeps its
    /// derived id as the key of its object claim (see [`object_claim`]).
    pub fn claim(&self) -> Option<Claim> {
        self.legacy_id.starts_with("s3-").then(|| Claim {
            key: self.legacy_id.clone(),
            fingerprint: String::new(),
        })
    }
}

/// What a migration of make ids did: each make that had a text id, and
/// the integer id it has now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrationReport {
    /// Each migrated make: its recipe, its old id, its new id.
    pub migrated: Vec<(i64, String, i64)>,
}

impl MigrationReport {
    /// Adds one migrated make.
    pub fn add(&mut self, recipe_id: i64, legacy: &LegacyMake, make_id: i64) {
        self.migrated
            .push((recipe_id, legacy.legacy_id.clone(), make_id));
    }
}

impl std::fmt::Display for MigrationReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let recipes: std::collections::BTreeSet<i64> =
            self.migrated.iter().map(|(recipe, ..)| *recipe).collect();
        write!(
            f,
            "gave {} make(s) of {} recipe(s) integer ids",
            self.migrated.len(),
            recipes.len()
        )?;
        for (recipe, old, new) in &self.migrated {
            write!(f, "; recipe {recipe}: {old:?} -> {new}")?;
        }
        Ok(())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn hex16(digest: &[u8]) -> String {
    hex(&digest[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_claims_are_stable_and_distinct() {
        let claim = object_claim(&Source::new("b", "makes/1.json", "abc"));
        assert_eq!(
            claim,
            object_claim(&Source::new("b", "makes/1.json", "abc"))
        );
        assert_eq!(claim.key.len(), 3 + 16);
        assert_ne!(
            claim.key,
            object_claim(&Source::new("b", "makes/1.json", "abd")).key
        );
        assert_ne!(
            claim.key,
            object_claim(&Source::new("b", "makes/2.json", "abc")).key
        );
        // The separator keeps ("ab", "c") apart from ("a", "bc").
        assert_ne!(
            object_claim(&Source::new("ab", "c", "e")).key,
            object_claim(&Source::new("a", "bc", "e")).key
        );
    }

    #[test]
    fn idempotency_claims_name_the_key_and_fingerprint_the_body() {
        let first = idempotency_claim("k-1", b"{}");
        assert_eq!(first, idempotency_claim("k-1", b"{}"));
        let other_body = idempotency_claim("k-1", b"{ }");
        assert_eq!(first.key, other_body.key);
        assert_ne!(first.fingerprint, other_body.fingerprint);
        assert_ne!(first.key, idempotency_claim("k-2", b"{}").key);
        assert!(first.key.starts_with("key-"));
    }

    #[test]
    fn numbering_sets_the_id_everywhere() {
        let original: Recipe =
            recipe_diff::parse_recipe(r#"{"recipeName": "Tea", "recipeId": 3, "rating": 3}"#)
                .unwrap();
        let mut cooked = original.clone();
        cooked.rating = Some(4.0);
        let record = MakeRecord {
            recipe_id: 3,
            make_id: 0,
            made_at: None,
            notes: None,
            recipe_version: 1,
            differences: recipe_diff::diff(&original, &cooked),
            recipe: cooked,
            flat_differences: Vec::new(),
            source: None,
            recorded_at: "2026-12-03T00:00:00.000Z".to_owned(),
        }
        .numbered(12);
        assert_eq!(record.make_id, 12);
        assert_eq!(record.differences.make_id, Some(12));
        assert_eq!(record.flat_differences.len(), 1);
        assert_eq!(record.flat_differences[0].make_id, Some(12));
    }

    #[test]
    fn legacy_documents_are_read_with_their_text_ids() {
        let document = r#"{"recipeId": 1, "makeId": "s3-0123456789abcdef",
            "recipe": {"recipeName": "Pie", "recipeId": 1, "ingredients": [], "steps": []},
            "differences": {"recipeId": 1}, "recordedAt": "2026-11-01T00:00:00Z"}"#;
        let legacy = LegacyMake::from_document(document).unwrap().unwrap();
        assert_eq!(legacy.legacy_id, "s3-0123456789abcdef");
        assert_eq!(legacy.kept_id(), None);
        assert_eq!(legacy.claim().unwrap().key, "s3-0123456789abcdef");
        let numbered = document.replace("\"s3-0123456789abcdef\"", "\"7\"");
        let legacy = LegacyMake::from_document(&numbered).unwrap().unwrap();
        assert_eq!(legacy.kept_id(), Some(7));
        assert_eq!(legacy.claim(), None);
        let new = document.replace("\"s3-0123456789abcdef\"", "7");
        assert_eq!(LegacyMake::from_document(&new).unwrap(), None);
        assert!(LegacyMake::from_document("{").is_err());
    }
}

#[cfg(test)]
mod recipe_id_tests {
    use super::*;

    #[test]
    fn exhausted_recipe_ids_are_told_from_other_refusals() {
        assert!(is_recipe_ids_exhausted(&recipe_ids_exhausted(
            "sqlite",
            "s3://b/recipes/x.cook"
        )));
        assert!(!is_recipe_ids_exhausted(&Error::Refused {
            backend: "dynamodb",
            message: "AccessDeniedException".to_owned(),
        }));
    }
}
