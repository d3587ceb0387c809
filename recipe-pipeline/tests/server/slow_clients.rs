//! Slow clients (slowloris): a client trickling its body or its headers is
//! cut off by the configured timeouts, while other connections are served.
//!
//! The bounds here are functional and generous: the server cuts off after
//! one second, the tests give it ten.

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use recipe_pipeline::server::ServerConfig;
use recipe_ports::memory::InMemoryRecordStore;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::task::JoinHandle;

use super::TestServer;

/// The timeout under test; the other one is far away, so the test shows
/// which of the two cut the client off.
const CUT_OFF: Duration = Duration::from_secs(1);
const FAR_AWAY: Duration = Duration::from_secs(120);
/// How long the tests wait for the cut-off before calling it missing.
const GENEROUS: Duration = Duration::from_secs(10);
/// A trickle: one byte at this pace.
const PACE: Duration = Duration::from_millis(250);

async fn server(request_timeout: Duration, header_read_timeout: Duration) -> TestServer {
    let config = ServerConfig {
        request_timeout,
        header_read_timeout,
        ..ServerConfig::default()
    };
    TestServer::with(Arc::new(InMemoryRecordStore::new()), config).await
}

/// Writes `bytes` one at a time at [`PACE`] until they run out or the
/// server closes the connection.
fn trickle(mut writer: OwnedWriteHalf, bytes: Vec<u8>) -> JoinHandle<()> {
    tokio::spawn(async move {
        for byte in bytes {
            if writer.write_all(&[byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(PACE).await;
        }
    })
}

/// Everything the server sends until it closes the connection; a reset
/// ends it too.
async fn read_until_closed(mut reader: tokio::net::tcp::OwnedReadHalf) -> Vec<u8> {
    let mut received = Vec::new();
    let mut buffer = [0_u8; 4096];
    loop {
        match reader.read(&mut buffer).await {
            Ok(0) | Err(_) => return received,
            Ok(n) => received.extend_from_slice(&buffer[..n]),
        }
    }
}

/// Other connections are served while a slow client is connected.
async fn assert_others_are_served(server: &TestServer) {
    let reply = tokio::time::timeout(GENEROUS, server.get("/healthz"))
        .await
        .expect("a normal request is answered while a slow client is connected");
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn a_body_trickled_a_byte_at_a_time_is_a_408() {
    let server = server(CUT_OFF, FAR_AWAY).await;
    let stream = TcpStream::connect(server.address).await.unwrap();
    let (reader, mut writer) = stream.into_split();
    writer
        .write_all(
            b"POST /recipes HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
              Content-Length: 1000\r\n\r\n{",
        )
        .await
        .unwrap();
    let trickler = trickle(writer, vec![b' '; 999]);
    assert_others_are_served(&server).await;

    let response = tokio::time::timeout(GENEROUS, read_until_closed(reader))
        .await
        .expect("the slow body is cut off");
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    let body: Value = serde_json::from_str(&response[response.find("\r\n\r\n").unwrap() + 4..])
        .unwrap_or_else(|e| panic!("not JSON ({e}): {response}"));
    assert_eq!(body["path"], "/recipes", "{response}");
    assert!(body["error"].as_str().unwrap().contains("1s"), "{body}");
    // The connection is closed, so the trickler stops on its own.
    tokio::time::timeout(GENEROUS, trickler)
        .await
        .expect("the server closed the connection")
        .unwrap();

    assert_others_are_served(&server).await;
    let metrics = server.get("/metrics").await.text();
    assert!(
        metrics.contains(r#"recipe_http_errors_total{status="408"} 1"#),
        "{metrics}"
    );
    server.stop().await;
}

#[tokio::test]
async fn headers_trickled_a_byte_at_a_time_are_cut_off() {
    let server = server(FAR_AWAY, CUT_OFF).await;
    let stream = TcpStream::connect(server.address).await.unwrap();
    let (reader, writer) = stream.into_split();
    let headers = format!(
        "GET /healthz HTTP/1.1\r\nHost: test\r\nX-Slow: {}\r\n\r\n",
        "a".repeat(400)
    );
    let trickler = trickle(writer, headers.into_bytes());
    assert_others_are_served(&server).await;

    let response = tokio::time::timeout(GENEROUS, read_until_closed(reader))
        .await
        .expect("the slow headers are cut off");
    // hyper closes the connection without an answer: the request never
    // became one.
    assert!(
        !String::from_utf8_lossy(&response).contains("200 OK"),
        "the request was never served"
    );
    tokio::time::timeout(GENEROUS, trickler)
        .await
        .expect("the server closed the connection")
        .unwrap();
    assert_others_are_served(&server).await;
    server.stop().await;
}

#[tokio::test]
async fn a_prompt_request_is_not_cut_off() {
    let server = server(CUT_OFF, CUT_OFF).await;
    // A connection kept alive across requests, each one prompt.
    for _ in 0..3 {
        assert_eq!(server.get("/healthz").await.status, StatusCode::OK);
    }
    assert_eq!(
        server
            .post("/recipes", super::body(&super::pie()))
            .await
            .status,
        StatusCode::CREATED
    );
    server.stop().await;
}
