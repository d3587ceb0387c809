//! The web dashboard at `/`: one HTML page, a stylesheet and a small
//! JavaScript module, embedded in the binary so the dashboard works with no
//! network beyond this server and no build step.
//!
//! The page routes on the URL fragment (`#/recipes/2`), so the server
//! serves `/` and the assets only; everything the page shows comes from the
//! JSON API. No inline script or style anywhere, so the Content Security
//! Policy below needs no `unsafe-inline`.

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

use super::AppState;

/// One embedded file.
struct Asset {
    body: &'static [u8],
    content_type: &'static str,
}

const INDEX: Asset = Asset {
    body: include_bytes!("../../assets/index.html"),
    content_type: "text/html; charset=utf-8",
};
const SCRIPT: Asset = Asset {
    body: include_bytes!("../../assets/app.js"),
    content_type: "text/javascript; charset=utf-8",
};
const STYLE: Asset = Asset {
    body: include_bytes!("../../assets/app.css"),
    content_type: "text/css; charset=utf-8",
};
const ICON: Asset = Asset {
    body: include_bytes!("../../assets/icon.svg"),
    content_type: "image/svg+xml",
};

/// Scripts, styles, images and API calls from this server only; no
/// inline code, no frames, no plugins.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// The dashboard's routes, merged into the API's router.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/",
            get(|headers: HeaderMap| async move { serve(&INDEX, &headers) }),
        )
        .route(
            "/assets/app.js",
            get(|headers: HeaderMap| async move { serve(&SCRIPT, &headers) }),
        )
        .route(
            "/assets/app.css",
            get(|headers: HeaderMap| async move { serve(&STYLE, &headers) }),
        )
        .route(
            "/assets/icon.svg",
            get(|headers: HeaderMap| async move { serve(&ICON, &headers) }),
        )
}

/// The asset with its type, its Content Security Policy (the other
/// security headers are the router's, as for every response) and a
/// validator: browsers
/// revalidate on every load (`no-cache`) and get a bodiless 304 while the
/// binary is the same, so a new release shows at once and a reload costs
/// next to nothing.
fn serve(asset: &Asset, request: &HeaderMap) -> Response {
    let etag = etag(asset.body);
    let unchanged = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    let mut response = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            )],
            asset.body,
        )
            .into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    response
}

/// A strong validator: the first 16 hex digits of the body's SHA-256.
fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assets_have_no_inline_code() {
        let page = std::str::from_utf8(INDEX.body).unwrap();
        assert!(page.contains(r#"<script type="module" src="/assets/app.js"></script>"#));
        assert!(!page.contains("<style"), "styles live in app.css");
        assert!(!page.contains(" style="), "no inline style attributes");
        let handler = page.split(" on").skip(1).any(|rest| {
            let name_end = rest.find(|c: char| !c.is_ascii_lowercase());
            name_end.is_some_and(|end| end > 0 && rest[end..].starts_with('='))
        });
        assert!(!handler, "no inline event handlers");
        let script = std::str::from_utf8(SCRIPT.body).unwrap();
        assert!(!script.contains("innerHTML"), "data is set as text only");
    }

    #[test]
    fn a_matching_validator_answers_304() {
        let first = serve(&SCRIPT, &HeaderMap::new());
        assert_eq!(first.status(), StatusCode::OK);
        assert_eq!(
            first.headers()[header::CONTENT_TYPE],
            "text/javascript; charset=utf-8"
        );
        let tag = first.headers()[header::ETAG].clone();
        let mut again = HeaderMap::new();
        again.insert(header::IF_NONE_MATCH, tag);
        assert_eq!(serve(&SCRIPT, &again).status(), StatusCode::NOT_MODIFIED);
    }
}
