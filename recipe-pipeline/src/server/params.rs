//! The API's path and header parameters, each declared once: the same
//! type is what a handler extracts and what the OpenAPI document
//! describes, so the two cannot drift apart.

use serde::Deserialize;
use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{Required, Schema};

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
