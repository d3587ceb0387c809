//! The visible text of an element, line by line, as a microdata value.
//!
//! What a reader sees, roughly as a browser's `innerText` gives it without
//! style sheets: `<br>` and block elements (`<p>`, `<div>`, `<li>`, …)
//! start new lines; table cells are apart; `<script>`, `<style>`,
//! `<template>`, `<noscript>` and SVG (icons, with their titles) are not
//! text; spaces collapse within a line and blank lines go.

use super::tree::{Node, Page};

/// Elements whose content is not text a reader sees.
const HIDDEN: &[&str] = &[
    "script", "style", "template", "noscript", "svg", "head", "title", "iframe",
];

/// Elements that stand on lines of their own.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "caption",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tr",
    "ul",
];

/// The lines of visible text in the element at `index`, each with its
/// spaces collapsed; no blank lines.
pub(super) fn visible_lines(page: &Page, index: usize) -> Vec<String> {
    let mut text = String::new();
    collect(page, index, &mut text);
    text.lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect()
}

/// Appends the text of the node at `index` to `text`. Recursion is bounded
/// by the tree's depth limit.
fn collect(page: &Page, index: usize, text: &mut String) {
    let element = match page.nodes.get(index) {
        Some(Node::Text(run)) => {
            // A line break inside the markup is a space on screen.
            text.extend(
                run.chars()
                    .map(|c| if c == '\n' || c == '\r' { ' ' } else { c }),
            );
            return;
        }
        Some(Node::Element(element)) => element,
        None => return,
    };
    let name = element.name.as_str();
    if name == "br" {
        text.push('\n');
        return;
    }
    if HIDDEN.contains(&name) || element.has_attribute("hidden") {
        return;
    }
    let block = BLOCKS.contains(&name);
    if block {
        text.push('\n');
    }
    for child in &element.children {
        collect(page, *child, text);
    }
    if block {
        text.push('\n');
    } else if name == "td" || name == "th" {
        text.push(' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(html: &str) -> Vec<String> {
        visible_lines(&Page::parse(html), Page::ROOT)
    }

    #[test]
    fn breaks_and_blocks_start_lines_and_spaces_collapse() {
        assert_eq!(
            lines("<p>1 cup <b>flour</b><br>2\n   eggs</p><div>  salt &amp; pepper </div>tail"),
            ["1 cup flour", "2 eggs", "salt & pepper", "tail"]
        );
        assert_eq!(
            lines("<ul><li>a<li>b</ul><table><tr><td>1<td>cup</table>"),
            ["a", "b", "1 cup"]
        );
    }

    #[test]
    fn scripts_styles_and_svg_titles_are_not_text() {
        assert_eq!(
            lines(
                "<span>4.5<svg><title>Star</title><path d=''/></svg> stars</span>\
                 <script>var a = '<b>no</b>';</script><style>p{}</style><template>t</template>"
            ),
            ["4.5 stars"]
        );
        assert_eq!(lines("<p hidden>gone</p>seen"), ["seen"]);
    }
}
