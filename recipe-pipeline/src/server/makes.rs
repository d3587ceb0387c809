//! `/recipes/{recipeId}/makes` and below.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{ApiBody, ApiPath, PathId, SourceHeaders};
use super::recipes::unknown_recipe;
use super::schema;
use crate::ingest::record_make;
use crate::ports::Written;
use crate::records::MakeRecord;

/// Records a make: computes its differences from the recipe and stores
/// both, once.
///
/// Idempotent: delivering the same make again (same `makeId`, or same
/// bucket, key and etag, or the same body posted by hand) answers 200 with
/// the record stored the first time. A different make claiming a stored
/// `makeId` is a 409.
#[utoipa::path(
    post,
    path = "/recipes/{recipeId}/makes",
    operation_id = "createMake",
    tag = "makes",
    params(
        ("recipeId" = i64, Path, minimum = -9223372036854775808i64, maximum = 9223372036854775807i64, example = 1, description = "The original recipe's id"),
        ("X-Recipe-Source-Bucket" = Option<String>, Header, nullable = false, description = "The bucket the sender fetched the make from; the three source headers go together, and name the make when it has no `makeId`"),
        ("X-Recipe-Source-Key" = Option<String>, Header, nullable = false, description = "The object's key, percent-encoded UTF-8"),
        ("X-Recipe-Source-Etag" = Option<String>, Header, nullable = false, description = "The version fetched, without quotes"),
    ),
    request_body(content = schema::MakeDocument, description = "A make in the native format or as schema.org JSON-LD"),
    responses(
        (status = 201, description = "Recorded", body = schema::MakeRecord, headers(("Location" = String, description = "The make's URL"))),
        (status = 200, description = "Delivered before: the record stored then", body = schema::MakeRecord),
        (status = 400, description = "The id in the path is not a whole number, the body is not a make or names another recipe, or the source headers are incomplete; `path` is the JSON path at fault, or the request path", body = ErrorBody),
        (status = 404, description = "No such recipe", body = ErrorBody),
        (status = 409, description = "Another make has this `makeId`", body = ErrorBody),
        schema::WriteRefusal,
        schema::StoreFailure,
    ),
    security(("bearer" = []))
)]
pub(super) async fn create(
    State(state): State<AppState>,
    ApiPath(PathId(recipe_id)): ApiPath<PathId>,
    SourceHeaders(source): SourceHeaders,
    ApiBody(body): ApiBody,
) -> Result<Response, ApiError> {
    match record_make(state.store.as_ref(), recipe_id, &body, source.as_ref()).await {
        Ok(recorded) => {
            state
                .metrics
                .count_make(recorded.written, recorded.diff_time);
            let record = recorded.record;
            tracing::info!(
                recipe_id,
                make_id = %record.make_id,
                written = ?recorded.written,
                "make recorded"
            );
            Ok(match recorded.written {
                Written::Created => {
                    let location = format!("/recipes/{recipe_id}/makes/{}", record.make_id);
                    (
                        StatusCode::CREATED,
                        [(header::LOCATION, location)],
                        Json(record),
                    )
                        .into_response()
                }
                _ => Json(record).into_response(),
            })
        }
        Err(error) => {
            if error.is_refusal() {
                state.metrics.count_rejected_make();
            }
            Err(error.into())
        }
    }
}

/// Every make of a recipe, oldest first.
#[utoipa::path(
    get,
    path = "/recipes/{recipeId}/makes",
    operation_id = "listMakes",
    tag = "makes",
    params(("recipeId" = i64, Path, minimum = -9223372036854775808i64, maximum = 9223372036854775807i64, example = 1, description = "The original recipe's id")),
    responses(
        (status = 200, description = "The makes, oldest first", body = Vec<schema::MakeRecord>),
        (status = 400, description = "The id in the path is not a whole number", body = ErrorBody),
        (status = 404, description = "No such recipe", body = ErrorBody),
        schema::StoreFailure,
    )
)]
pub(super) async fn list(
    State(state): State<AppState>,
    ApiPath(PathId(recipe_id)): ApiPath<PathId>,
) -> Result<Response, ApiError> {
    // An unknown recipe is a 404, not an empty list: a typo in the id
    // should not look like a recipe nobody cooked.
    if state.store.recipe(recipe_id).await?.is_none() {
        return Err(unknown_recipe(recipe_id));
    }
    Ok(Json(state.store.makes(recipe_id).await?).into_response())
}

/// One make, with its differences.
#[utoipa::path(
    get,
    path = "/recipes/{recipeId}/makes/{makeId}",
    operation_id = "readMake",
    tag = "makes",
    params(
        ("recipeId" = i64, Path, minimum = -9223372036854775808i64, maximum = 9223372036854775807i64, example = 1, description = "The original recipe's id"),
        ("makeId" = String, Path, example = "1", description = "The make's id"),
    ),
    responses(
        (status = 200, description = "The make", body = schema::MakeRecord),
        (status = 400, description = "The recipe id in the path is not a whole number", body = ErrorBody),
        (status = 404, description = "No such make", body = ErrorBody),
        schema::StoreFailure,
    )
)]
pub(super) async fn read(
    State(state): State<AppState>,
    ApiPath((PathId(recipe_id), make_id)): ApiPath<(PathId, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(stored_make(&state, recipe_id, &make_id).await?).into_response())
}

/// The differences stored with a make.
#[utoipa::path(
    get,
    path = "/recipes/{recipeId}/makes/{makeId}/differences",
    operation_id = "readDifferences",
    tag = "makes",
    params(
        ("recipeId" = i64, Path, minimum = -9223372036854775808i64, maximum = 9223372036854775807i64, example = 1, description = "The original recipe's id"),
        ("makeId" = String, Path, example = "1", description = "The make's id"),
    ),
    responses(
        (status = 200, description = "The differences computed when the make arrived", body = schema::RecipeDiff),
        (status = 400, description = "The recipe id in the path is not a whole number", body = ErrorBody),
        (status = 404, description = "No such make", body = ErrorBody),
        schema::StoreFailure,
    )
)]
pub(super) async fn differences(
    State(state): State<AppState>,
    ApiPath((PathId(recipe_id), make_id)): ApiPath<(PathId, String)>,
) -> Result<Response, ApiError> {
    let record = stored_make(&state, recipe_id, &make_id).await?;
    Ok(Json(record.differences).into_response())
}

/// The stored make, or a 404 naming it.
async fn stored_make(
    state: &AppState,
    recipe_id: i64,
    make_id: &str,
) -> Result<MakeRecord, ApiError> {
    state
        .store
        .make(recipe_id, make_id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("recipe {recipe_id} has no make {make_id:?}")))
}
