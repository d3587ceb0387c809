//! `recipe up` as a person uses it: start it, see the seeded makes, drop a
//! make into the bucket folder, read its differences, stop it with a
//! signal, start it again on the same data.

use std::process::Command;
use std::time::{Duration, Instant};

use support::{Running, free_port, start_up};

mod support;

fn stop(mut up: Running) {
    let pid = up.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs")
            .success()
    );
    let status = up.0.wait().expect("recipe up can be waited for");
    assert!(
        status.success(),
        "recipe up exits cleanly on SIGTERM: {status}"
    );
}

async fn get_json(url: &str) -> Option<serde_json::Value> {
    let response = reqwest::get(url).await.ok()?;
    if !response.status().is_success() {
        return None;
    }
    serde_json::from_str(&response.text().await.ok()?).ok()
}

/// Polls `url` until it answers 200 with JSON that `accept` likes.
async fn eventually(url: &str, accept: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(value) = get_json(url).await
            && accept(&value)
        {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "{url} never answered as expected"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn count(value: &serde_json::Value) -> usize {
    value.as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn seeds_serves_a_dropped_make_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");

    let up = start_up(&data, port);
    // The first run seeds three recipes and four makes.
    eventually(&format!("{base}/recipes"), |v| count(v) == 3).await;
    eventually(&format!("{base}/recipes/2/makes"), |v| count(v) == 2).await;

    // A make dropped into the folder shows its differences within seconds.
    let make = std::fs::read_to_string("../examples/data/apple-pie.make.json")
        .unwrap()
        .replace("\"makeId\": 1", "\"makeId\": 77");
    std::fs::write(data.join("bucket/makes/dropped.json"), make).unwrap();
    let differences = eventually(&format!("{base}/recipes/1/makes/77/differences"), |_| true).await;
    assert_eq!(differences["rating"]["make"], 4.0);
    assert_eq!(differences["steps"][0]["kind"], "removed");
    assert_eq!(
        differences["steps"][0]["step"]["stepText"],
        "Pre heat oven to 350 degrees"
    );
    stop(up);

    // A second run resumes: nothing seeded again, nothing doubled.
    let up = start_up(&data, port);
    let makes = eventually(&format!("{base}/recipes/1/makes"), |v| count(v) >= 2).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let again = get_json(&format!("{base}/recipes/1/makes")).await.unwrap();
    assert_eq!(count(&makes), 2, "{makes}");
    assert_eq!(count(&again), 2, "{again}");
    stop(up);
}
