//! `/analytics` and `/recipes/{recipeId}/analytics`: thin wrappers that
//! fetch from the store and hand the records to [`crate::analytics`].

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::ApiError;
use recipe_ports::PageRequest;
use serde::Deserialize;

use super::extract::{ApiPath, ApiQuery};
use super::params::{RecipePath, version_number};
use super::recipes::unknown_recipe;
use super::schema;
use super::versions::stored_version;
use crate::analytics::{self, Overview, RecipeAnalytics};

/// The query of `GET /recipes/{recipeId}/analytics`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct AnalyticsQuery {
    /// Only the makes cooked from this version; every make when absent
    #[param(minimum = 1, maximum = 9223372036854775807i64)]
    version: Option<i64>,
}

/// What the makes of one recipe say together: the number of makes, the
/// rating over time, the ingredients most often changed and which way,
/// the steps most often skipped or edited, and the changes that go with
/// better ratings. Each make's changes are its differences from the
/// version it was cooked from; `?version=N` reads only that version's
/// makes.
#[utoipa::path(
    get,
    path = "/recipes/{recipeId}/analytics",
    operation_id = "recipeAnalytics",
    tag = "analytics",
    params(RecipePath, AnalyticsQuery),
    responses(
        (status = 200, description = "The recipe's analytics", body = RecipeAnalytics),
        schema::RecipeNotFound,
        schema::StoreFailure,
    )
)]
pub(super) async fn recipe(
    State(state): State<AppState>,
    ApiPath(RecipePath { recipe_id }): ApiPath<RecipePath>,
    ApiQuery(query): ApiQuery<AnalyticsQuery>,
) -> Result<Response, ApiError> {
    let wanted = version_number("version", query.version)?;
    let version = match wanted {
        Some(number) => stored_version(&state, recipe_id, number).await?,
        None => state
            .store
            .latest_version(recipe_id)
            .await?
            .ok_or_else(|| unknown_recipe(recipe_id))?,
    };
    let mut makes = Vec::new();
    let mut request = PageRequest::first(PageRequest::<i64>::MAX_LIMIT);
    loop {
        let page = state.store.makes_page(recipe_id, wanted, &request).await?;
        makes.extend(page.items);
        match page.next {
            Some(after) => request.after = Some(after),
            None => break,
        }
    }
    Ok(Json(analytics::recipe_analytics(&version.recipe, &makes)).into_response())
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
