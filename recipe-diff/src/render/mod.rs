//! Renderings of a [`RecipeDiff`](crate::RecipeDiff).
//!
//! - rich JSON: the diff itself, through serde ([`json`]);

use crate::changes::RecipeDiff;

/// The diff as pretty-printed JSON: every difference and restatement.
pub fn json(diff: &RecipeDiff) -> String {
    serde_json::to_string_pretty(diff).unwrap_or_else(|e| {
        // Serializing our own types to a string cannot fail; say so if it does.
        format!("{{\"error\": {:?}}}", e.to_string())
    })
}
