//! `/recipes` and `/recipes/{recipeId}`.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use recipe_diff::Recipe;

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{ApiBody, ApiPath, SourceHeaders};
use super::params::RecipePath;
use super::schema;
use crate::ingest::{RecipeWrite, RecordedRecipe, record_recipe};
use recipe_ports::Written;

/// Adds a recipe.
///
/// The document must carry its `recipeId`. When the sender delivers a
/// recipe from the bucket (the `X-Recipe-Source-*` headers are set), a
/// recipe with that id is replaced instead: an object changed in the
/// bucket is an update, and a redelivery is harmless.
#[utoipa::path(
    post,
    path = "/recipes",
    operation_id = "addRecipe",
    tag = "recipes",
    request_body(content = schema::NewRecipe, description = "A recipe in the native format or as schema.org JSON-LD, with its `recipeId`"),
    params(SourceHeaders),
    responses(
        (status = 201, description = "Created", body = Recipe, headers(("Location" = String, description = "The recipe's URL"))),
        (status = 200, description = "Replaced (delivered from the bucket only)", body = Recipe),
        (status = 400, description = "The body is not a recipe, or the source headers are incomplete; `path` is the JSON path at fault, or the request path", body = ErrorBody),
        (status = 409, description = "A recipe with this id exists", body = ErrorBody),
        schema::WriteRefusal,
        schema::StoreFailure,
    ),
    security(("bearer" = []))
)]
pub(super) async fn create(
    State(state): State<AppState>,
    SourceHeaders(source): SourceHeaders,
    ApiBody(body): ApiBody,
) -> Result<Response, ApiError> {
    let write = match source {
        Some(_) => RecipeWrite::Upsert,
        None => RecipeWrite::Create,
    };
    let recorded = record_recipe(state.store.as_ref(), &body, write, source.as_ref()).await?;
    Ok(respond(recorded))
}

/// Replaces a recipe, or creates it with this id.
#[utoipa::path(
    put,
    path = "/recipes/{recipeId}",
    operation_id = "replaceRecipe",
    tag = "recipes",
    params(RecipePath, SourceHeaders),
    request_body(content = schema::RecipeDocument, description = "A recipe in the native format or as schema.org JSON-LD"),
    responses(
        (status = 201, description = "Created", body = Recipe, headers(("Location" = String, description = "The recipe's URL"))),
        (status = 200, description = "Replaced", body = Recipe),
        (status = 400, description = "The id in the path is not a whole number, the body is not a recipe or names another id, or the source headers are incomplete; `path` is the JSON path at fault, or the request path", body = ErrorBody),
        schema::WriteRefusal,
        schema::StoreFailure,
    ),
    security(("bearer" = []))
)]
pub(super) async fn replace(
    State(state): State<AppState>,
    ApiPath(RecipePath { recipe_id }): ApiPath<RecipePath>,
    SourceHeaders(source): SourceHeaders,
    ApiBody(body): ApiBody,
) -> Result<Response, ApiError> {
    let recorded = record_recipe(
        state.store.as_ref(),
        &body,
        RecipeWrite::Replace(recipe_id),
        source.as_ref(),
    )
    .await?;
    Ok(respond(recorded))
}

/// Replaces the recipe the document names by its `recipeId`, or creates
/// it: the original project's update, with the id in the body, as `PUT
/// /recipes/{recipeId}` does with the id in the path.
#[utoipa::path(
    put,
    path = "/recipes",
    operation_id = "updateRecipe",
    tag = "recipes",
    request_body(content = schema::NewRecipe, description = "A recipe in the native format or as schema.org JSON-LD, with its `recipeId`"),
    responses(
        (status = 200, description = "Replaced", body = Recipe),
        (status = 201, description = "Created", body = Recipe, headers(("Location" = String, description = "The recipe's URL"))),
        (status = 400, description = "The body is not a recipe, or has no `recipeId`; `path` is the JSON path at fault", body = ErrorBody),
        schema::WriteRefusal,
        schema::StoreFailure,
    ),
    security(("bearer" = []))
)]
pub(super) async fn update(
    State(state): State<AppState>,
    ApiBody(body): ApiBody,
) -> Result<Response, ApiError> {
    let recorded = record_recipe(state.store.as_ref(), &body, RecipeWrite::Upsert, None).await?;
    Ok(respond(recorded))
}

/// Every recipe, by id.
#[utoipa::path(
    get,
    path = "/recipes",
    operation_id = "listRecipes",
    tag = "recipes",
    responses(
        (status = 200, description = "The recipes, by id", body = Vec<Recipe>),
        schema::StoreFailure,
    )
)]
pub(super) async fn list(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(Json(state.store.recipes().await?).into_response())
}

/// One recipe.
#[utoipa::path(
    get,
    path = "/recipes/{recipeId}",
    operation_id = "getRecipe",
    tag = "recipes",
    params(RecipePath),
    responses(
        (status = 200, description = "The recipe", body = Recipe),
        schema::RecipeNotFound,
        schema::StoreFailure,
    )
)]
pub(super) async fn read(
    State(state): State<AppState>,
    ApiPath(RecipePath { recipe_id }): ApiPath<RecipePath>,
) -> Result<Response, ApiError> {
    match state.store.recipe(recipe_id).await? {
        Some(recipe) => Ok(Json(recipe).into_response()),
        None => Err(unknown_recipe(recipe_id)),
    }
}

/// The 404 of a recipe id the store does not have.
pub(super) fn unknown_recipe(recipe_id: i64) -> ApiError {
    ApiError::NotFound(format!("recipe {recipe_id} does not exist"))
}

fn respond(recorded: RecordedRecipe) -> Response {
    let RecordedRecipe { written, recipe } = recorded;
    match (written, recipe.recipe_id) {
        (Written::Created, Some(id)) => (
            StatusCode::CREATED,
            [(header::LOCATION, format!("/recipes/{id}"))],
            Json(recipe),
        )
            .into_response(),
        _ => Json(recipe).into_response(),
    }
}
