//! What operators and tools read: health, readiness, metrics, refusals,
//! the OpenAPI document, and the answers to unknown routes.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use utoipa::openapi::OpenApi;

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{ApiBody, ApiQuery};
use super::params::{PageBody, PageQuery};
use super::schema::{self, Status};
use recipe_ports::records::Rejection;

/// Liveness: the process answers.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses((status = 200, description = "Alive", body = Status))
)]
pub(super) async fn healthz() -> Json<Status> {
    Json(Status { status: "ok" })
}

/// Whether the bearer token is one this server takes for writes, checked
/// without writing anything: a sender whose writes were refused asks this
/// until an operator has fixed its token. Always 204 on a server started
/// without a token. It is a write in every other way (a JSON body, which
/// it ignores, within the size limit), so it answers as writes do.
#[utoipa::path(
    post,
    path = "/auth/check",
    operation_id = "checkToken",
    tag = "operations",
    request_body(content = serde_json::Value, description = "Any JSON, ignored: `{}`"),
    responses(
        (status = 204, description = "The token is taken for writes"),
        (status = 400, description = "The body could not be read", body = ErrorBody),
        schema::WriteRefusal,
    ),
    security(("bearer" = []))
)]
pub(super) async fn check_token(ApiBody(_ignored): ApiBody) -> StatusCode {
    // The token layer in front of every write already decided.
    StatusCode::NO_CONTENT
}

/// Readiness: the record store answers.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Status),
        (status = 503, description = "The store is unavailable", body = ErrorBody),
    )
)]
pub(super) async fn readyz(State(state): State<AppState>) -> Result<Json<Status>, ApiError> {
    match state.store.ping().await {
        Ok(()) => Ok(Json(Status { status: "ready" })),
        // Not ready is not an internal error, whatever the store said:
        // the details go to the log, the probe gets 503.
        Err(error) => {
            tracing::warn!(%error, "record store not ready");
            Err(ApiError::Unavailable)
        }
    }
}

/// Counters and histograms in Prometheus text.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses((status = 200, description = "OpenMetrics text", content_type = "application/openmetrics-text", body = String))
)]
pub(super) async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// Documents from the bucket that were refused, oldest first, with the
/// reason; nothing dropped in the bucket disappears silently.
#[utoipa::path(
    get,
    path = "/rejections",
    tag = "operations",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of refusals, oldest first", body = PageBody<Rejection>),
        (status = 400, description = "The limit is out of range, or the cursor is not one this list gave", body = ErrorBody),
        schema::StoreFailure,
    )
)]
pub(super) async fn rejections(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Response, ApiError> {
    let page = state.store.rejections_page(&query.by_cursor()?).await?;
    Ok(Json(PageBody::of(page, |rejection| rejection)).into_response())
}

/// This API's OpenAPI 3 document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json", body = Object))
)]
pub(super) async fn openapi(Extension(api): Extension<Arc<OpenApi>>) -> Response {
    Json(api.as_ref()).into_response()
}

/// The answer to a path no route matches.
pub(super) async fn not_found() -> ApiError {
    ApiError::NotFound("no such route".to_owned())
}

/// The answer to a known path with a method it does not have.
pub(super) async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
