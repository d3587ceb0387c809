//! The real server on 127.0.0.1:0 over an in-memory store, driven by a
//! real HTTP client: every endpoint, every error status, idempotent makes,
//! the OpenAPI document, the metrics, and slow clients cut off
//! (`slow_clients`).

// Helpers outside `#[test]` functions fail the test by panicking, too.
#![allow(clippy::unwrap_used)]

mod diff;
mod limits;
mod makes;
mod openapi;
mod operations;
mod promote;
mod recipes;
mod security;
mod slow_clients;
mod versions;

use std::net::SocketAddr;
use std::sync::Arc;

use async_trait::async_trait;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use recipe_diff::Recipe;
use recipe_pipeline::server::{ApiToken, AppState, ServerConfig, serve};
use recipe_ports::memory::InMemoryRecordStore;
use recipe_ports::records::{
    MakeIdentity, MakeRecord, MakeWritten, RecipeVersion, Rejection, VersionWritten,
};
use recipe_ports::{Page, PageRequest, RecordStore};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const TOKEN: &str = "kitchen-s3cret";

/// A server running on a loopback port, stopped when the test ends.
struct TestServer {
    address: SocketAddr,
    client: Client<HttpConnector, Full<Bytes>>,
    token: Option<&'static str>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

/// One response, read whole.
#[derive(Debug)]
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Asserts the API's error shape, and returns the `path` it names.
    fn error_path(&self, status: StatusCode) -> String {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(
            self.headers[header::CONTENT_TYPE],
            "application/json",
            "errors are JSON"
        );
        let body = self.json();
        assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()));
        assert_eq!(body.as_object().map(|o| o.len()), Some(2), "{body}");
        body["path"].as_str().unwrap().to_owned()
    }
}

impl TestServer {
    async fn start() -> Self {
        Self::with(
            Arc::new(InMemoryRecordStore::new()),
            ServerConfig::default(),
        )
        .await
    }

    async fn with_token() -> Self {
        let config = ServerConfig {
            api_token: Some(ApiToken::new(TOKEN)),
            ..ServerConfig::default()
        };
        let mut server = Self::with(Arc::new(InMemoryRecordStore::new()), config).await;
        server.token = Some(TOKEN);
        server
    }

    async fn with(store: Arc<dyn RecordStore>, config: ServerConfig) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (shutdown, signal) = oneshot::channel::<()>();
        let state = AppState::new(store, config);
        let task = tokio::spawn(serve(listener, state, async {
            let _ = signal.await;
        }));
        TestServer {
            address,
            client: Client::builder(TokioExecutor::new()).build_http(),
            token: None,
            shutdown: Some(shutdown),
            task: Some(task),
        }
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("http://{}{path}", self.address));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = self
            .client
            .request(request.body(Full::new(body.into())).unwrap())
            .await
            .unwrap();
        let (parts, body) = response.into_parts();
        Reply {
            status: parts.status,
            headers: parts.headers,
            body: body.collect().await.unwrap().to_bytes(),
        }
    }

    async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, &[], Bytes::new()).await
    }

    /// The items of a list that fits on its first page.
    async fn items(&self, path: &str) -> Value {
        let reply = self.get(path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
        let page = reply.json();
        assert_eq!(page["nextCursor"], Value::Null, "{path}: one page: {page}");
        page["items"].clone()
    }

    /// A write, with the token when the server wants one, declared as
    /// JSON unless `headers` say otherwise.
    async fn write(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> Reply {
        let bearer = self.token.map(|token| format!("Bearer {token}"));
        let mut all = headers.to_vec();
        if !headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        {
            all.push(("content-type", "application/json"));
        }
        if let Some(bearer) = &bearer {
            all.push(("authorization", bearer));
        }
        self.send(method, path, &all, body).await
    }

    async fn post(&self, path: &str, body: impl Into<Bytes>) -> Reply {
        self.write(Method::POST, path, &[], body).await
    }

    async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            shutdown.send(()).unwrap();
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

fn pie() -> Value {
    json!({
        "recipeName": "Apple Pie", "recipeId": 1, "rating": 5,
        "ingredients": [
            {"ingredientId": 1, "quantity": 1, "measurement": "unit", "ingredientName": "pieCrust"},
            {"ingredientId": 2, "quantity": 0.5, "measurement": "TBS", "ingredientName": "cinnamon"}
        ],
        "steps": [
            {"stepId": 1, "stepText": "Gather ingredients"},
            {"stepId": 2, "stepText": "Pre heat oven to 350 degrees"},
            {"stepId": 3, "stepText": "Make the pie"}
        ]
    })
}

/// The pie cooked with a better rating and a skipped step.
fn make(make_id: Option<i64>) -> Value {
    let mut make = pie();
    make["rating"] = json!(4);
    make["steps"] = json!([
        {"stepId": 1, "stepText": "Gather ingredients"},
        {"stepId": 2, "stepText": "Make the pie"}
    ]);
    if let Some(id) = make_id {
        make["makeId"] = json!(id);
    }
    make["notes"] = json!("oven runs hot");
    make
}

/// A make of another recipe than the pie.
fn make_of(recipe_id: i64, make_id: Option<i64>) -> Value {
    let mut make = make(make_id);
    make["recipeId"] = json!(recipe_id);
    make
}

fn body(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

fn source_headers(etag: &'static str) -> [(&'static str, &'static str); 3] {
    [
        ("X-Recipe-Source-Bucket", "kitchen"),
        ("X-Recipe-Source-Key", "makes/pie.json"),
        ("X-Recipe-Source-Etag", etag),
    ]
}
