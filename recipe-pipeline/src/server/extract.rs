//! Extractors whose rejections are [`ApiError`]s, so that a bad path
//! parameter or an oversized body answers the same JSON as every other
//! error.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::{self, DeserializeOwned};

use super::AppState;
use super::error::ApiError;
use recipe_ports::Source;

use crate::document_format::DocumentFormat;
use crate::source_headers;

/// The header a client sets so that a retried `POST` of a make finds the
/// make the first attempt recorded.
pub(super) const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The longest `Idempotency-Key` taken: room for a UUID or a hash with a
/// prefix, and a bound on what is hashed per request.
pub(super) const IDEMPOTENCY_KEY_MAX: usize = 255;

/// A client's `Idempotency-Key`, when it sent one: 1 to 255 visible ASCII
/// characters.
pub(super) struct IdempotencyKey(pub(super) Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(IDEMPOTENCY_KEY) else {
            return Ok(IdempotencyKey(None));
        };
        let bytes = value.as_bytes();
        if bytes.is_empty()
            || bytes.len() > IDEMPOTENCY_KEY_MAX
            || !bytes.iter().all(u8::is_ascii_graphic)
        {
            return Err(ApiError::InvalidRequest(format!(
                "header Idempotency-Key must be 1 to {IDEMPOTENCY_KEY_MAX} visible ASCII characters"
            )));
        }
        Ok(IdempotencyKey(Some(
            String::from_utf8_lossy(bytes).into_owned(),
        )))
    }
}

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

/// Query parameters, as [`Query`] reads them, refused in the API's shape.
pub(super) struct ApiQuery<T>(pub(super) T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(ApiError::InvalidRequest(rejection.body_text())),
        }
    }
}

/// A whole-number id in the path (`recipeId`), read as tolerantly as ids
/// in a body are: `/recipes/7` and `/recipes/7.0` name the same recipe.
///
/// The document declares these parameters as integers, and a JSON Schema
/// integer is any number without a fractional part, `7.0` included; a
/// client that formats its numbers that way must not get a 400 for a
/// request the document allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct PathId(pub(super) i64);

impl<'de> serde::Deserialize<'de> for PathId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PathIdVisitor;

        impl de::Visitor<'_> for PathIdVisitor {
            type Value = PathId;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a whole number from -2^63 to 2^63 - 1")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<PathId, E> {
                parse_path_id(text).map(PathId).ok_or_else(|| {
                    E::custom(format!(
                        "`{text}` is not a whole number from -2^63 to 2^63 - 1"
                    ))
                })
            }
        }

        deserializer.deserialize_str(PathIdVisitor)
    }
}

/// `text` as an `i64`: an integer, or one written with a fractional part
/// of zeros (`7.0`), within the `i64` range. Read exactly, never through
/// a float, which would round `-9223372036854775809` into range.
fn parse_path_id(text: &str) -> Option<i64> {
    let whole = match text.split_once('.') {
        Some((whole, zeros)) if !whole.is_empty() && zeros.bytes().all(|b| b == b'0') => whole,
        Some(_) => return None,
        None => text,
    };
    whole.parse().ok()
}

/// The raw request body, within the configured limit, declared as JSON.
/// The handlers parse it themselves: recipe parsing is tolerant and names
/// JSON paths, which a plain `Json` extractor would not do.
pub(super) struct ApiBody(pub(super) Bytes);

impl FromRequest<AppState> for ApiBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        // A browser sends a cross-origin form or `text/plain` post without
        // asking first; a JSON post it must preflight, and without CORS the
        // preflight fails. Requiring JSON is what keeps a page on another
        // origin from writing to a server that runs without a token.
        if !declares_json(request.headers()) {
            return Err(ApiError::UnsupportedMediaType);
        }
        read_within_limit(request, state).await.map(ApiBody)
    }
}

/// The body of a recipe document, within the configured limit: JSON, as
/// [`ApiBody`] takes it, or, for a document the sender delivers from the
/// bucket (the `X-Recipe-Source-*` headers set), a saved page
/// (`text/html`) or a Cooklang file (`text/x-cooklang`, or `text/plain`).
pub(super) struct DocumentBody {
    /// The bytes, unread.
    pub(super) bytes: Bytes,
    /// What the content type says the bytes are.
    pub(super) declared: DocumentFormat,
}

impl FromRequest<AppState> for DocumentBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let declared = if declares_json(request.headers()) {
            DocumentFormat::Json
        } else {
            // Text is only taken with the source headers: a browser must
            // ask before it sends those (they are not CORS-safelisted),
            // and without CORS it is refused, so a page on another
            // origin cannot post text to a server without a token, as it
            // cannot post JSON.
            let from_bucket = source_headers::SOURCE_KEY;
            match declared_text(request.headers()) {
                Some(format) if request.headers().contains_key(from_bucket) => format,
                _ => return Err(ApiError::UnsupportedMediaType),
            }
        };
        let bytes = read_within_limit(request, state).await?;
        Ok(DocumentBody { bytes, declared })
    }
}

/// The body, within the configured limit.
async fn read_within_limit(request: Request, state: &AppState) -> Result<Bytes, ApiError> {
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
        Ok(bytes) => Ok(bytes),
        // axum's own limit (`DefaultBodyLimit`) answers 413 in plain
        // text; we answer it in the API's shape.
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            Err(ApiError::PayloadTooLarge { limit })
        }
        Err(rejection) => Err(ApiError::InvalidRequest(rejection.body_text())),
    }
}

/// The `Content-Type` without its parameters, in lowercase.
fn content_type_essence(headers: &HeaderMap) -> Option<String> {
    let value = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())?;
    Some(
        value
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase(),
    )
}

/// The text format the `Content-Type` declares: `text/html` a page,
/// `text/x-cooklang` or `text/plain` Cooklang.
fn declared_text(headers: &HeaderMap) -> Option<DocumentFormat> {
    match content_type_essence(headers)?.as_str() {
        "text/html" => Some(DocumentFormat::Html),
        "text/x-cooklang" | "text/plain" => Some(DocumentFormat::Cooklang),
        _ => None,
    }
}

/// Whether the `Content-Type` is `application/json` or another JSON type
/// (`application/ld+json` for schema.org documents), parameters such as
/// `charset` aside.
fn declares_json(headers: &HeaderMap) -> bool {
    let Some(essence) = content_type_essence(headers) else {
        return false;
    };
    essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|subtype| subtype.len() > "+json".len() && subtype.ends_with("+json"))
}

/// The document's place in the bucket, when the sender says so.
pub(super) struct SourceHeaders(pub(super) Option<Source>);

impl FromRequestParts<AppState> for SourceHeaders {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        source_headers::read(|name| parts.headers.get(name).map(|value| value.as_bytes()))
            .map(SourceHeaders)
            .map_err(ApiError::InvalidRequest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content_type(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, value.parse().unwrap());
        headers
    }

    #[test]
    fn only_json_bodies_are_read() {
        for json in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/ld+json",
            "application/vnd.recipe+json ; v=1",
        ] {
            assert!(declares_json(&content_type(json)), "{json:?}");
        }
        for other in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/+json",
            "application/jsonx",
            "text/json",
            "",
        ] {
            assert!(!declares_json(&content_type(other)), "{other:?}");
        }
        assert!(!declares_json(&HeaderMap::new()));
    }

    #[test]
    fn path_ids_are_whole_numbers_however_written() {
        assert_eq!(parse_path_id("7"), Some(7));
        assert_eq!(parse_path_id("-538171.0"), Some(-538_171));
        assert_eq!(parse_path_id("+7."), Some(7));
        assert_eq!(parse_path_id("9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_path_id("-9223372036854775808"), Some(i64::MIN));
        for refused in [
            "9223372036854775808",
            "-9223372036854775809",
            "-9223372036854775809.0",
            "1e3",
            ".0",
            "-.0",
            "7.5",
            "7.0.0",
            "NaN",
            "inf",
            "",
            "seven",
            " 7",
        ] {
            assert_eq!(parse_path_id(refused), None, "{refused:?}");
        }
    }
}
