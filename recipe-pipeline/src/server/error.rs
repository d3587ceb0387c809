//! The one error type of the API, and the JSON every failure answers.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use crate::ingest::IngestError;

/// Everything a request can fail with.
///
/// Each variant is one status. Messages name what the client got wrong;
/// a failure of the server itself answers a fixed message and is logged
/// with its details instead, so internals never reach a client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// 400: the body is not an acceptable document.
    #[error("{message}")]
    InvalidBody {
        /// JSON path of the value at fault (`ingredients[0].quantity`), or
        /// `.` for the whole body.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// 400: a path parameter or header cannot be read.
    #[error("{0}")]
    InvalidRequest(String),
    /// 401: a write without the configured bearer token.
    #[error("this request needs the API token as `Authorization: Bearer <token>`")]
    Unauthorized,
    /// 404: no such recipe, make or route.
    #[error("{0}")]
    NotFound(String),
    /// 405: the route exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 408: the request was not answered within the configured time,
    /// usually because its body arrived too slowly.
    #[error("the request took longer than the limit of {}", humantime::format_duration(*.limit))]
    RequestTimeout {
        /// The limit.
        limit: std::time::Duration,
    },
    /// 409: the request contradicts what is stored.
    #[error("{0}")]
    Conflict(String),
    /// 422: the request is well formed but cannot be taken as it is (an
    /// `Idempotency-Key` sent again with another body).
    #[error("{0}")]
    Unprocessable(String),
    /// 415: a write whose body is not declared as JSON.
    #[error("the body must be sent as `Content-Type: application/json`")]
    UnsupportedMediaType,
    /// 413: the body is larger than the configured limit.
    #[error("the body is larger than the limit of {limit} bytes")]
    PayloadTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// 500: stored data could not be read or the store refused; details
    /// are logged.
    #[error("internal error")]
    Internal,
    /// 503: the store is unreachable; trying again later may succeed.
    #[error("the record store is unavailable")]
    Unavailable,
}

impl ApiError {
    /// The status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::InvalidBody { .. } | ApiError::InvalidRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::RequestTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

impl From<recipe_ports::Error> for ApiError {
    /// A store failure: logged in full, answered without details. A cursor
    /// the store did not give is the client's mistake, and says so.
    fn from(error: recipe_ports::Error) -> Self {
        if let recipe_ports::Error::InvalidCursor { .. } = error {
            return ApiError::InvalidRequest(error.to_string());
        }
        tracing::error!(%error, "record store failed");
        if error.is_transient() {
            ApiError::Unavailable
        } else {
            ApiError::Internal
        }
    }
}

impl From<IngestError> for ApiError {
    fn from(error: IngestError) -> Self {
        if let Some(path) = error.json_path() {
            return ApiError::InvalidBody {
                path,
                message: error.to_string(),
            };
        }
        match error {
            IngestError::UnknownRecipe(_) | IngestError::UnknownVersion { .. } => {
                ApiError::NotFound(error.to_string())
            }
            IngestError::RecipeExists(_)
            | IngestError::MakeConflict { .. }
            | IngestError::MakeIdsExhausted(_) => ApiError::Conflict(error.to_string()),
            IngestError::IdempotencyKeyReused { .. } => ApiError::Unprocessable(error.to_string()),
            IngestError::Store(error) => error.into(),
            // Every other refusal names a path in the body (above); a new
            // variant without one is still the client's fault.
            other => ApiError::InvalidRequest(other.to_string()),
        }
    }
}

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
#[schema(example = json!({"error": "ingredients[0].quantity: cannot read quantity \"lots\"", "path": "ingredients[0].quantity"}))]
pub struct ErrorBody {
    /// What went wrong.
    pub error: String,
    /// Where: the JSON path within the request body when the body is at
    /// fault, otherwise the request path.
    pub path: String,
}

/// An error waiting for [`render_errors`] to add the request path.
#[derive(Debug, Clone)]
struct PendingError {
    error: String,
    body_path: Option<String>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body_path = match &self {
            ApiError::InvalidBody { path, .. } => Some(path.clone()),
            _ => None,
        };
        let mut response = (
            self.status(),
            axum::Extension(PendingError {
                error: self.to_string(),
                body_path,
            }),
        )
            .into_response();
        if matches!(self, ApiError::Unauthorized) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// Writes the JSON body of every [`ApiError`], naming the request path
/// when the body is not at fault, and counts error statuses.
///
/// An error response does not know the request it answers; this layer
/// does, which is why the body is written here rather than in
/// [`IntoResponse`].
pub(super) async fn render_errors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let request_path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let status = response.status();
    if status.is_client_error() || status.is_server_error() {
        state.metrics.count_http_error(status);
    }
    let pending = response
        .extensions_mut()
        .remove::<PendingError>()
        .or_else(|| {
            // tower-http's timeout answers a bare 408 with no body; the
            // client gets the same shape as for every other error.
            (status == StatusCode::REQUEST_TIMEOUT).then(|| PendingError {
                error: ApiError::RequestTimeout {
                    limit: state.config.request_timeout,
                }
                .to_string(),
                body_path: None,
            })
        });
    match pending {
        Some(pending) => {
            let body = ErrorBody {
                error: pending.error,
                path: pending.body_path.unwrap_or(request_path),
            };
            let (mut parts, _) = response.into_parts();
            parts.headers.remove(header::CONTENT_LENGTH);
            (parts, Json(body)).into_response()
        }
        None => response,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_failures_hide_their_details() {
        let unavailable: ApiError = recipe_ports::Error::Unavailable {
            backend: "sqlite",
            message: "database is locked at /var/secret/path".into(),
        }
        .into();
        assert_eq!(unavailable.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(!unavailable.to_string().contains("secret"));
        let corrupt: ApiError = IngestError::Store(recipe_ports::Error::Corrupt {
            what: "make 1".into(),
            message: "bad json".into(),
        })
        .into();
        assert_eq!(corrupt.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(corrupt.to_string(), "internal error");
    }

    #[test]
    fn refusals_keep_their_json_path() {
        let error: ApiError = IngestError::RecipeIdMismatch {
            path: 1,
            document: 2,
        }
        .into();
        assert!(matches!(error, ApiError::InvalidBody { ref path, .. } if path == "recipeId"));
        let unknown: ApiError = IngestError::UnknownRecipe(4).into();
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    }
}
