//! The scenarios, written once and run against every deployment.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::harness::{Pipeline, Service};

/// The original every make below is cooked from: the bundled Apple Pie.
pub(crate) const PIE: &str = include_str!("../../../examples/data/apple-pie.json");

/// Make number `n`: odd ones name their `makeId`, even ones are given the
/// next id of the recipe and are one make per object version. Each has a
/// different amount of cinnamon.
///
/// The named ids are a million apart: ids given meanwhile to even makes
/// fill the gaps, and never take an id that a make still to arrive names
/// (which would be a conflict, refused as it should be).
pub(crate) fn make(n: usize) -> String {
    let id = if n % 2 == 1 {
        format!(r#""makeId": {},"#, (n + 1) * 1_000_000)
    } else {
        String::new()
    };
    format!(
        r#"{{"recipeName": "Apple Pie", "recipeId": 1, {id} "rating": 4,
  "ingredients": [
    {{"ingredientId": 1, "quantity": 1, "measurement": "unit", "ingredientName": "pie crust"}},
    {{"ingredientId": 2, "quantity": 5, "measurement": "unit", "ingredientName": "apples"}},
    {{"ingredientId": 3, "quantity": {}, "measurement": "tsp", "ingredientName": "cinnamon"}}],
  "steps": [
    {{"stepId": 1, "stepText": "Gather ingredients"}},
    {{"stepId": 2, "stepText": "Make the pie"}}]
}}"#,
        1.0 + n as f64
    )
}

/// Sorted, timestamp-like keys.
pub(crate) fn make_key(n: usize) -> String {
    format!("makes/{n:05}.json")
}

async fn drop_makes(pipeline: &Pipeline, range: std::ops::Range<usize>) {
    for n in range {
        pipeline.drop_document(&make_key(n), make(n)).await;
    }
}

/// Every stored make is distinct and carries its differences.
fn assert_distinct_with_differences(makes: &[recipe_ports::records::MakeRecord]) {
    let ids: BTreeSet<i64> = makes.iter().map(|m| m.make_id).collect();
    assert_eq!(ids.len(), makes.len(), "no make is stored twice");
    for make in makes {
        // The skipped oven step, the rating and the cinnamon, every time.
        assert!(make.differences.change_count() >= 2, "{make:?}");
        assert_eq!(make.differences.recipe_id, Some(1));
    }
}

/// 500 makes dropped → exactly 500 make records with differences.
pub(crate) async fn five_hundred_makes(mut pipeline: Pipeline) {
    pipeline.drop_document("recipes/apple-pie.json", PIE).await;
    pipeline.start_all().await;
    drop_makes(&pipeline, 0..500).await;
    let makes = pipeline
        .expect_makes(1, 500, Duration::from_secs(120))
        .await;
    assert_distinct_with_differences(&makes);
}

/// The watcher killed (SIGKILL) mid-run and restarted: none missed, none
/// doubled, including keys that sort before ones already seen.
pub(crate) async fn watcher_killed_and_restarted(mut pipeline: Pipeline) {
    pipeline.drop_document("recipes/apple-pie.json", PIE).await;
    pipeline.start_all().await;
    drop_makes(&pipeline, 100..200).await;
    wait_for_at_least(&pipeline, 20).await;
    pipeline.kill(Service::Watcher);
    drop_makes(&pipeline, 200..250).await;
    // Keys sorting before everything announced so far.
    for n in 0..30 {
        pipeline
            .drop_document(&format!("makes/0000{n:02}-late.json"), make(1000 + n))
            .await;
    }
    pipeline.start(Service::Watcher).await;
    let makes = pipeline
        .expect_makes(1, 180, Duration::from_secs(120))
        .await;
    assert_distinct_with_differences(&makes);
}

/// The sender killed (SIGKILL) mid-batch: every make stored exactly once.
pub(crate) async fn sender_killed_mid_batch(mut pipeline: Pipeline) {
    pipeline.drop_document("recipes/apple-pie.json", PIE).await;
    pipeline.start_all().await;
    drop_makes(&pipeline, 0..300).await;
    wait_for_at_least(&pipeline, 30).await;
    pipeline.kill(Service::Sender);
    pipeline.start(Service::Sender).await;
    let makes = pipeline
        .expect_makes(1, 300, Duration::from_secs(120))
        .await;
    assert_distinct_with_differences(&makes);
}

/// SIGTERM to the sender mid-run: it stops receiving, finishes what is in
/// flight and exits cleanly; a new sender finishes the rest.
pub(crate) async fn sender_drains_on_sigterm(mut pipeline: Pipeline) {
    pipeline.drop_document("recipes/apple-pie.json", PIE).await;
    pipeline.start_all().await;
    drop_makes(&pipeline, 0..200).await;
    wait_for_at_least(&pipeline, 20).await;
    let status = pipeline.terminate(Service::Sender);
    assert!(
        status.success(),
        "the sender exits cleanly: {status}\n{}",
        pipeline.logs()
    );
    pipeline.start(Service::Sender).await;
    let makes = pipeline
        .expect_makes(1, 200, Duration::from_secs(120))
        .await;
    assert_distinct_with_differences(&makes);
}

/// The server down for 20 s: everything arrives after it returns, and
/// nothing is dead-lettered for the outage.
pub(crate) async fn server_down_for_twenty_seconds(mut pipeline: Pipeline) {
    pipeline.drop_document("recipes/apple-pie.json", PIE).await;
    pipeline.start_all().await;
    drop_makes(&pipeline, 0..20).await;
    pipeline.expect_makes(1, 20, Duration::from_secs(60)).await;
    pipeline.kill(Service::Server);
    drop_makes(&pipeline, 20..70).await;
    tokio::time::sleep(Duration::from_secs(20)).await;
    pipeline.start(Service::Server).await;
    let makes = pipeline.expect_makes(1, 70, Duration::from_secs(120)).await;
    assert_distinct_with_differences(&makes);
    assert!((pipeline.deployment.dead_letters)().await.is_empty());
}

/// The sender's API token refused by the server (the server's token
/// changed under it): nothing is stored and nothing dead-lettered, the
/// sender's `/readyz` says why; once the server takes the token again,
/// every document flows.
pub(crate) async fn a_refused_token_holds_the_sender(mut pipeline: Pipeline) {
    pipeline.set_env("RECIPE_API_TOKEN", "the server's token");
    pipeline.start(Service::Server).await;
    pipeline.start(Service::Watcher).await;
    let health = crate::support::free_port();
    pipeline.set_env("RECIPE_API_TOKEN", "the sender's token");
    pipeline.set_env("RECIPE_HEALTH_LISTEN", &format!("127.0.0.1:{health}"));
    pipeline.start(Service::Sender).await;
    pipeline.drop_document("recipes/apple-pie.json", PIE).await;
    drop_makes(&pipeline, 0..20).await;

    let readyz = format!("http://127.0.0.1:{health}/readyz");
    let deadline = Instant::now() + Duration::from_secs(30);
    let said = loop {
        if let Ok(response) = reqwest::get(&readyz).await
            && response.status() == reqwest::StatusCode::SERVICE_UNAVAILABLE
            && let Ok(body) = response.text().await
            && body.contains("refuses this sender's API token")
        {
            break body;
        }
        assert!(
            Instant::now() < deadline,
            "the sender's /readyz never said why it holds:\n{}",
            pipeline.logs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(said.starts_with("not ready: "), "{said}");
    // Long enough for five receives of every message, were they retried.
    tokio::time::sleep(Duration::from_secs(8)).await;
    assert!((pipeline.deployment.dead_letters)().await.is_empty());
    assert!(pipeline.makes(1).await.is_empty());
    assert!(
        pipeline.logs().contains("refuses this sender's API token"),
        "the sender says so in its log"
    );

    // The server restarted with the sender's token: everything arrives.
    pipeline.kill(Service::Server);
    pipeline.set_env("RECIPE_API_TOKEN", "the sender's token");
    pipeline.start(Service::Server).await;
    let makes = pipeline.expect_makes(1, 20, Duration::from_secs(60)).await;
    assert_distinct_with_differences(&makes);
    assert!((pipeline.deployment.dead_letters)().await.is_empty());
    let ready = reqwest::get(&readyz).await.expect("the sender answers");
    assert_eq!(ready.status(), reqwest::StatusCode::OK);
}

/// A malformed file and a make for an unknown recipe are dead-lettered with
/// their reasons; the rest flows on.
pub(crate) async fn bad_documents_are_set_aside_with_reasons(mut pipeline: Pipeline) {
    pipeline.drop_document("recipes/apple-pie.json", PIE).await;
    pipeline.start_all().await;
    pipeline
        .drop_document("makes/broken.json", "{\"recipeName\": \"Apple Pie\", ")
        .await;
    pipeline
        .drop_document(
            "makes/wrong-type.json",
            r#"{"recipeName": "Apple Pie", "recipeId": 1, "ingredients": [{"quantity": true, "ingredientName": "x"}]}"#,
        )
        .await;
    pipeline
        .drop_document(
            "makes/orphan.json",
            make(7).replace("\"recipeId\": 1", "\"recipeId\": 999"),
        )
        .await;
    // Another make under the `makeId` of make 1: whichever of the two
    // arrives second is refused, never merged into the first.
    pipeline
        .drop_document(
            "makes/impostor.json",
            make(1).replace("\"rating\": 4", "\"rating\": 1"),
        )
        .await;
    drop_makes(&pipeline, 0..10).await;
    pipeline.expect_makes(1, 10, Duration::from_secs(60)).await;
    // The orphan is retried with a backoff (its recipe may still arrive),
    // then dead-lettered: 1 + 2 + 4 + 8 seconds.
    let letters = pipeline
        .expect_dead_letters(3, Duration::from_secs(90))
        .await;
    let rejections: serde_json::Value = serde_json::from_str(
        &reqwest::get(format!("{}/rejections", pipeline.base_url()))
            .await
            .expect("the server answers")
            .text()
            .await
            .expect("a body"),
    )
    .expect("the rejections are JSON");
    // The server refused it for good and recorded why; the sender settled
    // the message rather than dead-letter it.
    let conflict = rejections["items"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|r| {
            r["reason"]
                .as_str()
                .unwrap_or("")
                .contains("exists already")
        })
        .unwrap_or_else(|| panic!("the server recorded the refusal: {rejections}"));
    assert!(
        conflict["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("make 2000000 of recipe 1 exists already with other contents"),
        "{conflict}"
    );
    let reason = |key: &str| {
        letters
            .iter()
            .find(|(body, _)| body.contains(key))
            .map(|(_, reason)| reason.clone())
            .unwrap_or_else(|| panic!("no dead letter for {key}: {letters:?}"))
    };
    assert!(
        reason("broken.json").contains("malformed JSON at line"),
        "{letters:?}"
    );
    assert!(
        reason("wrong-type.json").contains("ingredients[0].quantity"),
        "{letters:?}"
    );
    let orphan = reason("orphan.json");
    assert!(orphan.contains("gave up after 5 attempts"), "{orphan}");
    assert!(orphan.contains("999"), "{orphan}");
}

async fn wait_for_at_least(pipeline: &Pipeline, count: usize) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while pipeline.makes(1).await.len() < count {
        assert!(
            std::time::Instant::now() < deadline,
            "fewer than {count} makes arrived\n{}",
            pipeline.logs()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The REST API of the real server binary over the deployment's store:
/// every endpoint, auth on writes, JSON errors with paths, 413, 404, 409,
/// and idempotent makes.
pub(crate) async fn api_over_the_store(mut pipeline: Pipeline) {
    pipeline.set_env("RECIPE_API_TOKEN", "s3cret-t0ken");
    pipeline.set_env("RECIPE_MAX_BODY_BYTES", "8192");
    pipeline.start(Service::Server).await;
    let base = pipeline.base_url();
    let client = reqwest::Client::new();
    let send = |method: reqwest::Method, path: &str, body: Option<String>, token: bool| {
        let mut request = client.request(method, format!("{base}{path}"));
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        if token {
            request = request.bearer_auth("s3cret-t0ken");
        }
        async move {
            let response = request.send().await.expect("the server answers");
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            (status, text)
        }
    };
    use reqwest::Method;
    let json = |text: &str| -> serde_json::Value { serde_json::from_str(text).unwrap_or_default() };

    let (status, body) = send(Method::POST, "/recipes", Some(PIE.to_owned()), false).await;
    assert_eq!(status, 401, "writes need the token: {body}");
    assert!(json(&body)["error"].is_string());
    assert_eq!(
        send(Method::POST, "/recipes", Some(PIE.to_owned()), true)
            .await
            .0,
        201
    );
    assert_eq!(
        send(Method::POST, "/recipes", Some(PIE.to_owned()), true)
            .await
            .0,
        409
    );
    let renamed = PIE.replace("Apple Pie", "Apple Tart");
    assert_eq!(
        send(Method::PUT, "/recipes/1", Some(renamed), true).await.0,
        200
    );
    let (status, body) = send(Method::GET, "/recipes/1", None, false).await;
    assert_eq!(status, 200, "reads are open");
    assert_eq!(json(&body)["recipeName"], "Apple Tart");
    assert_eq!(send(Method::GET, "/recipes", None, false).await.0, 200);
    assert_eq!(send(Method::GET, "/recipes/99", None, false).await.0, 404);

    let bad = r#"{"recipeName": "Apple Tart", "recipeId": 1, "ingredients": [{"quantity": true, "ingredientName": "x"}]}"#;
    let (status, body) = send(Method::POST, "/recipes/1/makes", Some(bad.to_owned()), true).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(json(&body)["path"], "ingredients[0].quantity", "{body}");
    let (status, body) = send(
        Method::POST,
        "/recipes/1/makes",
        Some("x".repeat(10_000)),
        true,
    )
    .await;
    assert_eq!(status, 413, "{body}");
    assert!(json(&body)["error"].is_string(), "{body}");

    let (status, body) = send(Method::POST, "/recipes/1/makes", Some(make(3)), true).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(json(&body)["makeId"], 4_000_000, "{body}");
    let (status, _) = send(Method::POST, "/recipes/1/makes", Some(make(3)), true).await;
    assert_eq!(status, 200, "a redelivered make is the same make");
    assert_eq!(pipeline.makes(1).await.len(), 1, "stored once");
    let impostor = make(3).replace("\"rating\": 4", "\"rating\": 1");
    let (status, body) = send(Method::POST, "/recipes/1/makes", Some(impostor), true).await;
    assert_eq!(status, 409, "another make under a taken id: {body}");
    // The same make cooked twice, posted without an id: two makes.
    for expected in [4_000_001, 4_000_002] {
        let (status, body) = send(Method::POST, "/recipes/1/makes", Some(make(2)), true).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(json(&body)["makeId"], expected, "{body}");
    }
    assert_eq!(pipeline.makes(1).await.len(), 3);
    let (status, body) = send(
        Method::GET,
        "/recipes/1/makes/4000000/differences?format=full",
        None,
        false,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(json(&body)["rating"]["make"], 4.0, "{body}");
    let (status, body) = send(
        Method::GET,
        "/recipes/1/makes/4000000/differences",
        None,
        false,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        json(&body)[1]["recipeField"],
        "rating",
        "the flat list: {body}"
    );
    let (status, body) = send(Method::GET, "/recipes/1/analytics", None, false).await;
    assert_eq!(status, 200, "{body}");
    let analytics = json(&body);
    assert_eq!(analytics["makeCount"], 3, "{body}");
    assert_eq!(
        analytics["ingredients"][0]["more"], 3,
        "more cinnamon: {body}"
    );
    assert_eq!(analytics["steps"][0]["skipped"], 3, "the oven step: {body}");
    let (_, body) = send(Method::GET, "/analytics", None, false).await;
    assert_eq!(json(&body)["makeCount"], 3, "{body}");
    assert_eq!(
        send(Method::GET, "/recipes/1/makes", None, false).await.0,
        200
    );
    assert_eq!(
        send(Method::GET, "/recipes/1/makes/4000000", None, false)
            .await
            .0,
        200
    );
    assert_eq!(
        send(Method::GET, "/recipes/1/makes/4", None, false).await.0,
        404
    );

    let (status, body) = send(Method::GET, "/openapi.json", None, false).await;
    assert_eq!(status, 200);
    let paths = json(&body)["paths"]
        .as_object()
        .map(|p| p.len())
        .unwrap_or(0);
    assert!(paths >= 6, "the document lists the API: {paths} paths");
    for path in ["/healthz", "/readyz", "/metrics"] {
        assert_eq!(send(Method::GET, path, None, false).await.0, 200, "{path}");
    }
}
