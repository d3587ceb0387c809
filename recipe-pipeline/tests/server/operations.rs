//! Health, readiness, metrics, analytics, and stopping on a signal.

use super::*;

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
async fn serve_returns_after_the_shutdown_signal() {
    let server = TestServer::start().await;
    assert_eq!(server.get("/healthz").await.status, StatusCode::OK);
    tokio::time::timeout(std::time::Duration::from_secs(10), server.stop())
        .await
        .expect("serve stops once signalled");
}

/// A store whose backend is down.
struct UnavailableStore;

fn down<T>() -> recipe_ports::Result<T> {
    Err(recipe_ports::Error::Unavailable {
        backend: "test",
        message: "disk on fire".into(),
    })
}

#[async_trait]
impl RecordStore for UnavailableStore {
    async fn ping(&self) -> recipe_ports::Result<()> {
        down()
    }
    async fn put_version(&self, _: &RecipeVersion) -> recipe_ports::Result<VersionWritten> {
        down()
    }
    async fn latest_version(&self, _: i64) -> recipe_ports::Result<Option<RecipeVersion>> {
        down()
    }
    async fn recipe_version(&self, _: i64, _: i64) -> recipe_ports::Result<Option<RecipeVersion>> {
        down()
    }
    async fn versions(
        &self,
        _: i64,
        _: &PageRequest<i64>,
    ) -> recipe_ports::Result<Page<RecipeVersion, i64>> {
        down()
    }
    async fn recipes_page(&self, _: &PageRequest<i64>) -> recipe_ports::Result<Page<Recipe, i64>> {
        down()
    }
    async fn put_make(
        &self,
        _: &MakeIdentity,
        _: &MakeRecord,
    ) -> recipe_ports::Result<MakeWritten> {
        down()
    }
    async fn make(&self, _: i64, _: i64) -> recipe_ports::Result<Option<MakeRecord>> {
        down()
    }
    async fn makes_page(
        &self,
        _: i64,
        _: Option<i64>,
        _: &PageRequest<i64>,
    ) -> recipe_ports::Result<Page<MakeRecord, i64>> {
        down()
    }
    async fn aggregates(
        &self,
        _: i64,
    ) -> recipe_ports::Result<Vec<recipe_ports::aggregate::VersionAggregate>> {
        down()
    }
    async fn rebuild_aggregates(
        &self,
        _: i64,
    ) -> recipe_ports::Result<recipe_ports::aggregate::Rebuilt> {
        down()
    }
    async fn recipe_id_for_source(&self, _: &str) -> recipe_ports::Result<i64> {
        down()
    }
    async fn put_rejection(&self, _: &Rejection) -> recipe_ports::Result<()> {
        down()
    }
    async fn rejections_page(
        &self,
        _: &PageRequest<String>,
    ) -> recipe_ports::Result<Page<Rejection, String>> {
        down()
    }
    async fn delete_makes(&self, _: i64, _: &[i64]) -> recipe_ports::Result<u64> {
        down()
    }
    async fn delete_versions(&self, _: i64, _: &[i64]) -> recipe_ports::Result<u64> {
        down()
    }
    async fn delete_rejections_before(&self, _: &str) -> recipe_ports::Result<u64> {
        down()
    }
}

#[tokio::test]
async fn the_token_check_answers_whether_writes_would_be_taken() {
    let server = TestServer::with_token().await;
    let taken = server.post("/auth/check", "{}").await;
    assert_eq!(taken.status, StatusCode::NO_CONTENT, "{}", taken.text());
    let anonymous = server
        .send(
            Method::POST,
            "/auth/check",
            &[("content-type", "application/json")],
            "{}",
        )
        .await;
    assert_eq!(
        anonymous.error_path(StatusCode::UNAUTHORIZED),
        "/auth/check"
    );
    let wrong = server
        .send(
            Method::POST,
            "/auth/check",
            &[
                ("content-type", "application/json"),
                ("authorization", "Bearer not-the-token"),
            ],
            "{}",
        )
        .await;
    assert_eq!(wrong.error_path(StatusCode::UNAUTHORIZED), "/auth/check");
    // A write like any other: JSON only.
    let plain = server
        .write(
            Method::POST,
            "/auth/check",
            &[("content-type", "text/plain")],
            "{}",
        )
        .await;
    assert_eq!(
        plain.error_path(StatusCode::UNSUPPORTED_MEDIA_TYPE),
        "/auth/check"
    );
    // Without a token configured, every caller's writes are taken.
    let open = TestServer::start().await;
    let reply = open.post("/auth/check", "{}").await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
}
