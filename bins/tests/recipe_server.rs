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
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn serves_and_stops_on_sigterm() {
    let child = Command::new(env!("CARGO_BIN_EXE_recipe-server"))
        .args(["--listen", "127.0.0.1:0", "--store", "memory"])
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
    let log = log.join("\n");
    assert!(log.contains("stopped"), "{log}");
    assert!(!log.contains("never-logged-t0ken"), "{log}");
}
