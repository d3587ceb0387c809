//! Bearer-token authentication of writes.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use utoipa::Modify;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};

use super::AppState;
use super::error::ApiError;

/// The token writes must present as `Authorization: Bearer <token>`.
///
/// Only its SHA-256 digest is kept: the secret itself is not in memory
/// after construction, cannot appear in a `Debug` print or a log, and
/// comparing digests in constant time reveals neither the token's bytes
/// nor its length.
#[derive(Clone)]
pub struct ApiToken {
    digest: [u8; 32],
}

impl ApiToken {
    /// The token `secret`.
    pub fn new(secret: &str) -> Self {
        ApiToken {
            digest: Sha256::digest(secret.as_bytes()).into(),
        }
    }

    /// Whether `headers` carry this token as a bearer credential.
    pub fn admits(&self, headers: &HeaderMap) -> bool {
        let Some(presented) = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(bearer_credential)
        else {
            return false;
        };
        let presented: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        presented.ct_eq(&self.digest).into()
    }
}

impl std::fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiToken(<redacted>)")
    }
}

/// The credential of an `Authorization: Bearer <credential>` value; the
/// scheme name is case-insensitive (RFC 9110 §11.1).
fn bearer_credential(value: &str) -> Option<&str> {
    let (scheme, credential) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| credential.trim_start())
}

/// The routes that take a `POST` but write nothing, so are reads in all
/// but method: they compute an answer from the body alone.
///
/// Named one by one rather than told by their documentation, so that a
/// new route is a write, needing the token, unless it is added here.
pub(super) const ROUTES_THAT_WRITE_NOTHING: [&str; 1] = ["/diff"];

/// Refuses writes without the configured token; reads pass.
pub(super) async fn require_token(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let is_read = match *request.method() {
        Method::GET | Method::HEAD | Method::OPTIONS => true,
        Method::POST => request
            .extensions()
            .get::<MatchedPath>()
            .is_some_and(|route| ROUTES_THAT_WRITE_NOTHING.contains(&route.as_str())),
        _ => false,
    };
    match &state.config.api_token {
        Some(token) if !is_read && !token.admits(request.headers()) => Err(ApiError::Unauthorized),
        _ => Ok(next.run(request).await),
    }
}

/// Declares the `bearer` security scheme the write operations name.
pub(super) struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(authorization: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(authorization).unwrap(),
        );
        headers
    }

    #[test]
    fn admits_only_the_bearer_token() {
        let token = ApiToken::new("s3cret");
        assert!(token.admits(&headers("Bearer s3cret")));
        assert!(token.admits(&headers("bearer s3cret")));
        assert!(!token.admits(&headers("Bearer s3cret2")));
        assert!(!token.admits(&headers("Bearer ")));
        assert!(!token.admits(&headers("Basic s3cret")));
        assert!(!token.admits(&headers("s3cret")));
        assert!(!token.admits(&HeaderMap::new()));
    }

    #[test]
    fn never_prints_the_secret() {
        let token = ApiToken::new("s3cret");
        assert!(!format!("{token:?}").contains("s3cret"));
    }
}
