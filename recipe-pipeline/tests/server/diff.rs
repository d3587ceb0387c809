//! `POST /diff`: the differences between two documents, stored nowhere.

use super::*;

/// The pie with more cinnamon and its oven step skipped.
fn edited_make() -> Value {
    let mut make = pie();
    make["ingredients"][1]["quantity"] = json!(1);
    make["steps"] = json!([
        {"stepId": 1, "stepText": "Gather ingredients"},
        {"stepId": 2, "stepText": "Make the pie"}
    ]);
    make
}

fn pair(original: &Value, make: &Value) -> Vec<u8> {
    body(&json!({"original": original, "make": make}))
}

#[tokio::test]
async fn a_changed_amount_and_a_skipped_step_are_the_two_differences() {
    let server = TestServer::start().await;
    let reply = server.post("/diff", pair(&pie(), &edited_make())).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        reply.json(),
        json!([
            {"changeId": 1, "change": "changed", "recipeField": "ingredient",
             "recipeId": 1, "ingredientId": 2, "ingredientField": "quantity",
             "difference": {"recipe": "0.5", "make": "1"}},
            {"changeId": 2, "change": "removed", "recipeField": "instruction",
             "recipeId": 1, "stepId": 2,
             "difference": {"recipe": "Pre heat oven to 350 degrees", "make": ""}}
        ])
    );
    // `flat` is the default, said or not; a make's id is the make's.
    let mut named = edited_make();
    named["makeId"] = json!(12);
    let flat = server
        .post("/diff?format=flat", pair(&pie(), &named))
        .await
        .json();
    assert_eq!(flat.as_array().map(Vec::len), Some(2));
    assert!(flat.as_array().unwrap().iter().all(|d| d["makeId"] == 12));
}

#[tokio::test]
async fn the_preview_is_what_recording_the_make_stores() {
    let server = TestServer::start().await;
    let mut make = edited_make();
    make["makeId"] = json!(3);
    make["rating"] = json!(4);
    let preview = server.post("/diff", pair(&pie(), &make)).await.json();
    assert_eq!(preview.as_array().map(Vec::len), Some(3), "{preview:#}");
    assert_eq!(
        server.post("/recipes", body(&pie())).await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        server.post("/recipes/1/makes", body(&make)).await.status,
        StatusCode::CREATED
    );
    let stored = server.get("/recipes/1/makes/3/differences").await.json();
    assert_eq!(preview, stored);
    let full = server
        .get("/recipes/1/makes/3/differences?format=full")
        .await
        .json();
    assert_eq!(
        server
            .post("/diff?format=full", pair(&pie(), &make))
            .await
            .json(),
        full
    );
}

#[tokio::test]
async fn documents_without_ids_give_differences_without_ids() {
    let server = TestServer::start().await;
    let mut original = pie();
    let mut make = edited_make();
    for document in [&mut original, &mut make] {
        document.as_object_mut().unwrap().remove("recipeId");
    }
    let flat = server.post("/diff", pair(&original, &make)).await.json();
    assert_eq!(flat.as_array().map(Vec::len), Some(2), "{flat:#}");
    for item in flat.as_array().unwrap() {
        assert_eq!(item.get("recipeId"), None, "{item}");
        assert_eq!(item.get("makeId"), None, "{item}");
    }
}

#[tokio::test]
async fn full_and_text_formats() {
    let server = TestServer::start().await;
    let full = server
        .post("/diff?format=full", pair(&pie(), &edited_make()))
        .await;
    assert_eq!(full.status, StatusCode::OK, "{}", full.text());
    let full = full.json();
    assert_eq!(full["recipeId"], 1);
    assert_eq!(full["ingredients"][0]["kind"], "modified");
    assert_eq!(full["steps"][0]["kind"], "removed");

    let text = server
        .post("/diff?format=text", pair(&pie(), &edited_make()))
        .await;
    assert_eq!(text.status, StatusCode::OK, "{}", text.text());
    assert_eq!(text.headers[header::CONTENT_TYPE], "application/json");
    let text = text.json();
    assert_eq!(text.as_object().map(|o| o.len()), Some(1), "{text}");
    assert_eq!(
        text["text"],
        "recipe 1\ningredients:\n  ~ cinnamon: ½ TBS → 1 TBS (×2)\nsteps:\n  − skipped step 2: \"Pre heat oven to 350 degrees\"\n"
    );
    let same = server.post("/diff?format=text", pair(&pie(), &pie())).await;
    assert_eq!(same.json()["text"], "recipe 1: no differences\n");

    let unknown = server.post("/diff?format=xml", pair(&pie(), &pie())).await;
    assert_eq!(unknown.error_path(StatusCode::BAD_REQUEST), "/diff");
}

#[tokio::test]
async fn json_ld_is_read_as_a_stored_document_would_be() {
    let server = TestServer::start().await;
    let page = json!({
        "@context": "https://schema.org", "@type": "Recipe", "name": "Apple Pie",
        "recipeIngredient": ["1 unit pie crust", "1/2 TBS cinnamon"],
        "recipeInstructions": ["Gather ingredients", "Make the pie"]
    });
    let reply = server.post("/diff?format=full", pair(&pie(), &page)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["steps"][0]["kind"], "removed");
}

#[tokio::test]
async fn a_bad_document_names_its_path_in_the_body() {
    let server = TestServer::start().await;
    let mut bad = edited_make();
    bad["ingredients"][0]["quantity"] = json!("lots");
    let reply = server.post("/diff", pair(&pie(), &bad)).await;
    assert_eq!(
        reply.error_path(StatusCode::BAD_REQUEST),
        "make.ingredients[0].quantity"
    );
    assert!(
        reply.json()["error"]
            .as_str()
            .unwrap()
            .starts_with("make.ingredients[0].quantity: cannot read quantity \"lots\""),
        "{}",
        reply.text()
    );

    let mut bad = pie();
    bad["steps"][1]["stepText"] = json!(7);
    let reply = server.post("/diff", pair(&bad, &pie())).await;
    assert_eq!(
        reply.error_path(StatusCode::BAD_REQUEST),
        "original.steps[1].stepText"
    );

    let missing = server
        .post("/diff", body(&json!({"original": pie()})))
        .await;
    assert_eq!(missing.error_path(StatusCode::BAD_REQUEST), "make");
    let malformed = server.post("/diff", "{\"original\": ").await;
    assert_eq!(malformed.error_path(StatusCode::BAD_REQUEST), ".");
    let mut far = edited_make();
    far["makeId"] = json!(1_i64 << 60);
    let reply = server.post("/diff", pair(&pie(), &far)).await;
    assert_eq!(reply.error_path(StatusCode::BAD_REQUEST), "make.makeId");
}

#[tokio::test]
async fn nothing_is_stored() {
    let server = TestServer::start().await;
    for format in ["flat", "full", "text"] {
        let reply = server
            .post(
                &format!("/diff?format={format}"),
                pair(&pie(), &edited_make()),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{format}");
    }
    assert_eq!(server.items("/recipes").await, json!([]));
    assert_eq!(
        server.get("/recipes/1/makes").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(server.items("/rejections").await, json!([]));
}

#[tokio::test]
async fn no_token_is_needed_but_the_body_must_be_json_within_the_limit() {
    let server = TestServer::with_token().await;
    let reply = server
        .send(
            Method::POST,
            "/diff",
            &[("content-type", "application/json")],
            pair(&pie(), &edited_make()),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let plain = server
        .send(
            Method::POST,
            "/diff",
            &[("content-type", "text/plain")],
            pair(&pie(), &edited_make()),
        )
        .await;
    assert_eq!(
        plain.error_path(StatusCode::UNSUPPORTED_MEDIA_TYPE),
        "/diff"
    );

    let small = TestServer::with(
        Arc::new(InMemoryRecordStore::new()),
        ServerConfig {
            max_body_bytes: 1024,
            ..ServerConfig::default()
        },
    )
    .await;
    let mut huge = pie();
    huge["recipeName"] = json!("x".repeat(2048));
    let reply = small.post("/diff", pair(&huge, &pie())).await;
    assert_eq!(reply.error_path(StatusCode::PAYLOAD_TOO_LARGE), "/diff");
}
