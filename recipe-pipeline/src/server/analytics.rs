//! `/analytics`, `/recipes/{recipeId}/analytics` and
//! `/recipes/{recipeId}/suggestions`: thin wrappers that fetch from the
//! store and hand the records to [`crate::analytics`] and
//! [`crate::suggestions`]. The analytics read the aggregates the store
//! keeps as makes are recorded, never the makes; the suggestions still
//! read every make, for their evidence.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::ApiError;
use recipe_ports::PageRequest;
use recipe_ports::aggregate::MakeAggregate;
use serde::Deserialize;

use super::extract::{ApiPath, ApiQuery};
use super::params::{PageQuery, RecipePath, version_number};
use super::recipes::unknown_recipe;
use super::schema;
use super::versions::stored_version;
use crate::analytics::{self, Overview, RecipeAnalytics};
use crate::suggestions::Suggestions;
use recipe_ports::records::MakeRecord;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

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
    let aggregate = recipe_aggregate(&state, recipe_id, wanted).await?;
    Ok(Json(analytics::analytics_of(&version.recipe, &aggregate)).into_response())
}

/// What the makes of a recipe, or of one version of it, add up to: its
/// versions' aggregates absorbed together.
async fn recipe_aggregate(
    state: &AppState,
    recipe_id: i64,
    version: Option<i64>,
) -> Result<MakeAggregate, ApiError> {
    let mut total = MakeAggregate::default();
    for kept in state.store.aggregates(recipe_id).await? {
        if version.is_none_or(|version| kept.version == version) {
            total.absorb(&kept.aggregate);
        }
    }
    Ok(total)
}

/// Every make of a recipe, or of one version of it, page by page.
async fn all_makes(
    state: &AppState,
    recipe_id: i64,
    version: Option<i64>,
) -> Result<Vec<MakeRecord>, ApiError> {
    let mut makes = Vec::new();
    let mut request = PageRequest::first(PageRequest::<i64>::MAX_LIMIT);
    loop {
        let page = state.store.makes_page(recipe_id, version, &request).await?;
        makes.extend(page.items);
        match page.next {
            Some(after) => request.after = Some(after),
            None => return Ok(makes),
        }
    }
}

/// The changes that went with better ratings: each change seen in at
/// least two rated makes whose makes rate higher on average than those
/// without it, judged against the version each make was cooked from, with
/// its evidence (the makes, their ratings, how many), and the latest
/// version with those changes merged in as a proposal to review and
/// store. Changes the latest version already has are left out. A hint,
/// like the analytics: a rating is of the whole dish.
#[utoipa::path(
    get,
    path = "/recipes/{recipeId}/suggestions",
    operation_id = "recipeSuggestions",
    tag = "analytics",
    params(RecipePath),
    responses(
        (status = 200, description = "The suggested changes with their evidence, and the proposed version", body = Suggestions),
        schema::RecipeNotFound,
        schema::StoreFailure,
    )
)]
pub(super) async fn suggestions(
    State(state): State<AppState>,
    ApiPath(RecipePath { recipe_id }): ApiPath<RecipePath>,
) -> Result<Response, ApiError> {
    let latest = state
        .store
        .latest_version(recipe_id)
        .await?
        .ok_or_else(|| unknown_recipe(recipe_id))?;
    let makes = all_makes(&state, recipe_id, None).await?;
    let mut versions = HashMap::new();
    for make in &makes {
        if let Entry::Vacant(slot) = versions.entry(make.recipe_version)
            && let Some(version) = state
                .store
                .recipe_version(recipe_id, make.recipe_version)
                .await?
        {
            slot.insert(version);
        }
    }
    Ok(Json(crate::suggestions::suggestions(&latest, &versions, &makes)).into_response())
}

/// Across every recipe: the most-made recipes, a page at a time, the
/// average deviation (mean number of differences per make) and the latest
/// makes.
#[utoipa::path(
    get,
    path = "/analytics",
    operation_id = "overview",
    tag = "analytics",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of the recipes, most made first, the totals over every recipe, and the latest makes", body = Overview),
        (status = 400, description = "The limit is out of range, or the cursor is not one this list gave", body = super::error::ErrorBody),
        schema::StoreFailure,
    )
)]
pub(super) async fn overview(
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Response, ApiError> {
    let request = page.by_id()?;
    // The cursor is how many recipes the pages before gave.
    let offset = match request.after {
        None => 0,
        Some(after) => usize::try_from(after).map_err(|_| {
            ApiError::InvalidRequest(format!("cursor {after:?} is not one this list gave"))
        })?,
    };
    let recipes = state.store.recipes().await?;
    let mut aggregates = Vec::with_capacity(recipes.len());
    for recipe in &recipes {
        // A recipe stored without an id cannot have makes.
        aggregates.push(match recipe.recipe_id {
            Some(id) => recipe_aggregate(&state, id, None).await?,
            None => MakeAggregate::default(),
        });
    }
    let summary = analytics::overview_of(recipes.iter().zip(aggregates.iter()));
    Ok(Json(summary.page(offset, request.limit)).into_response())
}
