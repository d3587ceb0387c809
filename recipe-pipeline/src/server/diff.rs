//! `POST /diff`: the differences between two documents in the body,
//! stored nowhere (the dashboard's live preview).

use axum::Json;
use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use axum::response::{IntoResponse, Response};
use recipe_diff::render::{self, TextStyle};
use serde::Deserialize;

use super::error::{ApiError, ErrorBody};
use super::extract::ApiBody;
use super::schema;
use crate::preview::preview;

/// How `POST /diff` answers.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub(super) enum PreviewFormat {
    /// The original project's flat list of `differenceObject`s, numbered
    /// by `changeId` as a recorded make's would be.
    #[default]
    Flat,
    /// The structured diff (`RecipeDiff`).
    Full,
    /// The differences in words, `{"text": …}`, for a page to show.
    Text,
}

/// The query of `POST /diff`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PreviewQuery {
    /// `flat` (the default): the original project's list of
    /// `differenceObject`s; `full`: the structured diff; `text`: the
    /// differences in words.
    #[serde(default)]
    #[param(inline)]
    format: PreviewFormat,
}

/// The differences between the body's `original` and `make`, computed as
/// a recorded make's would be and stored nowhere: the dashboard's preview
/// while a cook edits a make. Needs no token, since it writes nothing.
///
/// Each document is read like a stored one, native or schema.org JSON-LD;
/// `recipeId` and `makeId` in the answer are the documents' (the original's
/// `recipeId`, else the make's), left out when they have none.
#[utoipa::path(
    post,
    path = "/diff",
    operation_id = "diffDocuments",
    tag = "makes",
    params(PreviewQuery),
    request_body(content = schema::DiffRequest, description = "The recipe and the make to compare, each in the native format or as schema.org JSON-LD"),
    responses(
        (status = 200, description = "The differences: a list of `differenceObject`s, or with `?format=full` the structured diff, or with `?format=text` `{\"text\": …}`", body = schema::DiffPreview),
        (status = 400, description = "The body is not `{\"original\": …, \"make\": …}` with a readable recipe and make, or the format is unknown; `path` is the JSON path at fault within the body (`make.ingredients[0].quantity`), or the request path", body = ErrorBody),
        schema::BodyRefusal,
    )
)]
pub(super) async fn preview_differences(
    query: Result<Query<PreviewQuery>, QueryRejection>,
    ApiBody(body): ApiBody,
) -> Result<Response, ApiError> {
    let Query(query) =
        query.map_err(|rejection| ApiError::InvalidRequest(rejection.body_text()))?;
    let changes = preview(&body).map_err(|error| ApiError::InvalidBody {
        path: error.json_path(),
        message: error.to_string(),
    })?;
    Ok(match query.format {
        PreviewFormat::Flat => Json(render::seed(&changes)).into_response(),
        PreviewFormat::Full => Json(changes).into_response(),
        PreviewFormat::Text => Json(schema::DifferencesText {
            text: render::text(&changes, TextStyle::Plain),
        })
        .into_response(),
    })
}
