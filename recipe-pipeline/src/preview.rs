//! The live preview: the differences between a recipe and a make that
//! arrive together in one body, computed and stored nowhere.
//!
//! `POST /diff` is a thin wrapper around [`preview`]; keeping the work here,
//! without HTTP, means a fuzzer can feed it bytes. The body is
//! `{"original": <recipe document>, "make": <make document>}`, each
//! document native or schema.org JSON-LD, read by `recipe-diff`'s tolerant
//! parsers exactly as a stored recipe or make would be. A refusal names
//! the JSON path at fault within the body: `make.ingredients[0].quantity`.
//!
//! ```
//! use recipe_pipeline::preview::preview;
//!
//! let body = br#"{
//!   "original": {"recipeName": "Tea", "recipeId": 7, "rating": 3},
//!   "make": {"recipeName": "Tea", "recipeId": 7, "rating": 4}
//! }"#;
//! let changes = preview(body)?;
//! assert_eq!(changes.recipe_id, Some(7));
//! assert_eq!(changes.change_count(), 1);
//!
//! let bad = br#"{"original": {"recipeName": "Tea"}, "make": {"recipeName": 5}}"#;
//! assert_eq!(preview(bad).unwrap_err().json_path(), "make.recipeName");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use recipe_diff::{RecipeDiff, diff_make, parse_make, parse_recipe};
use recipe_ports::records::MAX_MAKE_ID;
use serde_json::value::RawValue;

/// One of the two documents of a preview's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// `original`: the recipe as written.
    Original,
    /// `make`: the recipe as cooked.
    Make,
}

impl Side {
    /// The side's field in the body, which starts its JSON paths.
    pub fn field(self) -> &'static str {
        match self {
            Side::Original => "original",
            Side::Make => "make",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field())
    }
}

/// Why a body cannot be previewed. Every variant is the body's fault;
/// [`PreviewError::json_path`] says where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PreviewError {
    /// The body is not UTF-8 text, so not JSON.
    #[error("the body is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// Offset of the first byte that is not UTF-8.
        offset: usize,
    },
    /// The body is not JSON at all (or is truncated).
    #[error("malformed JSON at line {line}, column {column}: {message}")]
    Malformed {
        /// 1-based line of the first byte that could not be read.
        line: usize,
        /// 1-based column of that byte.
        column: usize,
        /// What the JSON reader expected.
        message: String,
    },
    /// The body is JSON, but not an object (an array, a number, …).
    #[error("the body must be an object: {{\"original\": <recipe>, \"make\": <make>}}")]
    NotAnObject,
    /// The body lacks one of the documents, or gives it as `null`.
    #[error("{side}: missing: the body needs both `original` and `make`")]
    Missing {
        /// The document missing.
        side: Side,
    },
    /// The make names a `makeId` no make can be recorded under (past
    /// [`MAX_MAKE_ID`] either way), so the preview refuses it as recording
    /// the make would.
    #[error(
        "make.makeId: {0} is out of range: a make id is at most {MAX_MAKE_ID} (2^53 - 1) either way"
    )]
    MakeIdOutOfRange(i64),
    /// One document is not a recipe (or make) that can be read.
    #[error("{}", document_message(*side, error))]
    Document {
        /// Which document.
        side: Side,
        /// What is wrong with it, with its path inside that document.
        error: recipe_diff::Error,
    },
}

impl PreviewError {
    /// The JSON path of the value at fault within the body:
    /// `make.ingredients[0].quantity`, `original` for a whole document,
    /// or `.` for the whole body.
    pub fn json_path(&self) -> String {
        match self {
            PreviewError::NotUtf8 { .. }
            | PreviewError::Malformed { .. }
            | PreviewError::NotAnObject => ".".to_owned(),
            PreviewError::Missing { side } => side.field().to_owned(),
            PreviewError::MakeIdOutOfRange(_) => "make.makeId".to_owned(),
            PreviewError::Document { side, error } => within(*side, document_path(error)),
        }
    }
}

/// The path `recipe-diff` names inside one document: empty or `.` for the
/// whole of it.
fn document_path(error: &recipe_diff::Error) -> &str {
    match error {
        recipe_diff::Error::Invalid { path, .. } | recipe_diff::Error::Quantity { path, .. } => {
            path
        }
        _ => "",
    }
}

/// `path` inside `side`'s document as a path inside the body.
fn within(side: Side, path: &str) -> String {
    match path {
        "" | "." => side.field().to_owned(),
        indexed if indexed.starts_with('[') => format!("{side}{indexed}"),
        field => format!("{side}.{field}"),
    }
}

/// `recipe-diff`'s message with its path made a path inside the body:
/// `make.ingredients[0].quantity: cannot read quantity "lots": …`.
fn document_message(side: Side, error: &recipe_diff::Error) -> String {
    let message = error.to_string();
    let inner = document_path(error);
    let detail = message
        .strip_prefix(inner)
        .and_then(|rest| rest.strip_prefix(": "))
        .filter(|_| !inner.is_empty())
        .unwrap_or(&message);
    format!("{}: {detail}", within(side, inner))
}

/// The body as sent: each field's value kept as raw JSON, so the tolerant
/// parsers read a document exactly as they read a stored recipe or make.
/// A map, not a struct: serde would read a struct from an array too.
type PairBody<'a> = HashMap<Cow<'a, str>, &'a RawValue>;

/// The differences between the body's `original` and `make`, as a stored
/// make's would be: restatements kept apart, a scaling found, steps
/// aligned.
///
/// The diff names the original's `recipeId` (the make's when the original
/// has none, since a make names its recipe by it) and the make's `makeId`;
/// either is `None` when neither document has it, and the renderings then
/// leave it out.
pub fn preview(body: &[u8]) -> Result<RecipeDiff, PreviewError> {
    let text = std::str::from_utf8(body).map_err(|e| PreviewError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    let pair: PairBody<'_> = serde_json::from_str(text).map_err(|error| {
        if error.is_data() {
            PreviewError::NotAnObject
        } else {
            PreviewError::Malformed {
                line: error.line(),
                column: error.column(),
                message: without_position(&error),
            }
        }
    })?;
    let original =
        parse_recipe(document(Side::Original, &pair)?).map_err(|error| PreviewError::Document {
            side: Side::Original,
            error,
        })?;
    let make =
        parse_make(document(Side::Make, &pair)?).map_err(|error| PreviewError::Document {
            side: Side::Make,
            error,
        })?;
    if let Some(make_id) = make.make_id
        && make_id.unsigned_abs() > MAX_MAKE_ID.unsigned_abs()
    {
        return Err(PreviewError::MakeIdOutOfRange(make_id));
    }
    let mut changes = diff_make(&original, &make);
    changes.recipe_id = original.recipe_id.or(make.recipe.recipe_id);
    Ok(changes)
}

/// One side's document as JSON text, or [`PreviewError::Missing`] when
/// the body lacks it or gives `null`.
fn document<'a>(side: Side, pair: &PairBody<'a>) -> Result<&'a str, PreviewError> {
    pair.get(side.field())
        .map(|raw| raw.get())
        .filter(|json| *json != "null")
        .ok_or(PreviewError::Missing { side })
}

/// serde_json's message without the ` at line L column C` it appends; the
/// position is reported on its own, or means nothing for a data error.
fn without_position(error: &serde_json::Error) -> String {
    let mut message = error.to_string();
    if let Some(cut) = message.rfind(" at line ") {
        message.truncate(cut);
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    const PIE: &str = r#"{"recipeName": "Pie", "recipeId": 1, "rating": 4,
        "ingredients": [{"ingredientId": 1, "quantity": 2, "measurement": "cup", "ingredientName": "flour"}],
        "steps": [{"stepId": 1, "stepText": "Mix"}, {"stepId": 2, "stepText": "Bake"}]}"#;

    fn body(original: &str, make: &str) -> Vec<u8> {
        format!(r#"{{"original": {original}, "make": {make}}}"#).into_bytes()
    }

    fn refusal(body: &[u8]) -> (String, String) {
        let error = preview(body).unwrap_err();
        (error.json_path(), error.to_string())
    }

    #[test]
    fn the_same_recipe_twice_has_no_differences() {
        let changes = preview(&body(PIE, PIE)).unwrap();
        assert!(changes.is_empty());
        assert_eq!(changes.recipe_id, Some(1));
        assert_eq!(changes.make_id, None);
    }

    #[test]
    fn ids_come_from_the_documents_when_they_have_them() {
        let tea = r#"{"recipeName": "Tea", "rating": 3}"#;
        let named = r#"{"recipeName": "Tea", "recipeId": 9, "makeId": 4, "rating": 4}"#;
        let changes = preview(&body(tea, named)).unwrap();
        assert_eq!((changes.recipe_id, changes.make_id), (Some(9), Some(4)));
        let changes = preview(&body(tea, tea)).unwrap();
        assert_eq!((changes.recipe_id, changes.make_id), (None, None));
    }

    #[test]
    fn json_ld_documents_are_read_too() {
        let page = r#"{"@context": "https://schema.org", "@type": "Recipe", "name": "Pie",
            "recipeIngredient": ["2 cups flour"], "recipeInstructions": ["Mix"]}"#;
        let changes = preview(&body(PIE, page)).unwrap();
        assert_eq!(changes.steps.len(), 1, "{changes:#?}");
    }

    #[test]
    fn a_bad_document_is_named_by_its_path_in_the_body() {
        let quantity = r#"{"recipeName": "Pie", "ingredients": [{"ingredientName": "flour", "quantity": "lots"}]}"#;
        let (path, message) = refusal(&body(PIE, quantity));
        assert_eq!(path, "make.ingredients[0].quantity");
        assert!(
            message.starts_with("make.ingredients[0].quantity: cannot read quantity \"lots\""),
            "{message}"
        );
        let (path, message) = refusal(&body(r#"{"steps": []}"#, PIE));
        assert_eq!(path, "original");
        assert!(message.starts_with("original: missing field"), "{message}");
        let (path, _) = refusal(&body("[]", PIE));
        assert_eq!(path, "original");
    }

    #[test]
    fn a_body_that_is_not_a_pair_is_refused_whole_or_by_side() {
        assert_eq!(refusal(b"{").0, ".");
        assert!(refusal(b"{").1.starts_with("malformed JSON at line 1"));
        assert_eq!(refusal(b"[1, 2]").0, ".");
        assert_eq!(
            refusal(b"3").1,
            r#"the body must be an object: {"original": <recipe>, "make": <make>}"#
        );
        assert_eq!(refusal(b"\xff").0, ".");
        assert_eq!(
            refusal(format!(r#"{{"original": {PIE}}}"#).as_bytes()),
            (
                "make".to_owned(),
                "make: missing: the body needs both `original` and `make`".to_owned()
            )
        );
        assert_eq!(
            refusal(format!(r#"{{"original": null, "make": {PIE}}}"#).as_bytes()).0,
            "original"
        );
    }

    #[test]
    fn a_make_id_no_make_can_have_is_refused() {
        let make = |id: i64| format!(r#"{{"recipeName": "Pie", "makeId": {id}}}"#);
        assert_eq!(refusal(&body(PIE, &make(MAX_MAKE_ID + 1))).0, "make.makeId");
        assert!(preview(&body(PIE, &make(-MAX_MAKE_ID))).is_ok());
    }

    #[test]
    fn paths_join_as_json_paths() {
        assert_eq!(
            within(Side::Make, "ingredients[0].quantity"),
            "make.ingredients[0].quantity"
        );
        assert_eq!(within(Side::Make, "[0].name"), "make[0].name");
        assert_eq!(within(Side::Original, "."), "original");
        assert_eq!(within(Side::Original, ""), "original");
    }
}
