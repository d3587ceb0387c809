//! The recipe server over HTTP.

use std::time::Duration;

use async_trait::async_trait;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use super::{Outcome, RecipeServer, Submission};
use crate::error::{Error, Result};
use crate::keys::KeyKind;

/// How long an idle connection to the server is kept for the next
/// request: under the server's default header read timeout.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(20);

/// Posts makes to `POST /recipes/{id}/makes` and recipes to
/// `PUT /recipes/{id}`, with the source object in `X-Recipe-Source-*`
/// headers so the server can name a make by where it came from.
pub struct HttpRecipeServer {
    client: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl HttpRecipeServer {
    /// A client for the server at `base_url` (`http://host:port`), sending
    /// `token` as a bearer token on every write.
    pub fn new(base_url: &str, token: Option<String>, timeout: Duration) -> Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            // The server closes a kept-alive connection that stays idle
            // for its header read timeout (30 s by default); dropping ours
            // sooner means a request never goes out on one it is closing.
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .build()
            .map_err(|e| Error::Refused {
                backend: "recipe server",
                message: format!("cannot build an HTTP client: {e}"),
            })?;
        Ok(HttpRecipeServer {
            client,
            base: base_url.trim_end_matches('/').to_owned(),
            token,
        })
    }
}

#[async_trait]
impl RecipeServer for HttpRecipeServer {
    async fn submit(&self, submission: Submission) -> Result<Outcome> {
        let Ok(text) = std::str::from_utf8(&submission.body) else {
            return Ok(Outcome::Unroutable("is not UTF-8 text".to_owned()));
        };
        // Reading the document here finds the recipe id to address it by,
        // and names the fault precisely when there is none.
        let document = match recipe_diff::parse_make(text) {
            Ok(document) => document,
            Err(error) => {
                return Ok(Outcome::Unroutable(format!(
                    "not a recipe document: {error}"
                )));
            }
        };
        let Some(recipe_id) = document.recipe.recipe_id else {
            return Ok(Outcome::Unroutable("has no recipeId".to_owned()));
        };
        let request = match submission.kind {
            KeyKind::Make => self
                .client
                .post(format!("{}/recipes/{recipe_id}/makes", self.base)),
            KeyKind::Recipe => self
                .client
                .put(format!("{}/recipes/{recipe_id}", self.base)),
            KeyKind::Other => {
                return Ok(Outcome::Unroutable("is not a recipe or a make".to_owned()));
            }
        };
        let mut request = request
            .header("content-type", "application/json")
            .header("x-recipe-source-bucket", encode(&submission.bucket))
            .header("x-recipe-source-key", encode(&submission.key))
            .header("x-recipe-source-etag", encode(&submission.etag))
            .body(submission.body);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(|e| Error::Unavailable {
            backend: "recipe server",
            message: e.to_string(),
        })?;
        let status = response.status().as_u16();
        let body = response.text().await.unwrap_or_default();
        match classify(submission.kind, status, &body) {
            // The server answered but cannot work: as good as down.
            Outcome::RetryLater(reason) if status >= 500 => Err(Error::Unavailable {
                backend: "recipe server",
                message: reason,
            }),
            outcome => Ok(outcome),
        }
    }

    async fn ready(&self) -> bool {
        self.client
            .get(format!("{}/readyz", self.base))
            .send()
            .await
            .is_ok_and(|response| response.status().is_success())
    }
}

/// Header values must be visible ASCII; keys may be any Unicode.
fn encode(value: &str) -> String {
    utf8_percent_encode(value, NON_ALPHANUMERIC).to_string()
}

/// What an HTTP answer means for the message.
fn classify(kind: KeyKind, status: u16, body: &str) -> Outcome {
    let reason = || {
        serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_owned))
            .unwrap_or_else(|| format!("HTTP {status}"))
    };
    match status {
        200..=299 => Outcome::Accepted,
        // A make may arrive before its recipe: wait for it, then give up
        // through the dead-letter queue.
        404 if kind == KeyKind::Make => Outcome::RetryLater(reason()),
        // Bad credentials are our configuration, not the document's fault:
        // keep the document until an operator fixes them.
        401 | 403 | 408 | 429 => Outcome::RetryLater(reason()),
        400..=499 => Outcome::Rejected {
            status,
            reason: reason(),
        },
        _ => Outcome::RetryLater(reason()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_map_to_outcomes() {
        assert_eq!(classify(KeyKind::Make, 201, ""), Outcome::Accepted);
        assert_eq!(classify(KeyKind::Make, 200, ""), Outcome::Accepted);
        assert_eq!(
            classify(KeyKind::Make, 404, r#"{"error": "recipe 9 not found"}"#),
            Outcome::RetryLater("recipe 9 not found".to_owned())
        );
        assert_eq!(
            classify(
                KeyKind::Make,
                400,
                r#"{"error": "steps[0]: bad", "path": "steps[0]"}"#
            ),
            Outcome::Rejected {
                status: 400,
                reason: "steps[0]: bad".to_owned()
            }
        );
        assert!(matches!(
            classify(KeyKind::Recipe, 404, ""),
            Outcome::Rejected { .. }
        ));
        // Another make under a stored make's id: refused for good, and
        // recorded by the server as a rejection.
        assert!(matches!(
            classify(
                KeyKind::Make,
                409,
                r#"{"error": "make 3 of recipe 1 exists already"}"#
            ),
            Outcome::Rejected { status: 409, .. }
        ));
        assert!(matches!(
            classify(KeyKind::Make, 401, ""),
            Outcome::RetryLater(_)
        ));
        assert!(
            matches!(classify(KeyKind::Make, 503, "<html>"), Outcome::RetryLater(r) if r == "HTTP 503")
        );
    }

    #[test]
    fn header_values_are_ascii() {
        assert_eq!(
            encode("makes/tarte tatin é.json"),
            "makes%2Ftarte%20tatin%20%C3%A9%2Ejson"
        );
    }
}
