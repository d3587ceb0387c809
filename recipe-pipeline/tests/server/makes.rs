//! Makes: diffed, stored once, read back; redeliveries, retries, source headers and refusals from the bucket.

use super::*;

#[tokio::test]
async fn makes_are_diffed_stored_and_read() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&pie())).await;

    let created = server.post("/recipes/1/makes", body(&make(Some(12)))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    assert_eq!(created.headers[header::LOCATION], "/recipes/1/makes/12");
    let record = created.json();
    // The make document itself, as the original project's `recipe`.
    assert_eq!(record["makeId"], 12);
    assert_eq!(record["recipeId"], 1);
    assert_eq!(record["recipeName"], "Apple Pie");
    assert_eq!(record["rating"], 4.0);
    assert_eq!(record["steps"].as_array().map(Vec::len), Some(2));
    assert_eq!(record["notes"], "oven runs hot");
    assert!(record["recordedAt"].as_str().unwrap().ends_with('Z'));
    let differences = &record["differences"];
    assert_eq!(differences["rating"], json!({"original": 5.0, "make": 4.0}));
    assert_eq!(differences["steps"][0]["kind"], "removed");

    let read = server.get("/recipes/1/makes/12").await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.json(), record);
    assert_eq!(server.items("/recipes/1/makes").await, json!([record]));

    // The differences: the original project's flat list by default.
    let flat = server.get("/recipes/1/makes/12/differences").await;
    assert_eq!(flat.status, StatusCode::OK);
    assert_eq!(
        flat.json(),
        json!([
            {"changeId": 1, "recipeField": "rating", "recipeId": 1, "makeId": 12,
             "change": "changed", "difference": {"recipe": "5", "make": "4"}},
            {"changeId": 2, "recipeField": "instruction", "recipeId": 1, "makeId": 12,
             "stepId": 2, "change": "removed",
             "difference": {"recipe": "Pre heat oven to 350 degrees", "make": ""}}
        ])
    );
    let full = server
        .get("/recipes/1/makes/12/differences?format=full")
        .await;
    assert_eq!(&full.json(), differences);
    let unknown_format = server
        .get("/recipes/1/makes/12/differences?format=xml")
        .await;
    assert_eq!(
        unknown_format.error_path(StatusCode::BAD_REQUEST),
        "/recipes/1/makes/12/differences"
    );

    // A make naming another recipe than its path.
    let mut elsewhere = make(Some(13));
    elsewhere["recipeId"] = json!(2);
    let reply = server.post("/recipes/1/makes", body(&elsewhere)).await;
    assert_eq!(reply.error_path(StatusCode::BAD_REQUEST), "recipeId");

    // Another make claiming a stored make id.
    let mut impostor = make(Some(12));
    impostor["notes"] = json!("not the same make");
    let reply = server.post("/recipes/1/makes", body(&impostor)).await;
    assert_eq!(reply.error_path(StatusCode::CONFLICT), "/recipes/1/makes");
    // The same make again is a redelivery.
    let again = server.post("/recipes/1/makes", body(&make(Some(12)))).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json(), record);
}

/// `POST /makes`: the recipe is the one the document names, which is how
/// the sender delivers makes without reading them.
#[tokio::test]
async fn a_make_may_name_its_recipe_in_the_body_alone() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&pie())).await;

    let created = server
        .write(
            Method::POST,
            "/makes",
            &source_headers("e1"),
            body(&make(None)),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    assert_eq!(created.headers[header::LOCATION], "/recipes/1/makes/1");
    let record = created.json();
    assert_eq!(record["source"], "s3://kitchen/makes/pie.json");
    assert_eq!(record["differences"]["steps"][0]["kind"], "removed");
    // The same object version again is the same make, by either path.
    for path in ["/makes", "/recipes/1/makes"] {
        let again = server
            .write(Method::POST, path, &source_headers("e1"), body(&make(None)))
            .await;
        assert_eq!(again.status, StatusCode::OK, "{path}: {}", again.text());
        assert_eq!(again.json(), record);
    }

    let mut anonymous = make(None);
    anonymous.as_object_mut().unwrap().remove("recipeId");
    let reply = server.post("/makes", body(&anonymous)).await;
    assert_eq!(reply.error_path(StatusCode::BAD_REQUEST), "recipeId");
    let reply = server.post("/makes", body(&make_of(7, None))).await;
    assert_eq!(reply.error_path(StatusCode::NOT_FOUND), "/makes");
    let reply = server.post("/makes", "{\"recipeName\": ").await;
    assert_eq!(reply.error_path(StatusCode::BAD_REQUEST), ".");
    assert_eq!(server.items("/recipes/1/makes").await, json!([record]));
}

#[tokio::test]
async fn unknown_recipes_and_makes_are_404s() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&pie())).await;
    for path in [
        "/recipes/2/makes",
        "/recipes/1/makes/404",
        "/recipes/1/makes/404/differences",
        "/recipes/2/makes/1",
        "/no/such/route",
    ] {
        assert_eq!(
            server.get(path).await.error_path(StatusCode::NOT_FOUND),
            path
        );
    }
    // The path's recipe is not found, whatever the body names.
    for make in [
        make_of(2, Some(1)),
        make_of(1, Some(1)),
        json!("not a make"),
    ] {
        let reply = server.post("/recipes/2/makes", body(&make)).await;
        assert_eq!(reply.error_path(StatusCode::NOT_FOUND), "/recipes/2/makes");
    }
    let not_an_id = server.get("/recipes/1/makes/first").await;
    assert_eq!(
        not_an_id.error_path(StatusCode::BAD_REQUEST),
        "/recipes/1/makes/first"
    );
    let reply = server
        .send(Method::DELETE, "/recipes/1", &[], Bytes::new())
        .await;
    assert_eq!(
        reply.error_path(StatusCode::METHOD_NOT_ALLOWED),
        "/recipes/1"
    );
}

#[tokio::test]
async fn source_headers_are_percent_decoded() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&pie())).await;
    // What the sender sends for the key `makes/tarte tatin é.json`.
    let headers = [
        ("X-Recipe-Source-Bucket", "kitchen"),
        (
            "X-Recipe-Source-Key",
            "makes%2Ftarte%20tatin%20%C3%A9%2Ejson",
        ),
        ("X-Recipe-Source-Etag", "e%2D1"),
    ];
    let reply = server
        .write(
            Method::POST,
            "/recipes/1/makes",
            &headers,
            body(&make(None)),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(
        reply.json()["source"],
        "s3://kitchen/makes/tarte tatin é.json"
    );
    assert_eq!(reply.json()["makeId"], 1);
}

#[tokio::test]
async fn a_redelivered_make_is_stored_once() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&pie())).await;
    let headers = source_headers("etag-1");

    // No makeId: the next id, claimed by the object version.
    let first = server
        .write(
            Method::POST,
            "/recipes/1/makes",
            &headers,
            body(&make(None)),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    assert_eq!(first.json()["makeId"], 1);
    assert_eq!(first.json()["source"], "s3://kitchen/makes/pie.json");

    let second = server
        .write(
            Method::POST,
            "/recipes/1/makes",
            &headers,
            body(&make(None)),
        )
        .await;
    assert_eq!(second.status, StatusCode::OK, "a redelivery is not new");
    assert_eq!(second.json(), first.json());
    let count = || async {
        server
            .items("/recipes/1/makes")
            .await
            .as_array()
            .map(Vec::len)
    };
    assert_eq!(count().await, Some(1));

    // A new version of the object is a new make.
    let changed = server
        .write(
            Method::POST,
            "/recipes/1/makes",
            &source_headers("etag-2"),
            body(&make(None)),
        )
        .await;
    assert_eq!(changed.status, StatusCode::CREATED);
    assert_eq!(changed.json()["makeId"], 2);

    let half = server
        .write(
            Method::POST,
            "/recipes/1/makes",
            &[("X-Recipe-Source-Bucket", "kitchen")],
            body(&make(None)),
        )
        .await;
    assert_eq!(half.error_path(StatusCode::BAD_REQUEST), "/recipes/1/makes");
}

#[tokio::test]
async fn the_same_make_posted_twice_is_two_makes_unless_a_key_says_it_is_a_retry() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&pie())).await;

    // A cook who cooks the pie the same way on two days.
    let monday = server.post("/recipes/1/makes", body(&make(None))).await;
    let tuesday = server.post("/recipes/1/makes", body(&make(None))).await;
    assert_eq!(
        (monday.status, tuesday.status),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    assert_eq!(monday.json()["makeId"], 1);
    assert_eq!(tuesday.json()["makeId"], 2);
    assert_eq!(tuesday.headers[header::LOCATION], "/recipes/1/makes/2");

    // A client retrying one request with its Idempotency-Key.
    let key = [("Idempotency-Key", "b1946ac9-2a7f-4a5e-9d4e-7c1f0f1e2d3c")];
    let sent = server
        .write(Method::POST, "/recipes/1/makes", &key, body(&make(None)))
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
    assert_eq!(sent.json()["makeId"], 3);
    let retried = server
        .write(Method::POST, "/recipes/1/makes", &key, body(&make(None)))
        .await;
    assert_eq!(retried.status, StatusCode::OK);
    assert_eq!(retried.json(), sent.json());
    let mut other = make(None);
    other["notes"] = json!("another day");
    let reused = server
        .write(Method::POST, "/recipes/1/makes", &key, body(&other))
        .await;
    assert_eq!(
        reused.error_path(StatusCode::UNPROCESSABLE_ENTITY),
        "/recipes/1/makes"
    );
    assert!(reused.text().contains("make 3"), "{}", reused.text());
    let makes = server.items("/recipes/1/makes").await;
    let ids: Vec<&Value> = makes
        .as_array()
        .unwrap()
        .iter()
        .map(|make| &make["makeId"])
        .collect();
    assert_eq!(ids, [&json!(1), &json!(2), &json!(3)]);

    for bad_key in ["", "has space", &"k".repeat(256)] {
        let reply = server
            .write(
                Method::POST,
                "/recipes/1/makes",
                &[("Idempotency-Key", bad_key)],
                body(&make(None)),
            )
            .await;
        assert_eq!(
            reply.error_path(StatusCode::BAD_REQUEST),
            "/recipes/1/makes",
            "{bad_key:?}"
        );
    }
}

#[tokio::test]
async fn refused_documents_from_the_bucket_are_listed() {
    let server = TestServer::start().await;
    let reply = server
        .write(
            Method::POST,
            "/recipes/5/makes",
            &source_headers("etag-9"),
            body(&make_of(5, None)),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = server
        .write(
            Method::POST,
            "/recipes",
            &source_headers("etag-10"),
            "not json",
        )
        .await;
    assert_eq!(reply.error_path(StatusCode::BAD_REQUEST), ".");

    // Only the malformed document is a rejection: a make whose recipe is
    // unknown may be early (queues keep no order) and the sender retries it.
    let rejections = server.items("/rejections").await;
    assert_eq!(
        rejections[0]["source"],
        "s3://kitchen/makes/pie.json@etag-10"
    );
    assert_eq!(rejections.as_array().map(Vec::len), Some(1));

    // A recipe from the bucket is created or updated, never a conflict.
    for status in [StatusCode::CREATED, StatusCode::OK] {
        let reply = server
            .write(
                Method::POST,
                "/recipes",
                &source_headers("etag-11"),
                body(&pie()),
            )
            .await;
        assert_eq!(reply.status, status);
    }
}

#[tokio::test]
async fn source_headers_must_be_percent_encoded_utf8() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&pie())).await;
    for key in ["makes%E6.json", "100%.json", "makes/%C0%AF.json"] {
        let headers = [
            ("X-Recipe-Source-Bucket", "kitchen"),
            ("X-Recipe-Source-Key", key),
            ("X-Recipe-Source-Etag", "e1"),
        ];
        let reply = server
            .write(
                Method::POST,
                "/recipes/1/makes",
                &headers,
                body(&make(None)),
            )
            .await;
        assert_eq!(
            reply.error_path(StatusCode::BAD_REQUEST),
            "/recipes/1/makes",
            "{key}"
        );
    }
}
