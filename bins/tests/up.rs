//! `recipe up` as a person uses it: start it, see the seeded makes, drop a
//! make into the bucket folder, read its differences, stop it with a
//! signal, start it again on the same data; and an old data directory
//! migrated.

// Helpers outside `#[test]` functions fail the test by panicking, too.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{Running, free_port, start_up, up_command};

mod support;

fn stop(mut up: Running) {
    let pid = up.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs")
            .success()
    );
    let status = up.0.wait().expect("recipe up can be waited for");
    assert!(
        status.success(),
        "recipe up exits cleanly on SIGTERM: {status}"
    );
}

async fn get_json(url: &str) -> Option<serde_json::Value> {
    let response = reqwest::get(url).await.ok()?;
    if !response.status().is_success() {
        return None;
    }
    serde_json::from_str(&response.text().await.ok()?).ok()
}

/// Polls `url` until it answers 200 with JSON that `accept` likes.
async fn eventually(url: &str, accept: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(value) = get_json(url).await
            && accept(&value)
        {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "{url} never answered as expected"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The items of a list: a page's (`{"items": […]}`) or a plain array's.
fn items(value: &serde_json::Value) -> &[serde_json::Value] {
    value
        .get("items")
        .unwrap_or(value)
        .as_array()
        .map_or(&[], Vec::as_slice)
}

fn count(value: &serde_json::Value) -> usize {
    items(value).len()
}

#[tokio::test]
async fn seeds_serves_a_dropped_make_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");

    let up = start_up(&data, port);
    // The first run seeds three recipes and four makes.
    eventually(&format!("{base}/recipes"), |v| count(v) == 3).await;
    eventually(&format!("{base}/recipes/2/makes"), |v| count(v) == 2).await;

    // A make dropped into the folder shows its differences within seconds.
    let make = std::fs::read_to_string("../examples/data/apple-pie.make.json")
        .unwrap()
        .replace("\"makeId\": 1", "\"makeId\": 77");
    std::fs::write(data.join("bucket/makes/dropped.json"), make).unwrap();
    let differences = eventually(
        &format!("{base}/recipes/1/makes/77/differences?format=full"),
        |_| true,
    )
    .await;
    assert_eq!(differences["rating"]["make"], 4.0);
    assert_eq!(differences["steps"][0]["kind"], "removed");
    assert_eq!(
        differences["steps"][0]["step"]["stepText"],
        "Pre heat oven to 350 degrees"
    );
    stop(up);

    // A second run resumes: nothing seeded again, nothing doubled.
    let up = start_up(&data, port);
    let makes = eventually(&format!("{base}/recipes/1/makes"), |v| count(v) >= 2).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let again = get_json(&format!("{base}/recipes/1/makes")).await.unwrap();
    assert_eq!(count(&makes), 2, "{makes}");
    assert_eq!(count(&again), 2, "{again}");
    stop(up);
}

/// Puts `body` at `path` whole, as a cook's save does: written beside
/// the bucket, then renamed in, so the watcher never reads half a file.
fn drop_whole(data: &Path, path: &Path, body: &[u8]) {
    let staged = data.join("staged");
    std::fs::write(&staged, body).unwrap();
    std::fs::rename(&staged, path).unwrap();
}

/// The recipe named `name` in a list of recipes.
fn named<'a>(recipes: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    items(recipes)
        .iter()
        .find(|recipe| recipe["recipeName"] == name)
        .unwrap_or_else(|| panic!("no recipe {name:?} in {recipes}"))
}

fn ingredient_names(recipe: &serde_json::Value) -> Vec<&str> {
    items(&recipe["ingredients"])
        .iter()
        .filter_map(|ingredient| ingredient["ingredientName"].as_str())
        .collect()
}

/// A saved page and a Cooklang file dropped under `recipes/` become
/// recipes with the next integer ids; dropped again (the same bytes,
/// rewritten, or removed and put back) they stay one recipe each, with
/// one version; a changed file is its recipe's version 2.
#[tokio::test]
async fn a_dropped_page_and_cooklang_file_become_recipes_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let up = start_up(&data, port);
    let seeded = eventually(&format!("{base}/recipes"), |v| count(v) == 3).await;
    let seeded_ids: Vec<i64> = items(&seeded)
        .iter()
        .filter_map(|r| r["recipeId"].as_i64())
        .collect();

    let recipes = data.join("bucket/recipes");
    let page = std::fs::read("tests/data/dropped/lemon-tart.html").unwrap();
    let tea = std::fs::read_to_string("tests/data/dropped/sweet-tea.cook").unwrap();
    drop_whole(&data, &recipes.join("lemon-tart.html"), &page);
    drop_whole(&data, &recipes.join("sweet-tea.cook"), tea.as_bytes());

    let listed = eventually(&format!("{base}/recipes"), |v| count(v) == 5).await;
    let tart = named(&listed, "Lemon Tart");
    let sweet_tea = named(&listed, "Sweet Tea");
    assert_eq!(
        ingredient_names(tart),
        ["flour", "butter", "lemons", "eggs"],
        "{tart}"
    );
    assert_eq!(ingredient_names(sweet_tea), ["water", "tea bags", "sugar"]);
    let tart_id = tart["recipeId"].as_i64().unwrap();
    let tea_id = sweet_tea["recipeId"].as_i64().unwrap();
    let largest_seeded = seeded_ids.iter().copied().max().unwrap();
    let mut given = [tart_id, tea_id];
    given.sort_unstable();
    assert_eq!(
        given,
        [largest_seeded + 1, largest_seeded + 2],
        "the next integer ids"
    );

    // Dropped again: the same bytes over the file, then removed and put
    // back. Neither is a new recipe or a new version.
    drop_whole(&data, &recipes.join("lemon-tart.html"), &page);
    std::fs::remove_file(recipes.join("sweet-tea.cook")).unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop_whole(&data, &recipes.join("sweet-tea.cook"), tea.as_bytes());
    tokio::time::sleep(Duration::from_secs(2)).await;
    let listed = get_json(&format!("{base}/recipes")).await.unwrap();
    assert_eq!(count(&listed), 5, "{listed}");
    for recipe_id in [tart_id, tea_id] {
        let versions = get_json(&format!("{base}/recipes/{recipe_id}/versions"))
            .await
            .unwrap();
        assert_eq!(count(&versions), 1, "recipe {recipe_id}: {versions}");
    }

    // Changed under the same key: version 2 of the same recipe.
    let less_sugar = tea.replace("@sugar{100%g}", "@sugar{80%g}");
    drop_whole(
        &data,
        &recipes.join("sweet-tea.cook"),
        less_sugar.as_bytes(),
    );
    let versions = eventually(&format!("{base}/recipes/{tea_id}/versions"), |v| {
        count(v) == 2
    })
    .await;
    assert_eq!(items(&versions)[0]["version"], 2, "{versions}");
    assert!(
        items(&versions)[0]["source"]
            .as_str()
            .is_some_and(|source| source.contains("recipes/sweet-tea.cook@")),
        "the version names the object: {versions}"
    );
    let latest = get_json(&format!("{base}/recipes/{tea_id}")).await.unwrap();
    let sugar = items(&latest["ingredients"])
        .iter()
        .find(|i| i["ingredientName"] == "sugar")
        .unwrap();
    assert_eq!(sugar["quantity"].as_f64(), Some(80.0), "{latest}");
    let listed = get_json(&format!("{base}/recipes")).await.unwrap();
    assert_eq!(count(&listed), 5, "still one recipe each: {listed}");
    let rejections = get_json(&format!("{base}/rejections")).await.unwrap();
    assert_eq!(count(&rejections), 0, "{rejections}");
    stop(up);
}

/// Copies the directory `from` into `to`, recursively.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `recipe up` on `data`, and what it printed up to its "Press Ctrl-C"
/// line.
fn start_up_reading_banner(data: &Path, port: u16) -> (Running, Vec<String>) {
    let mut child = up_command(data, port)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("recipe up starts");
    let stdout = child.stdout.take().unwrap();
    let up = Running(child);
    let mut lines = BufReader::new(stdout).lines();
    let mut banner = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.starts_with("Press Ctrl-C");
        banner.push(line);
        if done {
            break;
        }
    }
    // The rest is read too, so `recipe up` never writes to a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (up, banner)
}

fn make_ids(makes: &serde_json::Value) -> Vec<i64> {
    items(makes)
        .iter()
        .map(|make| make["makeId"].as_i64().expect("an integer makeId"))
        .collect()
}

/// A data directory written by the build before make ids were integers
/// (`recipe up` seeded, two makes posted by hand, two dropped without an
/// id; `bins/tests/data/legacy-data-dir`): every make is kept, each with an
/// integer id, and `recipe up` says what it migrated, once.
#[tokio::test]
async fn an_old_data_directory_keeps_every_make_with_an_integer_id() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(Path::new("tests/data/legacy-data-dir"), &data);
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");

    let (up, banner) = start_up_reading_banner(&data, port);
    let migrated = banner
        .iter()
        .find(|line| line.contains("migrated this data directory"))
        .unwrap_or_else(|| panic!("no migration reported: {banner:?}"));
    assert!(
        migrated.contains("gave 8 make(s) of 3 recipe(s) integer ids"),
        "{migrated}"
    );
    assert!(
        migrated.contains(r#"recipe 1: "body-23b104e2ea385021" -> 6"#),
        "{migrated}"
    );

    // Numbers written as text keep their number; the others follow the
    // largest, in the order they arrived.
    let pie = eventually(&format!("{base}/recipes/1/makes"), |v| count(v) == 5).await;
    // Listed in make id order.
    assert_eq!(make_ids(&pie), [1, 5, 6, 7, 8]);
    assert_eq!(pie["items"][2]["notes"], "posted by hand");
    assert_eq!(pie["items"][3]["notes"], "dropped in the bucket, no id");
    // Every make of the old build is pinned to the recipe it was diffed
    // against, which became version 1.
    assert!(items(&pie).iter().all(|make| make["recipeVersion"] == 1));
    let versions = get_json(&format!("{base}/recipes/1/versions"))
        .await
        .unwrap();
    assert_eq!(count(&versions), 1, "{versions}");
    assert_eq!(versions["items"][0]["version"], 1);
    let pancakes = get_json(&format!("{base}/recipes/2/makes")).await.unwrap();
    assert_eq!(make_ids(&pancakes), [1, 2]);
    let soup = get_json(&format!("{base}/recipes/3/makes")).await.unwrap();
    assert_eq!(make_ids(&soup), [1]);
    // Their differences are kept, and readable as the flat list.
    let flat = get_json(&format!("{base}/recipes/1/makes/7/differences"))
        .await
        .unwrap();
    assert!(count(&flat) > 0, "{flat}");
    assert!(
        flat.as_array()
            .unwrap()
            .iter()
            .all(|item| item["makeId"] == 7)
    );

    // A new make takes the next id of its recipe.
    let mut dropped: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(data.join("bucket/makes/2026-11-25-apple-pie.json")).unwrap(),
    )
    .unwrap();
    dropped["notes"] = "dropped after the migration".into();
    std::fs::write(
        data.join("bucket/makes/2026-12-03-apple-pie.json"),
        dropped.to_string(),
    )
    .unwrap();
    let pie = eventually(&format!("{base}/recipes/1/makes"), |v| count(v) == 6).await;
    assert_eq!(make_ids(&pie), [1, 5, 6, 7, 8, 9]);
    stop(up);

    // Migrated once: a second start reports nothing and changes nothing.
    let (up, banner) = start_up_reading_banner(&data, port);
    assert!(
        !banner.iter().any(|line| line.contains("migrated")),
        "{banner:?}"
    );
    let again = eventually(&format!("{base}/recipes/1/makes"), |v| count(v) == 6).await;
    assert_eq!(again, pie);
    stop(up);
}

/// `recipe up` on `data` whose bucket folder is listed at start-up and
/// then only every `safety_poll` (with events on, `--poll-interval-ms` is
/// only the fallback, here an hour too), with `extra` flags.
fn start_up_listing_rarely(data: &Path, port: u16, safety_poll: &str, extra: &[&str]) -> Running {
    Running(
        Command::new(env!("CARGO_BIN_EXE_recipe"))
            .args(["up", "--port", &port.to_string()])
            .args(["--poll-interval-ms", "3600000"])
            .args(["--safety-poll-interval", safety_poll])
            .args(extra)
            .arg("--data")
            .arg(data)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("recipe up starts"),
    )
}

/// The seeded apple-pie make, as make `make_id` of recipe 1.
fn apple_pie_make(make_id: u32) -> String {
    std::fs::read_to_string("../examples/data/apple-pie.make.json")
        .unwrap()
        .replace("\"makeId\": 1", &format!("\"makeId\": {make_id}"))
}

/// Waits until make `make_id` of recipe 1 is stored; returns how long
/// that took.
async fn stored_within(base: &str, make_id: u32) -> Duration {
    let started = Instant::now();
    eventually(&format!("{base}/recipes/1/makes/{make_id}"), |_| true).await;
    started.elapsed()
}

/// With no listing for an hour, a make copied into the folder in place
/// (written, then closed) and one renamed in are stored at once: by their
/// filesystem events. Written while `recipe up` was down, a make is found
/// by the listing at start-up.
#[tokio::test]
async fn dropped_makes_are_stored_by_their_events_and_missed_ones_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let makes = data.join("bucket/makes");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");

    let up = start_up_listing_rarely(&data, port, "1h", &[]);
    // Seeded, and stored by the start-up listing.
    eventually(&format!("{base}/recipes/2/makes"), |v| count(v) == 2).await;

    std::fs::write(makes.join("copied-in.json"), apple_pie_make(81)).unwrap();
    let took = stored_within(&base, 81).await;
    assert!(took < Duration::from_secs(10), "stored after {took:?}");
    drop_whole(
        &data,
        &makes.join("renamed-in.json"),
        apple_pie_make(82).as_bytes(),
    );
    let took = stored_within(&base, 82).await;
    assert!(took < Duration::from_secs(10), "stored after {took:?}");
    stop(up);

    std::fs::write(makes.join("while-down.json"), apple_pie_make(83)).unwrap();
    let up = start_up_listing_rarely(&data, port, "1h", &[]);
    stored_within(&base, 83).await;
    // The seeded make may still wait for its recipe (a retry later).
    let pie = eventually(&format!("{base}/recipes/1/makes"), |v| count(v) >= 4).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let again = get_json(&format!("{base}/recipes/1/makes")).await.unwrap();
    assert_eq!(make_ids(&pie), [1, 81, 82, 83], "{pie}");
    assert_eq!(again, pie, "each make once");
    stop(up);
}

/// With the events unheard (as if every one were lost), the safety poll
/// alone still stores a dropped make.
#[tokio::test]
async fn the_safety_poll_finds_what_the_events_missed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");

    let up = start_up_listing_rarely(&data, port, "1s", &["--ignore-bucket-events"]);
    eventually(&format!("{base}/recipes/2/makes"), |v| count(v) == 2).await;
    std::fs::write(data.join("bucket/makes/unheard.json"), apple_pie_make(84)).unwrap();
    stored_within(&base, 84).await;
    let pie = eventually(&format!("{base}/recipes/1/makes"), |v| count(v) >= 2).await;
    assert_eq!(make_ids(&pie), [1, 84], "{pie}");
    stop(up);
}

#[tokio::test]
async fn retention_set_by_an_operator_deletes_what_is_older_and_keeps_recipes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");

    // A first run, keeping everything: the seeded makes and a refused
    // document are recorded.
    let up = start_up(&data, port);
    eventually(&format!("{base}/recipes/2/makes"), |v| count(v) == 2).await;
    std::fs::write(data.join("bucket/makes/broken.json"), "{ not json").unwrap();
    eventually(&format!("{base}/rejections"), |v| count(v) == 1).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop(up);

    // Run again with makes and rejections kept for one second: the sweep
    // deletes them; the recipes stay.
    let up = support::Running(
        up_command(&data, port)
            .args([
                "--keep-makes",
                "1s",
                "--keep-rejections",
                "1s",
                "--retention-sweep-every",
                "200ms",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    eventually(&format!("{base}/recipes/2/makes"), |v| count(v) == 0).await;
    eventually(&format!("{base}/recipes/1/makes"), |v| count(v) == 0).await;
    eventually(&format!("{base}/rejections"), |v| count(v) == 0).await;
    let recipes = get_json(&format!("{base}/recipes")).await.unwrap();
    assert_eq!(count(&recipes), 3, "recipes are never swept: {recipes}");
    stop(up);
}

#[test]
fn a_retention_of_no_time_is_refused_with_the_way_out() {
    let output = Command::new(env!("CARGO_BIN_EXE_recipe"))
        .args(["up", "--keep-makes", "0s"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("keeping something for no time deletes it at once"),
        "{stderr}"
    );
}
