//! `/recipes/{recipeId}/versions` and below: a recipe's history.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use recipe_diff::render::{SeedDifference, seed};
use recipe_diff::{Conflict, Recipe, diff};
use recipe_ports::records::{MAX_MAKE_ID, RecipeVersion};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{ApiBody, ApiPath, ApiQuery};
use super::makes::DifferencesFormat;
use super::params::{MESSAGE_MAX, PageBody, PageQuery, RecipePath, VersionPath, version_number};
use super::recipes::unknown_recipe;
use super::schema;
use crate::ingest::RecipeWritten;
use crate::promote::{Promote, PromoteError, Promoted, Resolve, promote};

/// A version as the history lists it: everything but the document.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct VersionSummary {
    /// The version's number, from 1.
    version: i64,
    /// When it was stored (RFC 3339, UTC).
    created_at: String,
    /// `s3://bucket/key@etag` when it came from the bucket; absent when it
    /// was written through the API.
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    /// What the cook said of the change.
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    /// How many changes it made to the version before; 0 for version 1.
    changes: usize,
}

impl From<RecipeVersion> for VersionSummary {
    fn from(version: RecipeVersion) -> Self {
        VersionSummary {
            version: version.version,
            created_at: version.created_at,
            source: version.source,
            message: version.message,
            changes: version.changes,
        }
    }
}

/// A recipe's versions, newest first, a page at a time.
#[utoipa::path(
    get,
    path = "/recipes/{recipeId}/versions",
    operation_id = "listRecipeVersions",
    tag = "versions",
    params(RecipePath, PageQuery),
    responses(
        (status = 200, description = "A page of versions, newest first", body = PageBody<VersionSummary>),
        schema::RecipeNotFound,
        schema::StoreFailure,
    )
)]
pub(super) async fn list(
    State(state): State<AppState>,
    ApiPath(RecipePath { recipe_id }): ApiPath<RecipePath>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Response, ApiError> {
    let request = query.by_id()?;
    let page = state.store.versions(recipe_id, &request).await?;
    // An unknown recipe is a 404, not an empty history.
    if page.items.is_empty() && state.store.latest_version(recipe_id).await?.is_none() {
        return Err(unknown_recipe(recipe_id));
    }
    Ok(Json(PageBody::of(page, VersionSummary::from)).into_response())
}

/// One version of a recipe, with its document.
#[utoipa::path(
    get,
    path = "/recipes/{recipeId}/versions/{version}",
    operation_id = "getRecipeVersion",
    tag = "versions",
    params(VersionPath),
    responses(
        (status = 200, description = "The version", body = RecipeVersion),
        (status = 400, description = "An id or number in the path is not a whole number", body = ErrorBody),
        (status = 404, description = "No such recipe or version", body = ErrorBody),
        schema::StoreFailure,
    )
)]
pub(super) async fn read(
    State(state): State<AppState>,
    ApiPath(VersionPath { recipe_id, version }): ApiPath<VersionPath>,
) -> Result<Response, ApiError> {
    Ok(Json(stored_version(&state, recipe_id, version).await?).into_response())
}

/// The query of `GET …/versions/{version}/differences`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct VersionDifferencesQuery {
    /// The version to compare with; the one before when absent
    #[param(minimum = 1, maximum = 9223372036854775807i64)]
    from: Option<i64>,
    /// `flat` (the default): a list of `differenceObject`s; `full`: the
    /// structured diff.
    #[serde(default)]
    #[param(inline)]
    format: DifferencesFormat,
}

/// How version `from` (by default the one before) became this one: the
/// same differences a make has, between two versions of the recipe.
#[utoipa::path(
    get,
    path = "/recipes/{recipeId}/versions/{version}/differences",
    operation_id = "getRecipeVersionDifferences",
    tag = "versions",
    params(VersionPath, VersionDifferencesQuery),
    responses(
        (status = 200, description = "What changed from version `from` to this one: a list of `differenceObject`s without a `makeId`, or with `?format=full` the structured diff", body = schema::Differences),
        (status = 400, description = "A number is not a whole number or below 1, or the format is unknown", body = ErrorBody),
        (status = 404, description = "No such recipe or version (version 1 without `from`: there is none before it)", body = ErrorBody),
        schema::StoreFailure,
    )
)]
pub(super) async fn differences(
    State(state): State<AppState>,
    ApiPath(VersionPath { recipe_id, version }): ApiPath<VersionPath>,
    ApiQuery(query): ApiQuery<VersionDifferencesQuery>,
) -> Result<Response, ApiError> {
    // Version 1 has none before it: its default `from` is a version that
    // does not exist, a 404 like any other.
    let from = version_number("from", query.from)?.unwrap_or(version - 1);
    let to = stored_version(&state, recipe_id, version).await?;
    let from = stored_version(&state, recipe_id, from).await?;
    let changes = diff(&from.recipe, &to.recipe);
    Ok(match query.format {
        DifferencesFormat::Flat => Json(seed(&changes)).into_response(),
        DifferencesFormat::Full => Json(changes).into_response(),
    })
}

/// The stored version, or a 404 naming what is missing.
pub(super) async fn stored_version(
    state: &AppState,
    recipe_id: i64,
    version: i64,
) -> Result<RecipeVersion, ApiError> {
    if let Some(found) = state.store.recipe_version(recipe_id, version).await? {
        return Ok(found);
    }
    if state.store.latest_version(recipe_id).await?.is_none() {
        return Err(unknown_recipe(recipe_id));
    }
    Err(ApiError::NotFound(format!(
        "recipe {recipe_id} has no version {version}"
    )))
}

/// The body of `POST /recipes/{recipeId}/versions`: which make to promote,
/// and how.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"fromMake": 1, "changes": [2], "message": "no more preheating"}))]
pub(super) struct PromoteBody {
    /// The make to promote: its id within the recipe.
    // Read as any number, so that a whole number written `7.0`, which
    // JSON Schema calls an integer, is the make 7.
    #[schema(value_type = i64, minimum = -9007199254740991i64, maximum = 9007199254740991i64, example = 1)]
    from_make: serde_json::Number,
    /// Only these of the make's changes: `changeId`s of its differences
    /// (`GET …/makes/{makeId}/differences`). The whole make when absent.
    #[serde(default)]
    #[schema(value_type = Option<Vec<schema::ChangeIdDocument>>)]
    changes: Option<Vec<serde_json::Number>>,
    /// Why the recipe changes ("less sugar from now on"), kept with the
    /// version; at most 1,000 characters.
    #[serde(default)]
    #[schema(max_length = 1000)]
    message: Option<String>,
    /// Answer what the new version would be, with any conflicts, and write
    /// nothing.
    #[serde(default)]
    dry_run: bool,
    /// Which side conflicts take: `ours` (the latest version's) or
    /// `theirs` (the make's). Without it a promotion with conflicts is
    /// refused (409).
    #[serde(default)]
    resolve: Option<Resolve>,
}

/// What a promotion answers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct PromotionBody {
    /// The recipe's id.
    recipe_id: i64,
    /// The recipe's latest version after the request: the one the
    /// promotion made, or the latest as it was when nothing was written
    /// (a dry run, or a result the same as the latest).
    version: i64,
    /// Whether this request stored a new version.
    written: bool,
    /// Whether this was a dry run, which writes nothing.
    dry_run: bool,
    /// The make promoted.
    from_make: i64,
    /// The version the make was cooked from: the merge's base.
    make_version: i64,
    /// The latest version the make was brought onto.
    latest_version: i64,
    /// Whether the make was cooked from an older version than the latest,
    /// so a three-way merge made the result (base: the make's version,
    /// ours: the latest, theirs: the make).
    merged: bool,
    /// The new version (on a dry run, what it would be).
    recipe: Recipe,
    /// Where the latest version (`ours`) and the make (`theirs`)
    /// disagreed, resolved as `resolve` said; on a dry run without
    /// `resolve`, the latest's side is kept.
    conflicts: Vec<Conflict>,
    /// What the new version changes in the latest: a list of
    /// `differenceObject`s without a `makeId`.
    changes: Vec<SeedDifference>,
}

/// The refusal of a promotion whose make and latest version disagree.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct PromotionConflicts {
    /// What went wrong.
    error: String,
    /// The request path.
    path: String,
    /// Where the latest version (`ours`) and the make (`theirs`)
    /// disagree.
    conflicts: Vec<Conflict>,
    /// The version the make was cooked from.
    make_version: i64,
    /// The latest version.
    latest_version: i64,
    /// The merge with the latest version's side of each conflict, as
    /// `"resolve": "ours"` would store it.
    recipe: Recipe,
}

/// Makes a make the recipe's next version (promote): the whole make, its
/// own fields (notes, date) aside, or with `changes` only the chosen
/// changes of it, by their `changeId`s.
///
/// When the make was cooked from an older version than the latest, the
/// new version is the three-way merge of the make's version (base), the
/// latest (ours) and the make (theirs): the latest's changes are kept and
/// the make's added. Where the two change the same thing differently the
/// request answers 409 with the conflicts and writes nothing, unless
/// `resolve` names the side that wins. `dryRun` answers the result and
/// any conflicts without writing. The version is written as `PUT` writes
/// one; a result the same as the latest makes none.
#[utoipa::path(
    post,
    path = "/recipes/{recipeId}/versions",
    operation_id = "promoteMake",
    tag = "versions",
    params(RecipePath),
    request_body(content = PromoteBody, description = "The make to promote, and how"),
    responses(
        (status = 201, description = "A new version was made", body = PromotionBody, headers(
            ("Location" = String, description = "The new version's URL"),
            ("X-Recipe-Version" = i64, description = "The recipe's latest version: the new one"),
        )),
        (status = 200, description = "A dry run, or a result the same as the latest version, so no version was made", body = PromotionBody),
        (status = 409, description = "The make and the latest version change the same things differently, and `resolve` does not say which side wins: nothing was written", body = PromotionConflicts),
        (status = 400, description = "The id in the path is not a whole number, or the body is not a promotion; `path` is the field at fault, or `.`", body = ErrorBody),
        (status = 404, description = "No such recipe, make, or change of the make", body = ErrorBody),
        schema::WriteRefusal,
        schema::StoreFailure,
    ),
    security(("bearer" = []))
)]
pub(super) async fn promote_make(
    State(state): State<AppState>,
    ApiPath(RecipePath { recipe_id }): ApiPath<RecipePath>,
    ApiBody(body): ApiBody,
) -> Result<Response, ApiError> {
    let body: PromoteBody =
        serde_json::from_slice(&body).map_err(|error| ApiError::InvalidBody {
            path: ".".to_owned(),
            message: error.to_string(),
        })?;
    if body
        .message
        .as_ref()
        .is_some_and(|message| message.chars().count() > MESSAGE_MAX)
    {
        return Err(ApiError::InvalidBody {
            path: "message".to_owned(),
            message: format!("message: longer than {MESSAGE_MAX} characters"),
        });
    }
    let from_make = whole_number(&body.from_make, MAX_MAKE_ID)
        .ok_or_else(|| ApiError::InvalidBody {
            path: "fromMake".to_owned(),
            message: format!(
                "fromMake: {} is not a make id, a whole number of at most {MAX_MAKE_ID} (2^53 - 1) either way",
                body.from_make
            ),
        })?;
    let changes = body
        .changes
        .map(|ids| {
            ids.iter()
                .enumerate()
                .map(|(at, id)| {
                    whole_number(id, i64::from(u32::MAX))
                        .filter(|&id| id >= 1)
                        .and_then(|id| u32::try_from(id).ok())
                        .ok_or_else(|| ApiError::InvalidBody {
                            path: format!("changes[{at}]"),
                            message: format!(
                                "changes[{at}]: {id} is not a changeId, a whole number from 1"
                            ),
                        })
                })
                .collect::<Result<Vec<u32>, ApiError>>()
        })
        .transpose()?;
    let request = Promote {
        from_make,
        changes,
        message: body.message,
        dry_run: body.dry_run,
        resolve: body.resolve,
    };
    let error = match promote(state.store.as_ref(), recipe_id, &request).await {
        Ok(promoted) => return Ok(promoted_response(recipe_id, &request, promoted)),
        Err(error) => error,
    };
    let message = error.to_string();
    match error {
        PromoteError::Conflicts {
            conflicts,
            recipe,
            make_version,
            latest_version,
        } => {
            let body = PromotionConflicts {
                error: message,
                path: format!("/recipes/{recipe_id}/versions"),
                conflicts,
                make_version,
                latest_version,
                recipe: *recipe,
            };
            Ok((StatusCode::CONFLICT, Json(body)).into_response())
        }
        other => Err(promote_error(other)),
    }
}

/// A JSON number as a whole number within `±limit`: `7` and `7.0` alike.
fn whole_number(number: &serde_json::Number, limit: i64) -> Option<i64> {
    let value = match number.as_i64() {
        Some(value) => value,
        None => {
            let value = number.as_f64()?;
            // Within ±2^53 every whole f64 is exact, and every limit here is.
            if value.fract() != 0.0 || value.abs() > limit as f64 {
                return None;
            }
            value as i64
        }
    };
    (value.unsigned_abs() <= limit.unsigned_abs()).then_some(value)
}

/// The API's answer to every other refusal of a promotion.
fn promote_error(error: PromoteError) -> ApiError {
    match error {
        PromoteError::Ingest(error) => error.into(),
        PromoteError::MakeIdOutOfRange(_) => ApiError::InvalidBody {
            path: "fromMake".to_owned(),
            message: error.to_string(),
        },
        PromoteError::ChangeIdZero => ApiError::InvalidBody {
            path: "changes".to_owned(),
            message: error.to_string(),
        },
        PromoteError::UnknownMake { .. } | PromoteError::UnknownChange { .. } => {
            ApiError::NotFound(error.to_string())
        }
        // Answered with its own body above; a new variant is still the
        // request's to fix.
        other => ApiError::Conflict(other.to_string()),
    }
}

fn promoted_response(recipe_id: i64, request: &Promote, promoted: Promoted) -> Response {
    let written = matches!(
        promoted.written,
        Some(RecipeWritten::NewVersion | RecipeWritten::Created)
    );
    let version = promoted
        .version
        .as_ref()
        .map_or(promoted.latest_version, |version| version.version);
    let mut changes = promoted.changes;
    // The list names the recipe, not a make.
    changes.make_id = None;
    let body = PromotionBody {
        recipe_id,
        version,
        written,
        dry_run: request.dry_run,
        from_make: request.from_make,
        make_version: promoted.make_version,
        latest_version: promoted.latest_version,
        merged: promoted.merged,
        recipe: promoted.recipe,
        conflicts: promoted.conflicts,
        changes: seed(&changes),
    };
    if !written {
        return Json(body).into_response();
    }
    (
        StatusCode::CREATED,
        [
            (
                header::LOCATION.as_str(),
                format!("/recipes/{recipe_id}/versions/{version}"),
            ),
            ("x-recipe-version", version.to_string()),
        ],
        Json(body),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_are_read_however_written() {
        let number = |text: &str| serde_json::from_str::<serde_json::Number>(text).unwrap();
        assert_eq!(whole_number(&number("7"), 10), Some(7));
        assert_eq!(whole_number(&number("7.0"), 10), Some(7));
        assert_eq!(whole_number(&number("-7e0"), 10), Some(-7));
        assert_eq!(whole_number(&number("7.5"), 10), None);
        assert_eq!(whole_number(&number("11"), 10), None);
        assert_eq!(whole_number(&number("-11.0"), 10), None);
        assert_eq!(
            whole_number(&number("18446744073709551615"), i64::MAX),
            None
        );
        assert_eq!(whole_number(&number("1e300"), i64::MAX), None);
    }
}
