//! `/analytics` and `/recipes/{recipeId}/analytics`: thin wrappers that
//! fetch from the store and hand the records to [`crate::analytics`].

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::ApiError;
use super::extract::ApiPath;
use super::params::RecipePath;
use super::recipes::unknown_recipe;
use super::schema;
use crate::analytics::{self, Overview, RecipeAnalytics};

/// What the makes of one recipe say together: the number of makes, the
/// rating over time, the ingredients most often changed and which way,
/// the steps most often skipped or edited, and the changes that go with
/// better ratings.
#[utoipa::path(
    get,
    path = "/recipes/{recipeId}/analytics",
    operation_id = "recipeAnalytics",
    tag = "analytics",
    params(RecipePath),
    responses(
        (status = 200, description = "The recipe's analytics", body = RecipeAnalytics),
        schema::RecipeNotFound,
        schema::StoreFailure,
    )
)]
pub(super) async fn recipe(
    State(state): State<AppState>,
    ApiPath(RecipePath { recipe_id }): ApiPath<RecipePath>,
) -> Result<Response, ApiError> {
    let Some(recipe) = state.store.recipe(recipe_id).await? else {
        return Err(unknown_recipe(recipe_id));
    };
    let makes = state.store.makes(recipe_id).await?;
    Ok(Json(analytics::recipe_analytics(&recipe, &makes)).into_response())
}

/// Across every recipe: the most-made recipes, the average deviation (mean
/// number of differences per make) and the latest makes.
#[utoipa::path(
    get,
    path = "/analytics",
    operation_id = "overview",
    tag = "analytics",
    responses(
        (status = 200, description = "Every recipe, most made first, and the latest makes", body = Overview),
        schema::StoreFailure,
    )
)]
pub(super) async fn overview(State(state): State<AppState>) -> Result<Response, ApiError> {
    let recipes = state.store.recipes().await?;
    let mut makes = Vec::with_capacity(recipes.len());
    for recipe in &recipes {
        // A recipe stored without an id cannot have makes.
        makes.push(match recipe.recipe_id {
            Some(id) => state.store.makes(id).await?,
            None => Vec::new(),
        });
    }
    let summary = analytics::overview(recipes.iter().zip(makes.iter().map(Vec::as_slice)));
    Ok(Json(summary).into_response())
}
