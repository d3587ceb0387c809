//! Browsing: the list, a recipe, a make, analytics; laptop and phone.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::browser::{Browser, ENTER};
use crate::support::{free_port, start_up};
use crate::{publish, wait_for_seeded_makes};

#[tokio::test]
async fn the_dashboard_shows_recipes_makes_and_analytics() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let _up = start_up(&dir.path().join("data"), port);

    // A recipe whose name is markup, never made: it must show as text, and
    // its page shows the empty state.
    let hostile = "<script>alert(1)</script>";
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let posted = reqwest::Client::new()
            .post(format!("{base}/recipes"))
            .header("content-type", "application/json")
            .body(
                json!({"recipeName": hostile, "recipeId": 99, "ingredients": [], "steps": []})
                    .to_string(),
            )
            .send()
            .await;
        if posted.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "recipe up never accepted a recipe"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_for_seeded_makes(&base, 4).await;

    let browser = Browser::start().await;
    browser.resize(1280, 1000).await;

    // The list: most made first, the hostile name as text, search.
    browser.goto(&format!("{base}/")).await;
    browser.wait_for_page("list", "Recipes").await;
    let names = browser.texts("#recipe-list h3").await;
    assert_eq!(names.len(), 4, "{names:?}");
    assert_eq!(
        names[0], "Buttermilk Pancakes",
        "most made first: {names:?}"
    );
    assert!(names.iter().any(|n| n == hostile), "{names:?}");
    let scripts = browser
        .run(
            "return document.querySelectorAll('script').length;",
            json!([]),
        )
        .await;
    assert_eq!(scripts, 1, "a recipe name never becomes a script");
    assert!(browser.text(".stats").await.contains("Makes\n4"));
    assert_eq!(browser.texts(".recent li").await.len(), 4);
    browser.screenshot("1-list").await;

    browser.type_into("#search", "soup").await;
    let shown = browser.texts("#recipe-list h3").await;
    assert_eq!(shown, ["Roasted Tomato Soup"]);
    browser.type_into("#search", "zzz").await;
    assert!(
        browser
            .text("#no-match")
            .await
            .contains("No recipe matches")
    );
    browser.screenshot("2-list-search").await;

    // The recipe, reached with the keyboard: focus its link, press Enter.
    browser.goto(&format!("{base}/#/")).await;
    browser.wait_for_page("list", "Recipes").await;
    browser
        .run(
            "document.querySelector('a[href=\"#/recipes/2\"]').focus();",
            json!([]),
        )
        .await;
    let link = browser.element("a[href=\"#/recipes/2\"]").await;
    browser
        .post(&format!("/element/{link}/value"), json!({"text": ENTER}))
        .await;
    browser.wait_for_page("recipe", "Buttermilk Pancakes").await;
    let focused = browser
        .run("return document.activeElement.tagName;", json!([]))
        .await;
    assert_eq!(focused, "H1", "focus moves to the new page's heading");
    let events = browser
        .run(
            "return document.querySelectorAll('svg.timeline circle.event').length;",
            json!([]),
        )
        .await;
    assert_eq!(events, 2, "two makes on the timeline");
    let points = browser
        .run(
            "return document.querySelectorAll('svg.rating-chart circle.point').length;",
            json!([]),
        )
        .await;
    assert_eq!(points, 2, "two ratings on the chart");
    let makes = browser.texts("ol.makes h3").await;
    assert_eq!(makes, ["Made 24 Nov 2026", "Made 21 Nov 2026"]);
    assert!(
        browser
            .text("ol.makes")
            .await
            .contains("Double batch for guests.")
    );
    browser.resize(1280, 1500).await;
    browser.screenshot("3-recipe").await;

    // A make: the diff side by side.
    browser
        .click("ol.makes a[href=\"#/recipes/2/makes/1\"]")
        .await;
    browser
        .wait_for_page("make", "Buttermilk Pancakes, made 21 Nov 2026")
        .await;
    let ingredients = browser
        .texts("#section-ingredients ~ .table-wrap tbody tr")
        .await;
    assert_eq!(ingredients.len(), 8, "{ingredients:#?}");
    let swapped = ingredients
        .iter()
        .find(|row| row.contains("swapped"))
        .expect("a swapped row");
    assert!(
        swapped.contains("2 cups buttermilk") && swapped.contains("2 cups milk"),
        "{swapped}"
    );
    assert!(
        ingredients
            .iter()
            .any(|row| row.contains("added") && row.contains("1 tbsp lemon juice")),
        "{ingredients:#?}"
    );
    assert!(
        ingredients
            .iter()
            .any(|row| row.contains("same, written differently") && row.contains("2 cups flour")),
        "{ingredients:#?}"
    );
    let steps = browser.texts("#section-steps ~ .table-wrap tbody tr").await;
    assert!(
        steps
            .iter()
            .any(|row| row.contains("skipped step 4")
                && row.contains("Rest the batter for 10 minutes")),
        "{steps:#?}"
    );
    assert_eq!(
        browser.texts("#section-steps ~ .table-wrap del").await,
        ["buttermilk,", "Rest the batter for 10 minutes", "2"]
    );
    assert_eq!(
        browser.texts("#section-steps ~ .table-wrap ins").await,
        ["milk, lemon juice,", "3"]
    );
    assert!(browser.text(".stats").await.contains("★ 4/5 → ★ 4.5/5"));
    assert!(
        browser
            .text("blockquote.notes")
            .await
            .contains("milk with lemon juice")
    );
    let make_shot = browser.screenshot("4-make").await;

    // Its analytics.
    browser.goto(&format!("{base}/#/recipes/2/analytics")).await;
    browser
        .wait_for_page("analytics", "Buttermilk Pancakes: analytics")
        .await;
    let ingredient_trends = browser
        .texts("#section-ingredients-most-often-changed ~ .table-wrap tbody tr")
        .await;
    assert!(
        ingredient_trends
            .iter()
            .any(|row| row.starts_with("buttermilk") && row.contains("milk (1)")),
        "{ingredient_trends:#?}"
    );
    let step_trends = browser
        .texts("#section-steps-most-often-skipped-or-edited ~ .table-wrap tbody tr")
        .await;
    assert!(
        step_trends
            .iter()
            .any(|row| row.contains("4. Rest the batter for 10 minutes")
                && row.contains("1 skipped")),
        "{step_trends:#?}"
    );
    let rated = browser
        .texts("#section-which-changes-go-with-higher-ratings ~ .table-wrap tbody tr")
        .await;
    assert!(
        rated[0].starts_with("scaled ×2") && rated[0].contains("+0.5 higher"),
        "{rated:#?}"
    );
    browser.screenshot("5-analytics").await;

    // A make dropped into the bucket folder, with a step done earlier:
    // the moved step is marked, in words as well as colour.
    let soup = include_str!("../../seed/recipes/tomato-soup.json");
    let mut moved: Value = serde_json::from_str(soup).unwrap();
    moved["makeId"] = json!(9);
    moved["madeAt"] = json!("2026-11-25T19:00:00Z");
    moved["ingredients"][2]["quantity"] = json!(2);
    let steps = moved["steps"].as_array_mut().unwrap();
    steps.swap(1, 2);
    std::fs::write(
        dir.path().join("data/bucket/makes/moved.json"),
        moved.to_string(),
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !reqwest::get(format!("{base}/recipes/3/makes/9"))
        .await
        .is_ok_and(|r| r.status().is_success())
    {
        assert!(Instant::now() < deadline, "the dropped make never arrived");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    browser.goto(&format!("{base}/#/recipes/3/makes/9")).await;
    browser
        .wait_for_page("make", "Roasted Tomato Soup, made 25 Nov 2026")
        .await;
    let steps = browser.texts("#section-steps ~ .table-wrap tbody tr").await;
    assert!(
        steps.iter().any(|row| row.contains("moved step")),
        "{steps:#?}"
    );
    let ingredients = browser
        .texts("#section-ingredients ~ .table-wrap tbody tr")
        .await;
    assert!(
        ingredients.iter().any(|row| row.contains("less ×0.5")
            && row.contains("4 cloves garlic")
            && row.contains("2 cloves garlic")),
        "{ingredients:#?}"
    );
    browser.screenshot("6-moved-step").await;

    // A recipe never made: the empty state says what to do.
    browser.goto(&format!("{base}/#/recipes/99")).await;
    browser.wait_for_page("recipe", hostile).await;
    let empty = browser.text(".empty").await;
    assert!(
        empty.contains("Not made yet") && empty.contains("makes/"),
        "{empty}"
    );
    browser.resize(1280, 1000).await;
    browser.screenshot("7-empty-recipe").await;

    // A phone: no sideways scrolling, the make's table stacks.
    browser.resize(390, 844).await;
    browser.goto(&format!("{base}/#/recipes/2/makes/1")).await;
    browser
        .wait_for_page("make", "Buttermilk Pancakes, made 21 Nov 2026")
        .await;
    browser
        .assert_no_sideways_scroll("the make page on a phone")
        .await;
    browser.screenshot("8-make-phone").await;
    browser.goto(&format!("{base}/#/recipes/2/analytics")).await;
    browser
        .wait_for_page("analytics", "Buttermilk Pancakes: analytics")
        .await;
    browser
        .assert_no_sideways_scroll("the analytics page on a phone")
        .await;
    browser.screenshot("9-analytics-phone").await;
    browser.goto(&format!("{base}/")).await;
    browser.wait_for_page("list", "Recipes").await;
    browser
        .assert_no_sideways_scroll("the list on a phone")
        .await;
    browser.screenshot("10-list-phone").await;

    publish(&make_shot, "dashboard.png");
    browser.close().await;
}

#[tokio::test]
async fn the_recipe_list_shows_more_recipes_a_page_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let _up = start_up(&dir.path().join("data"), port);
    wait_for_seeded_makes(&base, 3).await;
    // 60 recipes more than the 3 seeded: the overview answers 50 at a time.
    let client = reqwest::Client::new();
    for n in 0..60 {
        let recipe = json!({
            "recipeName": format!("Stew no. {n:02}"),
            "recipeId": 1000 + n,
            "ingredients": [],
            "steps": [],
        });
        let posted = client
            .post(format!("{base}/recipes"))
            .header("content-type", "application/json")
            .body(recipe.to_string())
            .send()
            .await
            .expect("recipe up answers");
        assert!(posted.status().is_success(), "{}", posted.status());
    }

    let browser = Browser::start().await;
    browser.resize(1280, 1000).await;
    browser.goto(&format!("{base}/")).await;
    browser.wait_for_page("list", "Recipes").await;
    assert!(browser.text(".stats").await.contains("Recipes\n63"));
    assert_eq!(browser.texts("#recipe-list h3").await.len(), 50);
    let first_page = browser.texts("#recipe-list h3").await;
    assert_eq!(
        first_page[0], "Buttermilk Pancakes",
        "most made first: {first_page:?}"
    );

    browser.click("#more-recipes").await;
    browser
        .wait_until(
            "return document.querySelectorAll('#recipe-list h3').length === 63;",
            json!([]),
            "the next page of recipes",
        )
        .await;
    let names = browser.texts("#recipe-list h3").await;
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 63, "no recipe twice: {names:?}");
    let hidden = browser
        .run(
            "return document.querySelector('#more-recipes').hidden;",
            json!([]),
        )
        .await;
    assert_eq!(hidden, json!(true), "nothing more to show");

    // The search covers the recipes loaded later too.
    browser.type_into("#search", "stew no. 59").await;
    assert_eq!(browser.texts("#recipe-list h3").await, ["Stew no. 59"]);
    browser.screenshot("list-more-recipes").await;
    browser.close().await;
}
