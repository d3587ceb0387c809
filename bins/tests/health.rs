//! The health listener of `recipe-watcher` (the sender shares the module):
//! `/healthz` and `/readyz` answer once it runs, and it still stops cleanly
//! on SIGTERM.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{Running, free_port};

mod support;

/// Polls `url` until it answers 200, and returns the body.
async fn eventually_ok(url: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(response) = reqwest::get(url).await
            && response.status().is_success()
        {
            return response.text().await.expect("a body");
        }
        assert!(Instant::now() < deadline, "{url} never answered 200");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn watcher_answers_health_probes_and_stops_on_sigterm() {
    let data = tempfile::tempdir().expect("a temporary directory");
    let port = free_port();
    let mut watcher = Running(
        Command::new(env!("CARGO_BIN_EXE_recipe-watcher"))
            .arg("--data-dir")
            .arg(data.path())
            .args(["--health-listen", &format!("127.0.0.1:{port}")])
            .env_remove("RECIPE_HEALTH_LISTEN")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("recipe-watcher starts"),
    );
    let base = format!("http://127.0.0.1:{port}");
    assert_eq!(eventually_ok(&format!("{base}/healthz")).await, "ok");
    assert_eq!(eventually_ok(&format!("{base}/readyz")).await, "ready");

    let status = Command::new("kill")
        .args(["-TERM", &watcher.0.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let exit = watcher.0.wait().expect("recipe-watcher can be waited for");
    assert!(
        exit.success(),
        "recipe-watcher exits cleanly on SIGTERM: {exit}"
    );
}
