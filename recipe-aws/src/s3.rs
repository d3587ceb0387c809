//! The bucket port on S3.

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use recipe_ports::Result;
use recipe_ports::{ListPage, ListRequest, Object, ObjectInfo, ObjectStore};

use crate::error_mapping::{from_sdk, refused};

const BACKEND: &str = "s3";

/// An [`ObjectStore`] over one S3 bucket.
///
/// Listing is ListObjectsV2 (one request per page, `StartAfter` and
/// continuation tokens passed through), reading is GetObject, writing is
/// PutObject. Etags are handed out without S3's surrounding quotes.
#[derive(Debug, Clone)]
pub struct S3ObjectStore {
    client: Client,
    bucket: String,
}

impl S3ObjectStore {
    /// The store for `bucket`, which must exist.
    pub fn new(client: Client, bucket: impl Into<String>) -> Self {
        S3ObjectStore {
            client,
            bucket: bucket.into(),
        }
    }

    /// Creates the bucket (in the client's region), for tests and local
    /// setups; a bucket we already own is fine.
    pub async fn create_bucket(&self) -> Result<()> {
        match self
            .client
            .create_bucket()
            .bucket(&self.bucket)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_bucket_already_owned_by_you()) =>
            {
                Ok(())
            }
            Err(error) => Err(from_sdk(
                BACKEND,
                &format!("CreateBucket {}", self.bucket),
                &error,
            )),
        }
    }

    /// The SDK client, for what the port does not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }
}

/// S3 quotes etags (`"9b2c…"`); the pipeline compares them as plain text.
fn unquote(etag: &str) -> String {
    etag.trim_matches('"').to_owned()
}

fn size(bytes: Option<i64>, key: &str) -> Result<u64> {
    let bytes = bytes.unwrap_or(0);
    u64::try_from(bytes).map_err(|_| refused(BACKEND, format!("{key} has a negative size {bytes}")))
}

#[async_trait]
impl ObjectStore for S3ObjectStore {
    fn bucket(&self) -> &str {
        &self.bucket
    }

    async fn list(&self, request: ListRequest<'_>) -> Result<ListPage> {
        let max_keys = request
            .max_keys
            .map(|keys| i32::try_from(keys.clamp(1, 1000)).unwrap_or(1000));
        let output = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(request.prefix)
            .set_start_after(request.start_after.map(str::to_owned))
            .set_continuation_token(request.continuation.map(str::to_owned))
            .set_max_keys(max_keys)
            .send()
            .await
            .map_err(|e| {
                from_sdk(
                    BACKEND,
                    &format!("ListObjectsV2 {} prefix {:?}", self.bucket, request.prefix),
                    &e,
                )
            })?;
        let objects = output
            .contents()
            .iter()
            .filter_map(|object| {
                let key = object.key()?;
                Some(size(object.size(), key).map(|size| ObjectInfo {
                    key: key.to_owned(),
                    etag: unquote(object.e_tag().unwrap_or_default()),
                    size,
                }))
            })
            .collect::<Result<Vec<_>>>()?;
        // A page says it is truncated and names the next token; we trust
        // the token, and only when the page says there is more.
        let continuation = if output.is_truncated().unwrap_or(false) {
            output.next_continuation_token().map(str::to_owned)
        } else {
            None
        };
        Ok(ListPage {
            objects,
            continuation,
        })
    }

    async fn get(&self, key: &str) -> Result<Option<Object>> {
        let output = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(output) => output,
            Err(error) if error.as_service_error().is_some_and(|e| e.is_no_such_key()) => {
                return Ok(None);
            }
            Err(error) => {
                return Err(from_sdk(
                    BACKEND,
                    &format!("GetObject s3://{}/{key}", self.bucket),
                    &error,
                ));
            }
        };
        let etag = unquote(output.e_tag().unwrap_or_default());
        let body = output
            .body
            .collect()
            .await
            .map_err(|e| recipe_ports::Error::Unavailable {
                backend: BACKEND,
                message: format!("reading s3://{}/{key}: {e}", self.bucket),
            })?
            .to_vec();
        Ok(Some(Object {
            info: ObjectInfo {
                key: key.to_owned(),
                etag,
                size: body.len() as u64,
            },
            body,
        }))
    }

    async fn put(&self, key: &str, body: Vec<u8>) -> Result<ObjectInfo> {
        let size = body.len() as u64;
        let content_type = if key.ends_with(".json") {
            "application/json"
        } else {
            "application/octet-stream"
        };
        let output = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|e| {
                from_sdk(
                    BACKEND,
                    &format!("PutObject s3://{}/{key}", self.bucket),
                    &e,
                )
            })?;
        Ok(ObjectInfo {
            key: key.to_owned(),
            etag: unquote(output.e_tag().unwrap_or_default()),
            size,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::unquote;

    #[test]
    fn etags_lose_their_quotes() {
        assert_eq!(
            unquote("\"9b2cf535f27731c974343645a3985328\""),
            "9b2cf535f27731c974343645a3985328"
        );
        assert_eq!(unquote("9b2c"), "9b2c");
        assert_eq!(unquote("\"abc-2\""), "abc-2");
    }
}
