//! The AWS pipeline (watcher, sender and server binaries) through the
//! fault-injecting proxy in front of moto: for a window, three requests in
//! ten fail with throttling and server errors, some after taking effect.
//! The SDK's retries ride it out: every make is stored exactly once,
//! nothing is dead-lettered.

use std::time::Duration;

use crate::harness::Pipeline;
use crate::moto::Moto;
use crate::on_moto;
use crate::proxy::{FaultProxy, Service};
use crate::scenarios::{PIE, make, make_key};

/// How many makes stream through.
const MAKES: usize = 150;
/// How long the proxy injects faults once the stream starts.
const FAULT_WINDOW: Duration = Duration::from_secs(15);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_and_server_errors_are_ridden_out() {
    let proxy = FaultProxy::start(&Moto::shared().url()).await;
    let mut pipeline = Pipeline::new(
        // Short, so a lost ReceiveMessage answer hides its messages only
        // briefly.
        on_moto::deployment(proxy.url(), Duration::from_secs(5)).await,
    );
    pipeline.drop_document("recipes/apple-pie.json", PIE).await;
    pipeline.start_all().await;
    // The recipe first, so no make waits for it: every retry below is a
    // fault's doing.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !matches!(pipeline.deployment.records.recipe(1).await, Ok(Some(_))) {
        assert!(
            std::time::Instant::now() < deadline,
            "the recipe was not stored within 60 s\n{}",
            pipeline.logs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    proxy.set_faulting(true);
    // Streamed across the window, so every stage meets the faults.
    let pace = FAULT_WINDOW / MAKES as u32;
    for n in 0..MAKES {
        pipeline.drop_document(&make_key(n), make(n)).await;
        tokio::time::sleep(pace).await;
    }
    proxy.set_faulting(false);
    let during = proxy.counters();
    eprintln!("faults injected during the window: {during:?}");

    let makes = pipeline
        .expect_makes(1, MAKES, Duration::from_secs(120))
        .await;
    let ids: std::collections::BTreeSet<i64> = makes.iter().map(|m| m.make_id).collect();
    assert_eq!(ids.len(), MAKES, "no make is stored twice");
    // The SDK's retries absorbed every fault: no failed AWS call reached
    // the pipeline, which would have answered 503 (server) or put a claim
    // back for a later receive (sender), spending receives towards the
    // dead-letter queue.
    let metrics = reqwest::get(format!("{}/metrics", pipeline.base_url()))
        .await
        .expect("the server answers")
        .text()
        .await
        .expect("metrics are text");
    let unavailable: Vec<&str> = metrics
        .lines()
        .filter(|l| l.starts_with("recipe_http_errors_total{status=\"503\"}"))
        .collect();
    let sender_log = std::fs::read_to_string(pipeline.deployment.scratch.path().join("sender.log"))
        .unwrap_or_default();
    let surfaced: Vec<&str> = sender_log
        .lines()
        .filter(|l| l.contains("will retry") || l.contains("receiving failed"))
        .collect();
    assert!(
        unavailable.is_empty() && surfaced.is_empty(),
        "AWS failures got past the SDK's retries: server {unavailable:?}, \
         sender {} times:\n{}",
        surfaced.len(),
        surfaced.join("\n")
    );
    let dead = (pipeline.deployment.dead_letters)().await;
    assert!(
        dead.is_empty(),
        "nothing is dead-lettered, found {}\n{}",
        dead.len(),
        pipeline.logs()
    );
    for service in [Service::S3, Service::Sqs, Service::DynamoDb] {
        assert!(
            during.faults(service) > 0,
            "faults were injected into {service:?}: {during:?}"
        );
    }
}
