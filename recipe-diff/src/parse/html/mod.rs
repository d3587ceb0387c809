//! Saved web pages: the schema.org Recipe in a page's JSON-LD, else in its
//! microdata. What a user sees is documented on [`parse_recipe_html`]; the
//! tree ([`tree`]), the visible text ([`text`]) and the microdata items
//! ([`microdata`]) are this module's parts.

mod microdata;
mod text;
mod tree;

use serde_json::Value;

use super::{Parsed, Warning, jsonld};
use crate::error::{Error, Result};
use crate::model::{Make, Recipe};
use tree::Page;

/// Reads the schema.org Recipe of a saved web page.
///
/// Recipe sites describe their recipes for search engines in one of two
/// ways, and a page saved from a browser keeps both:
///
/// - **JSON-LD**, in `<script type="application/ld+json">` blocks: each
///   block is read as a JSON-LD document (see [`crate::parse`]), the Recipe
///   found at its top level, in a list, in `@graph` or under `mainEntity`.
///   The first block that holds a Recipe wins. A block that is not JSON is
///   skipped (with a warning, when no other block holds the Recipe), after
///   a second try with the raw line breaks that some sites leave inside
///   its strings replaced.
/// - **Microdata**, `itemscope`/`itemtype`/`itemprop` attributes on the
///   page's own elements, read only when no JSON-LD block holds a Recipe:
///   the first item whose type is Recipe, its `name`, `recipeIngredient`
///   (else `ingredients`), `recipeInstructions` (text, `HowToStep`s,
///   `HowToSection`s) and `aggregateRating`. A property's value is a
///   nested item when its element has `itemscope` too; else the `content`
///   of a `<meta>`, the `datetime` of a `<time>`, and otherwise the
///   element's visible text: `<br>` and block elements start new lines,
///   `<script>`, `<style>` and SVG (with its titles) are not text,
///   entities are decoded and spaces collapse within a line. An ingredient
///   value of several lines (a `<p>` with `<br>`s, a whole `<ul>`) is one
///   ingredient a line; an instruction value of several lines is one step
///   a line. `itemref` is not followed.
///
/// Texts are then read as the JSON-LD reader reads them: ingredient lines
/// such as `1 1/2 cups flour, sifted` are understood, and a line that
/// cannot be is kept as written, with a [`Warning`]. Warnings and errors
/// name where in the page they are: `JSON-LD at line 12:
/// @graph[1].recipeIngredient[3]`, or `microdata at line 40:
/// recipeIngredient[2]` (the Recipe item's line, then the ingredient's
/// position among its lines).
///
/// ```
/// use recipe_diff::parse::parse_recipe_html;
///
/// let page = r#"<!doctype html>
/// <html><body>
///   <div itemscope itemtype="https://schema.org/Recipe">
///     <h1 itemprop="name">Buttered Toast</h1>
///     <p itemprop="recipeIngredient">2 slices bread<br>1 tbsp butter</p>
///     <ol itemprop="recipeInstructions"><li>Toast the bread.</li><li>Butter it.</li></ol>
///   </div>
/// </body></html>"#;
/// let parsed = parse_recipe_html(page)?;
/// let toast = &parsed.value;
/// assert_eq!(&*toast.recipe_name, "Buttered Toast");
/// assert_eq!(&*toast.ingredients[1].ingredient_name, "butter");
/// assert_eq!(toast.ingredients[1].measurement.as_deref(), Some("tbsp"));
/// assert_eq!(&*toast.steps[1].step_text, "Butter it.");
/// assert!(parsed.warnings.is_empty());
/// # Ok::<(), recipe_diff::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::NoRecipeInPage`] for a page with no Recipe; for a Recipe
/// without a name, [`Error::Invalid`] with a path that says where it is
/// (`JSON-LD at line 12: name`).
pub fn parse_recipe_html(html: &str) -> Result<Parsed<Recipe>> {
    parse_make_html(html).map(|parsed| parsed.map(|make| make.recipe))
}

/// [`parse_recipe_html`], as a [`Make`]: a page says nothing of a make,
/// so only its recipe is filled in. For a make kept as a saved page.
///
/// # Errors
///
/// As [`parse_recipe_html`].
pub fn parse_make_html(html: &str) -> Result<Parsed<Make>> {
    let html = html.strip_prefix('\u{feff}').unwrap_or(html);
    let page = Page::parse(html);
    let scripts = json_ld_scripts(&page);
    let mut skipped = Vec::new();
    for script in &scripts {
        let place = format!("JSON-LD at line {}", script.line);
        let value = match read_json(&script.text) {
            Ok(value) => value,
            Err(error) => {
                skipped.push(Warning {
                    path: place,
                    input: excerpt(&script.text),
                    message: format!("skipped: {error}"),
                });
                continue;
            }
        };
        match jsonld::parse_document(&value) {
            Err(Error::NoRecipe) => {}
            result => return placed(result, &place),
        }
    }
    let Some((node, line)) = microdata::recipe(&page) else {
        return Err(Error::NoRecipeInPage {
            json_ld_scripts: scripts.len(),
            microdata_items: microdata::item_count(&page),
        });
    };
    // Only now do the skipped blocks matter: one of them may have been
    // the Recipe the microdata stands in for.
    placed(
        jsonld::parse_document(&node),
        &format!("microdata at line {line}"),
    )
    .map(|mut parsed| {
        skipped.append(&mut parsed.warnings);
        parsed.warnings = skipped;
        parsed
    })
}

/// Whether `text` looks like a page rather than JSON or Cooklang: it
/// starts with `<` after any byte-order mark and white space. A tool that
/// reads files calls a file a page when this holds or its name ends in
/// `.html` or `.htm`.
///
/// ```
/// use recipe_diff::parse::looks_like_html;
///
/// assert!(looks_like_html("\u{feff}  <!DOCTYPE html><html>…"));
/// assert!(!looks_like_html(r#"{"recipeName": "Toast"}"#));
/// ```
pub fn looks_like_html(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
}

/// One `<script type="application/ld+json">` block.
struct Script {
    text: String,
    line: usize,
}

fn json_ld_scripts(page: &Page) -> Vec<Script> {
    page.elements()
        .filter(|(_, element)| {
            element.name == "script"
                && element.attribute("type").is_some_and(|kind| {
                    // `application/ld+json`, in any case, perhaps with
                    // parameters (`; charset=utf-8`).
                    let kind = kind.split(';').next().unwrap_or_default().trim();
                    kind.eq_ignore_ascii_case("application/ld+json")
                })
        })
        .map(|(index, element)| Script {
            text: page.own_text(index),
            line: element.line,
        })
        .collect()
}

/// A block's JSON, read as sites write it: some wrap it in an HTML
/// comment or CDATA markers, some leave raw line breaks and tabs inside
/// its strings, which JSON forbids but browsers' readers of JSON-LD take.
fn read_json(text: &str) -> Result<Value, serde_json::Error> {
    let text = unwrap_markers(text);
    serde_json::from_str(text).or_else(|error| {
        let mended = mend_strings(text);
        if mended == text {
            return Err(error);
        }
        serde_json::from_str(&mended).map_err(|_| error)
    })
}

/// The text without a surrounding `<!-- … -->` or `/*<![CDATA[*/ … /*]]>*/`.
fn unwrap_markers(text: &str) -> &str {
    let mut text = text.trim();
    for (open, close) in [
        ("<!--", "-->"),
        ("/*<![CDATA[*/", "/*]]>*/"),
        ("<![CDATA[", "]]>"),
    ] {
        if let Some(inner) = text.strip_prefix(open) {
            text = inner.strip_suffix(close).unwrap_or(inner).trim();
        }
    }
    text
}

/// `text` with the control characters inside its JSON strings turned into
/// spaces.
fn mend_strings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string && c.is_control() {
            out.push(' ');
            escaped = false;
            continue;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        }
        out.push(c);
    }
    out
}

/// The start of a long text, for a warning's `input`.
fn excerpt(text: &str) -> String {
    const LIMIT: usize = 80;
    let text = text.trim();
    match text.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or_default()),
        None => text.to_owned(),
    }
}

/// A result of the JSON-LD reader with its paths prefixed by `place`.
fn placed(result: Result<Parsed<Make>>, place: &str) -> Result<Parsed<Make>> {
    let at = |path: &str| {
        if path.is_empty() {
            place.to_owned()
        } else {
            format!("{place}: {path}")
        }
    };
    match result {
        Ok(mut parsed) => {
            for warning in &mut parsed.warnings {
                warning.path = at(&warning.path);
            }
            Ok(parsed)
        }
        Err(Error::Invalid { path, message }) => Err(Error::Invalid {
            path: at(&path),
            message,
        }),
        Err(Error::Quantity {
            path,
            input,
            reason,
        }) => Err(Error::Quantity {
            path: at(&path),
            input,
            reason,
        }),
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_wins_over_microdata_and_warnings_name_the_block() {
        let page = r#"<html><head>
<script type="application/ld+json">{"@type": "BreadcrumbList"}</script>
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [{"@type": "WebPage"},
 {"@type": "Recipe", "name": "From JSON-LD", "recipeIngredient": ["1 cup rice", "1/0 cup water"]}]}
</script></head>
<body><div itemscope itemtype="https://schema.org/Recipe"><h1 itemprop="name">From microdata</h1></div></body></html>"#;
        let parsed = parse_recipe_html(page).unwrap();
        assert_eq!(&*parsed.value.recipe_name, "From JSON-LD");
        let warnings: Vec<&str> = parsed.warnings.iter().map(|w| w.path.as_str()).collect();
        assert_eq!(
            warnings,
            ["JSON-LD at line 3: @graph[1].recipeIngredient[1]"]
        );
    }

    #[test]
    fn broken_blocks_are_mended_or_skipped() {
        let page = "<script type=\"application/ld+json\"><!--\n{\"@type\": \"Recipe\", \"name\": \"Two\nlines\"}\n--></script>";
        assert_eq!(
            &*parse_recipe_html(page).unwrap().value.recipe_name,
            "Two lines"
        );

        let page = "<script type='application/ld+json; charset=utf-8'>{\"@type\": \"Recipe\",</script>\
                    <p itemscope itemtype='http://schema.org/Recipe'><b itemprop=name>Micro</b></p>";
        let parsed = parse_recipe_html(page).unwrap();
        assert_eq!(&*parsed.value.recipe_name, "Micro");
        assert_eq!(parsed.warnings.len(), 1);
        assert!(
            parsed.warnings[0]
                .to_string()
                .starts_with("JSON-LD at line 1: skipped: EOF while parsing"),
            "{:?}",
            parsed.warnings
        );
    }

    #[test]
    fn a_page_without_a_recipe_says_what_it_searched() {
        let error = parse_recipe_html(
            "<html><script type=\"application/ld+json\">{\"@type\": \"WebSite\"}</script>\
             <div itemscope itemtype=\"https://schema.org/Person\"></div>",
        )
        .unwrap_err();
        assert_eq!(
            error,
            Error::NoRecipeInPage {
                json_ld_scripts: 1,
                microdata_items: 1
            }
        );
        assert!(
            error
                .to_string()
                .starts_with("no recipe found in the web page")
        );
        assert!(matches!(
            parse_recipe_html(""),
            Err(Error::NoRecipeInPage { .. })
        ));
    }

    #[test]
    fn a_recipe_without_a_name_is_an_error_that_says_where() {
        let error = parse_recipe_html(
            "<div itemscope itemtype=\"https://schema.org/Recipe\">\n<p itemprop=recipeIngredient>1 egg</p></div>",
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "microdata at line 1: name: a Recipe needs a name"
        );
    }

    #[test]
    fn looks_like_html_skips_a_bom_and_space() {
        assert!(looks_like_html("\u{feff}\n <html>"));
        assert!(!looks_like_html("\u{feff}{}"));
        assert!(!looks_like_html(">> title: Toast"));
    }
}
