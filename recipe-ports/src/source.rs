//! Where a document came from: one version of one object in the bucket.

use serde::{Deserialize, Serialize};

use crate::objects::ObjectInfo;

/// One version of one object of the bucket: what the watcher announces,
/// the sender fetches and forwards, and the server records a make or a
/// refusal under. The same type all the way, so the three names of an
/// object cannot drift apart on the way.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Source {
    /// The bucket's name.
    pub bucket: String,
    /// The object's key.
    pub key: String,
    /// The version, as its entity tag without quotes.
    pub etag: String,
}

impl Source {
    /// The version `etag` of `key` in `bucket`.
    pub fn new(bucket: impl Into<String>, key: impl Into<String>, etag: impl Into<String>) -> Self {
        Source {
            bucket: bucket.into(),
            key: key.into(),
            etag: etag.into(),
        }
    }

    /// The version `object` describes, in `bucket`.
    pub fn of(bucket: &str, object: &ObjectInfo) -> Self {
        Source {
            bucket: bucket.to_owned(),
            key: object.key.clone(),
            etag: object.etag.clone(),
        }
    }

    /// `s3://bucket/key`, as a [`MakeRecord`](crate::records::MakeRecord)
    /// keeps it.
    pub fn location(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }

    /// `s3://bucket/key@etag`, naming one version, as a
    /// [`Rejection`](crate::records::Rejection) keeps it.
    pub fn version(&self) -> String {
        format!("{}@{}", self.location(), self.etag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_object_and_its_version() {
        let object = ObjectInfo {
            key: "makes/pie.json".into(),
            etag: "e1".into(),
            size: 3,
        };
        let source = Source::of("cook", &object);
        assert_eq!(source.location(), "s3://cook/makes/pie.json");
        assert_eq!(source.version(), "s3://cook/makes/pie.json@e1");
    }
}
