//! Saved web pages and Cooklang files, read from the fixtures in
//! `tests/data/pages/` and `tests/data/cooklang/`, written in the shapes
//! real sites and the Cooklang specification use.

#![cfg(all(feature = "html", feature = "cooklang"))]

use recipe_diff::parse::{parse_recipe_cooklang, parse_recipe_html};
use recipe_diff::{Error, Recipe, diff, parse_recipe};

fn read(path: &str) -> String {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

fn page(name: &str) -> Recipe {
    let parsed = parse_recipe_html(&read(&format!("pages/{name}")))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(parsed.warnings.is_empty(), "{name}: {:?}", parsed.warnings);
    parsed.value
}

fn cook(name: &str) -> Recipe {
    let parsed = parse_recipe_cooklang(&read(&format!("cooklang/{name}")))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(parsed.warnings.is_empty(), "{name}: {:?}", parsed.warnings);
    parsed.value
}

/// `id: quantity | measurement | name`, one line per ingredient.
fn lines(recipe: &Recipe) -> Vec<String> {
    recipe
        .ingredients
        .iter()
        .map(|i| {
            format!(
                "{}: {} | {} | {}",
                i.ingredient_id.unwrap_or_default(),
                i.quantity.map(|q| q.to_string()).unwrap_or_default(),
                i.measurement.as_deref().unwrap_or_default(),
                i.full_name(),
            )
        })
        .collect()
}

fn texts(recipe: &Recipe) -> Vec<&str> {
    recipe.steps.iter().map(|s| s.step_text.as_ref()).collect()
}

#[test]
fn json_ld_in_a_graph_with_sections() {
    let recipe = page("graph.html");
    assert_eq!(&*recipe.recipe_name, "Weeknight Tomato Spaghetti");
    assert_eq!(recipe.rating, Some(4.6));
    assert_eq!(
        lines(&recipe),
        [
            "1: 1 | lb | spaghetti",
            "2: 3 | tbsp | olive oil",
            "3: 3 | cloves | garlic",
            "4: 1 | can | 28 oz tomatoes",
            "5: 1 | tsp | sugar",
            "6:  |  | salt",
        ]
    );
    assert_eq!(
        texts(&recipe),
        [
            "Heat the olive oil in a large skillet over medium heat.",
            "Add the garlic and cook until fragrant, about 1 minute.",
            "Stir in the tomatoes & sugar and simmer 15 minutes.",
            "Cook the spaghetti in well-salted water until al dente.",
            "Toss the pasta with the sauce and serve.",
        ]
    );
}

#[test]
fn json_ld_as_a_list_with_instructions_as_one_text() {
    let recipe = page("list.html");
    assert_eq!(&*recipe.recipe_name, "Banana Bread");
    // 9 out of 10.
    assert_eq!(recipe.rating, Some(4.5));
    assert_eq!(recipe.ingredients.len(), 6);
    assert_eq!(
        texts(&recipe),
        [
            "Preheat the oven to 350°F.",
            "Mix the butter into the mashed bananas.",
            "Mix in the baking soda, sugar, egg and flour.",
            "Bake for 1 hour.",
        ]
    );
}

#[test]
fn microdata_with_a_br_separated_list() {
    let recipe = page("microdata.html");
    assert_eq!(&*recipe.recipe_name, "Grandma's Pancakes");
    assert_eq!(recipe.rating, Some(4.5));
    assert_eq!(
        lines(&recipe),
        [
            "1: 1 1/2 | cups | all-purpose flour",
            "2: 3 1/2 | tsp | baking powder",
            "3: 1 | tbsp | white sugar",
            "4: 1 1/4 | cups | milk",
            "5: 1 |  | egg",
            "6: 3 | tbsp | butter",
        ]
    );
    assert_eq!(
        texts(&recipe),
        [
            "In a large bowl, sift together the flour, baking powder & sugar.",
            "Make a well in the center and pour in the milk, egg and melted butter; mix until smooth.",
            "Heat a lightly oiled griddle over medium-high heat.",
            "Pour or scoop the batter onto the griddle, using approximately 1/4 cup for each pancake. \
             Brown on both sides and serve hot.",
        ]
    );
}

#[test]
fn microdata_how_to_sections_and_steps() {
    let recipe = page("sections.html");
    assert_eq!(&*recipe.recipe_name, "Lemon Bars");
    assert_eq!(recipe.rating, None);
    assert_eq!(recipe.ingredients.len(), 6);
    assert_eq!(
        texts(&recipe),
        [
            "Preheat the oven to 350 degrees F (175 degrees C).",
            "Blend the butter, sugar and flour; press into a 9x13-inch pan.",
            "Bake for 15 to 20 minutes, until firm and golden.",
            "Whisk the eggs, sugar and lemon juice; pour over the crust.",
            "Bake 20 minutes more; the bars firm up as they cool.",
        ]
    );
}

#[test]
fn a_page_without_a_recipe_is_an_error() {
    let error = parse_recipe_html(&read("pages/no-recipe.html")).unwrap_err();
    assert_eq!(
        error,
        Error::NoRecipeInPage {
            json_ld_scripts: 1,
            microdata_items: 1
        }
    );
    assert!(error.to_string().contains("no recipe found"), "{error}");
}

#[test]
fn the_microdata_and_json_ld_of_one_recipe_agree() {
    // The same pancakes, once as microdata, once as JSON-LD: no difference.
    let json_ld = parse_recipe(
        r#"{"@context": "https://schema.org", "@type": "Recipe", "name": "Grandma's Pancakes",
            "aggregateRating": {"ratingValue": 4.5},
            "recipeIngredient": ["1 1/2 cups all-purpose flour", "3 1/2 tsp baking powder",
              "1 tbsp white sugar", "1 1/4 cups milk", "1 egg", "3 tbsp butter, melted"],
            "recipeInstructions": [
              "In a large bowl, sift together the flour, baking powder & sugar.",
              "Make a well in the center and pour in the milk, egg and melted butter; mix until smooth.",
              "Heat a lightly oiled griddle over medium-high heat.",
              "Pour or scoop the batter onto the griddle, using approximately 1/4 cup for each pancake. Brown on both sides and serve hot."]}"#,
    )
    .unwrap();
    let changes = diff(&json_ld, &page("microdata.html"));
    assert!(changes.is_empty(), "{changes:?}");
}

#[test]
fn cooklang_from_the_specification() {
    let recipe = cook("baked-potatoes.cook");
    assert_eq!(&*recipe.recipe_name, "Baked Potatoes");
    assert_eq!((recipe.recipe_id, recipe.rating), (Some(12), Some(4.0)));
    assert_eq!(
        lines(&recipe),
        [
            "1: 2 |  | potatoes",
            "2: 1 | tbsp | olive oil",
            "3: 1 | tsp | sea salt",
            "4: 2 | tbsp | butter",
            "5:  |  | salt",
            "6: 1 | tbsp | chives",
            "7:  |  | ground black pepper",
        ]
    );
    assert_eq!(
        texts(&recipe),
        [
            "Preheat the oven to 200°C.",
            "Poke holes in potatoes with a fork and rub them with olive oil and sea salt.",
            "Lay the potatoes on a baking sheet and bake for 1 hour.",
            "Mash the insides with a potato masher, butter and salt.",
            "Top with chives and ground black pepper.",
        ]
    );
}

#[test]
fn cooklang_sections_references_and_ranges() {
    let recipe = cook("sections.cook");
    assert_eq!(
        lines(&recipe),
        [
            "1: 500 | g | flour",
            "2: 325 | ml | water",
            "3: 7 | g | yeast",
            "4: 12 | g | salt",
            "5: 400 | g | tomatoes",
            "6: 2 | tbsp | olive oil",
            "7: 2 | cloves | garlic",
        ]
    );
    assert_eq!(
        texts(&recipe),
        [
            "Mix flour, water, yeast and salt in a bowl.",
            "Knead for 10 minutes, then leave to rise for 1-2 hours.",
            "Simmer tomatoes with olive oil, garlic and a little more salt.",
            "Spread the sauce on the dough and bake.",
        ]
    );
}

#[test]
fn a_cooklang_file_and_its_json_are_the_same_recipe() {
    let json = parse_recipe(&read("cooklang/baked-potatoes.json")).unwrap();
    let changes = diff(&json, &cook("baked-potatoes.cook"));
    assert!(changes.is_empty(), "{changes:?}");
}

#[test]
fn tablespoons_and_teaspoons_of_sugar_are_a_restatement() {
    let changes = diff(
        &cook("sugar-tablespoons.cook"),
        &cook("sugar-teaspoons.cook"),
    );
    assert!(changes.is_empty(), "{changes:?}");
    // Restated, not changed: the rich diff still lists them.
    assert_eq!(changes.restatements.ingredients.len(), 2, "{changes:?}");
}

#[test]
fn a_make_in_cooklang_has_an_amount_change_and_a_skipped_step() {
    let changes = diff(
        &cook("baked-potatoes.cook"),
        &cook("baked-potatoes.make.cook"),
    );
    let text = recipe_diff::render::text(&changes, recipe_diff::render::TextStyle::Plain);
    assert!(text.contains("potatoes"), "{text}");
    assert!(text.contains("Mash the insides"), "{text}");
    assert!(!text.contains("olive oil"), "3 tsp is 1 tbsp: {text}");
}
