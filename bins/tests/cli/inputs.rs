//! `recipe diff` on saved web pages and Cooklang files, either side, and
//! the warnings every format prints.

use super::{recipe, scratch_file, stderr, stdout};

/// Pages and Cooklang files of `recipe-diff`'s own tests, written in the
/// shapes real sites and the Cooklang specification use.
const GRAPH_PAGE: &str = "recipe-diff/tests/data/pages/graph.html";
const MICRODATA_PAGE: &str = "recipe-diff/tests/data/pages/microdata.html";
const NO_RECIPE_PAGE: &str = "recipe-diff/tests/data/pages/no-recipe.html";
const POTATOES: &str = "recipe-diff/tests/data/cooklang/baked-potatoes.cook";
const POTATOES_MADE: &str = "recipe-diff/tests/data/cooklang/baked-potatoes.make.cook";
const POTATOES_JSON: &str = "recipe-diff/tests/data/cooklang/baked-potatoes.json";
const SUGAR_TBSP: &str = "recipe-diff/tests/data/cooklang/sugar-tablespoons.cook";
const SUGAR_TSP: &str = "recipe-diff/tests/data/cooklang/sugar-teaspoons.cook";
/// Makes of the pages' recipes, as JSON.
const SPAGHETTI_MADE: &str = "bins/tests/cli/data/pages/spaghetti.make.json";
const PANCAKES_MADE: &str = "bins/tests/cli/data/pages/pancakes.make.json";

fn seed(args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    all.extend(["--format", "seed"]);
    let output = recipe(&all);
    let flat = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&output), stderr(&output)));
    (output.status.code(), flat, stderr(&output))
}

#[test]
fn a_json_ld_page_and_a_json_make() {
    let (code, flat, warnings) = seed(&[GRAPH_PAGE, SPAGHETTI_MADE]);
    assert_eq!((code, warnings.as_str()), (Some(1), ""));
    assert_eq!(flat.as_array().map(Vec::len), Some(1), "{flat:#}");
    assert_eq!(flat[0]["recipeField"], "ingredient");
    assert_eq!(flat[0]["ingredientField"], "quantity");
    assert_eq!(flat[0]["difference"]["recipe"], "3");
    assert_eq!(flat[0]["difference"]["make"], "5");
}

#[test]
fn a_microdata_page_and_a_json_make() {
    let output = recipe(["diff", MICRODATA_PAGE, PANCAKES_MADE]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    let text = stdout(&output);
    // The rating, the griddle step skipped; 1 tbsp of sugar is 3 tsp.
    assert!(text.contains("rating"), "{text}");
    assert!(text.contains("Heat a lightly oiled griddle"), "{text}");
    assert!(!text.contains("sugar"), "{text}");
    let (_, flat, _) = seed(&[MICRODATA_PAGE, PANCAKES_MADE]);
    assert_eq!(flat.as_array().map(Vec::len), Some(2), "{flat:#}");
}

#[test]
fn a_page_is_read_as_either_side_and_by_its_content() {
    let output = recipe(["diff", MICRODATA_PAGE, MICRODATA_PAGE]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // A page saved without its extension is still a page.
    let html = std::fs::read_to_string(super::workspace().join(GRAPH_PAGE)).unwrap();
    let saved = scratch_file("saved-page", &format!("\u{feff}\n{html}"));
    let output = recipe([
        std::ffi::OsStr::new("diff"),
        saved.as_os_str(),
        GRAPH_PAGE.as_ref(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn a_page_without_a_recipe_exits_2_and_says_so() {
    let output = recipe(["diff", NO_RECIPE_PAGE, SPAGHETTI_MADE]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.starts_with("recipe: "), "{message}");
    assert!(message.contains("no-recipe.html"), "{message}");
    assert!(message.contains("no recipe found"), "{message}");
}

#[test]
fn two_cooklang_files_an_amount_change_and_a_skipped_step() {
    let (code, flat, warnings) = seed(&[POTATOES, POTATOES_MADE]);
    assert_eq!((code, warnings.as_str()), (Some(1), ""));
    let changes: Vec<(String, String, String, String)> = flat
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            let text = |key: &str| item[key].as_str().unwrap_or_default().to_owned();
            (
                text("recipeField"),
                text("change"),
                item["difference"]["recipe"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                item["difference"]["make"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    let owned = |a: &str, b: &str, c: &str, d: &str| {
        (a.to_owned(), b.to_owned(), c.to_owned(), d.to_owned())
    };
    // The olive oil is 1 tbsp, then 3 tsp: the same amount, not listed.
    assert_eq!(
        changes,
        [
            owned("rating", "changed", "4", "5"),
            owned("ingredient", "changed", "2", "3"),
            owned("ingredient", "removed", "2 tbsp butter", ""),
            owned("ingredient", "removed", "salt", ""),
            owned(
                "instruction",
                "removed",
                "Mash the insides with a potato masher, butter and salt.",
                ""
            ),
        ],
        "{flat:#}"
    );
}

#[test]
fn sugar_in_tablespoons_and_in_teaspoons_is_no_difference() {
    let output = recipe(["diff", SUGAR_TBSP, SUGAR_TSP]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(stderr(&output), "");
    assert_eq!(stdout(&output), "no differences\n");
}

#[test]
fn a_cooklang_file_and_the_same_recipe_as_json_are_no_difference() {
    for (a, b) in [(POTATOES, POTATOES_JSON), (POTATOES_JSON, POTATOES)] {
        let output = recipe(["diff", a, b]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{a} {b}: {}",
            stdout(&output)
        );
        assert_eq!(stderr(&output), "");
    }
}

#[test]
fn a_cooklang_file_the_parser_refuses_exits_2_with_its_place() {
    let broken = scratch_file("broken.cook", "Boil.\n\nAdd @water{1/0%cup}.\n");
    let output = recipe([
        std::ffi::OsStr::new("diff"),
        broken.as_os_str(),
        POTATOES.as_ref(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("broken.cook"), "{message}");
    assert!(
        message.contains("Cooklang at line 3, column 12"),
        "{message}"
    );
}

#[test]
fn warnings_name_the_file_in_every_format() {
    let json = scratch_file(
        "odd-line.json",
        r#"{"@type": "Recipe", "name": "Toast", "recipeIngredient": ["2 slices bread", "1/0 cup butter"]}"#,
    );
    let cook = scratch_file(
        "odd.cook",
        ">> title: Toast\n>> rating: 9\n\nToast @bread{2%slices}.\n",
    );
    let output = recipe([
        std::ffi::OsStr::new("diff"),
        json.as_os_str(),
        cook.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let warnings: Vec<String> = stderr(&output).lines().map(str::to_owned).collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].starts_with(&format!(
            "warning: {}: recipeIngredient[1]: kept as written",
            json.display()
        )),
        "{warnings:?}"
    );
    assert_eq!(
        warnings[1],
        format!(
            "warning: {}: metadata rating: rating left out: rating 9 is outside 0 to 5 (\"9\")",
            cook.display()
        )
    );
}
