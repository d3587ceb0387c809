//! What every response carries for browsers' sake, who may call the API
//! from another origin, and the id that ties a request to its log lines.
//!
//! - Security headers: `X-Content-Type-Options: nosniff`, a Content
//!   Security Policy that forbids everything an API answer never needs
//!   (scripts, styles, frames) and `Referrer-Policy: no-referrer`, set on
//!   every response that does not set its own (the dashboard sets a
//!   richer policy);
//! - CORS: off unless origins are configured, so by default a page on
//!   another origin can neither read an answer nor get a preflight
//!   through;
//! - request ids: a client's `x-request-id` is kept when it is short and
//!   plain, otherwise replaced by a fresh UUID; the id is a field of the
//!   request's span and is returned in the response.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::Modify;
use utoipa::openapi::header::Header;
use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
use utoipa::openapi::{Object, RefOr, Required, Type};

/// The header that carries a request's id, both ways.
pub(super) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The policy of every response but the dashboard's: an API answer loads
/// nothing and may not be framed, so nothing it contains can run as a
/// page.
pub(super) const API_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// The longest client-chosen request id kept; a UUID is 36 characters,
/// a W3C trace id 32.
const MAX_REQUEST_ID_LEN: usize = 64;

/// How long a browser may cache a preflight answer.
const PREFLIGHT_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(600);

/// Adds the security headers to every response that does not set them.
pub(super) fn with_security_headers<S>(router: Router<S>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    router
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(API_CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
}

/// Gives every request an id (see [`keep_plain_request_id`]) and returns
/// it in the response. The layers inside see the id in the request's
/// `x-request-id` header.
pub(super) fn with_request_ids<S>(router: Router<S>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    router
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(axum::middleware::map_request(keep_plain_request_id))
}

/// Drops a client's request id that is long or holds anything but
/// letters, digits, `-`, `_` and `.`, so that a fresh one replaces it: the
/// id goes into every log line of the request, where a client must not be
/// able to forge fields, break lines or flood the log.
async fn keep_plain_request_id(mut request: Request) -> Request {
    let mut ids = request.headers().get_all(&REQUEST_ID).iter();
    // One header, and a plain one; two ids would be ambiguous.
    let keep = match (ids.next(), ids.next()) {
        (Some(id), None) => is_plain_request_id(id.as_bytes()),
        _ => false,
    };
    if !keep {
        request.headers_mut().remove(&REQUEST_ID);
    }
    request
}

/// Whether `id` is 1 to 64 letters, digits, `-`, `_` or `.`.
fn is_plain_request_id(id: &[u8]) -> bool {
    (1..=MAX_REQUEST_ID_LEN).contains(&id.len())
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The CORS layer for `origins`, or `None` when there are none: then no
/// response carries an `Access-Control-*` header and preflights get the
/// 405 any unsupported method gets.
pub(super) fn cors(origins: &[HeaderValue]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins.iter().cloned()))
            .allow_methods([Method::GET, Method::HEAD, Method::POST, Method::PUT])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, REQUEST_ID])
            .expose_headers([header::LOCATION, REQUEST_ID])
            .max_age(PREFLIGHT_MAX_AGE),
    )
}

/// Documents `x-request-id` on every operation: an optional request
/// header, and a header of every response.
pub(super) struct RequestIdDoc;

impl Modify for RequestIdDoc {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let parameter = ParameterBuilder::new()
            .name(REQUEST_ID.as_str())
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "An id for this request, kept when it is 1 to 64 letters, digits, \
                 `-`, `_` or `.`, replaced by a fresh UUID otherwise",
            ))
            .schema(Some(Object::with_type(Type::String)))
            .build();
        let mut header = Header::new(Object::with_type(Type::String));
        header.description = Some(
            "The request's id: the client's when it was kept, otherwise a fresh UUID; \
             the server's log lines of the request carry it"
                .to_owned(),
        );
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
            ];
            for operation in operations.into_iter().flatten() {
                operation
                    .parameters
                    .get_or_insert_with(Vec::new)
                    .push(parameter.clone());
                for response in operation.responses.responses.values_mut() {
                    if let RefOr::T(response) = response {
                        response
                            .headers
                            .insert(REQUEST_ID.as_str().to_owned(), header.clone());
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_request_ids_are_kept() {
        for kept in [
            "a",
            "0b5f3c1e-7d2a-4a8e-9c4b-1f2e3d4c5b6a",
            "req_42.retry-1",
        ] {
            assert!(is_plain_request_id(kept.as_bytes()), "{kept:?}");
        }
        let long = "x".repeat(MAX_REQUEST_ID_LEN + 1);
        for dropped in [
            "",
            long.as_str(),
            "a b",
            "a\"b",
            "id=1 level=ERROR",
            "ä",
            "a/b",
        ] {
            assert!(!is_plain_request_id(dropped.as_bytes()), "{dropped:?}");
        }
        assert!(is_plain_request_id(
            "x".repeat(MAX_REQUEST_ID_LEN).as_bytes()
        ));
    }

    #[test]
    fn no_origins_no_cors() {
        assert!(cors(&[]).is_none());
        assert!(cors(&[HeaderValue::from_static("https://cook.example")]).is_some());
    }
}
