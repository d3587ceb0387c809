//! The token on writes, the security headers, CORS and request ids.

use super::*;

#[tokio::test]
async fn writes_need_the_token_and_reads_do_not() {
    let server = TestServer::with_token().await;
    let writes = [
        (Method::POST, "/recipes"),
        (Method::PUT, "/recipes/1"),
        (Method::POST, "/recipes/1/makes"),
    ];
    for (method, path) in &writes {
        for authorization in [None, Some("Bearer wrong"), Some(TOKEN)] {
            let headers: Vec<(&str, &str)> = authorization
                .map(|value| ("authorization", value))
                .into_iter()
                .collect();
            let reply = server
                .send(method.clone(), path, &headers, body(&pie()))
                .await;
            assert_eq!(
                reply.error_path(StatusCode::UNAUTHORIZED),
                *path,
                "{method} {path} with {authorization:?}"
            );
            assert_eq!(reply.headers[header::WWW_AUTHENTICATE], "Bearer");
        }
    }
    assert!(
        server
            .get("/metrics")
            .await
            .text()
            .contains(r#"recipe_http_errors_total{status="401"} 9"#)
    );

    let created = server.post("/recipes", body(&pie())).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let replaced = server
        .write(Method::PUT, "/recipes/1", &[], body(&pie()))
        .await;
    assert_eq!(replaced.status, StatusCode::OK);
    let make = server.post("/recipes/1/makes", body(&make(Some(1)))).await;
    assert_eq!(make.status, StatusCode::CREATED);

    for path in [
        "/recipes",
        "/recipes/1",
        "/recipes/1/makes",
        "/recipes/1/makes/1",
        "/recipes/1/makes/1/differences",
        "/rejections",
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
    ] {
        assert_eq!(server.get(path).await.status, StatusCode::OK, "{path}");
    }
}

/// What the document says and what the server does agree: an operation
/// answers 401 without the token exactly when the document names the
/// bearer scheme for it.
#[tokio::test]
async fn the_token_is_needed_exactly_where_the_document_says() {
    let server = TestServer::with_token().await;
    let doc = server.get("/openapi.json").await.json();
    let mut open_writes = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let concrete = path.replace("{recipeId}", "1").replace("{makeId}", "1");
        for (method, operation) in item.as_object().unwrap() {
            let method: Method = method.to_uppercase().parse().unwrap();
            let reply = server
                .send(
                    method.clone(),
                    &concrete,
                    &[("content-type", "application/json")],
                    body(&json!({"original": pie(), "make": pie()})),
                )
                .await;
            let documented = operation.get("security").is_some();
            assert_eq!(
                reply.status == StatusCode::UNAUTHORIZED,
                documented,
                "{method} {path}: {}",
                reply.text()
            );
            if method != Method::GET && !documented {
                open_writes.push(format!("{method} {path}"));
            }
        }
    }
    assert_eq!(open_writes, ["POST /diff"]);
}

/// Asserts the security headers every response carries; `dashboard`
/// responses keep the dashboard's own, richer policy.
fn assert_security_headers(reply: &Reply, what: &str, dashboard: bool) {
    let header = |name: &str| {
        reply.headers.get(name).map_or_else(
            || panic!("{what}: no {name} header in {:?}", reply.headers),
            |value| value.to_str().unwrap().to_owned(),
        )
    };
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header("referrer-policy"), "no-referrer", "{what}");
    let policy = header("content-security-policy");
    assert!(
        policy.contains("frame-ancestors 'none'"),
        "{what}: {policy}"
    );
    assert!(!policy.contains("unsafe-inline"), "{what}: {policy}");
    if dashboard {
        assert!(policy.contains("script-src 'self'"), "{what}: {policy}");
    } else {
        assert_eq!(
            policy, "default-src 'none'; frame-ancestors 'none'",
            "{what}"
        );
    }
    let cors: Vec<_> = reply
        .headers
        .keys()
        .filter(|name| name.as_str().starts_with("access-control-"))
        .collect();
    assert!(
        cors.is_empty(),
        "{what}: CORS headers without CORS: {cors:?}"
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let server = TestServer::with_token().await;
    assert_eq!(
        server.post("/recipes", body(&pie())).await.status,
        StatusCode::CREATED
    );
    let created = server.post("/recipes/1/makes", body(&make(Some(1)))).await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_security_headers(&created, "POST /recipes/1/makes", false);
    let mut renamed = pie();
    renamed["recipeName"] = json!("Apple Tart");
    let replaced = server
        .write(Method::PUT, "/recipes/1", &[], body(&renamed))
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "version 2");

    // Every documented read, with its parameters naming stored records.
    let doc = server.get("/openapi.json").await.json();
    let mut reads = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if item.get("get").is_none() {
            continue;
        }
        let concrete = path
            .replace("{recipeId}", "1")
            .replace("{makeId}", "1")
            .replace("{version}", "2");
        let reply = server.get(&concrete).await;
        assert_eq!(reply.status, StatusCode::OK, "GET {concrete}");
        assert_security_headers(&reply, &format!("GET {concrete}"), false);
        reads += 1;
    }
    assert!(reads >= 12, "{reads} documented reads");

    // The writes, and each way a request can fail.
    let json = [("content-type", "application/json")];
    let oversized = format!(r#"{{"recipeName": "{}"}}"#, "x".repeat(2 * 1024 * 1024));
    let cases = [
        (
            Method::PUT,
            "/recipes/1",
            body(&pie()),
            true,
            StatusCode::OK,
        ),
        (
            Method::POST,
            "/recipes",
            body(&pie()),
            true,
            StatusCode::CONFLICT,
        ),
        (
            Method::POST,
            "/recipes",
            b"{".to_vec(),
            true,
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            "/recipes",
            body(&pie()),
            false,
            StatusCode::UNAUTHORIZED,
        ),
        (
            Method::POST,
            "/recipes",
            oversized.into_bytes(),
            true,
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            Method::GET,
            "/recipes/pie",
            Vec::new(),
            false,
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::GET,
            "/recipes/2",
            Vec::new(),
            false,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            "/no/such/route",
            Vec::new(),
            false,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::DELETE,
            "/recipes",
            Vec::new(),
            true,
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            Method::OPTIONS,
            "/recipes",
            Vec::new(),
            false,
            StatusCode::METHOD_NOT_ALLOWED,
        ),
    ];
    for (method, path, payload, authorized, status) in cases {
        let what = format!("{method} {path}");
        let reply = if authorized {
            server.write(method, path, &json, payload).await
        } else {
            server.send(method, path, &json, payload).await
        };
        assert_eq!(reply.status, status, "{what}: {}", reply.text());
        assert_security_headers(&reply, &what, false);
    }
    let unsupported = server
        .write(
            Method::POST,
            "/recipes",
            &[("content-type", "text/plain")],
            body(&pie()),
        )
        .await;
    assert_eq!(unsupported.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_security_headers(&unsupported, "a text/plain write", false);

    for asset in ["/", "/assets/app.js", "/assets/app.css", "/assets/icon.svg"] {
        let reply = server.get(asset).await;
        assert_eq!(reply.status, StatusCode::OK, "{asset}");
        assert_security_headers(&reply, asset, true);
    }
}

#[tokio::test]
async fn cors_is_off_unless_origins_are_configured() {
    let preflight = [
        ("origin", "https://cook.example"),
        ("access-control-request-method", "POST"),
        (
            "access-control-request-headers",
            "authorization,content-type",
        ),
    ];

    // No origins: a preflight is just an unsupported method, and no answer
    // names an origin (the headers test checks every other response).
    let server = TestServer::start().await;
    let reply = server
        .send(Method::OPTIONS, "/recipes", &preflight, Bytes::new())
        .await;
    assert_eq!(reply.error_path(StatusCode::METHOD_NOT_ALLOWED), "/recipes");
    let read = server
        .send(
            Method::GET,
            "/recipes",
            &[("origin", "https://cook.example")],
            Bytes::new(),
        )
        .await;
    assert_eq!(read.status, StatusCode::OK);
    for reply in [&reply, &read] {
        assert!(
            !reply
                .headers
                .keys()
                .any(|name| name.as_str().starts_with("access-control-")),
            "{:?}",
            reply.headers
        );
    }

    // One origin configured: it, and only it, is answered.
    let config = ServerConfig {
        cors_origins: vec!["https://cook.example".parse().unwrap()],
        ..ServerConfig::default()
    };
    let server = TestServer::with(Arc::new(InMemoryRecordStore::new()), config).await;
    let reply = server
        .send(Method::OPTIONS, "/recipes", &preflight, Bytes::new())
        .await;
    assert!(reply.status.is_success(), "{reply:?}");
    assert_eq!(
        reply.headers["access-control-allow-origin"],
        "https://cook.example"
    );
    let methods = reply.headers["access-control-allow-methods"]
        .to_str()
        .unwrap();
    assert!(
        methods.contains("POST") && methods.contains("PUT"),
        "{methods}"
    );
    let allowed = reply.headers["access-control-allow-headers"]
        .to_str()
        .unwrap();
    assert!(
        allowed.contains("authorization") && allowed.contains("content-type"),
        "{allowed}"
    );
    let read = server
        .send(
            Method::GET,
            "/recipes",
            &[("origin", "https://cook.example")],
            Bytes::new(),
        )
        .await;
    assert_eq!(
        read.headers["access-control-allow-origin"],
        "https://cook.example"
    );
    let exposed = read.headers["access-control-expose-headers"]
        .to_str()
        .unwrap();
    assert!(exposed.contains("x-request-id"), "{exposed}");

    let mut elsewhere = preflight;
    elsewhere[0].1 = "https://evil.example";
    let reply = server
        .send(Method::OPTIONS, "/recipes", &elsewhere, Bytes::new())
        .await;
    assert!(
        reply.headers.get("access-control-allow-origin").is_none(),
        "{reply:?}"
    );
    let read = server
        .send(
            Method::GET,
            "/recipes",
            &[("origin", "https://evil.example")],
            Bytes::new(),
        )
        .await;
    assert!(
        read.headers.get("access-control-allow-origin").is_none(),
        "{read:?}"
    );
}

/// Whether `id` looks like a UUID the server made: 8-4-4-4-12 hex digits.
fn is_uuid(id: &str) -> bool {
    let groups: Vec<usize> = id.split('-').map(str::len).collect();
    groups == [8, 4, 4, 4, 12] && id.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
}

#[tokio::test]
async fn every_request_gets_an_id_in_its_response() {
    let server = TestServer::start().await;
    let id_of = |reply: &Reply| reply.headers["x-request-id"].to_str().unwrap().to_owned();

    let first = server.get("/recipes").await;
    let second = server.get("/no/such/route").await;
    assert_eq!(second.status, StatusCode::NOT_FOUND);
    assert!(is_uuid(&id_of(&first)), "{}", id_of(&first));
    assert!(is_uuid(&id_of(&second)), "{}", id_of(&second));
    assert_ne!(id_of(&first), id_of(&second), "ids are fresh");

    let chosen = "sender-7f3a_retry.2";
    let echoed = server
        .send(
            Method::GET,
            "/healthz",
            &[("x-request-id", chosen)],
            Bytes::new(),
        )
        .await;
    assert_eq!(id_of(&echoed), chosen);
    let error = server
        .write(Method::POST, "/recipes", &[("x-request-id", chosen)], "{")
        .await;
    assert_eq!(error.status, StatusCode::BAD_REQUEST);
    assert_eq!(id_of(&error), chosen, "errors carry the id too");

    let long = "a".repeat(65);
    for unsafe_id in ["two words", "x\"y", "level=ERROR", long.as_str()] {
        let reply = server
            .send(
                Method::GET,
                "/healthz",
                &[("x-request-id", unsafe_id)],
                Bytes::new(),
            )
            .await;
        let id = id_of(&reply);
        assert!(is_uuid(&id), "{unsafe_id:?} was replaced by {id:?}");
    }
    let two = server
        .send(
            Method::GET,
            "/healthz",
            &[("x-request-id", "one"), ("x-request-id", "two")],
            Bytes::new(),
        )
        .await;
    assert!(is_uuid(&id_of(&two)), "two ids are one too many");
    assert_eq!(
        id_of(
            &server
                .send(
                    Method::GET,
                    "/healthz",
                    &[("x-request-id", &"a".repeat(64))],
                    Bytes::new()
                )
                .await
        ),
        "a".repeat(64)
    );
}
