//! `recipe up` killed with SIGKILL while new versions of a recipe and
//! makes of it stream into its bucket, and restarted each time: every
//! version exists once (one per object, none doubled by a redelivery) and
//! every make is pinned to the version its differences were computed
//! against.

use std::path::Path;
use std::time::{Duration, Instant};

use recipe_diff::{Recipe, RecipeDiff, apply};
use serde_json::Value;

use crate::support::free_port;
use crate::up::{self, Up, client};

/// The recipe the stream is about; the seeded recipes are 1 to 3.
const RECIPE: i64 = 77;
/// How many versions of it stream in, each its own object.
const VERSIONS: usize = 24;
/// How many makes follow each version.
const MAKES_PER_VERSION: usize = 3;
/// How far apart the files arrive.
const PACE: Duration = Duration::from_millis(30);
/// After how many stored makes of the recipe each kill comes.
const KILL_AFTER: [usize; 3] = [2, 25, 55];

/// Version `n` of the recipe: the kneading time says which it is.
fn version(n: usize) -> String {
    format!(
        r#"{{"recipeName": "Stream Bread", "recipeId": {RECIPE}, "rating": 4,
  "ingredients": [{{"ingredientId": 1, "quantity": 500, "measurement": "g", "ingredientName": "flour"}}],
  "steps": [{{"stepId": 1, "stepText": "Knead for {} minutes"}}, {{"stepId": 2, "stepText": "Bake"}}]}}"#,
        n + 1
    )
}

/// Make `k` of the stream: cooked with a little more flour each time.
fn make(k: usize) -> String {
    format!(
        r#"{{"recipeName": "Stream Bread", "recipeId": {RECIPE}, "rating": 5,
  "ingredients": [{{"ingredientId": 1, "quantity": {}, "measurement": "g", "ingredientName": "flour"}}],
  "steps": [{{"stepId": 1, "stepText": "Knead well"}}, {{"stepId": 2, "stepText": "Bake"}}]}}"#,
        501 + k
    )
}

/// Writes `body` at `key` in the bucket folder as `mv` would.
fn drop_file(data: &Path, key: &str, body: &str) -> std::io::Result<()> {
    let path = data.join("bucket").join(key);
    let hidden = path.with_file_name(format!(
        ".{}.part",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ));
    std::fs::write(&hidden, body)?;
    std::fs::rename(&hidden, &path)
}

/// Every item of a paged list at `path`.
async fn all(base: &str, path: &str) -> Option<Vec<Value>> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{base}{path}?limit=100");
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let response = client().get(url).send().await.ok()?;
        if !response.status().is_success() {
            return None;
        }
        let page: Value = serde_json::from_str(&response.text().await.ok()?).ok()?;
        items.extend(page["items"].as_array()?.iter().cloned());
        match page["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return Some(items),
        }
    }
}

/// Waits until at least `count` makes of the recipe are listed.
async fn wait_for_makes(up: &Up, count: usize, within: Duration) -> usize {
    wait_for_list(up, "makes", count, within).await
}

/// Waits until at least `count` items of the recipe's list `list`
/// (`makes`, `versions`) are listed.
async fn wait_for_list(up: &Up, list: &str, count: usize, within: Duration) -> usize {
    let deadline = Instant::now() + within;
    loop {
        let found = all(&up.base, &format!("/recipes/{RECIPE}/{list}"))
            .await
            .map_or(0, |items| items.len());
        if found >= count {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "{found} of {count} {list} within {within:?}\n{}",
            up.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_while_versions_and_makes_stream_in_keeps_each_once_and_pinned() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let data = dir.path().join("data");
    let log = dir.path().join("up.log");
    let port = free_port();
    let mut up = up::start(&data, port, &log).await;

    let writer = std::thread::spawn({
        let data = data.clone();
        move || -> std::io::Result<()> {
            for n in 0..VERSIONS {
                drop_file(&data, &format!("recipes/stream-{n:02}.json"), &version(n))?;
                std::thread::sleep(PACE);
                for k in 0..MAKES_PER_VERSION {
                    let k = n * MAKES_PER_VERSION + k;
                    drop_file(&data, &format!("makes/stream-{k:03}.json"), &make(k))?;
                    std::thread::sleep(PACE);
                }
            }
            Ok(())
        }
    });

    for threshold in KILL_AFTER {
        let stored = wait_for_makes(&up, threshold, Duration::from_secs(90)).await;
        up.kill();
        eprintln!("SIGKILL after {stored} makes of recipe {RECIPE} stored");
        up = up::start(&data, port, &log).await;
    }
    writer
        .join()
        .expect("the writer does not panic")
        .expect("every file is written");
    let total = VERSIONS * MAKES_PER_VERSION;
    wait_for_makes(&up, total, Duration::from_secs(120)).await;
    // A version's object the killed process had received comes back
    // when its visibility runs out, maybe after every make was stored
    // (each is pinned to the version latest when it arrived).
    wait_for_list(&up, "versions", VERSIONS, Duration::from_secs(120)).await;
    // A little longer, so a late duplicate would show.
    tokio::time::sleep(Duration::from_secs(2)).await;

    let base = up.base.clone();
    let versions = all(&base, &format!("/recipes/{RECIPE}/versions"))
        .await
        .expect("the history reads");
    let makes = all(&base, &format!("/recipes/{RECIPE}/makes"))
        .await
        .expect("the makes read");
    let mut recipes = std::collections::BTreeMap::new();
    for summary in &versions {
        let number = summary["version"].as_i64().expect("a version number");
        let url = format!("{base}/recipes/{RECIPE}/versions/{number}");
        let text = client()
            .get(url)
            .send()
            .await
            .expect("answers")
            .text()
            .await;
        let version: Value = serde_json::from_str(&text.expect("a body")).expect("JSON");
        let recipe: Recipe = serde_json::from_value(version["recipe"].clone()).expect("a recipe");
        recipes.insert(number, recipe);
    }
    let tail = up.log_tail();
    up.stop();

    // Every object made one version: numbered without gaps, each content
    // once, whatever order the files were delivered in.
    let numbers: Vec<i64> = recipes.keys().copied().collect();
    assert_eq!(numbers, (1..=VERSIONS as i64).collect::<Vec<_>>(), "{tail}");
    let mut knead_times: Vec<&str> = recipes
        .values()
        .map(|recipe| recipe.steps[0].step_text.as_ref())
        .collect();
    knead_times.sort_unstable();
    let mut expected: Vec<String> = (1..=VERSIONS)
        .map(|n| format!("Knead for {n} minutes"))
        .collect();
    expected.sort();
    assert_eq!(knead_times, expected, "each streamed version once\n{tail}");

    // Every make once, pinned to the version its differences rebuild it
    // from.
    assert_eq!(makes.len(), total, "no make twice, none lost");
    for make in &makes {
        let pinned = make["recipeVersion"].as_i64().unwrap();
        let differences: RecipeDiff = serde_json::from_value(make["differences"].clone()).unwrap();
        let rebuilt = apply(&recipes[&pinned], &differences).unwrap_or_else(|e| {
            panic!(
                "make {} does not apply to version {pinned}: {e}",
                make["makeId"]
            )
        });
        assert_eq!(
            rebuilt.ingredients,
            serde_json::from_value::<Recipe>(make.clone())
                .unwrap()
                .ingredients
        );
        assert_eq!(
            &*rebuilt.steps[0].step_text, "Knead well",
            "make {}",
            make["makeId"]
        );
    }
}
