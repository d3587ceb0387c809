//! What the record store keeps: makes with their differences, and
//! rejections.

use recipe_diff::{Recipe, RecipeDiff};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A make as stored, with the differences computed when it arrived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MakeRecord {
    /// The original recipe's id.
    pub recipe_id: i64,
    /// The make's identity: its `makeId`, or one derived from where it came
    /// from (see [`derived_make_id`]).
    pub make_id: String,
    /// When it was cooked, as the cook wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made_at: Option<String>,
    /// The cook's remarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The recipe as cooked.
    pub recipe: Recipe,
    /// The differences from the original at the time the make arrived.
    pub differences: RecipeDiff,
    /// Where the make came from (`s3://bucket/key`), when it came through
    /// the bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// When the server stored it (RFC 3339).
    pub recorded_at: String,
}

/// A document the server refused, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rejection {
    /// Where the document came from (`s3://bucket/key@etag`, or the request path).
    pub source: String,
    /// What was wrong, naming the JSON path or line.
    pub reason: String,
    /// When it was refused (RFC 3339).
    pub rejected_at: String,
}

/// The identity of a make that has no `makeId`: stable for one version of
/// one object, so a redelivered make is recognised and a changed one is new.
pub fn derived_make_id(bucket: &str, key: &str, etag: &str) -> String {
    let digest = Sha256::new()
        .chain_update(bucket.as_bytes())
        .chain_update([0])
        .chain_update(key.as_bytes())
        .chain_update([0])
        .chain_update(etag.as_bytes())
        .finalize();
    let hex: String = digest
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("s3-{hex}")
}

#[cfg(test)]
mod tests {
    use super::derived_make_id;

    #[test]
    fn derived_ids_are_stable_and_distinct() {
        let id = derived_make_id("b", "makes/1.json", "abc");
        assert_eq!(id, derived_make_id("b", "makes/1.json", "abc"));
        assert_eq!(id.len(), 3 + 16);
        assert_ne!(id, derived_make_id("b", "makes/1.json", "abd"));
        assert_ne!(id, derived_make_id("b", "makes/2.json", "abc"));
        // The separator keeps ("ab", "c") apart from ("a", "bc").
        assert_ne!(
            derived_make_id("ab", "c", "e"),
            derived_make_id("a", "bc", "e")
        );
    }
}
