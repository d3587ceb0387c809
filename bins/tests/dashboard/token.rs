//! A server with an API token: the dashboard asks for it at the first
//! save that needs it, asks again when it is refused, and keeps it in the
//! tab's session storage only, so later saves go straight through.

use std::process::Stdio;

use serde_json::json;

use crate::browser::Browser;
use crate::support::{Running, free_port, up_command};
use crate::wait_for_seeded_makes;

const TOKEN: &str = "kitchen-secret";

/// Waits for the token dialog whose reason contains `reason`.
async fn token_dialog(browser: &Browser, reason: &str) {
    browser
        .wait_until(
            "const why = document.querySelector('dialog[open] #token-why'); \
             return why && why.innerText.includes(arguments[0]);",
            json!([reason]),
            &format!("the token dialog saying {reason:?}"),
        )
        .await;
}

async fn preview_ready(browser: &Browser, count: &str) {
    browser
        .wait_until(
            "return document.getElementById('preview')?.dataset.state === 'ready' \
             && document.getElementById('preview-count').innerText === arguments[0];",
            json!([count]),
            &format!("the live differences saying {count:?}"),
        )
        .await;
}

#[tokio::test]
async fn the_first_save_asks_for_the_token_and_the_tab_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let _up = Running(
        up_command(&dir.path().join("data"), port)
            .args(["--api-token", TOKEN])
            .env_remove("RECIPE_API_TOKEN")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("recipe up starts"),
    );
    wait_for_seeded_makes(&base, 3).await;

    let browser = Browser::start().await;
    browser.resize(1280, 1000).await;
    browser.goto(&format!("{base}/#/recipes/3/record")).await;
    let h1 = browser.wait_for_page_kind("record").await;
    assert!(h1.starts_with("Record a make of "), "{h1}");
    // The preview writes nothing, so it needs no token.
    preview_ready(&browser, "No differences yet").await;
    browser.fill("#rating", "3").await;
    preview_ready(&browser, "1 difference").await;

    // The first save asks; a wrong token is refused and asked for again.
    browser.click("#save").await;
    token_dialog(&browser, "only with its API token").await;
    browser.type_into("#api-token", "not-the-token").await;
    browser.click("dialog[open] button[type=submit]").await;
    token_dialog(&browser, "refused that token").await;
    browser.screenshot("17-token-dialog").await;
    browser.type_into("#api-token", TOKEN).await;
    browser.click("dialog[open] button[type=submit]").await;
    let made = browser.wait_for_page_kind("make").await;
    assert!(made.contains(", made "), "{made}");
    assert!(browser.text("#notice").await.contains("Make saved"));

    let storage = browser
        .run(
            "return [sessionStorage.getItem('recipe-diff.apiToken'), localStorage.length, \
             document.cookie];",
            json!([]),
        )
        .await;
    assert_eq!(
        storage,
        json!([TOKEN, 0, ""]),
        "the token is in session storage only"
    );

    // The tab remembers it: the next save does not ask.
    browser.goto(&format!("{base}/#/recipes/3/record")).await;
    browser.wait_for_page_kind("record").await;
    preview_ready(&browser, "No differences yet").await;
    browser.fill("#rating", "2").await;
    preview_ready(&browser, "1 difference").await;
    browser.click("#save").await;
    browser.wait_for_page_kind("make").await;
    let asked = browser
        .run(
            "return document.querySelectorAll('dialog').length;",
            json!([]),
        )
        .await;
    assert_eq!(asked, 0, "the second save did not ask for the token");
    browser.close().await;
}
