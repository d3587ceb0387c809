//! The real server on 127.0.0.1:0 over an in-memory store, driven by a
//! real HTTP client: every endpoint, every error status, idempotent makes,
//! the OpenAPI document, the metrics, and slow clients cut off
//! (`slow_clients`).

// Helpers outside `#[test]` functions fail the test by panicking, too.
#![allow(clippy::unwrap_used)]

#[path = "server/slow_clients.rs"]
mod slow_clients;

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
use recipe_pipeline::memory::InMemoryRecordStore;
use recipe_pipeline::ports::{PutMode, RecordStore, Written};
use recipe_pipeline::records::{MakeIdentity, MakeRecord, MakeWritten, Rejection};
use recipe_pipeline::server::{ApiToken, AppState, ServerConfig, serve};
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

#[tokio::test]
async fn recipes_are_created_read_replaced_and_listed() {
    let server = TestServer::start().await;

    let created = server.post("/recipes", body(&pie())).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    assert_eq!(created.headers[header::LOCATION], "/recipes/1");
    assert_eq!(created.json()["recipeName"], "Apple Pie");

    let again = server.post("/recipes", body(&pie())).await;
    assert_eq!(again.error_path(StatusCode::CONFLICT), "/recipes");

    let read = server.get("/recipes/1").await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.json(), created.json());

    let mut renamed = pie();
    renamed["recipeName"] = json!("Grandma's Apple Pie");
    let replaced = server
        .write(Method::PUT, "/recipes/1", &[], body(&renamed))
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text());
    assert_eq!(replaced.json()["recipeName"], "Grandma's Apple Pie");

    // PUT takes the id from the path when the document has none.
    let toast = json!({"recipeName": "Toast", "steps": [{"stepText": "Toast the bread"}]});
    let put_new = server
        .write(Method::PUT, "/recipes/7", &[], body(&toast))
        .await;
    assert_eq!(put_new.status, StatusCode::CREATED);
    assert_eq!(put_new.headers[header::LOCATION], "/recipes/7");
    assert_eq!(put_new.json()["recipeId"], 7);

    // The original project's update: the id in the body.
    let mut lighter = renamed.clone();
    lighter["rating"] = json!(4);
    let updated = server
        .write(Method::PUT, "/recipes", &[], body(&lighter))
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text());
    assert_eq!(server.get("/recipes/1").await.json()["rating"], 4.0);
    let no_id = server
        .write(Method::PUT, "/recipes", &[], body(&toast))
        .await;
    assert_eq!(no_id.error_path(StatusCode::BAD_REQUEST), "recipeId");

    let contradicting = server
        .write(Method::PUT, "/recipes/8", &[], body(&pie()))
        .await;
    assert_eq!(
        contradicting.error_path(StatusCode::BAD_REQUEST),
        "recipeId"
    );

    let list = server.get("/recipes").await;
    assert_eq!(list.status, StatusCode::OK);
    let names: Vec<Value> = list
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["recipeName"].clone())
        .collect();
    assert_eq!(names, [json!("Grandma's Apple Pie"), json!("Toast")]);

    let missing = server.get("/recipes/99").await;
    assert_eq!(missing.error_path(StatusCode::NOT_FOUND), "/recipes/99");
    let not_an_id = server.get("/recipes/pie").await;
    assert_eq!(
        not_an_id.error_path(StatusCode::BAD_REQUEST),
        "/recipes/pie"
    );
    let without_id = server
        .post("/recipes", body(&json!({"recipeName": "Toast"})))
        .await;
    assert_eq!(without_id.error_path(StatusCode::BAD_REQUEST), "recipeId");

    server.stop().await;
}

#[tokio::test]
async fn a_bad_body_names_its_json_path() {
    let server = TestServer::start().await;
    let mut bad = pie();
    bad["ingredients"][0]["quantity"] = json!("a handful");
    let reply = server.post("/recipes", body(&bad)).await;
    assert_eq!(
        reply.error_path(StatusCode::BAD_REQUEST),
        "ingredients[0].quantity"
    );
    assert!(
        reply.json()["error"]
            .as_str()
            .unwrap()
            .contains("a handful")
    );

    let truncated = server.post("/recipes", "{\"recipeName\": ").await;
    assert_eq!(truncated.error_path(StatusCode::BAD_REQUEST), ".");
    assert!(truncated.text().contains("line 1"));

    server.post("/recipes", body(&pie())).await;
    let mut bad_make = make(Some(1));
    bad_make["steps"][1]["stepText"] = json!(42);
    let reply = server.post("/recipes/1/makes", body(&bad_make)).await;
    assert_eq!(
        reply.error_path(StatusCode::BAD_REQUEST),
        "steps[1].stepText"
    );
}

#[tokio::test]
async fn makes_are_diffed_stored_and_read() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&pie())).await;

    let created = server.post("/recipes/1/makes", body(&make(Some(12)))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    assert_eq!(created.headers[header::LOCATION], "/recipes/1/makes/12");
    let record = created.json();
    // The make document itself, as the original project's `recipe`.
    assert_eq!(record["makeId"], 12);
    assert_eq!(record["recipeId"], 1);
    assert_eq!(record["recipeName"], "Apple Pie");
    assert_eq!(record["rating"], 4.0);
    assert_eq!(record["steps"].as_array().map(Vec::len), Some(2));
    assert_eq!(record["notes"], "oven runs hot");
    assert!(record["recordedAt"].as_str().unwrap().ends_with('Z'));
    let differences = &record["differences"];
    assert_eq!(differences["rating"], json!({"original": 5.0, "make": 4.0}));
    assert_eq!(differences["steps"][0]["kind"], "removed");

    let read = server.get("/recipes/1/makes/12").await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.json(), record);
    let list = server.get("/recipes/1/makes").await;
    assert_eq!(list.json(), json!([record]));

    // The differences: the original project's flat list by default.
    let flat = server.get("/recipes/1/makes/12/differences").await;
    assert_eq!(flat.status, StatusCode::OK);
    assert_eq!(
        flat.json(),
        json!([
            {"changeId": 1, "recipeField": "rating", "recipeId": 1, "makeId": 12,
             "change": "changed", "difference": {"recipe": "5", "make": "4"}},
            {"changeId": 2, "recipeField": "instruction", "recipeId": 1, "makeId": 12,
             "stepId": 2, "change": "removed",
             "difference": {"recipe": "Pre heat oven to 350 degrees", "make": ""}}
        ])
    );
    let full = server
        .get("/recipes/1/makes/12/differences?format=full")
        .await;
    assert_eq!(&full.json(), differences);
    let unknown_format = server
        .get("/recipes/1/makes/12/differences?format=xml")
        .await;
    assert_eq!(
        unknown_format.error_path(StatusCode::BAD_REQUEST),
        "/recipes/1/makes/12/differences"
    );

    // A make naming another recipe than its path.
    let mut elsewhere = make(Some(13));
    elsewhere["recipeId"] = json!(2);
    let reply = server.post("/recipes/1/makes", body(&elsewhere)).await;
    assert_eq!(reply.error_path(StatusCode::BAD_REQUEST), "recipeId");

    // Another make claiming a stored make id.
    let mut impostor = make(Some(12));
    impostor["notes"] = json!("not the same make");
    let reply = server.post("/recipes/1/makes", body(&impostor)).await;
    assert_eq!(reply.error_path(StatusCode::CONFLICT), "/recipes/1/makes");
    // The same make again is a redelivery.
    let again = server.post("/recipes/1/makes", body(&make(Some(12)))).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json(), record);
}

#[tokio::test]
async fn unknown_recipes_and_makes_are_404s() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&pie())).await;
    for path in [
        "/recipes/2/makes",
        "/recipes/1/makes/404",
        "/recipes/1/makes/404/differences",
        "/recipes/2/makes/1",
        "/no/such/route",
    ] {
        assert_eq!(
            server.get(path).await.error_path(StatusCode::NOT_FOUND),
            path
        );
    }
    // The path's recipe is not found, whatever the body names.
    for make in [
        make_of(2, Some(1)),
        make_of(1, Some(1)),
        json!("not a make"),
    ] {
        let reply = server.post("/recipes/2/makes", body(&make)).await;
        assert_eq!(reply.error_path(StatusCode::NOT_FOUND), "/recipes/2/makes");
    }
    let not_an_id = server.get("/recipes/1/makes/first").await;
    assert_eq!(
        not_an_id.error_path(StatusCode::BAD_REQUEST),
        "/recipes/1/makes/first"
    );
    let reply = server
        .send(Method::DELETE, "/recipes/1", &[], Bytes::new())
        .await;
    assert_eq!(
        reply.error_path(StatusCode::METHOD_NOT_ALLOWED),
        "/recipes/1"
    );
}

#[tokio::test]
async fn source_headers_are_percent_decoded() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&pie())).await;
    // What the sender sends for the key `makes/tarte tatin é.json`.
    let headers = [
        ("X-Recipe-Source-Bucket", "kitchen"),
        (
            "X-Recipe-Source-Key",
            "makes%2Ftarte%20tatin%20%C3%A9%2Ejson",
        ),
        ("X-Recipe-Source-Etag", "e%2D1"),
    ];
    let reply = server
        .write(
            Method::POST,
            "/recipes/1/makes",
            &headers,
            body(&make(None)),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(
        reply.json()["source"],
        "s3://kitchen/makes/tarte tatin é.json"
    );
    assert_eq!(reply.json()["makeId"], 1);
}

#[tokio::test]
async fn a_redelivered_make_is_stored_once() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&pie())).await;
    let headers = source_headers("etag-1");

    // No makeId: the next id, claimed by the object version.
    let first = server
        .write(
            Method::POST,
            "/recipes/1/makes",
            &headers,
            body(&make(None)),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    assert_eq!(first.json()["makeId"], 1);
    assert_eq!(first.json()["source"], "s3://kitchen/makes/pie.json");

    let second = server
        .write(
            Method::POST,
            "/recipes/1/makes",
            &headers,
            body(&make(None)),
        )
        .await;
    assert_eq!(second.status, StatusCode::OK, "a redelivery is not new");
    assert_eq!(second.json(), first.json());
    let count = || async {
        server
            .get("/recipes/1/makes")
            .await
            .json()
            .as_array()
            .map(Vec::len)
    };
    assert_eq!(count().await, Some(1));

    // A new version of the object is a new make.
    let changed = server
        .write(
            Method::POST,
            "/recipes/1/makes",
            &source_headers("etag-2"),
            body(&make(None)),
        )
        .await;
    assert_eq!(changed.status, StatusCode::CREATED);
    assert_eq!(changed.json()["makeId"], 2);

    let half = server
        .write(
            Method::POST,
            "/recipes/1/makes",
            &[("X-Recipe-Source-Bucket", "kitchen")],
            body(&make(None)),
        )
        .await;
    assert_eq!(half.error_path(StatusCode::BAD_REQUEST), "/recipes/1/makes");
}

#[tokio::test]
async fn the_same_make_posted_twice_is_two_makes_unless_a_key_says_it_is_a_retry() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&pie())).await;

    // A cook who cooks the pie the same way on two days.
    let monday = server.post("/recipes/1/makes", body(&make(None))).await;
    let tuesday = server.post("/recipes/1/makes", body(&make(None))).await;
    assert_eq!(
        (monday.status, tuesday.status),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    assert_eq!(monday.json()["makeId"], 1);
    assert_eq!(tuesday.json()["makeId"], 2);
    assert_eq!(tuesday.headers[header::LOCATION], "/recipes/1/makes/2");

    // A client retrying one request with its Idempotency-Key.
    let key = [("Idempotency-Key", "b1946ac9-2a7f-4a5e-9d4e-7c1f0f1e2d3c")];
    let sent = server
        .write(Method::POST, "/recipes/1/makes", &key, body(&make(None)))
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
    assert_eq!(sent.json()["makeId"], 3);
    let retried = server
        .write(Method::POST, "/recipes/1/makes", &key, body(&make(None)))
        .await;
    assert_eq!(retried.status, StatusCode::OK);
    assert_eq!(retried.json(), sent.json());
    let mut other = make(None);
    other["notes"] = json!("another day");
    let reused = server
        .write(Method::POST, "/recipes/1/makes", &key, body(&other))
        .await;
    assert_eq!(
        reused.error_path(StatusCode::UNPROCESSABLE_ENTITY),
        "/recipes/1/makes"
    );
    assert!(reused.text().contains("make 3"), "{}", reused.text());
    let makes = server.get("/recipes/1/makes").await.json();
    let ids: Vec<&Value> = makes
        .as_array()
        .unwrap()
        .iter()
        .map(|make| &make["makeId"])
        .collect();
    assert_eq!(ids, [&json!(1), &json!(2), &json!(3)]);

    for bad_key in ["", "has space", &"k".repeat(256)] {
        let reply = server
            .write(
                Method::POST,
                "/recipes/1/makes",
                &[("Idempotency-Key", bad_key)],
                body(&make(None)),
            )
            .await;
        assert_eq!(
            reply.error_path(StatusCode::BAD_REQUEST),
            "/recipes/1/makes",
            "{bad_key:?}"
        );
    }
}

#[tokio::test]
async fn refused_documents_from_the_bucket_are_listed() {
    let server = TestServer::start().await;
    let reply = server
        .write(
            Method::POST,
            "/recipes/5/makes",
            &source_headers("etag-9"),
            body(&make_of(5, None)),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = server
        .write(
            Method::POST,
            "/recipes",
            &source_headers("etag-10"),
            "not json",
        )
        .await;
    assert_eq!(reply.error_path(StatusCode::BAD_REQUEST), ".");

    // Only the malformed document is a rejection: a make whose recipe is
    // unknown may be early (queues keep no order) and the sender retries it.
    let rejections = server.get("/rejections").await;
    assert_eq!(rejections.status, StatusCode::OK);
    let rejections = rejections.json();
    assert_eq!(
        rejections[0]["source"],
        "s3://kitchen/makes/pie.json@etag-10"
    );
    assert_eq!(rejections.as_array().map(Vec::len), Some(1));

    // A recipe from the bucket is created or updated, never a conflict.
    for status in [StatusCode::CREATED, StatusCode::OK] {
        let reply = server
            .write(
                Method::POST,
                "/recipes",
                &source_headers("etag-11"),
                body(&pie()),
            )
            .await;
        assert_eq!(reply.status, status);
    }
}

#[tokio::test]
async fn writes_need_the_token_and_reads_do_not() {
    let server = TestServer::with_token().await;
    let writes = [
        (Method::POST, "/recipes"),
        (Method::PUT, "/recipes/1"),
        (Method::POST, "/recipes/1/makes"),
    ];
    for (method, path) in &writes {
        for authorization in [None, Some("Bearer wrong"), Some(TOKEN)] {
            let headers: Vec<(&str, &str)> = authorization
                .map(|value| ("authorization", value))
                .into_iter()
                .collect();
            let reply = server
                .send(method.clone(), path, &headers, body(&pie()))
                .await;
            assert_eq!(
                reply.error_path(StatusCode::UNAUTHORIZED),
                *path,
                "{method} {path} with {authorization:?}"
            );
            assert_eq!(reply.headers[header::WWW_AUTHENTICATE], "Bearer");
        }
    }
    assert!(
        server
            .get("/metrics")
            .await
            .text()
            .contains(r#"recipe_http_errors_total{status="401"} 9"#)
    );

    let created = server.post("/recipes", body(&pie())).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let replaced = server
        .write(Method::PUT, "/recipes/1", &[], body(&pie()))
        .await;
    assert_eq!(replaced.status, StatusCode::OK);
    let make = server.post("/recipes/1/makes", body(&make(Some(1)))).await;
    assert_eq!(make.status, StatusCode::CREATED);

    for path in [
        "/recipes",
        "/recipes/1",
        "/recipes/1/makes",
        "/recipes/1/makes/1",
        "/recipes/1/makes/1/differences",
        "/rejections",
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
    ] {
        assert_eq!(server.get(path).await.status, StatusCode::OK, "{path}");
    }
}

/// A server that takes bodies of up to 1 KiB.
async fn server_with_a_1_kib_limit() -> TestServer {
    let config = ServerConfig {
        max_body_bytes: 1024,
        ..ServerConfig::default()
    };
    TestServer::with(Arc::new(InMemoryRecordStore::new()), config).await
}

/// Sends `request` as raw bytes, for what an HTTP client will not send (a
/// chunked body of our making, `Expect: 100-continue` with no body after
/// it), and reads the answer until the server closes the connection,
/// within ten seconds.
async fn raw_exchange(server: &TestServer, request: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let mut stream = tokio::net::TcpStream::connect(server.address)
        .await
        .unwrap();
    stream.write_all(request).await.unwrap();
    let mut response = String::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_string(&mut response),
    )
    .await
    .expect("the server answers and closes the connection")
    .unwrap();
    response
}

/// The JSON error body of a raw answer.
fn raw_error_body(response: &str) -> Value {
    let start = response.find("\r\n\r\n").expect("a head and a body") + 4;
    serde_json::from_str(&response[start..]).unwrap()
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413() {
    let server = server_with_a_1_kib_limit().await;
    let mut huge = pie();
    huge["steps"][0]["stepText"] = json!("stir ".repeat(400));
    let reply = server.post("/recipes", body(&huge)).await;
    assert_eq!(reply.error_path(StatusCode::PAYLOAD_TOO_LARGE), "/recipes");
    assert!(reply.json()["error"].as_str().unwrap().contains("1024"));
    assert_eq!(
        server.post("/recipes", body(&pie())).await.status,
        StatusCode::CREATED,
        "a body within the limit passes"
    );
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_a_413_too() {
    let server = server_with_a_1_kib_limit().await;
    // No Content-Length: the limit can only be found while reading.
    let chunk = "x".repeat(600);
    let request = format!(
        "POST /recipes HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n\
         258\r\n{chunk}\r\n258\r\n{chunk}\r\n0\r\n\r\n"
    );
    let response = raw_exchange(&server, request.as_bytes()).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert_eq!(raw_error_body(&response)["path"], "/recipes", "{response}");
}

#[tokio::test]
async fn a_body_announced_over_the_limit_is_refused_before_it_is_sent() {
    let server = server_with_a_1_kib_limit().await;
    // The client waits for `100 Continue` before sending the body; the
    // server must answer 413 instead, from the length alone.
    let response = raw_exchange(
        &server,
        b"POST /recipes HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\
          Content-Type: application/json\r\n\
          Content-Length: 1025\r\nExpect: 100-continue\r\n\r\n",
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert_eq!(raw_error_body(&response)["path"], "/recipes", "{response}");
}

#[tokio::test]
async fn health_readiness_and_an_unavailable_store() {
    let server = TestServer::start().await;
    assert_eq!(server.get("/healthz").await.json(), json!({"status": "ok"}));
    assert_eq!(
        server.get("/readyz").await.json(),
        json!({"status": "ready"})
    );

    let down = TestServer::with(Arc::new(UnavailableStore), ServerConfig::default()).await;
    assert_eq!(down.get("/healthz").await.status, StatusCode::OK);
    for path in ["/readyz", "/recipes", "/recipes/1", "/rejections"] {
        let reply = down.get(path).await;
        assert_eq!(reply.error_path(StatusCode::SERVICE_UNAVAILABLE), path);
        assert!(!reply.text().contains("disk on fire"), "internals stay in");
    }
    let reply = down.post("/recipes", body(&pie())).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn metrics_count_makes_diffs_and_errors() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&pie())).await;
    server.post("/recipes/1/makes", body(&make(Some(1)))).await;
    server.post("/recipes/1/makes", body(&make(Some(1)))).await;
    server
        .post("/recipes/9/makes", body(&make_of(9, Some(1))))
        .await;
    server.post("/recipes/1/makes", "{").await;
    server.get("/recipes/404").await;

    let reply = server.get("/metrics").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = reply.text();
    for line in [
        r#"recipe_makes_processed_total{outcome="created"} 1"#,
        r#"recipe_makes_processed_total{outcome="duplicate"} 1"#,
        // The malformed body; a make for an unknown recipe is a 404 the
        // sender retries (its recipe may still arrive), not a rejection.
        r#"recipe_makes_processed_total{outcome="rejected"} 1"#,
        "recipe_diff_duration_seconds_count 1",
        r#"recipe_http_errors_total{status="404"} 2"#,
        r#"recipe_http_errors_total{status="400"} 1"#,
    ] {
        assert!(text.contains(line), "{line} missing from\n{text}");
    }
}

#[tokio::test]
async fn analytics_summarise_the_stored_makes() {
    let server = TestServer::start().await;
    let empty = server.get("/analytics").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(empty.json()["makeCount"], 0);
    assert_eq!(
        server
            .get("/recipes/1/analytics")
            .await
            .error_path(StatusCode::NOT_FOUND),
        "/recipes/1/analytics"
    );

    server.post("/recipes", body(&pie())).await;
    let mut other = pie();
    other["recipeId"] = json!(2);
    other["recipeName"] = json!("Plain Pie");
    server.post("/recipes", body(&other)).await;
    for id in [1, 2] {
        let reply = server.post("/recipes/1/makes", body(&make(Some(id)))).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    }

    let analytics = server.get("/recipes/1/analytics").await.json();
    assert_eq!(analytics["makeCount"], 2);
    assert_eq!(analytics["averageRating"], 4.0);
    // The rating and the skipped step.
    assert_eq!(analytics["averageDeviation"], 2.0);
    assert_eq!(analytics["ratings"].as_array().unwrap().len(), 2);
    assert_eq!(
        analytics["steps"][0]["step"],
        "Pre heat oven to 350 degrees"
    );
    assert_eq!(analytics["steps"][0]["skipped"], 2);

    let overview = server.get("/analytics").await.json();
    assert_eq!(overview["recipeCount"], 2);
    assert_eq!(overview["makeCount"], 2);
    assert_eq!(overview["averageDeviation"], 2.0);
    assert_eq!(overview["recipes"][0]["recipeName"], "Apple Pie");
    assert_eq!(overview["recipes"][1]["makeCount"], 0);
    assert_eq!(overview["recentMakes"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_openapi_document_lists_every_path() {
    let server = TestServer::start().await;
    let reply = server.get("/openapi.json").await;
    assert_eq!(reply.status, StatusCode::OK);
    let doc = reply.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());

    let expected = [
        ("/recipes", &["get", "post", "put"][..]),
        ("/recipes/{recipeId}", &["get", "put"]),
        ("/recipes/{recipeId}/makes", &["get", "post"]),
        ("/recipes/{recipeId}/makes/{makeId}", &["get"]),
        ("/recipes/{recipeId}/makes/{makeId}/differences", &["get"]),
        ("/recipes/{recipeId}/analytics", &["get"]),
        ("/analytics", &["get"]),
        ("/rejections", &["get"]),
        ("/openapi.json", &["get"]),
        ("/healthz", &["get"]),
        ("/readyz", &["get"]),
        ("/metrics", &["get"]),
    ];
    let paths = doc["paths"].as_object().unwrap();
    assert_eq!(paths.len(), expected.len(), "{:?}", paths.keys());
    for (path, methods) in expected {
        let item = paths[path].as_object().unwrap();
        let mut found: Vec<&str> = item.keys().map(String::as_str).collect();
        found.sort_unstable();
        assert_eq!(found, methods, "{path}");
        for (method, operation) in item {
            assert!(operation["responses"].is_object(), "{method} {path}");
            let writes = method != "get";
            assert_eq!(
                operation.get("security").is_some(),
                writes,
                "{method} {path}: writes, and only writes, name the bearer scheme"
            );
        }
    }
    // Every status each operation can answer is documented, and every
    // response names the request id header.
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            let documents = |status: &str| responses.contains_key(status);
            let what = format!("{method} {path}");
            for (status, response) in responses {
                assert!(
                    response["headers"]["x-request-id"].is_object(),
                    "{what} {status}: no x-request-id header"
                );
            }
            if method != "get" {
                for status in ["400", "401", "413", "415"] {
                    assert!(documents(status), "{what}: {status} undocumented");
                }
            }
            if path.contains("{recipeId}") {
                assert!(documents("400"), "{what}: a bad id's 400 undocumented");
                let id = operation["parameters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|p| p["name"] == "recipeId")
                    .unwrap();
                assert_eq!(id["schema"]["maximum"], i64::MAX, "{what}");
                assert_eq!(id["schema"]["minimum"], i64::MIN, "{what}");
            }
            let touches_store =
                !["/healthz", "/readyz", "/metrics", "/openapi.json"].contains(&path.as_str());
            assert_eq!(documents("500"), touches_store, "{what}: 500");
            assert_eq!(
                documents("503"),
                touches_store || path == "/readyz",
                "{what}: 503"
            );
            let request_id = operation["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == "x-request-id")
                .unwrap_or_else(|| panic!("{what}: x-request-id parameter"));
            assert_eq!(request_id["required"], false, "{what}");
        }
    }

    let mut operation_ids: Vec<&str> = paths
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .map(|operation| operation["operationId"].as_str().unwrap())
        .collect();
    operation_ids.sort_unstable();
    let count = operation_ids.len();
    operation_ids.dedup();
    assert_eq!(operation_ids.len(), count, "operation ids are unique");
    // The original project's operations keep its operation ids, so a
    // client generated from either document names them alike.
    for (path, method, id) in [
        ("/recipes", "post", "addRecipe"),
        ("/recipes", "put", "updateRecipe"),
        ("/recipes/{recipeId}", "get", "getRecipe"),
        ("/recipes/{recipeId}/makes", "post", "addRecipeMake"),
        ("/recipes/{recipeId}/makes/{makeId}", "get", "getRecipeMake"),
        (
            "/recipes/{recipeId}/makes/{makeId}/differences",
            "get",
            "getRecipeMakeDifferences",
        ),
    ] {
        assert_eq!(paths[path][method]["operationId"], id, "{method} {path}");
    }
    let make_id = doc["paths"]["/recipes/{recipeId}/makes/{makeId}"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "makeId")
        .unwrap();
    assert_eq!(make_id["schema"]["type"], "integer", "{make_id}");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );

    let make_headers: Vec<&str> = doc["paths"]["/recipes/{recipeId}/makes"]["post"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["in"] == "header")
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        make_headers,
        [
            "Idempotency-Key",
            "X-Recipe-Source-Bucket",
            "X-Recipe-Source-Key",
            "X-Recipe-Source-Etag",
            "x-request-id"
        ]
    );
    let key = &doc["paths"]["/recipes/{recipeId}/makes"]["post"]["parameters"][3];
    assert!(
        key["schema"]["pattern"]
            .as_str()
            .is_some_and(|p| p.contains("%[Cc][2-9A-Fa-f]")),
        "{key}"
    );

    // Every reference resolves.
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(refs.len() > 10);
    for reference in refs {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected reference {reference}"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{reference} does not resolve"
        );
    }
}

fn collect_refs(value: &Value, refs: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                refs.push(reference.clone());
            }
            object.values().for_each(|v| collect_refs(v, refs));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, refs)),
        _ => {}
    }
}

/// Asserts the security headers every response carries; `dashboard`
/// responses keep the dashboard's own, richer policy.
fn assert_security_headers(reply: &Reply, what: &str, dashboard: bool) {
    let header = |name: &str| {
        reply.headers.get(name).map_or_else(
            || panic!("{what}: no {name} header in {:?}", reply.headers),
            |value| value.to_str().unwrap().to_owned(),
        )
    };
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header("referrer-policy"), "no-referrer", "{what}");
    let policy = header("content-security-policy");
    assert!(
        policy.contains("frame-ancestors 'none'"),
        "{what}: {policy}"
    );
    assert!(!policy.contains("unsafe-inline"), "{what}: {policy}");
    if dashboard {
        assert!(policy.contains("script-src 'self'"), "{what}: {policy}");
    } else {
        assert_eq!(
            policy, "default-src 'none'; frame-ancestors 'none'",
            "{what}"
        );
    }
    let cors: Vec<_> = reply
        .headers
        .keys()
        .filter(|name| name.as_str().starts_with("access-control-"))
        .collect();
    assert!(
        cors.is_empty(),
        "{what}: CORS headers without CORS: {cors:?}"
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let server = TestServer::with_token().await;
    assert_eq!(
        server.post("/recipes", body(&pie())).await.status,
        StatusCode::CREATED
    );
    let created = server.post("/recipes/1/makes", body(&make(Some(1)))).await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_security_headers(&created, "POST /recipes/1/makes", false);

    // Every documented read, with its parameters naming stored records.
    let doc = server.get("/openapi.json").await.json();
    let mut reads = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if item.get("get").is_none() {
            continue;
        }
        let concrete = path.replace("{recipeId}", "1").replace("{makeId}", "1");
        let reply = server.get(&concrete).await;
        assert_eq!(reply.status, StatusCode::OK, "GET {concrete}");
        assert_security_headers(&reply, &format!("GET {concrete}"), false);
        reads += 1;
    }
    assert!(reads >= 12, "{reads} documented reads");

    // The writes, and each way a request can fail.
    let json = [("content-type", "application/json")];
    let oversized = format!(r#"{{"recipeName": "{}"}}"#, "x".repeat(2 * 1024 * 1024));
    let cases = [
        (
            Method::PUT,
            "/recipes/1",
            body(&pie()),
            true,
            StatusCode::OK,
        ),
        (
            Method::POST,
            "/recipes",
            body(&pie()),
            true,
            StatusCode::CONFLICT,
        ),
        (
            Method::POST,
            "/recipes",
            b"{".to_vec(),
            true,
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            "/recipes",
            body(&pie()),
            false,
            StatusCode::UNAUTHORIZED,
        ),
        (
            Method::POST,
            "/recipes",
            oversized.into_bytes(),
            true,
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            Method::GET,
            "/recipes/pie",
            Vec::new(),
            false,
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::GET,
            "/recipes/2",
            Vec::new(),
            false,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            "/no/such/route",
            Vec::new(),
            false,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::DELETE,
            "/recipes",
            Vec::new(),
            true,
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            Method::OPTIONS,
            "/recipes",
            Vec::new(),
            false,
            StatusCode::METHOD_NOT_ALLOWED,
        ),
    ];
    for (method, path, payload, authorized, status) in cases {
        let what = format!("{method} {path}");
        let reply = if authorized {
            server.write(method, path, &json, payload).await
        } else {
            server.send(method, path, &json, payload).await
        };
        assert_eq!(reply.status, status, "{what}: {}", reply.text());
        assert_security_headers(&reply, &what, false);
    }
    let unsupported = server
        .write(
            Method::POST,
            "/recipes",
            &[("content-type", "text/plain")],
            body(&pie()),
        )
        .await;
    assert_eq!(unsupported.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_security_headers(&unsupported, "a text/plain write", false);

    for asset in ["/", "/assets/app.js", "/assets/app.css", "/assets/icon.svg"] {
        let reply = server.get(asset).await;
        assert_eq!(reply.status, StatusCode::OK, "{asset}");
        assert_security_headers(&reply, asset, true);
    }
}

#[tokio::test]
async fn cors_is_off_unless_origins_are_configured() {
    let preflight = [
        ("origin", "https://cook.example"),
        ("access-control-request-method", "POST"),
        (
            "access-control-request-headers",
            "authorization,content-type",
        ),
    ];

    // No origins: a preflight is just an unsupported method, and no answer
    // names an origin (the headers test checks every other response).
    let server = TestServer::start().await;
    let reply = server
        .send(Method::OPTIONS, "/recipes", &preflight, Bytes::new())
        .await;
    assert_eq!(reply.error_path(StatusCode::METHOD_NOT_ALLOWED), "/recipes");
    let read = server
        .send(
            Method::GET,
            "/recipes",
            &[("origin", "https://cook.example")],
            Bytes::new(),
        )
        .await;
    assert_eq!(read.status, StatusCode::OK);
    for reply in [&reply, &read] {
        assert!(
            !reply
                .headers
                .keys()
                .any(|name| name.as_str().starts_with("access-control-")),
            "{:?}",
            reply.headers
        );
    }

    // One origin configured: it, and only it, is answered.
    let config = ServerConfig {
        cors_origins: vec!["https://cook.example".parse().unwrap()],
        ..ServerConfig::default()
    };
    let server = TestServer::with(Arc::new(InMemoryRecordStore::new()), config).await;
    let reply = server
        .send(Method::OPTIONS, "/recipes", &preflight, Bytes::new())
        .await;
    assert!(reply.status.is_success(), "{reply:?}");
    assert_eq!(
        reply.headers["access-control-allow-origin"],
        "https://cook.example"
    );
    let methods = reply.headers["access-control-allow-methods"]
        .to_str()
        .unwrap();
    assert!(
        methods.contains("POST") && methods.contains("PUT"),
        "{methods}"
    );
    let allowed = reply.headers["access-control-allow-headers"]
        .to_str()
        .unwrap();
    assert!(
        allowed.contains("authorization") && allowed.contains("content-type"),
        "{allowed}"
    );
    let read = server
        .send(
            Method::GET,
            "/recipes",
            &[("origin", "https://cook.example")],
            Bytes::new(),
        )
        .await;
    assert_eq!(
        read.headers["access-control-allow-origin"],
        "https://cook.example"
    );
    let exposed = read.headers["access-control-expose-headers"]
        .to_str()
        .unwrap();
    assert!(exposed.contains("x-request-id"), "{exposed}");

    let mut elsewhere = preflight;
    elsewhere[0].1 = "https://evil.example";
    let reply = server
        .send(Method::OPTIONS, "/recipes", &elsewhere, Bytes::new())
        .await;
    assert!(
        reply.headers.get("access-control-allow-origin").is_none(),
        "{reply:?}"
    );
    let read = server
        .send(
            Method::GET,
            "/recipes",
            &[("origin", "https://evil.example")],
            Bytes::new(),
        )
        .await;
    assert!(
        read.headers.get("access-control-allow-origin").is_none(),
        "{read:?}"
    );
}

/// Whether `id` looks like a UUID the server made: 8-4-4-4-12 hex digits.
fn is_uuid(id: &str) -> bool {
    let groups: Vec<usize> = id.split('-').map(str::len).collect();
    groups == [8, 4, 4, 4, 12] && id.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
}

#[tokio::test]
async fn every_request_gets_an_id_in_its_response() {
    let server = TestServer::start().await;
    let id_of = |reply: &Reply| reply.headers["x-request-id"].to_str().unwrap().to_owned();

    let first = server.get("/recipes").await;
    let second = server.get("/no/such/route").await;
    assert_eq!(second.status, StatusCode::NOT_FOUND);
    assert!(is_uuid(&id_of(&first)), "{}", id_of(&first));
    assert!(is_uuid(&id_of(&second)), "{}", id_of(&second));
    assert_ne!(id_of(&first), id_of(&second), "ids are fresh");

    let chosen = "sender-7f3a_retry.2";
    let echoed = server
        .send(
            Method::GET,
            "/healthz",
            &[("x-request-id", chosen)],
            Bytes::new(),
        )
        .await;
    assert_eq!(id_of(&echoed), chosen);
    let error = server
        .write(Method::POST, "/recipes", &[("x-request-id", chosen)], "{")
        .await;
    assert_eq!(error.status, StatusCode::BAD_REQUEST);
    assert_eq!(id_of(&error), chosen, "errors carry the id too");

    let long = "a".repeat(65);
    for unsafe_id in ["two words", "x\"y", "level=ERROR", long.as_str()] {
        let reply = server
            .send(
                Method::GET,
                "/healthz",
                &[("x-request-id", unsafe_id)],
                Bytes::new(),
            )
            .await;
        let id = id_of(&reply);
        assert!(is_uuid(&id), "{unsafe_id:?} was replaced by {id:?}");
    }
    let two = server
        .send(
            Method::GET,
            "/healthz",
            &[("x-request-id", "one"), ("x-request-id", "two")],
            Bytes::new(),
        )
        .await;
    assert!(is_uuid(&id_of(&two)), "two ids are one too many");
    assert_eq!(
        id_of(
            &server
                .send(
                    Method::GET,
                    "/healthz",
                    &[("x-request-id", &"a".repeat(64))],
                    Bytes::new()
                )
                .await
        ),
        "a".repeat(64)
    );
}

#[tokio::test]
async fn writes_are_read_only_when_declared_json() {
    let server = TestServer::start().await;
    for refused in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let headers: Vec<(&str, &str)> = refused
            .map(|value| ("content-type", value))
            .into_iter()
            .collect();
        let reply = server
            .send(Method::POST, "/recipes", &headers, body(&pie()))
            .await;
        assert_eq!(
            reply.error_path(StatusCode::UNSUPPORTED_MEDIA_TYPE),
            "/recipes",
            "{refused:?}"
        );
    }
    assert_eq!(
        server.get("/recipes").await.json(),
        json!([]),
        "nothing stored"
    );
    let reply = server
        .write(
            Method::POST,
            "/recipes",
            &[("content-type", "application/ld+json; charset=utf-8")],
            body(&pie()),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
}

#[tokio::test]
async fn body_ids_may_be_whole_floats_up_to_2_pow_53() {
    // JSON Schema integers include `7.0`, and a client (schemathesis did)
    // may spell any integer up to 2^53 that way.
    let server = TestServer::start().await;
    let mut recipe = pie();
    recipe["recipeId"] = json!(1.0);
    recipe["ingredients"][0]["ingredientId"] = json!(9_007_199_254_740_991.0);
    recipe["steps"][0]["stepId"] = json!(-9_007_199_254_740_992.0);
    let reply = server.post("/recipes", body(&recipe)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let stored = reply.json();
    assert_eq!(stored["recipeId"], 1);
    assert_eq!(
        stored["ingredients"][0]["ingredientId"],
        9_007_199_254_740_991_i64
    );
    assert_eq!(stored["steps"][0]["stepId"], -9_007_199_254_740_992_i64);

    recipe["recipeId"] = json!(2);
    recipe["steps"][0]["stepId"] = json!(1.5);
    let reply = server.post("/recipes", body(&recipe)).await;
    assert_eq!(reply.error_path(StatusCode::BAD_REQUEST), "steps[0].stepId");
}

#[tokio::test]
async fn path_ids_are_whole_numbers_in_range() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&pie())).await;
    for same in ["/recipes/1", "/recipes/1.0", "/recipes/+1"] {
        let reply = server.get(same).await;
        assert_eq!(reply.status, StatusCode::OK, "{same}: {}", reply.text());
        assert_eq!(reply.json()["recipeId"], 1);
    }
    // Out of range, even where a float would round into it.
    for path in [
        "/recipes/9223372036854775808",
        "/recipes/-9223372036854775809",
        "/recipes/-9223372036854775809/makes/0",
        "/recipes/1.5",
        "/recipes/1e0",
    ] {
        assert_eq!(
            server.get(path).await.error_path(StatusCode::BAD_REQUEST),
            path
        );
    }
    assert_eq!(
        server
            .get("/recipes/-9223372036854775808")
            .await
            .error_path(StatusCode::NOT_FOUND),
        "/recipes/-9223372036854775808"
    );
}

#[tokio::test]
async fn source_headers_must_be_percent_encoded_utf8() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&pie())).await;
    for key in ["makes%E6.json", "100%.json", "makes/%C0%AF.json"] {
        let headers = [
            ("X-Recipe-Source-Bucket", "kitchen"),
            ("X-Recipe-Source-Key", key),
            ("X-Recipe-Source-Etag", "e1"),
        ];
        let reply = server
            .write(
                Method::POST,
                "/recipes/1/makes",
                &headers,
                body(&make(None)),
            )
            .await;
        assert_eq!(
            reply.error_path(StatusCode::BAD_REQUEST),
            "/recipes/1/makes",
            "{key}"
        );
    }
}

#[tokio::test]
async fn serve_returns_after_the_shutdown_signal() {
    let server = TestServer::start().await;
    assert_eq!(server.get("/healthz").await.status, StatusCode::OK);
    tokio::time::timeout(std::time::Duration::from_secs(10), server.stop())
        .await
        .expect("serve stops once signalled");
}

/// A store whose backend is down.
struct UnavailableStore;

fn down<T>() -> recipe_pipeline::Result<T> {
    Err(recipe_pipeline::Error::Unavailable {
        backend: "test",
        message: "disk on fire".into(),
    })
}

#[async_trait]
impl RecordStore for UnavailableStore {
    async fn ping(&self) -> recipe_pipeline::Result<()> {
        down()
    }
    async fn put_recipe(&self, _: &Recipe, _: PutMode) -> recipe_pipeline::Result<Written> {
        down()
    }
    async fn recipe(&self, _: i64) -> recipe_pipeline::Result<Option<Recipe>> {
        down()
    }
    async fn recipes(&self) -> recipe_pipeline::Result<Vec<Recipe>> {
        down()
    }
    async fn put_make(
        &self,
        _: &MakeIdentity,
        _: &MakeRecord,
    ) -> recipe_pipeline::Result<MakeWritten> {
        down()
    }
    async fn make(&self, _: i64, _: i64) -> recipe_pipeline::Result<Option<MakeRecord>> {
        down()
    }
    async fn makes(&self, _: i64) -> recipe_pipeline::Result<Vec<MakeRecord>> {
        down()
    }
    async fn put_rejection(&self, _: &Rejection) -> recipe_pipeline::Result<()> {
        down()
    }
    async fn rejections(&self) -> recipe_pipeline::Result<Vec<Rejection>> {
        down()
    }
}
