//! schema.org microdata: the Recipe item of a page, as the JSON-LD node it
//! stands for.
//!
//! An element with `itemscope` is an item, its `itemtype` says what it is;
//! the elements with `itemprop` inside it (and not inside a nested item)
//! are its properties. A property's value is a nested item when the
//! element has `itemscope` itself (an `aggregateRating`, a `HowToStep`),
//! else, as the microdata standard says, the `content` of a `<meta>`, the
//! `datetime` of a `<time>`, the `value` of a `<data>` or `<meter>`, the
//! address of a link or image, and otherwise the element's visible text
//! (see [`super::text`]).
//!
//! We turn the first Recipe item into the JSON-LD node it describes, so
//! that one reader (the JSON-LD reader) interprets both forms:
//! `name`, `recipeIngredient` else `ingredients`, `recipeInstructions`
//! (text, `HowToStep`s, `HowToSection`s), `aggregateRating`. An ingredient
//! value of several lines (a `<p>` with `<br>`s between lines, a whole
//! `<ul>`) is one ingredient a line; an instruction value of several lines
//! is one step a line. `itemref` is not followed: recipe pages do not use
//! it.

use serde_json::{Map, Value};

use super::text::visible_lines;
use super::tree::{Element, Page};

/// The properties whose values are lists of ingredient lines.
const INGREDIENT_LISTS: [&str; 2] = ["recipeIngredient", "ingredients"];

/// The first Recipe item of `page`: its JSON-LD node and the line of its
/// element; `None` when no item is a Recipe.
pub(super) fn recipe(page: &Page) -> Option<(Value, usize)> {
    let (index, element) = page.elements().find(|(_, element)| {
        element.has_attribute("itemscope") && item_types(element).any(is_recipe_type)
    })?;
    Some((item(page, index), element.line))
}

/// How many items the page has, for the message saying none is a Recipe.
pub(super) fn item_count(page: &Page) -> usize {
    page.elements()
        .filter(|(_, element)| element.has_attribute("itemscope"))
        .count()
}

/// The types of an item: `itemtype` holds space-separated URLs.
fn item_types(element: &Element) -> impl Iterator<Item = &str> {
    element
        .attribute("itemtype")
        .unwrap_or_default()
        .split_ascii_whitespace()
}

/// `http://schema.org/Recipe`, `https://schema.org/Recipe/`, `Recipe`.
fn is_recipe_type(url: &str) -> bool {
    type_name(url).eq_ignore_ascii_case("Recipe")
}

/// The last segment of a type URL: `HowToStep` of `https://schema.org/HowToStep`.
fn type_name(url: &str) -> &str {
    let url = url.trim_end_matches('/');
    url.rsplit(['/', '#']).next().unwrap_or(url)
}

/// The item at `index` as a JSON-LD node: `@type`, then each property with
/// its values (one value as itself, several as a list).
fn item(page: &Page, index: usize) -> Value {
    let mut node = Map::new();
    if let Some(element) = page.element(index) {
        let types: Vec<Value> = item_types(element)
            .map(|url| Value::String(type_name(url).to_owned()))
            .collect();
        node.insert("@type".to_owned(), one_or_many(types));
    }
    let mut properties: Vec<(String, Vec<Value>)> = Vec::new();
    for (name, property) in properties_of(page, index) {
        let values = values(page, &name, property);
        match properties.iter_mut().find(|(known, _)| *known == name) {
            Some((_, known)) => known.extend(values),
            None => properties.push((name, values)),
        }
    }
    for (name, values) in properties {
        let value = if INGREDIENT_LISTS.contains(&name.as_str()) {
            Value::Array(values)
        } else {
            one_or_many(values)
        };
        node.insert(name, value);
    }
    Value::Object(node)
}

fn one_or_many(mut values: Vec<Value>) -> Value {
    if values.len() == 1 {
        values.pop().unwrap_or(Value::Null)
    } else {
        Value::Array(values)
    }
}

/// The property elements of the item at `index`, in document order, each
/// with one of its names (`itemprop` may name several).
fn properties_of(page: &Page, index: usize) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let mut pending: Vec<usize> = page
        .element(index)
        .map(|e| e.children.iter().rev().copied().collect())
        .unwrap_or_default();
    // Depth first, in document order, without recursion.
    while let Some(child) = pending.pop() {
        let Some(element) = page.element(child) else {
            continue;
        };
        if let Some(names) = element.attribute("itemprop") {
            for name in names.split_ascii_whitespace() {
                found.push((property_name(name).to_owned(), child));
            }
        }
        // A nested item's descendants are its own properties, not ours.
        if !element.has_attribute("itemscope") {
            pending.extend(element.children.iter().rev().copied());
        }
    }
    found
}

/// A property name; full URLs (`http://schema.org/name`) are shortened.
fn property_name(name: &str) -> &str {
    if name.contains(':') {
        type_name(name)
    } else {
        name
    }
}

/// The values of property `name` on the element at `index`: one, or, for
/// an ingredient list, one per line.
fn values(page: &Page, name: &str, index: usize) -> Vec<Value> {
    let Some(element) = page.element(index) else {
        return Vec::new();
    };
    if element.has_attribute("itemscope") {
        return vec![item(page, index)];
    }
    let lines = match attribute_value(element) {
        Some(value) => vec![value.trim().to_owned()],
        None => visible_lines(page, index),
    };
    if INGREDIENT_LISTS.contains(&name) {
        lines
            .iter()
            .map(|line| Value::String(escape(line)))
            .collect()
    } else {
        vec![Value::String(escape(&lines.join("\n")))]
    }
}

/// The value an attribute gives instead of the text, for the elements
/// the microdata standard names.
fn attribute_value(element: &Element) -> Option<&str> {
    let attribute = match element.name.as_str() {
        "meta" => "content",
        "audio" | "embed" | "iframe" | "img" | "source" | "track" | "video" => "src",
        "a" | "area" | "link" => "href",
        "object" => "data",
        "data" | "meter" => "value",
        "time" => return element.attribute("datetime"),
        _ => return None,
    };
    Some(element.attribute(attribute).unwrap_or_default())
}

/// Text as HTML: the JSON-LD reader removes tags and decodes entities, and
/// our text is already plain, so its `&` and `<` must stay what they are.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(html: &str) -> Value {
        recipe(&Page::parse(html)).map_or(Value::Null, |(value, _)| value)
    }

    #[test]
    fn properties_nested_items_and_attribute_values() {
        let value = node(
            r#"<div itemscope itemtype="http://schema.org/WebPage">
                 <article itemscope itemtype="https://schema.org/Recipe">
                   <h1 itemprop="name">Tea &amp; Toast</h1>
                   <meta itemprop="recipeIngredient" content=" 1 tea bag ">
                   <p itemprop="recipeIngredient">2 slices bread<br>butter</p>
                   <div itemprop="aggregateRating" itemscope itemtype="https://schema.org/AggregateRating">
                     <span itemprop="ratingValue">4.5</span> of <span itemprop="bestRating">5</span>
                     <span itemprop="name">not the recipe's name</span>
                   </div>
                   <time itemprop="totalTime" datetime="PT5M">5 min</time>
                 </article>
               </div>"#,
        );
        assert_eq!(
            value,
            serde_json::json!({
                "@type": "Recipe",
                "name": "Tea &amp; Toast",
                "recipeIngredient": ["1 tea bag", "2 slices bread", "butter"],
                "aggregateRating": {
                    "@type": "AggregateRating",
                    "ratingValue": "4.5", "bestRating": "5", "name": "not the recipe's name"
                },
                "totalTime": "PT5M",
            })
        );
    }

    #[test]
    fn a_page_without_a_recipe_item_has_none() {
        let page = Page::parse(
            r#"<div itemscope itemtype="https://schema.org/Person"><span itemprop="name">A</span></div>"#,
        );
        assert_eq!(recipe(&page), None);
        assert_eq!(item_count(&page), 1);
    }

    #[test]
    fn several_names_and_full_url_properties() {
        let value = node(
            r#"<div itemscope itemtype="Recipe"><span itemprop="name http://schema.org/headline">X</span>
               <ol itemprop="recipeInstructions"><li>Mix.</li><li>Bake &lt; 5 min.</li></ol></div>"#,
        );
        assert_eq!(
            value,
            serde_json::json!({
                "@type": "Recipe", "name": "X", "headline": "X",
                "recipeInstructions": "Mix.\nBake &lt; 5 min.",
            })
        );
    }
}
