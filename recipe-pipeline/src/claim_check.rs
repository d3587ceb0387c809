//! The queue message between watcher and sender: where a document is, never
//! the document itself.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ports::ObjectInfo;

/// A claim check: enough to fetch one version of one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimCheck {
    /// The bucket.
    pub bucket: String,
    /// The object's key.
    pub key: String,
    /// The version announced.
    pub etag: String,
    /// Its size in bytes, so a sender can refuse a huge object unread.
    pub size: u64,
}

impl ClaimCheck {
    /// The claim check for an object of `bucket`.
    pub fn new(bucket: &str, object: ObjectInfo) -> Self {
        ClaimCheck {
            bucket: bucket.to_owned(),
            key: object.key,
            etag: object.etag,
            size: object.size,
        }
    }

    /// The message body.
    pub fn to_body(&self) -> String {
        serde_json::to_string(self).expect("a struct of strings and a number always serializes")
    }

    /// Reads a message body; a body that is not a claim check is corrupt.
    pub fn from_body(body: &str) -> Result<Self> {
        serde_json::from_str(body).map_err(|e| Error::Corrupt {
            what: "queue message".to_owned(),
            message: format!("not a claim check: {e}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_strangers() {
        let check = ClaimCheck::new(
            "bucket",
            ObjectInfo {
                key: "makes/a b.json".into(),
                etag: "e1".into(),
                size: 12,
            },
        );
        assert_eq!(ClaimCheck::from_body(&check.to_body()).unwrap(), check);
        assert!(ClaimCheck::from_body("{\"recipeName\": \"x\"}").is_err());
    }
}
