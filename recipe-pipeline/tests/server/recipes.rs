//! Recipes: created, read, replaced and listed; bodies and path ids read as documented.

use super::*;

#[tokio::test]
async fn recipes_are_created_read_replaced_and_listed() {
    let server = TestServer::start().await;

    let created = server.post("/recipes", body(&pie())).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    assert_eq!(created.headers[header::LOCATION], "/recipes/1");
    assert_eq!(created.json()["recipeName"], "Apple Pie");

    let again = server.post("/recipes", body(&pie())).await;
    assert_eq!(again.error_path(StatusCode::CONFLICT), "/recipes");

    let read = server.get("/recipes/1").await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.json(), created.json());

    let mut renamed = pie();
    renamed["recipeName"] = json!("Grandma's Apple Pie");
    let replaced = server
        .write(Method::PUT, "/recipes/1", &[], body(&renamed))
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text());
    assert_eq!(replaced.json()["recipeName"], "Grandma's Apple Pie");

    // PUT takes the id from the path when the document has none.
    let toast = json!({"recipeName": "Toast", "steps": [{"stepText": "Toast the bread"}]});
    let put_new = server
        .write(Method::PUT, "/recipes/7", &[], body(&toast))
        .await;
    assert_eq!(put_new.status, StatusCode::CREATED);
    assert_eq!(put_new.headers[header::LOCATION], "/recipes/7");
    assert_eq!(put_new.json()["recipeId"], 7);

    // The original project's update: the id in the body.
    let mut lighter = renamed.clone();
    lighter["rating"] = json!(4);
    let updated = server
        .write(Method::PUT, "/recipes", &[], body(&lighter))
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text());
    assert_eq!(server.get("/recipes/1").await.json()["rating"], 4.0);
    let no_id = server
        .write(Method::PUT, "/recipes", &[], body(&toast))
        .await;
    assert_eq!(no_id.error_path(StatusCode::BAD_REQUEST), "recipeId");

    let contradicting = server
        .write(Method::PUT, "/recipes/8", &[], body(&pie()))
        .await;
    assert_eq!(
        contradicting.error_path(StatusCode::BAD_REQUEST),
        "recipeId"
    );

    let list = server.items("/recipes").await;
    let names: Vec<Value> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["recipeName"].clone())
        .collect();
    assert_eq!(names, [json!("Grandma's Apple Pie"), json!("Toast")]);

    let missing = server.get("/recipes/99").await;
    assert_eq!(missing.error_path(StatusCode::NOT_FOUND), "/recipes/99");
    let not_an_id = server.get("/recipes/pie").await;
    assert_eq!(
        not_an_id.error_path(StatusCode::BAD_REQUEST),
        "/recipes/pie"
    );
    let without_id = server
        .post("/recipes", body(&json!({"recipeName": "Toast"})))
        .await;
    assert_eq!(without_id.error_path(StatusCode::BAD_REQUEST), "recipeId");

    server.stop().await;
}

#[tokio::test]
async fn a_bad_body_names_its_json_path() {
    let server = TestServer::start().await;
    let mut bad = pie();
    bad["ingredients"][0]["quantity"] = json!("a handful");
    let reply = server.post("/recipes", body(&bad)).await;
    assert_eq!(
        reply.error_path(StatusCode::BAD_REQUEST),
        "ingredients[0].quantity"
    );
    assert!(
        reply.json()["error"]
            .as_str()
            .unwrap()
            .contains("a handful")
    );

    let truncated = server.post("/recipes", "{\"recipeName\": ").await;
    assert_eq!(truncated.error_path(StatusCode::BAD_REQUEST), ".");
    assert!(truncated.text().contains("line 1"));

    server.post("/recipes", body(&pie())).await;
    let mut bad_make = make(Some(1));
    bad_make["steps"][1]["stepText"] = json!(42);
    let reply = server.post("/recipes/1/makes", body(&bad_make)).await;
    assert_eq!(
        reply.error_path(StatusCode::BAD_REQUEST),
        "steps[1].stepText"
    );
}

#[tokio::test]
async fn body_ids_may_be_whole_floats_up_to_2_pow_53() {
    // JSON Schema integers include `7.0`, and a client (schemathesis did)
    // may spell any integer up to 2^53 that way.
    let server = TestServer::start().await;
    let mut recipe = pie();
    recipe["recipeId"] = json!(1.0);
    recipe["ingredients"][0]["ingredientId"] = json!(9_007_199_254_740_991.0);
    recipe["steps"][0]["stepId"] = json!(-9_007_199_254_740_992.0);
    let reply = server.post("/recipes", body(&recipe)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let stored = reply.json();
    assert_eq!(stored["recipeId"], 1);
    assert_eq!(
        stored["ingredients"][0]["ingredientId"],
        9_007_199_254_740_991_i64
    );
    assert_eq!(stored["steps"][0]["stepId"], -9_007_199_254_740_992_i64);

    recipe["recipeId"] = json!(2);
    recipe["steps"][0]["stepId"] = json!(1.5);
    let reply = server.post("/recipes", body(&recipe)).await;
    assert_eq!(reply.error_path(StatusCode::BAD_REQUEST), "steps[0].stepId");
}

#[tokio::test]
async fn path_ids_are_whole_numbers_in_range() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&pie())).await;
    for same in ["/recipes/1", "/recipes/1.0", "/recipes/+1"] {
        let reply = server.get(same).await;
        assert_eq!(reply.status, StatusCode::OK, "{same}: {}", reply.text());
        assert_eq!(reply.json()["recipeId"], 1);
    }
    // Out of range, even where a float would round into it.
    for path in [
        "/recipes/9223372036854775808",
        "/recipes/-9223372036854775809",
        "/recipes/-9223372036854775809/makes/0",
        "/recipes/1.5",
        "/recipes/1e0",
    ] {
        assert_eq!(
            server.get(path).await.error_path(StatusCode::BAD_REQUEST),
            path
        );
    }
    assert_eq!(
        server
            .get("/recipes/-9223372036854775808")
            .await
            .error_path(StatusCode::NOT_FOUND),
        "/recipes/-9223372036854775808"
    );
}

/// The sender's headers for the object `key`, version `etag`.
fn object_headers<'a>(
    key: &'a str,
    etag: &'a str,
    content_type: &'a str,
) -> [(&'a str, &'a str); 4] {
    [
        ("X-Recipe-Source-Bucket", "kitchen"),
        ("X-Recipe-Source-Key", key),
        ("X-Recipe-Source-Etag", etag),
        ("content-type", content_type),
    ]
}

#[tokio::test]
async fn pages_and_cooklang_from_the_bucket_become_recipes_with_given_ids() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&pie())).await;
    let page = r#"<html><head><script type="application/ld+json">
        {"@type": "Recipe", "name": "Lemon Tart", "recipeIngredient": ["3 lemons"]}
        </script></head></html>"#;

    // Text by hand, without the source headers, is refused as before.
    for content_type in ["text/html", "text/x-cooklang", "text/plain"] {
        let refused = server
            .write(
                Method::POST,
                "/recipes",
                &[("content-type", content_type)],
                page,
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type}"
        );
    }

    let headers = object_headers("recipes%2Ftart.html", "e1", "text/html; charset=utf-8");
    let created = server.write(Method::POST, "/recipes", &headers, page).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    assert_eq!(created.headers[header::LOCATION], "/recipes/2");
    assert_eq!(created.json()["recipeName"], "Lemon Tart");
    let again = server.write(Method::POST, "/recipes", &headers, page).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.headers["x-recipe-version-written"], "false");
    assert_eq!(again.json()["recipeId"], 2);

    // The key's extension says Cooklang, whatever the type says.
    let tea = "---\ntitle: Sweet Tea\n---\nSteep @tea bags{4} in @water{1%l}.\n";
    let headers = object_headers("recipes%2Ftea.cook", "e1", "text/plain");
    let created = server.write(Method::POST, "/recipes", &headers, tea).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    assert_eq!(created.json()["recipeName"], "Sweet Tea");
    assert_eq!(created.json()["recipeId"], 3);

    // A page without a recipe is the body's fault, not the server's.
    let headers = object_headers("recipes%2Fblank.html", "e1", "text/html");
    let refused = server
        .write(Method::POST, "/recipes", &headers, "<p>nothing</p>")
        .await;
    assert_eq!(
        refused.status,
        StatusCode::BAD_REQUEST,
        "{}",
        refused.text()
    );
    let listed = server.items("/recipes").await;
    assert_eq!(listed.as_array().unwrap().len(), 3, "{listed}");
}
