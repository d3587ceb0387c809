//! Extractors whose rejections are [`ApiError`]s, so that a bad path
//! parameter or an oversized body answers the same JSON as every other
//! error.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;

use super::AppState;
use super::error::ApiError;
use crate::ingest::Source;

/// The headers the sender sets on a document fetched from the bucket.
pub(super) const SOURCE_BUCKET: &str = "x-recipe-source-bucket";
/// See [`SOURCE_BUCKET`].
pub(super) const SOURCE_KEY: &str = "x-recipe-source-key";
/// See [`SOURCE_BUCKET`].
pub(super) const SOURCE_ETAG: &str = "x-recipe-source-etag";

/// Path parameters, as [`Path`] reads them.
pub(super) struct ApiPath<T>(pub(super) T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(ApiPath(value)),
            Err(rejection) => Err(ApiError::InvalidRequest(rejection.body_text())),
        }
    }
}

/// The raw request body, within the configured limit. The handlers parse
/// it themselves: recipe parsing is tolerant and names JSON paths, which
/// a plain `Json` extractor would not do.
pub(super) struct ApiBody(pub(super) Bytes);

impl FromRequest<AppState> for ApiBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let limit = state.config.max_body_bytes;
        // A body announced as too large is refused before a byte of it is
        // read: the client, if it asked (`Expect: 100-continue`), never
        // sends it, and the server never buffers it. Bodies without a
        // length are counted as they arrive, below.
        let announced = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<u64>().ok());
        if announced.is_some_and(|length| length > limit as u64) {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        match Bytes::from_request(request, state).await {
            Ok(bytes) => Ok(ApiBody(bytes)),
            // axum's own limit (`DefaultBodyLimit`) answers 413 in plain
            // text; we answer it in the API's shape.
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::PayloadTooLarge { limit })
            }
            Err(rejection) => Err(ApiError::InvalidRequest(rejection.body_text())),
        }
    }
}

/// The document's place in the bucket, when the sender says so.
pub(super) struct SourceHeaders(pub(super) Option<Source>);

impl FromRequestParts<AppState> for SourceHeaders {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = |name: &str| -> Result<Option<String>, ApiError> {
            parts
                .headers
                .get(name)
                // Keys may hold any Unicode, more than a header carries:
                // the values are percent-encoded UTF-8 (the sender encodes
                // them), and a plain value decodes to itself.
                .map(|value| {
                    std::str::from_utf8(value.as_bytes())
                        .ok()
                        .and_then(|text| percent_decode_str(text).decode_utf8().ok())
                        .map(|decoded| decoded.into_owned())
                        .ok_or_else(|| {
                            ApiError::InvalidRequest(format!(
                                "header {name} is not percent-encoded UTF-8"
                            ))
                        })
                })
                .transpose()
        };
        match (
            header(SOURCE_BUCKET)?,
            header(SOURCE_KEY)?,
            header(SOURCE_ETAG)?,
        ) {
            (Some(bucket), Some(key), Some(etag)) => {
                Ok(SourceHeaders(Some(Source { bucket, key, etag })))
            }
            (None, None, None) => Ok(SourceHeaders(None)),
            // Half a source would name the make wrongly; refuse rather
            // than treat it as posted by hand.
            _ => Err(ApiError::InvalidRequest(format!(
                "headers {SOURCE_BUCKET}, {SOURCE_KEY} and {SOURCE_ETAG} go together"
            ))),
        }
    }
}
