//! A recipe's history, made through the dashboard: a make recorded with
//! the form, the recipe edited into version 2, the history showing both
//! versions with their changes in words and the make under its version,
//! the make compared with the latest version, and a long history paged.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::browser::Browser;
use crate::support::{free_port, start_up};
use crate::{get_json, publish, wait_for_seeded_makes};

/// The preview's changes once it says `count` (`"3 differences"`).
async fn preview_says(browser: &Browser, count: &str) -> Vec<String> {
    browser
        .wait_until(
            "const preview = document.getElementById('preview'); \
             return preview && preview.dataset.state === 'ready' \
             && document.getElementById('preview-count').innerText === arguments[0];",
            json!([count]),
            &format!("the live differences saying {count:?}"),
        )
        .await;
    browser.texts("#preview .changes li.change").await
}

/// The element that has the keyboard: its row's `data-key` and its action.
async fn focused(browser: &Browser) -> Value {
    browser
        .run(
            "const e = document.activeElement; \
             return [e.closest('[data-key]')?.dataset.key ?? null, e.dataset.action ?? null];",
            json!([]),
        )
        .await
}

#[tokio::test]
async fn makes_and_edits_through_the_dashboard_make_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let _up = start_up(&dir.path().join("data"), port);
    wait_for_seeded_makes(&base, 3).await;

    let browser = Browser::start().await;
    browser.resize(1280, 1000).await;

    // Record a make from the recipe page's button.
    browser.goto(&format!("{base}/#/recipes/1")).await;
    browser.wait_for_page("recipe", "Apple Pie").await;
    browser.click("a[href=\"#/recipes/1/record\"]").await;
    browser
        .wait_for_page("record", "Record a make of Apple Pie")
        .await;
    assert!(
        preview_says(&browser, "No differences yet")
            .await
            .is_empty()
    );

    // One amount changed, one step skipped, a rating: three differences,
    // live.
    browser.fill("#ingredient-3-quantity", "1").await;
    browser
        .click("[data-key=\"step-1\"] [data-action=\"skip\"]")
        .await;
    assert_eq!(
        focused(&browser).await,
        json!(["step-1", "skip"]),
        "the keyboard stays on the button it pressed"
    );
    browser.fill("#rating", "4").await;
    browser
        .fill("#notes", "Twice the cinnamon; no gathering.")
        .await;
    browser.set_value("#made-on", "2026-12-01").await;
    let changes = preview_says(&browser, "3 differences").await;
    assert_eq!(changes.len(), 3, "{changes:#?}");
    assert!(changes[0].contains("rating: 5 → 4"), "{changes:#?}");
    assert!(
        changes[1].contains("cinnamon:") && changes[1].contains("1 TBS (×2)"),
        "{changes:#?}"
    );
    assert!(
        changes[2].contains("skipped step 1: \"Gather ingredients\""),
        "{changes:#?}"
    );

    // Steps move with buttons, and the keyboard moves with the step.
    browser
        .click("[data-key=\"step-2\"] [data-action=\"down\"]")
        .await;
    assert_eq!(focused(&browser).await, json!(["step-2", "up"]));
    let moved = preview_says(&browser, "4 differences").await;
    assert!(moved.iter().any(|c| c.contains("moved step")), "{moved:#?}");
    browser
        .click("[data-key=\"step-2\"] [data-action=\"up\"]")
        .await;
    preview_says(&browser, "3 differences").await;

    browser.resize(1280, 1900).await;
    let record_shot = browser.screenshot("11-record-make").await;
    browser.resize(375, 812).await;
    browser
        .assert_no_sideways_scroll("the record-a-make form on a phone")
        .await;
    browser.screenshot("12-record-make-phone").await;
    browser.resize(1280, 1000).await;

    // Saved: the new make's page, cooked from version 1.
    browser.click("#save").await;
    browser
        .wait_for_page("make", "Apple Pie, made 1 Dec 2026")
        .await;
    assert!(browser.text("#notice").await.contains("Make saved"));
    assert!(
        browser
            .text(".version-note")
            .await
            .contains("Cooked from version 1 of the recipe, the latest."),
        "{}",
        browser.text(".version-note").await
    );
    let hash = browser.hash().await;
    let make_id: i64 = hash
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("a make's URL, not {hash}"));

    // The API agrees: exactly those three differences, pinned to version 1.
    let make = get_json(&format!("{base}/recipes/1/makes/{make_id}")).await;
    assert_eq!(make["recipeVersion"], 1);
    assert_eq!(make["notes"], "Twice the cinnamon; no gathering.");
    let flat = get_json(&format!("{base}/recipes/1/makes/{make_id}/differences")).await;
    let kinds: BTreeSet<(String, String)> = flat
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let field = d["ingredientField"]
                .as_str()
                .or(d["recipeField"].as_str())
                .unwrap_or_default();
            (field.to_owned(), d["change"].as_str().unwrap().to_owned())
        })
        .collect();
    assert_eq!(flat.as_array().unwrap().len(), 3, "{flat:#}");
    assert_eq!(
        kinds,
        BTreeSet::from([
            ("quantity".to_owned(), "changed".to_owned()),
            ("instruction".to_owned(), "removed".to_owned()),
            ("rating".to_owned(), "changed".to_owned()),
        ]),
        "{flat:#}"
    );
    let pinned = get_json(&format!("{base}/recipes/1/makes?version=1&limit=100")).await;
    assert!(
        pinned["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["makeId"] == make_id),
        "{pinned:#}"
    );

    // The history shows it under version 1, with those three differences.
    browser.goto(&format!("{base}/#/recipes/1/history")).await;
    browser.wait_for_page("history", "Apple Pie: history").await;
    let entry = format!("#version-1 li[data-make=\"{make_id}\"]");
    assert!(
        browser.text(&entry).await.contains("3 differences, ★ 4/5"),
        "{}",
        browser.text(&entry).await
    );
    let badges = browser.texts(&format!("{entry} .badge")).await;
    assert_eq!(badges.len(), 3, "{badges:#?}");
    assert!(badges[0].contains("rating ★ 5/5 → ★ 4/5"), "{badges:#?}");
    assert!(
        badges[1].contains("½ TBS cinnamon → 1 TBS cinnamon"),
        "{badges:#?}"
    );
    assert!(badges[2].contains("skipped step 1"), "{badges:#?}");

    // Edit the recipe: version 2, with its message.
    browser.goto(&format!("{base}/#/recipes/1")).await;
    browser.wait_for_page("recipe", "Apple Pie").await;
    browser.click("a[href=\"#/recipes/1/edit\"]").await;
    browser.wait_for_page("edit", "Edit Apple Pie").await;
    preview_says(&browser, "No differences yet").await;
    browser.fill("#ingredient-2-quantity", "6").await;
    browser
        .fill("#step-3-text", "Make the pie with a lattice top")
        .await;
    browser
        .type_into("#message", "One more apple, and a lattice top")
        .await;
    let changes = preview_says(&browser, "2 differences").await;
    assert!(changes[0].contains("apples: 5 → 6"), "{changes:#?}");
    assert!(
        changes[1].contains("edited step 3: \"Make the pie with a lattice top\""),
        "{changes:#?}"
    );
    assert_eq!(
        browser.texts("#preview ins").await,
        ["with a lattice top"],
        "the new words are marked"
    );
    let edit_shot = browser
        .screenshot_then_phone("13-edit-recipe", 1500, "the edit form on a phone")
        .await;
    browser.click("#save").await;
    browser.wait_for_page("history", "Apple Pie: history").await;
    assert_eq!(browser.text("#notice").await, "Saved as version 2.");
    assert_eq!(
        browser.texts("#versions > li h2").await,
        ["Version 2 latest", "Version 1"]
    );
    assert_eq!(
        browser.text("#version-2 .message").await,
        "One more apple, and a lattice top"
    );
    let in_words = browser.texts("#version-2 .changes li.change").await;
    assert_eq!(in_words.len(), 2, "{in_words:#?}");
    assert!(in_words[0].contains("apples: 5 → 6"), "{in_words:#?}");
    assert!(in_words[1].contains("edited step 3"), "{in_words:#?}");
    assert!(
        browser.text("#version-2").await.contains("None yet."),
        "no make is cooked from version 2 yet"
    );
    assert!(
        browser
            .text("#version-1")
            .await
            .contains("The first version")
    );
    assert!(
        browser
            .run(
                "return !!document.querySelector(arguments[0]);",
                json!([entry])
            )
            .await
            .as_bool()
            .unwrap(),
        "the make stays under version 1"
    );
    let history_shot = browser.screenshot("14-history").await;
    let versions = get_json(&format!("{base}/recipes/1/versions")).await;
    assert_eq!(versions["items"].as_array().unwrap().len(), 2);
    assert_eq!(versions["items"][0]["version"], 2);
    assert_eq!(
        versions["items"][0]["message"],
        "One more apple, and a lattice top"
    );

    // Saving the recipe unchanged makes no version, and says so.
    browser.goto(&format!("{base}/#/recipes/1/edit")).await;
    browser.wait_for_page("edit", "Edit Apple Pie").await;
    browser.type_into("#message", "Nothing, really").await;
    browser.click("#save").await;
    browser
        .wait_until(
            "return document.getElementById('save-status').innerText \
             .startsWith('No changes, no new version');",
            json!([]),
            "the save saying it made no version",
        )
        .await;
    let versions = get_json(&format!("{base}/recipes/1/versions")).await;
    assert_eq!(versions["items"].as_array().unwrap().len(), 2);

    // A make can start from an older version, chosen on the history.
    browser.goto(&format!("{base}/#/recipes/1/history")).await;
    browser.wait_for_page("history", "Apple Pie: history").await;
    browser
        .click("#version-1 a[href=\"#/recipes/1/record?version=1\"]")
        .await;
    browser
        .wait_for_page("record", "Record a make of Apple Pie")
        .await;
    preview_says(&browser, "No differences yet").await;
    assert!(
        browser
            .text("#main")
            .await
            .contains("Starting from version 1. "),
        "{}",
        browser.text("#main").await
    );
    let chosen = browser
        .run(
            "return document.getElementById('from-version').value;",
            json!([]),
        )
        .await;
    assert_eq!(chosen, "1");
    let apples = browser
        .run(
            "return document.getElementById('ingredient-2-quantity').value;",
            json!([]),
        )
        .await;
    assert_eq!(apples, "5", "version 1's amount, not the latest's");

    // The make from version 1 says so, and compares with the latest.
    browser
        .goto(&format!("{base}/#/recipes/1/makes/{make_id}"))
        .await;
    browser
        .wait_for_page("make", "Apple Pie, made 1 Dec 2026")
        .await;
    let note = browser.text(".version-note").await;
    assert!(
        note.contains("Cooked from version 1 of the recipe; the recipe is at version 2 now."),
        "{note}"
    );
    assert_eq!(browser.text(".stats dd").await, "3");
    browser
        .click(&format!(
            "a[href=\"#/recipes/1/makes/{make_id}/against-latest\"]"
        ))
        .await;
    browser
        .wait_until(
            "return document.querySelector('.version-note')?.innerText.includes('Compared with version 2');",
            json!([]),
            "the comparison with the latest version",
        )
        .await;
    let ingredients = browser
        .texts("#section-ingredients ~ .table-wrap tbody tr")
        .await;
    assert!(
        ingredients.iter().any(|row| row.contains("less")
            && row.contains("6 apples")
            && row.contains("5 apples")),
        "the edit's change shows: {ingredients:#?}"
    );
    let steps = browser.texts("#section-steps ~ .table-wrap tbody tr").await;
    assert!(
        steps
            .iter()
            .any(|row| row.contains("edited step 3") && row.contains("with a lattice top")),
        "{steps:#?}"
    );
    let against = get_json(&format!(
        "{base}/recipes/1/makes/{make_id}/differences?against=latest"
    ))
    .await;
    assert!(
        against
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["ingredientId"] == 2
                && d["difference"]["recipe"] == "6"
                && d["difference"]["make"] == "5"),
        "{against:#}"
    );
    browser.screenshot("15-make-against-latest").await;

    // On a phone, the history does not scroll sideways.
    browser.resize(375, 812).await;
    browser.goto(&format!("{base}/#/recipes/1/history")).await;
    browser.wait_for_page("history", "Apple Pie: history").await;
    browser
        .assert_no_sideways_scroll("the history on a phone")
        .await;
    browser.screenshot("16-history-phone").await;
    browser.resize(1280, 1000).await;

    // A long history comes a page at a time.
    let http = reqwest::Client::new();
    let mut soup: Value = get_json(&format!("{base}/recipes/3")).await;
    for n in 1..=11 {
        soup["recipeName"] = json!(format!("Roasted Tomato Soup {n}"));
        let put = http
            .put(format!("{base}/recipes/3?message=rename+{n}"))
            .header("content-type", "application/json")
            .body(soup.to_string())
            .send()
            .await
            .unwrap();
        assert!(put.status().is_success(), "{}", put.status());
    }
    browser.goto(&format!("{base}/#/recipes/3/history")).await;
    browser
        .wait_for_page("history", "Roasted Tomato Soup 11: history")
        .await;
    let shown = browser.texts("#versions > li h2").await;
    assert_eq!(shown.len(), 10, "{shown:#?}");
    assert_eq!(shown[0], "Version 12 latest");
    browser.click("#older-versions").await;
    browser
        .wait_until(
            "return document.querySelectorAll('#versions > li').length === 12;",
            json!([]),
            "the older versions",
        )
        .await;
    let focus = browser
        .run("return document.activeElement.innerText;", json!([]))
        .await;
    assert_eq!(
        focus, "Version 2",
        "the keyboard goes on where the new page starts"
    );
    assert!(
        browser.texts("#older-versions").await.is_empty(),
        "no older versions left"
    );

    publish(&record_shot, "record-make.png");
    publish(&edit_shot, "edit-recipe.png");
    publish(&history_shot, "history.png");
    browser.close().await;
}
