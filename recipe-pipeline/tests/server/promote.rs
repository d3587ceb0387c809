//! Promotion: a make becomes the recipe's next version, whole or some of
//! its changes, merged three-way when the recipe moved on since it was
//! cooked.

use super::*;

/// A cake in version 1: 2 cups of flour, 1 cup of sugar, four steps.
fn cake() -> Value {
    json!({
        "recipeName": "Sponge Cake", "recipeId": 1, "rating": 4,
        "ingredients": [
            {"ingredientId": 1, "quantity": 2, "measurement": "cup", "ingredientName": "flour"},
            {"ingredientId": 2, "quantity": 1, "measurement": "cup", "ingredientName": "sugar"},
            {"ingredientId": 3, "quantity": 3, "measurement": "unit", "ingredientName": "eggs"}
        ],
        "steps": [
            {"stepId": 1, "stepText": "Whisk the eggs and the sugar"},
            {"stepId": 2, "stepText": "Fold in the flour"},
            {"stepId": 3, "stepText": "Rest the batter for an hour"},
            {"stepId": 4, "stepText": "Bake for 30 minutes"}
        ]
    })
}

/// The cake with `edit` made to it.
fn cake_with(edit: impl FnOnce(&mut Value)) -> Value {
    let mut cake = cake();
    edit(&mut cake);
    cake
}

fn sugar(cups: f64) -> impl FnOnce(&mut Value) {
    move |cake: &mut Value| cake["ingredients"][1]["quantity"] = json!(cups)
}

/// Version 2 of the cake: the rest skipped from now on.
fn without_the_rest(cake: &mut Value) {
    let steps = cake["steps"].as_array_mut().unwrap();
    steps.remove(2);
    steps[2]["stepId"] = json!(3);
}

/// A server with the cake as version 1, a make of it (make 1, pinned to
/// version 1) made with `made`, and version 2 made with `next`.
async fn cake_moved_on(made: impl FnOnce(&mut Value), next: impl FnOnce(&mut Value)) -> TestServer {
    let server = TestServer::start().await;
    assert_eq!(
        server.post("/recipes", body(&cake())).await.status,
        StatusCode::CREATED
    );
    let make = server
        .post("/recipes/1/makes", body(&cake_with(made)))
        .await;
    assert_eq!(make.status, StatusCode::CREATED, "{}", make.text());
    assert_eq!(make.json()["recipeVersion"], 1);
    let replaced = server
        .write(
            Method::PUT,
            "/recipes/1?message=no%20more%20resting",
            &[],
            body(&cake_with(next)),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text());
    server
}

async fn promote(server: &TestServer, request: Value) -> Reply {
    server.post("/recipes/1/versions", body(&request)).await
}

/// The numbers of the recipe's versions, newest first.
async fn versions(server: &TestServer) -> Vec<i64> {
    server
        .items("/recipes/1/versions")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_make_of_version_1_promoted_at_version_2_gives_version_3_with_both() {
    let server = cake_moved_on(
        |make| {
            sugar(0.5)(make);
            make["rating"] = json!(5);
            make["notes"] = json!("less sweet, much better");
        },
        without_the_rest,
    )
    .await;
    let reply = promote(
        &server,
        json!({"fromMake": 1, "message": "less sugar from now on"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(reply.headers[header::LOCATION], "/recipes/1/versions/3");
    assert_eq!(reply.headers["x-recipe-version"], "3");
    let answer = reply.json();
    assert_eq!(answer["version"], 3);
    assert_eq!(answer["written"], true);
    assert_eq!(answer["dryRun"], false);
    assert_eq!(
        (
            answer["makeVersion"].as_i64(),
            answer["latestVersion"].as_i64()
        ),
        (Some(1), Some(2))
    );
    assert_eq!(answer["merged"], true);
    assert_eq!(answer["conflicts"], json!([]));
    // What version 3 changes in version 2: the make's sugar and rating.
    let changes: Vec<&str> = answer["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["recipeField"].as_str().unwrap())
        .collect();
    assert_eq!(changes, ["rating", "ingredient"], "{answer:#}");

    let three = server.get("/recipes/1/versions/3").await.json();
    assert_eq!(three["message"], "less sugar from now on");
    let recipe = &three["recipe"];
    assert_eq!(
        recipe["ingredients"][1]["quantity"], 0.5,
        "the make's sugar"
    );
    assert_eq!(recipe["rating"], 5.0);
    let steps: Vec<&str> = recipe["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stepText"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "Whisk the eggs and the sugar",
            "Fold in the flour",
            "Bake for 30 minutes"
        ],
        "version 2's skipped rest is kept"
    );
    assert!(
        recipe.get("notes").is_none(),
        "the make's own fields dropped"
    );
    assert_eq!(server.get("/recipes/1").await.json(), *recipe);
    assert_eq!(versions(&server).await, [3, 2, 1]);
}

#[tokio::test]
async fn a_make_of_the_latest_version_becomes_it_exactly() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&cake())).await;
    let mut made = cake_with(sugar(0.5));
    made["madeAt"] = json!("2026-11-20T18:30:00Z");
    server.post("/recipes/1/makes", body(&made)).await;
    let reply = promote(&server, json!({"fromMake": 1})).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(reply.json()["merged"], false);
    assert_eq!(
        server.get("/recipes/1").await.json(),
        cake_with(|cake| {
            sugar(0.5)(cake);
            cake["rating"] = json!(4.0);
        }),
        "the make, its date dropped"
    );
}

#[tokio::test]
async fn a_conflicting_promotion_answers_409_with_the_conflicts_and_writes_nothing() {
    let server = cake_moved_on(sugar(0.5), sugar(0.75)).await;
    let reply = promote(&server, json!({"fromMake": 1})).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text());
    let answer = reply.json();
    assert!(
        answer["error"].as_str().unwrap().contains("resolve"),
        "{answer}"
    );
    assert_eq!(answer["path"], "/recipes/1/versions");
    assert_eq!(
        answer["conflicts"],
        json!([{"recipeField": "ingredient", "ingredientId": 2,
                "base": "1 cup", "ours": "3/4 cup", "theirs": "1/2 cup"}])
    );
    assert_eq!(
        (
            answer["makeVersion"].as_i64(),
            answer["latestVersion"].as_i64()
        ),
        (Some(1), Some(2))
    );
    assert_eq!(answer["recipe"]["ingredients"][1]["quantity"], 0.75);
    assert_eq!(versions(&server).await, [2, 1], "nothing written");
}

#[tokio::test]
async fn resolve_theirs_creates_the_version_with_the_makes_side() {
    let server = cake_moved_on(
        |make| {
            sugar(0.5)(make);
            make["ingredients"][2]["quantity"] = json!(4);
        },
        |next| {
            sugar(0.75)(next);
            without_the_rest(next);
        },
    )
    .await;
    let reply = promote(&server, json!({"fromMake": 1, "resolve": "theirs"})).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let answer = reply.json();
    assert_eq!(answer["conflicts"].as_array().map(Vec::len), Some(1));
    let recipe = server.get("/recipes/1").await.json();
    assert_eq!(
        recipe["ingredients"][1]["quantity"], 0.5,
        "the make's sugar"
    );
    assert_eq!(recipe["ingredients"][2]["quantity"], 4, "the make's eggs");
    assert_eq!(
        recipe["steps"].as_array().map(Vec::len),
        Some(3),
        "version 2's rest kept out"
    );

    // `ours` keeps the latest's sugar, and still adds the make's eggs.
    let server = cake_moved_on(
        |make| {
            sugar(0.5)(make);
            make["ingredients"][2]["quantity"] = json!(4);
        },
        sugar(0.75),
    )
    .await;
    let reply = promote(&server, json!({"fromMake": 1, "resolve": "ours"})).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let recipe = server.get("/recipes/1").await.json();
    assert_eq!(recipe["ingredients"][1]["quantity"], 0.75);
    assert_eq!(recipe["ingredients"][2]["quantity"], 4);
}

#[tokio::test]
async fn a_dry_run_answers_the_result_and_the_conflicts_and_writes_nothing() {
    let server = cake_moved_on(sugar(0.5), sugar(0.75)).await;
    let reply = promote(&server, json!({"fromMake": 1, "dryRun": true})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let answer = reply.json();
    assert_eq!(answer["dryRun"], true);
    assert_eq!(answer["written"], false);
    assert_eq!(answer["version"], 2, "the latest, unchanged");
    assert_eq!(answer["conflicts"][0]["theirs"], "1/2 cup");
    assert_eq!(answer["recipe"]["ingredients"][1]["quantity"], 0.75);
    let theirs = promote(
        &server,
        json!({"fromMake": 1, "dryRun": true, "resolve": "theirs"}),
    )
    .await
    .json();
    assert_eq!(theirs["recipe"]["ingredients"][1]["quantity"], 0.5);
    assert_eq!(
        theirs["changes"][0]["difference"],
        json!({"recipe": "0.75", "make": "0.5"})
    );
    assert_eq!(versions(&server).await, [2, 1], "a dry run writes nothing");
}

#[tokio::test]
async fn taking_two_of_a_makes_three_changes_gives_a_version_with_just_those_two() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&cake())).await;
    let made = cake_with(|make| {
        make["rating"] = json!(5);
        sugar(0.5)(make);
        without_the_rest(make);
    });
    server.post("/recipes/1/makes", body(&made)).await;
    let flat = server.get("/recipes/1/makes/1/differences").await.json();
    let ids: Vec<(i64, &str)> = flat
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["changeId"].as_i64().unwrap(),
                d["recipeField"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(ids, [(1, "rating"), (2, "ingredient"), (3, "instruction")]);

    // `3.0` is the whole number 3, as JSON Schema has it.
    let reply = promote(
        &server,
        json!({"fromMake": 1.0, "changes": [2, 3.0], "message": "less sugar, no rest"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(reply.json()["version"], 2);
    let changes = server.get("/recipes/1/versions/2/differences").await.json();
    let mut expected = flat.as_array().unwrap()[1..].to_vec();
    for (item, id) in expected.iter_mut().zip(1..) {
        let item = item.as_object_mut().unwrap();
        item.remove("makeId");
        item.insert("changeId".into(), json!(id));
    }
    assert_eq!(changes, json!(expected), "exactly the sugar and the rest");
    assert_eq!(server.get("/recipes/1").await.json()["rating"], 4.0);
}

#[tokio::test]
async fn a_promotion_that_changes_nothing_makes_no_version() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&cake())).await;
    let made = cake_with(|make| make["rating"] = json!(5));
    server.post("/recipes/1/makes", body(&made)).await;
    // Only the rating changed, and it is not chosen: the recipe as it is.
    let reply = promote(&server, json!({"fromMake": 1, "changes": []})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let answer = reply.json();
    assert_eq!(
        (answer["written"].as_bool(), answer["version"].as_i64()),
        (Some(false), Some(1))
    );
    assert_eq!(answer["changes"], json!([]));
    assert_eq!(versions(&server).await, [1]);
}

#[tokio::test]
async fn unknown_makes_and_changes_are_not_found_and_bad_bodies_refused() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&cake())).await;
    server
        .post("/recipes/1/makes", body(&cake_with(sugar(0.5))))
        .await;
    let not_found = |reply: Reply| reply.error_path(StatusCode::NOT_FOUND);
    assert_eq!(
        not_found(promote(&server, json!({"fromMake": 9})).await),
        "/recipes/1/versions"
    );
    let unknown_change = promote(&server, json!({"fromMake": 1, "changes": [7]})).await;
    assert!(
        unknown_change.text().contains("make 1 has no change 7"),
        "{}",
        unknown_change.text()
    );
    not_found(unknown_change);
    let unknown_recipe = server
        .post("/recipes/2/versions", body(&json!({"fromMake": 1})))
        .await;
    not_found(unknown_recipe);

    for (request, path) in [
        (json!({"changes": [1]}), "."),
        (json!({"fromMake": "one"}), "."),
        (json!({"fromMake": 1, "changes": [1, 0]}), "changes[1]"),
        (json!({"fromMake": 1.5}), "fromMake"),
        (json!({"fromMake": 1, "resolve": "mine"}), "."),
        (json!({"fromMake": 9007199254740992i64}), "fromMake"),
        (
            json!({"fromMake": 1, "message": "x".repeat(1001)}),
            "message",
        ),
    ] {
        let reply = promote(&server, request.clone()).await;
        assert_eq!(reply.error_path(StatusCode::BAD_REQUEST), path, "{request}");
    }
    assert_eq!(versions(&server).await, [1]);
}

#[tokio::test]
async fn promoting_needs_the_token() {
    let server = TestServer::with_token().await;
    server.post("/recipes", body(&cake())).await;
    server
        .post("/recipes/1/makes", body(&cake_with(sugar(0.5))))
        .await;
    let anonymous = server
        .send(
            Method::POST,
            "/recipes/1/versions",
            &[("content-type", "application/json")],
            body(&json!({"fromMake": 1, "dryRun": true})),
        )
        .await;
    anonymous.error_path(StatusCode::UNAUTHORIZED);
    let allowed = promote(&server, json!({"fromMake": 1, "dryRun": true})).await;
    assert_eq!(allowed.status, StatusCode::OK, "{}", allowed.text());
}

#[tokio::test]
async fn suggestions_name_less_sugar_with_its_evidence_as_a_proposed_version() {
    let server = TestServer::start().await;
    server.post("/recipes", body(&cake())).await;
    // Two makes of version 1 with less sugar, rated higher than the rest.
    for (rating, made) in [
        (5.0, cake_with(sugar(0.5))),
        (3.0, cake()),
        (4.5, cake_with(sugar(0.75))),
        (
            3.0,
            cake_with(|make| make["steps"][3]["stepText"] = json!("Bake for 35 minutes")),
        ),
    ] {
        let mut made = made;
        made["rating"] = json!(rating);
        let reply = server.post("/recipes/1/makes", body(&made)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    }
    // The recipe moves on; the makes are still judged against version 1.
    let replaced = server
        .write(
            Method::PUT,
            "/recipes/1",
            &[],
            body(&cake_with(without_the_rest)),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK);

    let reply = server.get("/recipes/1/suggestions").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let found = reply.json();
    assert!(
        found["hint"].as_str().unwrap().starts_with("A hint"),
        "{found:#}"
    );
    assert_eq!(
        (
            found["latestVersion"].as_i64(),
            found["ratedMakes"].as_i64()
        ),
        (Some(2), Some(4))
    );
    let suggestions = found["suggestions"].as_array().unwrap();
    assert_eq!(suggestions.len(), 1, "{found:#}");
    let less = &suggestions[0];
    assert_eq!(less["change"], "less sugar");
    assert_eq!(less["kind"], "less");
    assert_eq!(less["makes"], 2);
    assert_eq!(less["averageRatingWith"], 4.75);
    assert_eq!(less["averageRatingWithout"], 3.0);
    assert_eq!(less["inProposal"], true);
    assert_eq!(
        (less["fromMake"].as_i64(), less["changeIds"].clone()),
        (Some(1), json!([2]))
    );
    let evidence: Vec<(i64, f64)> = less["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["makeId"].as_i64().unwrap(), e["rating"].as_f64().unwrap()))
        .collect();
    assert_eq!(evidence, [(1, 5.0), (3, 4.5)]);
    assert_eq!(less["evidence"][0]["recipeVersion"], 1);
    assert_eq!(
        less["evidence"][1]["differences"][0]["difference"]["make"],
        "0.75"
    );
    // The proposal: version 2 with the best-rated make's sugar.
    let proposal = &found["proposal"];
    assert_eq!(proposal["ingredients"][1]["quantity"], 0.5);
    assert_eq!(proposal["steps"].as_array().map(Vec::len), Some(3));
    assert_eq!(found["changes"].as_array().map(Vec::len), Some(1));

    // The cook promotes the suggestion from its make: version 3.
    let promoted = promote(&server, json!({"fromMake": 1, "changes": [2]})).await;
    assert_eq!(promoted.status, StatusCode::CREATED, "{}", promoted.text());
    assert_eq!(server.get("/recipes/1").await.json(), *proposal);
    // Now the latest has it: nothing left to suggest.
    let after = server.get("/recipes/1/suggestions").await.json();
    assert_eq!(after["suggestions"], json!([]), "{after:#}");
    assert_eq!(
        server.get("/recipes/9/suggestions").await.status,
        StatusCode::NOT_FOUND
    );
}
