//! The API's path and header parameters, each declared once: the same
//! type is what a handler extracts and what the OpenAPI document
//! describes, so the two cannot drift apart.

use recipe_ports::{Page, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{Required, Schema};
use utoipa::{IntoParams, ToSchema};

use super::error::ApiError;
use super::extract::{IDEMPOTENCY_KEY_MAX, IdempotencyKey, PathId, SourceHeaders};
use crate::source_headers::{SOURCE_BUCKET, SOURCE_ETAG, SOURCE_KEY};

/// `/recipes/{recipeId}` and the paths below it.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Path, rename_all = "camelCase")]
pub(super) struct RecipePath {
    /// The recipe's id, a whole number (`7` and `7.0` are the same id)
    #[serde(deserialize_with = "whole_number")]
    #[param(minimum = -9223372036854775808i64, maximum = 9223372036854775807i64, example = 1)]
    pub(super) recipe_id: i64,
}

/// `/recipes/{recipeId}/makes/{makeId}` and the paths below it.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Path, rename_all = "camelCase")]
pub(super) struct MakePath {
    /// The recipe's id, a whole number
    #[serde(deserialize_with = "whole_number")]
    #[param(minimum = -9223372036854775808i64, maximum = 9223372036854775807i64, example = 1)]
    pub(super) recipe_id: i64,
    /// The make's id, unique within its recipe
    #[serde(deserialize_with = "whole_number")]
    #[param(minimum = -9223372036854775808i64, maximum = 9223372036854775807i64, example = 1)]
    pub(super) make_id: i64,
}

/// `/recipes/{recipeId}/versions/{version}` and the paths below it.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Path, rename_all = "camelCase")]
pub(super) struct VersionPath {
    /// The recipe's id, a whole number
    #[serde(deserialize_with = "whole_number")]
    #[param(minimum = -9223372036854775808i64, maximum = 9223372036854775807i64, example = 1)]
    pub(super) recipe_id: i64,
    /// The version's number, from 1
    #[serde(deserialize_with = "whole_number")]
    #[param(minimum = 1, maximum = 9223372036854775807i64, example = 1)]
    pub(super) version: i64,
}

/// `?message=…`: what the cook says of a new version of a recipe.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct MessageQuery {
    /// Why the recipe changed ("less sugar from now on"), kept with the
    /// version it makes; at most 1,000 characters
    #[param(max_length = 1000)]
    message: Option<String>,
}

/// The longest version message taken.
pub(super) const MESSAGE_MAX: usize = 1000;

impl MessageQuery {
    /// The message, or a 400 when it is too long.
    pub(super) fn message(&self) -> Result<Option<&str>, ApiError> {
        match self.message.as_deref() {
            Some(message) if message.chars().count() > MESSAGE_MAX => Err(
                ApiError::InvalidRequest(format!("message: longer than {MESSAGE_MAX} characters")),
            ),
            message => Ok(message),
        }
    }
}

/// `?limit=N&cursor=C`: the page of a list to answer.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PageQuery {
    /// How many items at most, 1 to 100; 50 when absent
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    /// Where to go on: the `nextCursor` of the page before; absent for the
    /// first page
    #[param(min_length = 1)]
    cursor: Option<String>,
}

/// Items answered when a list is asked for without a limit.
const DEFAULT_PAGE: usize = 50;

/// The most items one answer holds, whatever a client asks. Smaller than
/// what a store reads at once ([`PageRequest::MAX_LIMIT`], for the
/// server's own walks): a page of makes is answered whole, each make with
/// its document and differences, so this bounds the memory one request
/// holds (`BENCHMARKS.md`, "Paging 5,000 makes").
const MAX_PAGE: usize = 100;

impl PageQuery {
    /// The limit, within 1 to [`MAX_PAGE`], or a 400.
    fn limit(&self) -> Result<usize, ApiError> {
        match self.limit {
            None => Ok(DEFAULT_PAGE),
            Some(limit) if (1..=MAX_PAGE as u32).contains(&limit) => Ok(limit as usize),
            Some(limit) => Err(ApiError::InvalidRequest(format!(
                "limit: {limit} is not from 1 to {MAX_PAGE}"
            ))),
        }
    }

    /// The request of a list keyed by whole numbers (recipes, makes,
    /// versions), whose cursors are the last key.
    pub(super) fn by_id(&self) -> Result<PageRequest<i64>, ApiError> {
        let after = self
            .cursor
            .as_deref()
            .map(|cursor| {
                cursor.parse::<i64>().map_err(|_| {
                    ApiError::InvalidRequest(format!("cursor {cursor:?} is not one this list gave"))
                })
            })
            .transpose()?;
        Ok(PageRequest::after(self.limit()?, after))
    }

    /// The request of a list whose cursors the store makes (rejections).
    pub(super) fn by_cursor(&self) -> Result<PageRequest<String>, ApiError> {
        Ok(PageRequest::after(self.limit()?, self.cursor.clone()))
    }
}

/// One page of a list, as every list answers.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct PageBody<T> {
    /// The items, in the list's order.
    pub(super) items: Vec<T>,
    /// The `cursor` of the next page; `null` on the last page.
    pub(super) next_cursor: Option<String>,
}

impl<T> PageBody<T> {
    /// The body of `page`, its items made into what the API answers.
    pub(super) fn of<U, K: ToString>(page: Page<U, K>, item: impl FnMut(U) -> T) -> Self {
        PageBody {
            items: page.items.into_iter().map(item).collect(),
            next_cursor: page.next.as_ref().map(ToString::to_string),
        }
    }
}

/// A version number from a query (`?version=`, `?from=`): versions are
/// numbered from 1, so anything below is a 400 naming the parameter.
pub(super) fn version_number(name: &str, number: Option<i64>) -> Result<Option<i64>, ApiError> {
    match number {
        Some(number) if number < 1 => Err(ApiError::InvalidRequest(format!(
            "{name}: {number} is not a version: versions are numbered from 1"
        ))),
        number => Ok(number),
    }
}

/// An id in the path, read as [`PathId`] reads it.
fn whole_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    PathId::deserialize(deserializer).map(|PathId(id)| id)
}

/// What an `X-Recipe-Source-*` header holds: tabs and visible ASCII but
/// `%`, and escapes that together decode to UTF-8 (RFC 3629: no overlong
/// forms, no surrogates, nothing past U+10FFFF). The server's decoding
/// ([`crate::source_headers::read`]) refuses exactly what this does not
/// match.
pub(super) const SOURCE_HEADER_PATTERN: &str = concat!(
    "^(",
    "[\\t -$&-~]",
    "|%[0-7][0-9A-Fa-f]",
    "|%[Cc][2-9A-Fa-f]%[89ABab][0-9A-Fa-f]",
    "|%[Dd][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]",
    "|%[Ee]0%[ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]",
    "|%[Ee][1-9A-Ca-cEeFf]%[89ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]",
    "|%[Ee][Dd]%[89][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]",
    "|%[Ff]0%[9ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]",
    "|%[Ff][1-3]%[89ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]",
    "|%[Ff]4%8[0-9A-Fa-f]%[89ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]",
    ")*$"
);

impl IntoParams for SourceHeaders {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let source = |name: &str, description: &str| {
            optional_header(
                &header_name(name),
                description,
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some(SOURCE_HEADER_PATTERN)),
            )
        };
        vec![
            source(
                SOURCE_BUCKET,
                "The bucket the sender fetched the document from. The three source headers go \
                 together and name one object version, which is one make however often it is \
                 delivered; they make `POST /recipes` replace a recipe that changed in the bucket",
            ),
            source(SOURCE_KEY, "The object's key, percent-encoded UTF-8"),
            source(
                SOURCE_ETAG,
                "The version fetched, without quotes, percent-encoded",
            ),
        ]
    }
}

impl IntoParams for IdempotencyKey {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![optional_header(
            "Idempotency-Key",
            "Makes a retry of this request find the make it recorded: the same key with the \
             same body answers that make (200); with another body, a 422. Keys are kept at \
             least 24 hours",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(format!("^[!-~]{{1,{IDEMPOTENCY_KEY_MAX}}}$"))),
        )]
    }
}

/// `x-recipe-source-key` as the document spells it: `X-Recipe-Source-Key`.
fn header_name(lower: &str) -> String {
    lower
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// A header a request may leave out; never `null` when sent.
fn optional_header(name: &str, description: &str, schema: ObjectBuilder) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(Schema::Object(schema.build())))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_spelled_as_documented() {
        assert_eq!(header_name(SOURCE_KEY), "X-Recipe-Source-Key");
        assert_eq!(header_name("idempotency-key"), "Idempotency-Key");
    }
}
