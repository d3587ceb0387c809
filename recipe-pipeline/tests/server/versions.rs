//! Recipe history: every write that changes a recipe is a version, makes
//! are pinned to the version they were cooked from, lists are paged.

use super::*;

/// The pie with less cinnamon: one changed amount.
fn less_cinnamon() -> Value {
    let mut pie = pie();
    pie["ingredients"][1]["quantity"] = json!(0.25);
    pie
}

fn header<'a>(reply: &'a Reply, name: &str) -> &'a str {
    reply.headers[name].to_str().unwrap()
}

#[tokio::test]
async fn a_replaced_recipe_keeps_its_history_and_its_makes_their_versions() {
    let server = TestServer::start().await;
    let created = server.post("/recipes", body(&pie())).await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(header(&created, "x-recipe-version"), "1");
    assert_eq!(header(&created, "x-recipe-version-written"), "true");
    let first = server
        .post("/recipes/1/makes", body(&make(None)))
        .await
        .json();
    assert_eq!(first["recipeVersion"], 1);

    let replaced = server
        .write(
            Method::PUT,
            "/recipes/1?message=less%20cinnamon%20from%20now%20on",
            &[],
            body(&less_cinnamon()),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text());
    assert_eq!(header(&replaced, "x-recipe-version"), "2");
    assert_eq!(header(&replaced, "x-recipe-version-written"), "true");
    let second = server
        .post("/recipes/1/makes", body(&make(None)))
        .await
        .json();
    assert_eq!(second["recipeVersion"], 2);
    assert_eq!(
        server.get("/recipes/1").await.json()["ingredients"],
        less_cinnamon()["ingredients"]
    );

    // The first make's differences are still against version 1.
    let stored = server.get("/recipes/1/makes/1/differences").await.json();
    assert_eq!(stored.as_array().map(Vec::len), Some(2), "{stored}");
    assert!(
        stored
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["recipeField"] != "ingredient")
    );
    // Against the latest, it also brings back the old cinnamon.
    let latest = server
        .get("/recipes/1/makes/1/differences?against=latest")
        .await
        .json();
    let cinnamon = latest
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["recipeField"] == "ingredient")
        .unwrap_or_else(|| panic!("{latest}"));
    assert_eq!(cinnamon["difference"]["recipe"], "0.25", "{cinnamon}");
    assert_eq!(
        server
            .get("/recipes/1/makes/1/differences?against=2")
            .await
            .json(),
        latest
    );
    assert_eq!(
        server
            .get("/recipes/1/makes/1/differences?against=1")
            .await
            .json(),
        stored
    );

    // What the replacement changed, exactly.
    let changed = server.get("/recipes/1/versions/2/differences").await.json();
    assert_eq!(changed.as_array().map(Vec::len), Some(1), "{changed}");
    assert_eq!(changed[0]["recipeField"], "ingredient");
    assert_eq!(
        changed[0]["difference"],
        json!({"recipe": "0.5", "make": "0.25"})
    );
    let full = server
        .get("/recipes/1/versions/2/differences?from=1&format=full")
        .await
        .json();
    assert_eq!(full["ingredients"].as_array().map(Vec::len), Some(1));

    let history = server.items("/recipes/1/versions").await;
    assert_eq!(history[0]["version"], 2, "newest first: {history}");
    assert_eq!(history[0]["message"], "less cinnamon from now on");
    assert_eq!(history[0]["changes"], 1);
    assert_eq!(history[1]["version"], 1);
    assert_eq!(history[1]["changes"], 0);
    let old = server.get("/recipes/1/versions/1").await.json();
    assert_eq!(old["recipe"]["ingredients"], pie()["ingredients"]);
    assert_eq!(old["version"], 1);
}

#[tokio::test]
async fn the_same_recipe_again_makes_no_version() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&pie())).await;
    for (method, path) in [(Method::PUT, "/recipes/1"), (Method::PUT, "/recipes")] {
        let again = server.write(method, path, &[], body(&pie())).await;
        assert_eq!(again.status, StatusCode::OK, "{path}");
        assert_eq!(header(&again, "x-recipe-version"), "1", "{path}");
        assert_eq!(
            header(&again, "x-recipe-version-written"),
            "false",
            "{path}"
        );
    }
    // Delivered from the bucket twice: one version.
    for _ in 0..2 {
        let delivered = server
            .write(
                Method::POST,
                "/recipes",
                &source_headers("e2"),
                body(&less_cinnamon()),
            )
            .await;
        assert_eq!(delivered.status, StatusCode::OK, "{}", delivered.text());
    }
    let history = server.items("/recipes/1/versions").await;
    assert_eq!(history.as_array().map(Vec::len), Some(2), "{history}");
    assert_eq!(history[0]["source"], "s3://kitchen/makes/pie.json@e2");
}

#[tokio::test]
async fn a_make_may_name_the_version_it_was_cooked_from() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&pie())).await;
    server
        .write(Method::PUT, "/recipes/1", &[], body(&less_cinnamon()))
        .await;
    let mut old_make = make(None);
    old_make["recipeVersion"] = json!(1);
    let pinned = server
        .post("/recipes/1/makes", body(&old_make))
        .await
        .json();
    assert_eq!(pinned["recipeVersion"], 1);
    // Against version 1, the cinnamon is as it was: no ingredient change.
    assert!(
        pinned["differences"]
            .get("ingredients")
            .is_none_or(|i| i.as_array().is_some_and(Vec::is_empty)),
        "{pinned}"
    );
    let latest = server
        .post("/recipes/1/makes", body(&make(None)))
        .await
        .json();
    assert_eq!(latest["recipeVersion"], 2);
    // Delivered from the bucket as the sender delivers it, naming version
    // 1: diffed against version 1 too.
    let mut dropped = make(None);
    dropped["recipeVersion"] = json!(1);
    let from_bucket = server
        .write(
            Method::POST,
            "/makes",
            &source_headers("e9"),
            body(&dropped),
        )
        .await;
    assert_eq!(
        from_bucket.status,
        StatusCode::CREATED,
        "{}",
        from_bucket.text()
    );
    let from_bucket = from_bucket.json();
    assert_eq!(from_bucket["recipeVersion"], 1);
    let mut expected = pinned["differences"].clone();
    expected["makeId"] = from_bucket["makeId"].clone();
    assert_eq!(from_bucket["differences"], expected);

    // Listing one version's makes, a page at a time.
    let of_one = server.items("/recipes/1/makes?version=1").await;
    let ids: Vec<&Value> = of_one
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["makeId"])
        .collect();
    assert_eq!(ids, [&pinned["makeId"], &from_bucket["makeId"]]);
    let page = server.get("/recipes/1/makes?limit=2").await.json();
    assert_eq!(page["items"].as_array().map(Vec::len), Some(2));
    let cursor = page["nextCursor"].as_str().unwrap().to_owned();
    let rest = server
        .items(&format!("/recipes/1/makes?limit=2&cursor={cursor}"))
        .await;
    assert_eq!(rest[0]["makeId"], from_bucket["makeId"]);
    // The largest page a client may ask for holds them all.
    let largest = server.get("/recipes/1/makes?limit=100").await.json();
    assert_eq!(largest["items"].as_array().map(Vec::len), Some(3));
    assert!(largest["nextCursor"].is_null(), "{largest:#}");

    // Analytics for one version count only its makes.
    let one = server.get("/recipes/1/analytics?version=1").await.json();
    let all = server.get("/recipes/1/analytics").await.json();
    assert_eq!(
        (one["makeCount"].clone(), all["makeCount"].clone()),
        (json!(2), json!(3))
    );

    let mut unknown = make(None);
    unknown["recipeVersion"] = json!(7);
    let reply = server.post("/recipes/1/makes", body(&unknown)).await;
    assert_eq!(reply.error_path(StatusCode::NOT_FOUND), "/recipes/1/makes");
    unknown["recipeVersion"] = json!(0);
    let reply = server.post("/recipes/1/makes", body(&unknown)).await;
    assert_eq!(reply.error_path(StatusCode::BAD_REQUEST), "recipeVersion");
}

#[tokio::test]
async fn history_and_lists_refuse_what_does_not_exist() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&pie())).await;
    for (path, status) in [
        ("/recipes/2/versions", StatusCode::NOT_FOUND),
        ("/recipes/1/versions/2", StatusCode::NOT_FOUND),
        ("/recipes/2/versions/1", StatusCode::NOT_FOUND),
        ("/recipes/1/versions/1/differences", StatusCode::NOT_FOUND),
        ("/recipes/1/makes?version=0", StatusCode::BAD_REQUEST),
        ("/recipes/1/analytics?version=0", StatusCode::BAD_REQUEST),
        (
            "/recipes/1/versions/2/differences?from=0",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/recipes/1/versions/1/differences?from=3",
            StatusCode::NOT_FOUND,
        ),
        ("/recipes/1/makes?limit=0", StatusCode::BAD_REQUEST),
        ("/recipes/1/makes?version=0", StatusCode::BAD_REQUEST),
        ("/recipes/1/makes?limit=101", StatusCode::BAD_REQUEST),
        ("/recipes?cursor=abc", StatusCode::BAD_REQUEST),
        ("/recipes?cursor=", StatusCode::BAD_REQUEST),
        ("/rejections?cursor=abc", StatusCode::BAD_REQUEST),
        (
            "/recipes/1/makes/1/differences?against=newest",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let reply = server.get(path).await;
        let at = reply.error_path(status);
        assert!(path.starts_with(&at), "{path}: {at}");
    }
    let long = "x".repeat(1001);
    let reply = server
        .write(
            Method::PUT,
            &format!("/recipes/1?message={long}"),
            &[],
            body(&pie()),
        )
        .await;
    assert_eq!(reply.error_path(StatusCode::BAD_REQUEST), "/recipes/1");
}

#[tokio::test]
async fn every_recipe_can_be_walked_page_by_page() {
    let server = TestServer::start().await;
    for id in 1..=7 {
        let mut recipe = pie();
        recipe["recipeId"] = json!(id);
        server.post("/recipes", body(&recipe)).await;
    }
    let mut seen = Vec::new();
    let mut path = "/recipes?limit=3".to_owned();
    loop {
        let page = server.get(&path).await.json();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 3);
        seen.extend(items.iter().map(|r| r["recipeId"].as_i64().unwrap()));
        match page["nextCursor"].as_str() {
            Some(cursor) => path = format!("/recipes?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, (1..=7).collect::<Vec<_>>());
}
