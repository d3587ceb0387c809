//! The OpenAPI document: every path, status and parameter the server answers.

use super::*;

#[tokio::test]
async fn the_openapi_document_lists_every_path() {
    let server = TestServer::start().await;
    let reply = server.get("/openapi.json").await;
    assert_eq!(reply.status, StatusCode::OK);
    let doc = reply.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());

    let expected = [
        ("/recipes", &["get", "post", "put"][..]),
        ("/recipes/{recipeId}", &["get", "put"]),
        ("/recipes/{recipeId}/makes", &["get", "post"]),
        ("/makes", &["post"]),
        ("/recipes/{recipeId}/versions", &["get", "post"]),
        ("/recipes/{recipeId}/versions/{version}", &["get"]),
        (
            "/recipes/{recipeId}/versions/{version}/differences",
            &["get"],
        ),
        ("/recipes/{recipeId}/makes/{makeId}", &["get"]),
        ("/recipes/{recipeId}/makes/{makeId}/differences", &["get"]),
        ("/diff", &["post"]),
        ("/recipes/{recipeId}/analytics", &["get"]),
        ("/recipes/{recipeId}/suggestions", &["get"]),
        ("/analytics", &["get"]),
        ("/rejections", &["get"]),
        ("/openapi.json", &["get"]),
        ("/healthz", &["get"]),
        ("/readyz", &["get"]),
        ("/auth/check", &["post"]),
        ("/metrics", &["get"]),
    ];
    let paths = doc["paths"].as_object().unwrap();
    assert_eq!(paths.len(), expected.len(), "{:?}", paths.keys());
    for (path, methods) in expected {
        let item = paths[path].as_object().unwrap();
        let mut found: Vec<&str> = item.keys().map(String::as_str).collect();
        found.sort_unstable();
        assert_eq!(found, methods, "{path}");
        for (method, operation) in item {
            assert!(operation["responses"].is_object(), "{method} {path}");
            assert_eq!(
                operation.get("security").is_some(),
                needs_token(method, path),
                "{method} {path}: every operation that needs the token names the bearer \
                 scheme, and no other does"
            );
        }
    }
    // Every status each operation can answer is documented, and every
    // response names the request id header.
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            let documents = |status: &str| responses.contains_key(status);
            let what = format!("{method} {path}");
            for (status, response) in responses {
                assert!(
                    response["headers"]["x-request-id"].is_object(),
                    "{what} {status}: no x-request-id header"
                );
            }
            if method != "get" {
                for status in ["400", "413", "415"] {
                    assert!(documents(status), "{what}: {status} undocumented");
                }
            }
            assert_eq!(
                documents("401"),
                needs_token(method, path),
                "{what}: 401 is documented where the token is needed"
            );
            if path.contains("{recipeId}") {
                assert!(documents("400"), "{what}: a bad id's 400 undocumented");
                let id = operation["parameters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|p| p["name"] == "recipeId")
                    .unwrap();
                assert_eq!(id["schema"]["maximum"], i64::MAX, "{what}");
                assert_eq!(id["schema"]["minimum"], i64::MIN, "{what}");
            }
            let touches_store = ![
                "/healthz",
                "/readyz",
                "/metrics",
                "/openapi.json",
                "/diff",
                "/auth/check",
            ]
            .contains(&path.as_str());
            assert_eq!(documents("500"), touches_store, "{what}: 500");
            assert_eq!(
                documents("503"),
                touches_store || path == "/readyz",
                "{what}: 503"
            );
            let request_id = operation["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == "x-request-id")
                .unwrap_or_else(|| panic!("{what}: x-request-id parameter"));
            assert_eq!(request_id["required"], false, "{what}");
        }
    }

    let mut operation_ids: Vec<&str> = paths
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .map(|operation| operation["operationId"].as_str().unwrap())
        .collect();
    operation_ids.sort_unstable();
    let count = operation_ids.len();
    operation_ids.dedup();
    assert_eq!(operation_ids.len(), count, "operation ids are unique");
    // The original project's operations keep its operation ids, so a
    // client generated from either document names them alike.
    for (path, method, id) in [
        ("/recipes", "post", "addRecipe"),
        ("/recipes", "put", "updateRecipe"),
        ("/recipes/{recipeId}", "get", "getRecipe"),
        ("/recipes/{recipeId}/makes", "post", "addRecipeMake"),
        ("/recipes/{recipeId}/makes/{makeId}", "get", "getRecipeMake"),
        (
            "/recipes/{recipeId}/makes/{makeId}/differences",
            "get",
            "getRecipeMakeDifferences",
        ),
    ] {
        assert_eq!(paths[path][method]["operationId"], id, "{method} {path}");
    }
    let make_id = doc["paths"]["/recipes/{recipeId}/makes/{makeId}"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "makeId")
        .unwrap();
    assert_eq!(make_id["schema"]["type"], "integer", "{make_id}");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );

    let make_headers: Vec<&str> = doc["paths"]["/recipes/{recipeId}/makes"]["post"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["in"] == "header")
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        make_headers,
        [
            "Idempotency-Key",
            "X-Recipe-Source-Bucket",
            "X-Recipe-Source-Key",
            "X-Recipe-Source-Etag",
            "x-request-id"
        ]
    );
    let key = &doc["paths"]["/recipes/{recipeId}/makes"]["post"]["parameters"][3];
    assert!(
        key["schema"]["pattern"]
            .as_str()
            .is_some_and(|p| p.contains("%[Cc][2-9A-Fa-f]")),
        "{key}"
    );

    // Every reference resolves.
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(refs.len() > 10);
    for reference in refs {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected reference {reference}"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{reference} does not resolve"
        );
    }
}

/// The operations that take a body but write nothing: `POST /diff`
/// computes its answer from the body alone. Named one by one, so that a
/// write whose security is lost fails the test rather than joining them.
const WRITES_NOTHING: [(&str, &str); 1] = [("post", "/diff")];

/// Whether `method path` needs the token: every operation but the reads
/// and those that write nothing.
fn needs_token(method: &str, path: &str) -> bool {
    method != "get" && !WRITES_NOTHING.contains(&(method, path))
}

fn collect_refs(value: &Value, refs: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                refs.push(reference.clone());
            }
            object.values().for_each(|v| collect_refs(v, refs));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, refs)),
        _ => {}
    }
}
