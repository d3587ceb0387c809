//! S3 event notifications, as SQS delivers them to the watcher in event
//! mode.

use percent_encoding::percent_decode_str;
use serde::Deserialize;

use recipe_ports::ObjectInfo;
use recipe_ports::{Error, Result};

/// What one notification message says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notification {
    /// The test event S3 sends when notifications are configured.
    Test,
    /// Objects created (or overwritten), with the bucket of each.
    Created(Vec<(String, ObjectInfo)>),
}

#[derive(Deserialize)]
struct Message {
    #[serde(rename = "Event")]
    event: Option<String>,
    #[serde(rename = "Records", default)]
    records: Vec<Record>,
}

#[derive(Deserialize)]
struct Record {
    #[serde(rename = "eventName")]
    event_name: String,
    s3: S3Entity,
}

#[derive(Deserialize)]
struct S3Entity {
    bucket: Bucket,
    object: S3Object,
}

#[derive(Deserialize)]
struct Bucket {
    name: String,
}

#[derive(Deserialize)]
struct S3Object {
    key: String,
    #[serde(rename = "eTag", default)]
    etag: Option<String>,
    #[serde(default)]
    size: Option<u64>,
}

/// Reads one notification message body.
///
/// Keys arrive URL-encoded the way HTML forms encode them: `+` is a space,
/// then percent-decoding. Records other than `ObjectCreated:*` are dropped
/// (a deleted object has nothing to announce).
pub fn parse_notification(body: &str) -> Result<Notification> {
    let message: Message = serde_json::from_str(body).map_err(|e| Error::Corrupt {
        what: "S3 event notification".to_owned(),
        message: e.to_string(),
    })?;
    if message.event.as_deref() == Some("s3:TestEvent") {
        return Ok(Notification::Test);
    }
    let mut created = Vec::new();
    for record in message.records {
        if !record.event_name.starts_with("ObjectCreated:") {
            continue;
        }
        let key = decode_key(&record.s3.object.key)?;
        let etag = record
            .s3
            .object
            .etag
            .unwrap_or_default()
            .trim_matches('"')
            .to_owned();
        created.push((
            record.s3.bucket.name,
            ObjectInfo {
                key,
                etag,
                size: record.s3.object.size.unwrap_or(0),
            },
        ));
    }
    Ok(Notification::Created(created))
}

fn decode_key(encoded: &str) -> Result<String> {
    let spaced = encoded.replace('+', " ");
    percent_decode_str(&spaced)
        .decode_utf8()
        .map(|key| key.into_owned())
        .map_err(|e| Error::Corrupt {
            what: format!("event key {encoded:?}"),
            message: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str, key: &str) -> String {
        serde_json::json!({
            "Records": [{
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "eventName": name,
                "s3": {
                    "bucket": {"name": "cookbook"},
                    "object": {"key": key, "size": 42, "eTag": "\"0123abcd\""}
                }
            }]
        })
        .to_string()
    }

    #[test]
    fn created_objects_are_announced_with_decoded_keys() {
        let parsed = parse_notification(&event(
            "ObjectCreated:Put",
            "makes/apple+pie%2B1%C3%A9.json",
        ))
        .unwrap();
        assert_eq!(
            parsed,
            Notification::Created(vec![(
                "cookbook".to_owned(),
                ObjectInfo {
                    key: "makes/apple pie+1é.json".to_owned(),
                    etag: "0123abcd".to_owned(),
                    size: 42
                }
            )])
        );
    }

    #[test]
    fn removals_are_ignored_and_test_events_recognised() {
        assert_eq!(
            parse_notification(&event("ObjectRemoved:Delete", "makes/x.json")).unwrap(),
            Notification::Created(vec![])
        );
        let test = r#"{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-25T00:00:00Z","Bucket":"cookbook"}"#;
        assert_eq!(parse_notification(test).unwrap(), Notification::Test);
    }

    #[test]
    fn garbage_is_corrupt_not_a_panic() {
        for body in ["", "{", "[]", r#"{"Records": [{"eventName": 3}]}"#, "\u{0}"] {
            assert!(matches!(
                parse_notification(body),
                Err(Error::Corrupt { .. })
            ));
        }
        assert!(parse_notification(&event("ObjectCreated:Put", "makes/%FF.json")).is_err());
    }
}
