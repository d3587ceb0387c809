//! A WebDriver client for the tests: the few commands they use over
//! `reqwest`, which is in the tree already (a crate for it would bring a
//! second HTTP stack), on a local chromedriver driving headless Chromium.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

use crate::support::{Running, free_port};

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
pub(crate) struct Browser {
    http: reqwest::Client,
    session: String,
    screenshots: PathBuf,
    _driver: Running,
    _profile: tempfile::TempDir,
}

/// The key WebDriver sends for Enter.
pub(crate) const ENTER: &str = "\u{E007}";

impl Browser {
    pub(crate) async fn start() -> Browser {
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

    pub(crate) async fn post(&self, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.session);
        command(&self.http, reqwest::Method::POST, &url, Some(body)).await
    }

    pub(crate) async fn get(&self, path: &str) -> Value {
        let url = format!("{}{path}", self.session);
        command(&self.http, reqwest::Method::GET, &url, None).await
    }

    pub(crate) async fn goto(&self, url: &str) {
        self.post("/url", json!({"url": url})).await;
    }

    pub(crate) async fn resize(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({"width": width, "height": height}))
            .await;
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page.
    pub(crate) async fn run(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": args}))
            .await
    }

    /// The visible text of the first element matching `css`, or `""`.
    pub(crate) async fn text(&self, css: &str) -> String {
        let script = "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';";
        self.run(script, json!([css]))
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The visible texts of every element matching `css`.
    pub(crate) async fn texts(&self, css: &str) -> Vec<String> {
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
    pub(crate) async fn wait_for_page(&self, page: &str, h1: &str) {
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

    pub(crate) async fn element(&self, css: &str) -> String {
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

    pub(crate) async fn click(&self, css: &str) {
        let element = self.element(css).await;
        self.post(&format!("/element/{element}/click"), json!({}))
            .await;
    }

    pub(crate) async fn type_into(&self, css: &str, text: &str) {
        let element = self.element(css).await;
        self.post(&format!("/element/{element}/value"), json!({"text": text}))
            .await;
    }

    /// Replaces the text of an input or text area, as a person selecting
    /// it all and typing would.
    pub(crate) async fn fill(&self, css: &str, text: &str) {
        let element = self.element(css).await;
        self.post(&format!("/element/{element}/clear"), json!({}))
            .await;
        self.post(&format!("/element/{element}/value"), json!({"text": text}))
            .await;
    }

    /// Sets a control's value from script and tells the page, for the
    /// controls whose typing depends on the locale (a date).
    pub(crate) async fn set_value(&self, css: &str, value: &str) {
        let script = "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
                      e.dispatchEvent(new Event('input', {bubbles: true}));";
        self.run(script, json!([css, value])).await;
    }

    /// Waits until `script` (a function body) returns something truthy,
    /// and returns it; fails naming `what` after 15 seconds.
    pub(crate) async fn wait_until(&self, script: &str, args: Value, what: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let value = self.run(script, args.clone()).await;
            let truthy = match &value {
                Value::Null | Value::Bool(false) => false,
                Value::String(s) => !s.is_empty(),
                Value::Number(n) => n.as_f64() != Some(0.0),
                _ => true,
            };
            if truthy {
                return value;
            }
            assert!(
                Instant::now() < deadline,
                "never saw {what}; the page shows:\n{}",
                self.text("main").await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the router has drawn `page`; returns its heading.
    pub(crate) async fn wait_for_page_kind(&self, page: &str) -> String {
        let script = "return document.body.dataset.page === arguments[0] \
                      && document.querySelector('h1').innerText;";
        let h1 = self
            .wait_until(script, json!([page]), &format!("the {page} page"))
            .await;
        h1.as_str().unwrap_or_default().to_owned()
    }

    /// The page's URL fragment.
    pub(crate) async fn hash(&self) -> String {
        let value = self.run("return window.location.hash;", json!([])).await;
        value.as_str().unwrap_or_default().to_owned()
    }

    /// Ends the WebDriver session (the browser closes with it).
    pub(crate) async fn close(self) {
        self.http.delete(&self.session).send().await.ok();
    }

    /// Saves the viewport as `target/screenshots/NAME.png`; returns the path.
    pub(crate) async fn screenshot(&self, name: &str) -> PathBuf {
        let encoded = self.get("/screenshot").await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().expect("a screenshot is base64 text"))
            .expect("a screenshot is valid base64");
        assert!(png.starts_with(b"\x89PNG"), "a screenshot is a PNG");
        let path = self.screenshots.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("the screenshot can be saved");
        path
    }

    /// A screenshot of the page at laptop width, `height` tall (the whole
    /// form in one picture), then the same page at phone width without
    /// sideways scrolling; back at the tests' usual size after. Answers
    /// the laptop screenshot's path.
    pub(crate) async fn screenshot_then_phone(
        &self,
        name: &str,
        height: u32,
        what: &str,
    ) -> PathBuf {
        self.resize(1280, height).await;
        let shot = self.screenshot(name).await;
        self.resize(375, 812).await;
        self.assert_no_sideways_scroll(what).await;
        self.resize(1280, 1000).await;
        shot
    }

    /// Fails when the page is wider than the window: nothing should make a
    /// phone scroll sideways.
    pub(crate) async fn assert_no_sideways_scroll(&self, what: &str) {
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
