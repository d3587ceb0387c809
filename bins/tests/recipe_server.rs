//! The `recipe-server` process: it starts, answers, and stops cleanly on
//! SIGTERM, as Kubernetes stops it.

#![cfg(unix)]
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Kills the server if the test fails before stopping it.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(address: &str, path: &str) -> String {
    request(address, &format!("GET {path} HTTP/1.1\r\n"), "")
}

/// Sends `head` (request line and headers) and `body`, and reads the whole
/// response.
fn request(address: &str, head: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{head}Host: test\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// The value of the response header `name` (lower case).
fn response_header(response: &str, name: &str) -> String {
    let head = response.split("\r\n\r\n").next().unwrap();
    head.lines()
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_else(|| panic!("no {name} header in {head}"))
}

#[test]
fn serves_logs_request_ids_and_stops_on_sigterm() {
    let child = Command::new(env!("CARGO_BIN_EXE_recipe-server"))
        .args(["--listen", "127.0.0.1:0", "--records-backend", "memory"])
        .env("RECIPE_LOG_FORMAT", "json")
        .env("RECIPE_API_TOKEN", "never-logged-t0ken")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut server = Server(child);

    // Log lines arrive on a thread, so a silent server fails the test
    // after a timeout instead of hanging it.
    let logs = server.0.stderr.take().unwrap();
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(logs).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut log = Vec::new();
    let address = loop {
        let line = received.recv_timeout(Duration::from_secs(30)).unwrap();
        let entry: serde_json::Value = serde_json::from_str(&line).unwrap();
        log.push(line);
        if let Some(address) = entry["address"].as_str() {
            break address.to_owned();
        }
    };

    let health = get(&address, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.ends_with(r#"{"status":"ok"}"#), "{health}");

    // A request id the client chose, and one the server makes for a write
    // that presents the token.
    let chosen = request(
        &address,
        "GET /recipes HTTP/1.1\r\nX-Request-Id: trace-me-42\r\n",
        "",
    );
    assert!(chosen.starts_with("HTTP/1.1 200"), "{chosen}");
    assert_eq!(response_header(&chosen, "x-request-id"), "trace-me-42");
    let recipe = r#"{"recipeName": "Toast", "recipeId": 3, "steps": [{"stepText": "Toast"}]}"#;
    let write = request(
        &address,
        "POST /recipes HTTP/1.1\r\nAuthorization: Bearer never-logged-t0ken\r\n\
         Content-Type: application/json\r\n",
        recipe,
    );
    assert!(write.starts_with("HTTP/1.1 201"), "{write}");
    let generated = response_header(&write, "x-request-id");
    assert_eq!(generated.len(), 36, "a UUID: {generated}");

    let pid = server.0.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");

    // The process is gone, so its log stream ends and the reader thread with it.
    log.extend(received.iter());
    // Every request's log lines carry its id, as a field of its span.
    for id in ["trace-me-42", generated.as_str()] {
        let lines: Vec<serde_json::Value> = log
            .iter()
            .filter_map(|line| serde_json::from_str(line).ok())
            .filter(|entry: &serde_json::Value| entry["span"]["request_id"] == id)
            .collect();
        assert!(
            !lines.is_empty(),
            "no log line carries {id}:\n{}",
            log.join("\n")
        );
        assert!(
            lines.iter().any(|entry| entry["status"].is_u64()),
            "the response's line carries {id}"
        );
    }
    let log = log.join("\n");
    assert!(log.contains("stopped"), "{log}");
    assert!(!log.contains("never-logged-t0ken"), "{log}");
}
