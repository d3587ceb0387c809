//! `/recipes/{recipeId}/makes` and below.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use recipe_diff::render::seed;
use recipe_diff::{Make, Recipe, RecipeDiff, diff_make};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{ApiBody, ApiPath, ApiQuery, IdempotencyKey, SourceHeaders};
use super::params::{MakePath, PageBody, PageQuery, RecipePath, version_number};
use super::recipes::unknown_recipe;
use super::schema;
use super::versions::stored_version;
use crate::ingest::{MakeOf, record_make};
use recipe_ports::records::MakeRecord;
use recipe_ports::{Source, Written};

/// A make as the API answers it: the make document itself (the recipe as
/// cooked, with its `makeId`, `madeAt` and `notes` at the top level, so a
/// client generated from the original project's `recipe` schema reads it),
/// and what the server knows of it.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Make)]
pub(super) struct MakeView<'a> {
    #[serde(flatten)]
    recipe: &'a Recipe,
    /// The make's id, unique within its recipe: its `makeId`, or the next
    /// integer of its recipe when it named none.
    make_id: i64,
    /// The version of the recipe it was cooked from and is diffed against.
    recipe_version: i64,
    /// When it was cooked, as the cook wrote it.
    #[serde(skip_serializing_if = "Option::is_none")]
    made_at: Option<&'a str>,
    /// The cook's remarks.
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<&'a str>,
    /// The differences from the version it was cooked from, computed when
    /// the make arrived (the flat list is at `…/differences`).
    differences: &'a RecipeDiff,
    /// `s3://bucket/key` when the make came through the bucket.
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    /// When the server stored it (RFC 3339, UTC).
    recorded_at: &'a str,
}

impl<'a> From<&'a MakeRecord> for MakeView<'a> {
    fn from(record: &'a MakeRecord) -> Self {
        MakeView {
            recipe: &record.recipe,
            make_id: record.make_id,
            recipe_version: record.recipe_version,
            made_at: record.made_at.as_deref(),
            notes: record.notes.as_deref(),
            differences: &record.differences,
            source: record.source.as_deref(),
            recorded_at: &record.recorded_at,
        }
    }
}

/// Records a make: computes its differences from the recipe and stores
/// both, once. Answers the make with its integer `makeId`.
///
/// A make that names its `makeId` keeps it; one that names none gets the
/// next integer of its recipe, so the same body posted twice is two makes.
/// Delivering the same make again answers 200 with the record stored the
/// first time: the same `makeId` and contents, the same bucket object
/// version, or the same `Idempotency-Key` and body. A different make
/// claiming a stored `makeId` is a 409; an `Idempotency-Key` reused with
/// another body is a 422.
#[utoipa::path(
    post,
    path = "/recipes/{recipeId}/makes",
    operation_id = "addRecipeMake",
    tag = "makes",
    params(RecipePath, IdempotencyKey, SourceHeaders),
    request_body(content = schema::MakeDocument, description = "A make in the native format or as schema.org JSON-LD"),
    responses(
        MakeRecorded<'_>,
        (status = 400, description = "The id in the path is not a whole number, the body is not a make or names another recipe, or a header is malformed; `path` is the JSON path at fault, or the request path", body = ErrorBody),
        (status = 404, description = "No such recipe", body = ErrorBody),
        schema::WriteRefusal,
        schema::StoreFailure,
    ),
    security(("bearer" = []))
)]
pub(super) async fn create(
    State(state): State<AppState>,
    ApiPath(RecipePath { recipe_id }): ApiPath<RecipePath>,
    SourceHeaders(source): SourceHeaders,
    IdempotencyKey(idempotency_key): IdempotencyKey,
    ApiBody(body): ApiBody,
) -> Result<Response, ApiError> {
    let of = MakeOf::Recipe(recipe_id);
    record(
        &state,
        of,
        &body,
        source.as_ref(),
        idempotency_key.as_deref(),
    )
    .await
}

/// Records a make of the recipe its `recipeId` names: `POST
/// /recipes/{recipeId}/makes` with the id taken from the document. This is
/// how the sender delivers makes from the bucket, unread: the server is
/// the one place a document is parsed.
#[utoipa::path(
    post,
    path = "/makes",
    operation_id = "addMake",
    tag = "makes",
    params(IdempotencyKey, SourceHeaders),
    request_body(content = schema::NewMake, description = "A make in the native format or as schema.org JSON-LD, naming its recipe by `recipeId`"),
    responses(
        MakeRecorded<'_>,
        (status = 400, description = "The body is not a make or names no recipe, or a header is malformed; `path` is the JSON path at fault, or the request path", body = ErrorBody),
        (status = 404, description = "The recipe the make names does not exist", body = ErrorBody),
        schema::WriteRefusal,
        schema::StoreFailure,
    ),
    security(("bearer" = []))
)]
pub(super) async fn create_named(
    State(state): State<AppState>,
    SourceHeaders(source): SourceHeaders,
    IdempotencyKey(idempotency_key): IdempotencyKey,
    ApiBody(body): ApiBody,
) -> Result<Response, ApiError> {
    let key = idempotency_key.as_deref();
    record(&state, MakeOf::Named, &body, source.as_ref(), key).await
}

/// What both ways of recording a make answer: 201 with the new make and
/// its URL, 200 with the one recorded before, or the refusal.
async fn record(
    state: &AppState,
    of: MakeOf,
    body: &[u8],
    source: Option<&Source>,
    idempotency_key: Option<&str>,
) -> Result<Response, ApiError> {
    let recorded = record_make(state.store.as_ref(), of, body, source, idempotency_key).await;
    let recorded = match recorded {
        Ok(recorded) => recorded,
        Err(error) => {
            if error.is_refusal() {
                state.metrics.count_rejected_make();
            }
            return Err(error.into());
        }
    };
    state
        .metrics
        .count_make(recorded.written, recorded.diff_time);
    let record = recorded.record;
    tracing::info!(
        recipe_id = record.recipe_id,
        make_id = record.make_id,
        written = ?recorded.written,
        "make recorded"
    );
    Ok(match recorded.written {
        Written::Created => {
            let location = format!("/recipes/{}/makes/{}", record.recipe_id, record.make_id);
            (
                StatusCode::CREATED,
                [(header::LOCATION, location)],
                Json(MakeView::from(&record)),
            )
                .into_response()
        }
        _ => Json(MakeView::from(&record)).into_response(),
    })
}

/// What recording a make answers, by either path, beside the refusals of
/// its body and its recipe.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code, reason = "read by the OpenAPI derive, never constructed")]
enum MakeRecorded<'a> {
    /// Recorded
    #[response(status = 201, headers(("Location" = String, description = "The make's URL")))]
    Created(MakeView<'a>),
    /// Delivered before: the record stored then
    #[response(status = 200)]
    Existing(MakeView<'a>),
    /// Another make has this `makeId`, or the recipe has given its last make
    /// id (2^53 − 1) and the make names none
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// The `Idempotency-Key` recorded a make with another body
    #[response(status = 422)]
    KeyReused(ErrorBody),
}

/// The query of `GET /recipes/{recipeId}/makes`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct MakesQuery {
    /// Only the makes cooked from this version of the recipe
    #[param(minimum = 1, maximum = 9223372036854775807i64)]
    version: Option<i64>,
}

/// The makes of a recipe in make id order (the order they were recorded),
/// a page at a time; `?version=N` for the makes cooked from one version.
#[utoipa::path(
    get,
    path = "/recipes/{recipeId}/makes",
    operation_id = "listMakes",
    tag = "makes",
    params(RecipePath, MakesQuery, PageQuery),
    responses(
        (status = 200, description = "A page of makes, in make id order", body = PageBody<MakeView<'_>>),
        (status = 400, description = "The id in the path is not a whole number, the version is below 1, the limit is out of range, or the cursor is not one this list gave", body = ErrorBody),
        (status = 404, description = "No such recipe", body = ErrorBody),
        schema::StoreFailure,
    )
)]
pub(super) async fn list(
    State(state): State<AppState>,
    ApiPath(RecipePath { recipe_id }): ApiPath<RecipePath>,
    ApiQuery(filter): ApiQuery<MakesQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Response, ApiError> {
    let request = page.by_id()?;
    let version = version_number("version", filter.version)?;
    // An unknown recipe is a 404, not an empty list: a typo in the id
    // should not look like a recipe nobody cooked.
    if state.store.latest_version(recipe_id).await?.is_none() {
        return Err(unknown_recipe(recipe_id));
    }
    let page = state.store.makes_page(recipe_id, version, &request).await?;
    let body: PageBody<MakeView<'_>> = PageBody {
        items: page.items.iter().map(MakeView::from).collect(),
        next_cursor: page.next.map(|next| next.to_string()),
    };
    Ok(Json(body).into_response())
}

/// One make, with its differences.
#[utoipa::path(
    get,
    path = "/recipes/{recipeId}/makes/{makeId}",
    operation_id = "getRecipeMake",
    tag = "makes",
    params(MakePath),
    responses(
        (status = 200, description = "The make", body = MakeView<'_>),
        (status = 400, description = "An id in the path is not a whole number", body = ErrorBody),
        (status = 404, description = "No such make", body = ErrorBody),
        schema::StoreFailure,
    )
)]
pub(super) async fn read(
    State(state): State<AppState>,
    ApiPath(MakePath { recipe_id, make_id }): ApiPath<MakePath>,
) -> Result<Response, ApiError> {
    let record = stored_make(&state, recipe_id, make_id).await?;
    Ok(Json(MakeView::from(&record)).into_response())
}

/// How `GET …/differences` answers.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub(super) enum DifferencesFormat {
    /// The original project's flat list of `differenceObject`s.
    #[default]
    Flat,
    /// The structured diff (`RecipeDiff`), as the dashboard reads it.
    Full,
}

/// The query of `GET …/differences`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct DifferencesQuery {
    /// `flat` (the default): the original project's list of
    /// `differenceObject`s; `full`: the structured diff.
    #[serde(default)]
    #[param(inline)]
    format: DifferencesFormat,
    /// Compare with another version of the recipe than the one the make
    /// was cooked from: `latest`, or a version's number. The differences
    /// are then computed now, not stored, and their `changeId`s are the
    /// list's positions, not the make's own.
    #[param(pattern = "^(latest|[1-9][0-9]{0,17})$")]
    against: Option<String>,
}

/// The version `against` names: `latest` or a number.
fn against_version(against: &str) -> Result<Option<i64>, ApiError> {
    if against == "latest" {
        return Ok(None);
    }
    match against.parse::<i64>() {
        Ok(version) if version >= 1 => Ok(Some(version)),
        _ => Err(ApiError::InvalidRequest(format!(
            "against: {against:?} is neither `latest` nor a version number"
        ))),
    }
}

/// The differences stored with a make: by default the original project's
/// flat list, each item with the `changeId` it keeps for the life of the
/// make; `?format=full` the structured diff; `?against=latest` or
/// `?against=N` the make's differences from another version, computed on
/// demand (what the make would change in the recipe as it is now).
#[utoipa::path(
    get,
    path = "/recipes/{recipeId}/makes/{makeId}/differences",
    operation_id = "getRecipeMakeDifferences",
    tag = "makes",
    params(MakePath, DifferencesQuery),
    responses(
        (status = 200, description = "The differences computed when the make arrived: a list of `differenceObject`s, or with `?format=full` the structured diff", body = schema::Differences),
        (status = 400, description = "An id in the path is not a whole number, or the format is unknown", body = ErrorBody),
        (status = 404, description = "No such make", body = ErrorBody),
        schema::StoreFailure,
    )
)]
pub(super) async fn differences(
    State(state): State<AppState>,
    ApiPath(MakePath { recipe_id, make_id }): ApiPath<MakePath>,
    ApiQuery(query): ApiQuery<DifferencesQuery>,
) -> Result<Response, ApiError> {
    let against = query.against.as_deref().map(against_version).transpose()?;
    let record = stored_make(&state, recipe_id, make_id).await?;
    let Some(against) = against else {
        return Ok(match query.format {
            DifferencesFormat::Flat => Json(record.flat_differences).into_response(),
            DifferencesFormat::Full => Json(record.differences).into_response(),
        });
    };
    let version = match against {
        Some(number) => stored_version(&state, recipe_id, number).await?,
        None => state
            .store
            .latest_version(recipe_id)
            .await?
            .ok_or_else(|| unknown_recipe(recipe_id))?,
    };
    let make = Make {
        recipe: record.recipe,
        make_id: Some(record.make_id),
        recipe_version: Some(record.recipe_version),
        made_at: record.made_at,
        notes: record.notes,
    };
    let changes = diff_make(&version.recipe, &make);
    Ok(match query.format {
        DifferencesFormat::Flat => Json(seed(&changes)).into_response(),
        DifferencesFormat::Full => Json(changes).into_response(),
    })
}

/// The stored make, or a 404 naming it.
async fn stored_make(
    state: &AppState,
    recipe_id: i64,
    make_id: i64,
) -> Result<MakeRecord, ApiError> {
    state
        .store
        .make(recipe_id, make_id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("recipe {recipe_id} has no make {make_id}")))
}
