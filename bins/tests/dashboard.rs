//! The dashboard in a real browser: `recipe up` on seeded data, headless
//! Chromium driven over WebDriver through the recipe list (with search),
//! a recipe, a make and its analytics, at laptop and phone widths.
//!
//! Each step asserts what the page shows and saves a screenshot to
//! `target/screenshots/`. With `RECIPE_UPDATE_SCREENSHOTS=1` the make page's
//! screenshot also replaces `docs/screenshots/dashboard.png`, the one the
//! README shows.
//!
//! Needs Debian's `chromium` and `chromium-driver`; `scripts/browser-env`
//! installs them, and without them this test fails and says so: it never
//! skips.
//!
//! The WebDriver client is the few commands below over `reqwest`, which is
//! in the tree already: a crate for it would bring a second HTTP stack.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};
use support::{Running, free_port, start_up};

mod support;

/// `name` on the `PATH`.
fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// `target/`, found from the binary under test (`target/debug/recipe`), so
/// `CARGO_TARGET_DIR` is honoured.
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_recipe"))
        .ancestors()
        .nth(2)
        .expect("the binary sits in target/<profile>/")
        .to_path_buf()
}

/// A WebDriver session on a local chromedriver.
struct Browser {
    http: reqwest::Client,
    session: String,
    screenshots: PathBuf,
    _driver: Running,
    _profile: tempfile::TempDir,
}

/// The key WebDriver sends for Enter.
const ENTER: &str = "\u{E007}";

impl Browser {
    async fn start() -> Browser {
        let missing = "the dashboard test needs Debian's chromium and chromium-driver: \
                       run scripts/browser-env to install them";
        let chromium = find_program("chromium").unwrap_or_else(|| panic!("{missing}"));
        let chromedriver = find_program("chromedriver").unwrap_or_else(|| panic!("{missing}"));

        let port = free_port();
        let driver = Running(
            Command::new(chromedriver)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("chromedriver starts"),
        );
        let http = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(response) = http.get(format!("{base}/status")).send().await
                && let Ok(text) = response.text().await
                && serde_json::from_str::<Value>(&text)
                    .is_ok_and(|status| status["value"]["ready"] == true)
            {
                break;
            }
            assert!(Instant::now() < deadline, "chromedriver never became ready");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        let profile = tempfile::tempdir().expect("a temporary profile directory");
        let args = [
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-quic".to_owned(),
            "--hide-scrollbars".to_owned(),
            "--lang=en-GB".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args},
        }}});
        let created = command(
            &http,
            reqwest::Method::POST,
            &format!("{base}/session"),
            Some(capabilities),
        )
        .await;
        let session = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session id in {created}"))
            .to_owned();
        let screenshots = target_dir().join("screenshots");
        std::fs::create_dir_all(&screenshots).expect("target/screenshots can be created");
        Browser {
            http,
            session: format!("{base}/session/{session}"),
            screenshots,
            _driver: driver,
            _profile: profile,
        }
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.session);
        command(&self.http, reqwest::Method::POST, &url, Some(body)).await
    }

    async fn get(&self, path: &str) -> Value {
        let url = format!("{}{path}", self.session);
        command(&self.http, reqwest::Method::GET, &url, None).await
    }

    async fn goto(&self, url: &str) {
        self.post("/url", json!({"url": url})).await;
    }

    async fn resize(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({"width": width, "height": height}))
            .await;
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page.
    async fn run(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": args}))
            .await
    }

    /// The visible text of the first element matching `css`, or `""`.
    async fn text(&self, css: &str) -> String {
        let script = "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';";
        self.run(script, json!([css]))
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The visible texts of every element matching `css`.
    async fn texts(&self, css: &str) -> Vec<String> {
        let script = "return [...document.querySelectorAll(arguments[0])]\
                      .filter(e => e.offsetParent !== null).map(e => e.innerText);";
        let value = self.run(script, json!([css])).await;
        value
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(|s| s.trim().to_owned()))
            .collect()
    }

    /// Waits until the router has drawn `page` and its heading reads `h1`.
    async fn wait_for_page(&self, page: &str, h1: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let state = self
                .run(
                    "return [document.body.dataset.page || '', \
                     (document.querySelector('h1') || {}).innerText || ''];",
                    json!([]),
                )
                .await;
            if state[0] == page && state[1] == h1 {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "expected the {page} page titled {h1:?}, the browser shows {state}:\n{}",
                self.text("main").await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn element(&self, css: &str) -> String {
        let found = self
            .post("/element", json!({"using": "css selector", "value": css}))
            .await;
        found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}: {found}"))
            .to_owned()
    }

    async fn click(&self, css: &str) {
        let element = self.element(css).await;
        self.post(&format!("/element/{element}/click"), json!({}))
            .await;
    }

    async fn type_into(&self, css: &str, text: &str) {
        let element = self.element(css).await;
        self.post(&format!("/element/{element}/value"), json!({"text": text}))
            .await;
    }

    /// Saves the viewport as `target/screenshots/NAME.png`; returns the path.
    async fn screenshot(&self, name: &str) -> PathBuf {
        let encoded = self.get("/screenshot").await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().expect("a screenshot is base64 text"))
            .expect("a screenshot is valid base64");
        assert!(png.starts_with(b"\x89PNG"), "a screenshot is a PNG");
        let path = self.screenshots.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("the screenshot can be saved");
        path
    }

    /// Fails when the page is wider than the window: nothing should make a
    /// phone scroll sideways.
    async fn assert_no_sideways_scroll(&self, what: &str) {
        let widths = self
            .run(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                json!([]),
            )
            .await;
        assert!(
            widths[0].as_u64() <= widths[1].as_u64(),
            "{what} scrolls sideways: page and window widths {widths}"
        );
    }
}

/// One WebDriver command; panics with the driver's message when it fails.
async fn command(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> Value {
    let mut request = http.request(method.clone(), url);
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    let reply: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    assert!(
        status.is_success(),
        "{method} {url} failed ({status}): {text}"
    );
    reply["value"].clone()
}

async fn wait_for_seeded_makes(base: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(response) = reqwest::get(format!("{base}/analytics")).await
            && let Ok(text) = response.text().await
            && serde_json::from_str::<Value>(&text)
                .is_ok_and(|overview| overview["makeCount"] == 4 && overview["recipeCount"] == 4)
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
    wait_for_seeded_makes(&base).await;

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
        swapped.contains("2 cup buttermilk") && swapped.contains("2 cup milk"),
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
    let soup = include_str!("../seed/recipes/tomato-soup.json");
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

    if std::env::var_os("RECIPE_UPDATE_SCREENSHOTS").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::copy(&make_shot, docs.join("dashboard.png")).unwrap();
    }
    browser.http.delete(&browser.session).send().await.ok();
}
