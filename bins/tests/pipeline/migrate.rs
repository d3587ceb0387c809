//! `recipe migrate`, the real binary, copying a data directory with 1,000
//! makes into a moto table: twice (nothing doubles), and after a run
//! killed midway (nothing lost); the analytics read the same from both.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use recipe_aws::DynamoRecordStore;
use recipe_diff::{Ingredient, Recipe, Step};
use recipe_embedded::{Database, SqliteRecordStore};
use recipe_pipeline::analytics::recipe_analytics;
use recipe_ports::RecordStore;
use recipe_ports::records::{MakeIdentity, MakeRecord, RecipeVersion, Rejection};

use crate::harness::aws_env;
use crate::moto::{Moto, unique};

const RECIPES: i64 = 10;
const MAKES_PER_RECIPE: i64 = 100;

fn recipe(recipe_id: i64, sugar: f64) -> Recipe {
    Recipe {
        recipe_name: format!("Cake {recipe_id}").into(),
        recipe_id: Some(recipe_id),
        rating: Some(4.0),
        ingredients: vec![Ingredient {
            ingredient_id: Some(1),
            quantity: Some(recipe_diff::quantity::Quantity::new(sugar)),
            measurement: Some("cup".into()),
            ingredient_name: "sugar".into(),
            ..Ingredient::default()
        }],
        steps: vec![Step {
            step_id: Some(1),
            step_text: "Bake 30 minutes".into(),
        }],
    }
}

/// A data directory as `recipe up` leaves it: ten recipes of two versions,
/// a hundred makes each (some with less sugar and a better rating), and a
/// rejection.
async fn data_dir_with_makes(data: &Path) {
    let database = Database::open_data_dir(data).expect("a new data directory opens");
    let store = SqliteRecordStore::new(database);
    for recipe_id in 1..=RECIPES {
        for (version, sugar) in [(1, 1.0), (2, 0.75)] {
            let written = store
                .put_version(&RecipeVersion {
                    recipe_id,
                    version,
                    recipe: recipe(recipe_id, sugar),
                    created_at: "2026-11-01T00:00:00.000Z".to_owned(),
                    source: None,
                    message: Some(format!("version {version}")),
                    changes: 1,
                })
                .await;
            assert!(written.is_ok(), "{written:?}");
        }
        for n in 0..MAKES_PER_RECIPE {
            let version = 1 + n % 2;
            let base = recipe(recipe_id, if version == 1 { 1.0 } else { 0.75 });
            let mut cooked = recipe(recipe_id, if n % 3 == 0 { 0.5 } else { 1.0 });
            cooked.rating = Some(if n % 3 == 0 { 5.0 } else { 3.0 });
            let record = MakeRecord {
                recipe_id,
                make_id: 0,
                made_at: None,
                notes: Some(format!("make {n}")),
                differences: recipe_diff::diff(&base, &cooked),
                recipe: cooked,
                recipe_version: version,
                flat_differences: Vec::new(),
                source: None,
                recorded_at: format!("2026-11-02T00:{:02}:{:02}.000Z", n / 60, n % 60),
            };
            let written = store.put_make(&MakeIdentity::Next, &record).await;
            assert!(written.is_ok(), "{written:?}");
        }
    }
    let rejection = Rejection {
        source: "s3://bucket/makes/broken.json@e1".to_owned(),
        reason: "malformed JSON at line 1, column 3".to_owned(),
        rejected_at: "2026-11-03T00:00:00.000Z".to_owned(),
    };
    assert!(store.put_rejection(&rejection).await.is_ok());
}

fn migrate_command(data: &Path, table: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_recipe"));
    command
        .args(["migrate", "--table", table])
        .arg("--from")
        .arg(data)
        .envs(aws_env(
            &Moto::shared().url(),
            "unused",
            "unused",
            "unused",
            table,
        ))
        .env_remove("RECIPE_DATA_DIR");
    command
}

fn migrate(data: &Path, table: &str) -> Output {
    let output = migrate_command(data, table)
        .output()
        .expect("the recipe binary runs");
    assert!(
        output.status.success(),
        "recipe migrate failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn last_line(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_directory_moves_into_dynamodb_once_however_often_it_runs() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let data = dir.path().join("data");
    data_dir_with_makes(&data).await;
    let aws = Moto::shared().aws().await;
    let table = unique("migrated");
    recipe_aws::dynamodb::create_table(&aws.dynamodb(), &table)
        .await
        .expect("the table is created");

    // A first run killed after its first recipe: what it wrote stays, and
    // the next run finishes the rest.
    let mut child = migrate_command(&data, &table)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("recipe migrate starts");
    let stdout = child.stdout.take().expect("its output is piped");
    let mut lines = BufReader::new(stdout).lines();
    let first_recipe = lines
        .find_map(|line| line.ok().filter(|line| line.starts_with("recipe 1:")))
        .expect("the first recipe is copied");
    assert!(
        first_recipe.contains("100 make(s) copied"),
        "{first_recipe}"
    );
    child.kill().expect("the run is killed");
    let _ = child.wait();

    let finished = migrate(&data, &table);
    assert!(
        last_line(&finished).contains("10 recipes;"),
        "{}",
        last_line(&finished)
    );
    let again = migrate(&data, &table);
    assert_eq!(
        last_line(&again),
        "done: 10 recipes; 0 versions copied, 20 there already; 0 makes copied, \
         1000 there already; 1 rejections copied",
        "a run over a finished copy writes no version and no make"
    );

    let source = SqliteRecordStore::new(Database::open_data_dir(&data).expect("it opens"));
    let copy = DynamoRecordStore::new(aws.dynamodb(), table.clone());
    for recipe_id in 1..=RECIPES {
        let (ours, theirs) = (
            source.makes(recipe_id).await.expect("the source reads"),
            copy.makes(recipe_id).await.expect("the copy reads"),
        );
        assert_eq!(theirs.len(), MAKES_PER_RECIPE as usize, "each make once");
        assert_eq!(ours, theirs, "recipe {recipe_id}'s makes, ids and all");
        let latest = copy.recipe(recipe_id).await.expect("it reads");
        assert_eq!(latest, source.recipe(recipe_id).await.expect("it reads"));
        let latest = latest.expect("the recipe is there");
        assert_eq!(
            recipe_analytics(&latest, &theirs),
            recipe_analytics(&latest, &ours),
            "the analytics read the same"
        );
    }
    assert_eq!(
        copy.rejections().await.expect("it reads").len(),
        1,
        "a rejection copied twice is kept once"
    );
}
