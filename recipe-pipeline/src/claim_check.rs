//! The queue message between watcher and sender: where a document is, never
//! the document itself.

use recipe_ports::{Error, ObjectInfo, Result, Source};
use serde::{Deserialize, Serialize};

/// A claim check: enough to fetch one version of one object.
///
/// On the wire it is one flat JSON object, `bucket`, `key`, `etag` and
/// `size`, as it has always been, so messages queued by an older watcher
/// still read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimCheck {
    /// The object version announced.
    #[serde(flatten)]
    pub source: Source,
    /// Its size in bytes, so a sender can refuse a huge object unread.
    pub size: u64,
}

impl ClaimCheck {
    /// The claim check for an object of `bucket`.
    pub fn new(bucket: &str, object: &ObjectInfo) -> Self {
        ClaimCheck {
            source: Source::of(bucket, object),
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
        let object = ObjectInfo {
            key: "makes/a b.json".into(),
            etag: "e1".into(),
            size: 12,
        };
        let check = ClaimCheck::new("bucket", &object);
        assert_eq!(ClaimCheck::from_body(&check.to_body()).unwrap(), check);
        assert!(ClaimCheck::from_body("{\"recipeName\": \"x\"}").is_err());
    }

    #[test]
    fn the_wire_format_is_flat() {
        let body = r#"{"bucket":"b","key":"makes/pie.json","etag":"e1","size":7}"#;
        let check = ClaimCheck::from_body(body).unwrap();
        assert_eq!(check.source, Source::new("b", "makes/pie.json", "e1"));
        assert_eq!(check.size, 7);
        assert_eq!(check.to_body(), body);
    }
}
