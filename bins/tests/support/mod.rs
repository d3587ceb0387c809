//! What the integration tests share: loopback ports, child processes that
//! die with the test, and `recipe up`. Each test binary uses part of it.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A child process killed when the test ends, however it ends.
pub(crate) struct Running(pub(crate) Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A loopback port nobody listens on right now.
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// The command that runs `recipe up` on `data` (seeded on its first run)
/// and `port`, polling the bucket fast; where its output goes is the
/// caller's choice.
pub(crate) fn up_command(data: &Path, port: u16) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_recipe"));
    command
        .args([
            "up",
            "--port",
            &port.to_string(),
            "--poll-interval-ms",
            "100",
        ])
        .arg("--data")
        .arg(data)
        .stdin(Stdio::null());
    command
}

/// `recipe up` on `data` (seeded on its first run), quiet, polling fast.
pub(crate) fn start_up(data: &Path, port: u16) -> Running {
    Running(
        up_command(data, port)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("recipe up starts"),
    )
}
