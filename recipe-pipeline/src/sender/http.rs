//! The recipe server over HTTP: across the network, or in-process for
//! `recipe up`, where the sender and the server share one process.

use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request};
use recipe_ports::keys::KeyKind;
use recipe_ports::{Error, Outcome, RecipeServer, Result, Submission};
use tower::ServiceExt as _;

use crate::document_format::DocumentFormat;
use crate::source_headers;

/// How long an idle connection to the server is kept for the next
/// request: under the server's default header read timeout.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(20);

/// The most of an answer read in-process: the server's answers to a
/// submission are a few hundred bytes of JSON.
const MAX_ANSWER_BYTES: usize = 1 << 20;

/// Posts makes to `POST /makes` and recipes to `POST /recipes`, unread:
/// the server finds the recipe id in the document, and the source object
/// in the `X-Recipe-Source-*` headers names the make by where it came from
/// (and makes `POST /recipes` replace a recipe that changed in the
/// bucket).
pub struct HttpRecipeServer {
    transport: Transport,
    token: Option<String>,
}

/// How a request reaches the server.
enum Transport {
    /// Over the network, to `base` (`http://host:port`).
    Network {
        client: reqwest::Client,
        base: String,
    },
    /// Handed to the server's router in this process: the same routes,
    /// token check, limits and answers, without a socket, a connection
    /// pool or an HTTP parser on either side.
    InProcess(Router),
}

/// A request to the server, as either transport sends it.
struct Call {
    method: Method,
    path: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
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
            transport: Transport::Network {
                client,
                base: base_url.trim_end_matches('/').to_owned(),
            },
            token,
        })
    }

    /// The server whose router is `router`, in this process (`recipe
    /// up`), sending `token` as a bearer token on every write. Its
    /// requests take the server's own request timeout.
    pub fn in_process(router: Router, token: Option<String>) -> Self {
        HttpRecipeServer {
            transport: Transport::InProcess(router),
            token,
        }
    }

    /// Sends `call`, with the token, and answers its status and body.
    async fn send(&self, mut call: Call) -> std::result::Result<(u16, String), String> {
        if let Some(token) = &self.token {
            call.headers
                .push(("authorization", format!("Bearer {token}")));
        }
        match &self.transport {
            Transport::Network { client, base } => {
                let mut request = client.request(call.method, format!("{base}{}", call.path));
                for (name, value) in call.headers {
                    request = request.header(name, value);
                }
                let response = request
                    .body(call.body)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let status = response.status().as_u16();
                Ok((status, response.text().await.unwrap_or_default()))
            }
            Transport::InProcess(router) => {
                let mut request = Request::builder().method(call.method).uri(call.path);
                for (name, value) in call.headers {
                    request = request.header(name, value);
                }
                let request = request
                    .body(Body::from(call.body))
                    .map_err(|e| e.to_string())?;
                let response = match router.clone().oneshot(request).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                };
                let status = response.status().as_u16();
                let body = axum::body::to_bytes(response.into_body(), MAX_ANSWER_BYTES)
                    .await
                    .map_err(|e| e.to_string())?;
                Ok((status, String::from_utf8_lossy(&body).into_owned()))
            }
        }
    }
}

#[async_trait]
impl RecipeServer for HttpRecipeServer {
    async fn submit(&self, submission: Submission) -> Result<Outcome> {
        let path = match submission.kind {
            KeyKind::Make => "/makes",
            KeyKind::Recipe => "/recipes",
            KeyKind::Other => {
                return Ok(Outcome::Unreadable("is not a recipe or a make".to_owned()));
            }
        };
        // The type the bytes are in, so the server reads a page or a
        // Cooklang file as one; it reads nothing else from the type.
        let content_type =
            DocumentFormat::of_object(&submission.source.key, &submission.body).content_type();
        let mut headers = vec![("content-type", content_type.to_owned())];
        headers.extend(source_headers::write(&submission.source));
        let call = Call {
            method: Method::POST,
            path,
            headers,
            body: submission.body,
        };
        let (status, body) = self
            .send(call)
            .await
            .map_err(|message| Error::Unavailable {
                backend: "recipe server",
                message,
            })?;
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
        let call = Call {
            method: Method::GET,
            path: "/readyz",
            headers: Vec::new(),
            body: Vec::new(),
        };
        self.send(call)
            .await
            .is_ok_and(|(status, _)| (200..300).contains(&status))
    }

    async fn authorized(&self) -> bool {
        let call = Call {
            method: Method::POST,
            path: "/auth/check",
            headers: vec![("content-type", "application/json".to_owned())],
            body: b"{}".to_vec(),
        };
        self.send(call)
            .await
            .is_ok_and(|(status, _)| (200..300).contains(&status))
    }
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
        401 | 403 => Outcome::NotAuthorized(reason()),
        408 | 429 => Outcome::RetryLater(reason()),
        // Read and refused (another make under its id, a key reused): the
        // server recorded the rejection.
        409 | 422 => Outcome::Rejected {
            status,
            reason: reason(),
        },
        // Not readable as a recipe or make (a 400 names the JSON path at
        // fault), or refused before it was read (413, 415): it goes to the
        // dead-letter queue with the reason.
        400..=499 => Outcome::Unreadable(reason()),
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
            Outcome::Unreadable("steps[0]: bad".to_owned())
        );
        assert_eq!(
            classify(KeyKind::Recipe, 404, ""),
            Outcome::Unreadable("HTTP 404".to_owned())
        );
        assert!(matches!(
            classify(KeyKind::Make, 413, ""),
            Outcome::Unreadable(_)
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
            Outcome::NotAuthorized(_)
        ));
        assert!(matches!(
            classify(KeyKind::Recipe, 403, ""),
            Outcome::NotAuthorized(_)
        ));
        assert!(matches!(
            classify(KeyKind::Make, 429, ""),
            Outcome::RetryLater(_)
        ));
        assert!(
            matches!(classify(KeyKind::Make, 503, "<html>"), Outcome::RetryLater(r) if r == "HTTP 503")
        );
    }
}
