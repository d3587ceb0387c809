//! `/recipes` and `/recipes/{recipeId}`.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use recipe_diff::Recipe;

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{ApiBody, ApiPath, ApiQuery, DocumentBody, SourceHeaders};
use super::params::{MessageQuery, PageBody, PageQuery, RecipePath};
use super::schema;
use crate::document_format::DocumentFormat;
use crate::ingest::{
    RecipeWrite, RecipeWritten, RecordedRecipe, record_recipe, record_recipe_document,
};

/// The header that names the recipe's latest version after a write.
const VERSION_HEADER: &str = "x-recipe-version";
/// The header that says whether a write made a new version (`true`) or
/// found the recipe unchanged (`false`).
const VERSION_WRITTEN_HEADER: &str = "x-recipe-version-written";

/// What a recipe write answers.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code, reason = "read by the OpenAPI derive, never constructed")]
enum RecipeStored {
    /// Created: the recipe's version 1
    #[response(status = 201, headers(
        ("Location" = String, description = "The recipe's URL"),
        ("X-Recipe-Version" = i64, description = "The recipe's latest version: 1"),
        ("X-Recipe-Version-Written" = bool, description = "`true`: this request stored the version"),
    ))]
    Created(Recipe),
    /// Stored as a new version, or unchanged: the same as the latest
    /// version, so no version was made
    #[response(status = 200, headers(
        ("X-Recipe-Version" = i64, description = "The recipe's latest version after the request"),
        ("X-Recipe-Version-Written" = bool, description = "`true` when this request made that version, `false` when the recipe was unchanged"),
    ))]
    Stored(Recipe),
}

/// Adds a recipe: its version 1.
///
/// The document must carry its `recipeId`. When the sender delivers a
/// recipe from the bucket (the `X-Recipe-Source-*` headers are set), a
/// recipe with that id gets a new version instead when it changed: an
/// object changed in the bucket is an update, and a redelivery is
/// harmless. From the bucket, the body may also be a saved web page
/// (`text/html`) or a Cooklang file (`text/x-cooklang` or `text/plain`),
/// its format told by the key's extension (`.html`, `.htm`, `.cook`),
/// and a document without a `recipeId` is the recipe its object was
/// given an id for: the next free one, the first time.
#[utoipa::path(
    post,
    path = "/recipes",
    operation_id = "addRecipe",
    tag = "recipes",
    // The page and Cooklang bodies are described, not listed as content
    // types: they are taken only with the source headers, a dependency
    // between parts of a request that OpenAPI cannot state, so a client
    // generated from a listing would send them where they are refused.
    request_body(
        content = schema::NewRecipe,
        description = "A recipe in the native format or as schema.org JSON-LD, with its `recipeId`. With the `X-Recipe-Source-*` headers (the sender delivering a bucket object), the body may also be a saved web page (`Content-Type: text/html`) or a Cooklang file (`text/x-cooklang` or `text/plain`), its format told by the key's extension (`.html`, `.htm`, `.cook`), and its `recipeId` may be missing: the object's recipe id is given then, the next free one the first time; without those headers a text body is a 415."
    ),
    params(MessageQuery, SourceHeaders),
    responses(
        RecipeStored,
        (status = 400, description = "The body is not a recipe, or the source headers are incomplete; `path` is the JSON path at fault, or the request path", body = ErrorBody),
        (status = 409, description = "A recipe with this id exists", body = ErrorBody),
        schema::WriteRefusal,
        schema::StoreFailure,
    ),
    security(("bearer" = []))
)]
pub(super) async fn create(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<MessageQuery>,
    SourceHeaders(source): SourceHeaders,
    DocumentBody { bytes, declared }: DocumentBody,
) -> Result<Response, ApiError> {
    let write = match source {
        Some(_) => RecipeWrite::Upsert,
        None => RecipeWrite::Create,
    };
    let key = source.as_ref().map(|source| source.key.as_str());
    let format = DocumentFormat::decided(key, declared, &bytes);
    let store = state.store.as_ref();
    let message = query.message()?;
    let recorded =
        record_recipe_document(store, &bytes, format, write, source.as_ref(), message).await?;
    Ok(respond(recorded))
}

/// Replaces a recipe, or creates it with this id: a new version, with the
/// cook's `message`, when the document changes the recipe; none when it is
/// the same as the latest version.
#[utoipa::path(
    put,
    path = "/recipes/{recipeId}",
    operation_id = "replaceRecipe",
    tag = "recipes",
    params(RecipePath, MessageQuery, SourceHeaders),
    request_body(content = schema::RecipeDocument, description = "A recipe in the native format or as schema.org JSON-LD"),
    responses(
        RecipeStored,
        (status = 400, description = "The id in the path is not a whole number, the body is not a recipe or names another id, or the source headers are incomplete; `path` is the JSON path at fault, or the request path", body = ErrorBody),
        schema::WriteRefusal,
        schema::StoreFailure,
    ),
    security(("bearer" = []))
)]
pub(super) async fn replace(
    State(state): State<AppState>,
    ApiPath(RecipePath { recipe_id }): ApiPath<RecipePath>,
    ApiQuery(query): ApiQuery<MessageQuery>,
    SourceHeaders(source): SourceHeaders,
    ApiBody(body): ApiBody,
) -> Result<Response, ApiError> {
    let recorded = record_recipe(
        state.store.as_ref(),
        &body,
        RecipeWrite::Replace(recipe_id),
        source.as_ref(),
        query.message()?,
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
    params(MessageQuery),
    responses(
        RecipeStored,
        (status = 400, description = "The body is not a recipe, or has no `recipeId`; `path` is the JSON path at fault", body = ErrorBody),
        schema::WriteRefusal,
        schema::StoreFailure,
    ),
    security(("bearer" = []))
)]
pub(super) async fn update(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<MessageQuery>,
    ApiBody(body): ApiBody,
) -> Result<Response, ApiError> {
    let store = state.store.as_ref();
    let message = query.message()?;
    let recorded = record_recipe(store, &body, RecipeWrite::Upsert, None, message).await?;
    Ok(respond(recorded))
}

/// The recipes, by id, a page at a time: each as its latest version.
#[utoipa::path(
    get,
    path = "/recipes",
    operation_id = "listRecipes",
    tag = "recipes",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of recipes, by id", body = PageBody<Recipe>),
        (status = 400, description = "The limit is out of range, or the cursor is not one this list gave", body = ErrorBody),
        schema::StoreFailure,
    )
)]
pub(super) async fn list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Response, ApiError> {
    let page = state.store.recipes_page(&query.by_id()?).await?;
    Ok(Json(PageBody::of(page, |recipe| recipe)).into_response())
}

/// One recipe, as its latest version has it.
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
    let RecordedRecipe { written, version } = recorded;
    let headers = [
        (VERSION_HEADER, version.version.to_string()),
        (
            VERSION_WRITTEN_HEADER,
            (written != RecipeWritten::Unchanged).to_string(),
        ),
    ];
    match written {
        RecipeWritten::Created => (
            StatusCode::CREATED,
            [(header::LOCATION, format!("/recipes/{}", version.recipe_id))],
            headers,
            Json(version.recipe),
        )
            .into_response(),
        RecipeWritten::NewVersion | RecipeWritten::Unchanged => {
            (headers, Json(version.recipe)).into_response()
        }
    }
}
