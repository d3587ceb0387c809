//! What a write must be before its body is read: under the size limit, declared as JSON.

use super::*;

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
    assert_eq!(server.items("/recipes").await, json!([]), "nothing stored");
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
