//! `/recipes/{recipeId}/versions` and below: a recipe's history.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use recipe_diff::diff;
use recipe_diff::render::seed;
use recipe_ports::records::RecipeVersion;
use serde::{Deserialize, Serialize};

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{ApiPath, ApiQuery};
use super::makes::DifferencesFormat;
use super::params::{PageBody, PageQuery, RecipePath, VersionPath, version_number};
use super::recipes::unknown_recipe;
use super::schema;

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
