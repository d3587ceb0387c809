//! The dashboard in a real browser: `recipe up` on seeded data, headless
//! Chromium driven over WebDriver.
//!
//! - `browse`: the recipe list (with search), a recipe, a make and its
//!   analytics, at laptop and phone widths;
//! - `history`: a make recorded and the recipe edited through the forms,
//!   the history they make, a make compared with the latest version, a long
//!   history paged;
//! - `promote`: makes made the recipe from their pages, whole, change by
//!   change, merged onto a newer version, with a conflict resolved; and a
//!   suggestion taken from the recipe page;
//! - `token`: a server with an API token: the first save asks for it once,
//!   and the tab keeps it in session storage only.
//!
//! Each step asserts what the page shows and saves a screenshot to
//! `target/screenshots/`. With `RECIPE_UPDATE_SCREENSHOTS=1` the ones the
//! docs show also replace theirs in `docs/screenshots/`.
//!
//! Needs Debian's `chromium` and `chromium-driver`; `scripts/browser-env`
//! installs them, and without them these tests fail and say so: they never
//! skip.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

mod browse;
mod browser;
mod history;
mod promote;
#[path = "../support/mod.rs"]
mod support;
mod token;

/// Waits until `recipe up` serves its seeded makes and `recipes` recipes
/// (the three seeded, and any a test added).
async fn wait_for_seeded_makes(base: &str, recipes: u64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(response) = reqwest::get(format!("{base}/analytics")).await
            && let Ok(text) = response.text().await
            && serde_json::from_str::<Value>(&text).is_ok_and(|overview| {
                overview["makeCount"] == 4 && overview["recipeCount"] == recipes
            })
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "recipe up never served its four seeded makes"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// GETs `url` and reads its JSON answer, which must be a success.
async fn get_json(url: &str) -> Value {
    let response = reqwest::get(url)
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    assert!(
        response.status().is_success(),
        "{url}: {}",
        response.status()
    );
    let text = response.text().await.expect("an answer body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{url}: {e}: {text}"))
}

/// Copies a screenshot over `docs/screenshots/NAME` when
/// `RECIPE_UPDATE_SCREENSHOTS` is set: the README and docs show these.
fn publish(shot: &Path, name: &str) {
    if std::env::var_os("RECIPE_UPDATE_SCREENSHOTS").is_none() {
        return;
    }
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
    std::fs::create_dir_all(&docs).expect("docs/screenshots can be created");
    std::fs::copy(shot, docs.join(name)).expect("the screenshot can be published");
}
