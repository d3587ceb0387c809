//! A saved page as a small tree of elements and text, built from the
//! [`html5gum`] tokenizer.
//!
//! html5gum tokenizes the way browsers do (character references decoded,
//! `<script>` and `<style>` read as raw text, any byte sequence accepted)
//! but leaves the tree to us. Microdata only needs to know which element
//! holds which, so we build it with the few rules of the HTML standard that
//! real pages lean on: void elements (`<br>`, `<img>`, `<meta>`) hold
//! nothing; an `<li>`, `<dt>`/`<dd>`, `<tr>`, `<td>`/`<th>` or `<option>`
//! ends the open one of its kind, and a block element ends an open `<p>`;
//! an end tag closes the nearest open element of its name and is ignored
//! when there is none. What else the standard repairs (misnested
//! formatting, tables rebuilt around stray content) does not change which
//! text an element holds, so we leave it.

use html5gum::{DefaultEmitter, StartTag, Token, Tokenizer};

/// How deep elements nest at most; deeper ones become siblings of the
/// last, as in browsers, so that walking the tree never recurses without
/// bound whatever the page.
const MAX_DEPTH: usize = 256;

/// Elements that never hold content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Start tags that end an open `<p>` (the standard's list).
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "dd",
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
    "table",
    "ul",
];

/// Where the search for an open `<p>` stops (the standard's "button scope").
const P_SCOPE: &[&str] = &[
    "applet", "button", "caption", "html", "table", "td", "th", "marquee", "object", "template",
    "svg",
];

/// One node of the tree.
#[derive(Debug)]
pub(super) enum Node {
    /// An element and what it holds.
    Element(Element),
    /// Text, its character references decoded.
    Text(String),
}

/// An element: its lower-case name, attributes and children.
#[derive(Debug)]
pub(super) struct Element {
    /// The tag name, lower case (`div`, `script`).
    pub(super) name: String,
    /// Attributes in the order of their names, lower case, values decoded.
    attributes: Vec<(String, String)>,
    /// Indexes of the children in [`Page::nodes`].
    pub(super) children: Vec<usize>,
    /// The 1-based line of its start tag, for messages.
    pub(super) line: usize,
}

impl Element {
    /// The value of attribute `name` (lower case), when present.
    pub(super) fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Whether the attribute `name` is present, even empty (`itemscope`).
    pub(super) fn has_attribute(&self, name: &str) -> bool {
        self.attribute(name).is_some()
    }
}

/// A parsed page: node 0 is the document, holding everything else.
#[derive(Debug)]
pub(super) struct Page {
    pub(super) nodes: Vec<Node>,
}

impl Page {
    /// The index of the document node.
    pub(super) const ROOT: usize = 0;

    /// Builds the tree of `html`; never fails, whatever the bytes.
    pub(super) fn parse(html: &str) -> Page {
        let mut builder = Builder {
            page: Page {
                nodes: vec![Node::Element(Element {
                    name: "#document".to_owned(),
                    attributes: Vec::new(),
                    children: Vec::new(),
                    line: 1,
                })],
            },
            open: vec![Page::ROOT],
            lines: Lines::new(html),
        };
        let mut emitter = DefaultEmitter::<usize>::new_with_span();
        // `<script>`, `<style>`, `<title>` and `<textarea>` hold text, not
        // markup: without this, a `<` in a script would start a tag.
        emitter.naively_switch_states(true);
        for token in Tokenizer::new_with_emitter(html, emitter) {
            let token = match token {
                Ok(token) => token,
                Err(never) => match never {},
            };
            builder.token(token);
        }
        builder.page
    }

    /// The element at `index`, if it is one.
    pub(super) fn element(&self, index: usize) -> Option<&Element> {
        match self.nodes.get(index) {
            Some(Node::Element(element)) => Some(element),
            _ => None,
        }
    }

    /// Every element, in document order (the order of their start tags).
    pub(super) fn elements(&self) -> impl Iterator<Item = (usize, &Element)> {
        // Nodes are appended as their tags are read, so index order is
        // document order.
        self.nodes
            .iter()
            .enumerate()
            .filter_map(|(index, node)| match node {
                Node::Element(element) => Some((index, element)),
                Node::Text(_) => None,
            })
    }

    /// The text directly inside the element at `index`, joined.
    pub(super) fn own_text(&self, index: usize) -> String {
        let mut text = String::new();
        for child in self.element(index).map_or(&[][..], |e| &e.children) {
            if let Some(Node::Text(part)) = self.nodes.get(*child) {
                text.push_str(part);
            }
        }
        text
    }
}

/// The state of the tree while tokens arrive.
struct Builder {
    page: Page,
    /// The open elements, outermost first; the document is always open.
    open: Vec<usize>,
    lines: Lines,
}

impl Builder {
    fn token(&mut self, token: Token<usize>) {
        match token {
            Token::StartTag(tag) => self.start(tag),
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name);
                if name == "br" {
                    // `</br>` is a line break in every browser.
                    self.append_element("br".to_owned(), Vec::new(), tag.span.start);
                } else {
                    self.close(&name, &[]);
                }
            }
            Token::String(text) => self.text(&String::from_utf8_lossy(&text.value)),
            Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
        }
    }

    fn start(&mut self, tag: StartTag<usize>) {
        let name = String::from_utf8_lossy(&tag.name).into_owned();
        self.close_implied(&name);
        let attributes = tag
            .attributes
            .into_iter()
            .map(|(key, value)| {
                (
                    String::from_utf8_lossy(&key).into_owned(),
                    String::from_utf8_lossy(&value.value).into_owned(),
                )
            })
            .collect();
        let foreign = self.is_open("svg") || self.is_open("math");
        let holds_nothing = VOID.contains(&name.as_str()) || (tag.self_closing && foreign);
        let index = self.append_element(name, attributes, tag.span.start);
        if !holds_nothing && self.open.len() < MAX_DEPTH {
            self.open.push(index);
        }
    }

    /// Ends what a start tag `name` ends before it opens.
    fn close_implied(&mut self, name: &str) {
        match name {
            "li" => self.close("li", &["ul", "ol", "menu"]),
            "dt" | "dd" => {
                self.close("dt", &["dl"]);
                self.close("dd", &["dl"]);
            }
            "tr" => self.close("tr", &["table", "thead", "tbody", "tfoot"]),
            "td" | "th" => {
                self.close("td", &["tr", "table"]);
                self.close("th", &["tr", "table"]);
            }
            "option" => self.close("option", &["select", "datalist", "optgroup"]),
            _ => {}
        }
        if CLOSES_P.contains(&name) {
            self.close("p", P_SCOPE);
        }
    }

    /// Closes the nearest open element named `name` and everything opened
    /// inside it, unless one of `boundaries` is found first.
    fn close(&mut self, name: &str, boundaries: &[&str]) {
        // The document (position 0) is never closed.
        for position in (1..self.open.len()).rev() {
            let Some(element) = self
                .open
                .get(position)
                .and_then(|index| self.page.element(*index))
            else {
                continue;
            };
            if element.name == name {
                self.open.truncate(position);
                return;
            }
            if boundaries.contains(&element.name.as_str()) {
                return;
            }
        }
    }

    fn is_open(&self, name: &str) -> bool {
        self.open
            .iter()
            .any(|index| self.page.element(*index).is_some_and(|e| e.name == name))
    }

    fn append_element(
        &mut self,
        name: String,
        attributes: Vec<(String, String)>,
        offset: usize,
    ) -> usize {
        let index = self.page.nodes.len();
        self.page.nodes.push(Node::Element(Element {
            name,
            attributes,
            children: Vec::new(),
            line: self.lines.line_of(offset),
        }));
        self.attach(index);
        index
    }

    fn text(&mut self, text: &str) {
        // Text arrives in pieces; one node per run keeps the tree small.
        let parent = self.current();
        let last = self
            .page
            .element(parent)
            .and_then(|element| element.children.last().copied());
        if let Some(Node::Text(run)) = last.and_then(|index| self.page.nodes.get_mut(index)) {
            run.push_str(text);
            return;
        }
        let index = self.page.nodes.len();
        self.page.nodes.push(Node::Text(text.to_owned()));
        self.attach(index);
    }

    fn current(&self) -> usize {
        self.open.last().copied().unwrap_or(Page::ROOT)
    }

    fn attach(&mut self, child: usize) {
        let parent = self.current();
        if let Some(Node::Element(element)) = self.page.nodes.get_mut(parent) {
            element.children.push(child);
        }
    }
}

/// Byte offsets of line starts, to give an offset its line.
struct Lines {
    newlines: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        Lines {
            newlines: text
                .bytes()
                .enumerate()
                .filter(|(_, byte)| *byte == b'\n')
                .map(|(offset, _)| offset)
                .collect(),
        }
    }

    /// The 1-based line of the byte at `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.newlines.partition_point(|newline| *newline < offset) + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree as nested names and text, for short assertions.
    fn outline(page: &Page, index: usize) -> String {
        match page.nodes.get(index) {
            Some(Node::Text(text)) => format!("{text:?}"),
            Some(Node::Element(element)) => {
                let children: Vec<String> =
                    element.children.iter().map(|c| outline(page, *c)).collect();
                if children.is_empty() {
                    element.name.clone()
                } else {
                    format!("{}({})", element.name, children.join(" "))
                }
            }
            None => "?".to_owned(),
        }
    }

    fn tree(html: &str) -> String {
        let page = Page::parse(html);
        outline(&page, Page::ROOT)
    }

    #[test]
    fn implied_end_tags_close_list_items_and_paragraphs() {
        assert_eq!(
            tree("<ul><li>a<li>b<br>c</ul><p>one<div>two</div>"),
            r#"#document(ul(li("a") li("b" br "c")) p("one") div("two"))"#
        );
        assert_eq!(
            tree("<table><tr><td>1<td>2<tr><td>3</table>"),
            r#"#document(table(tr(td("1") td("2")) tr(td("3"))))"#
        );
        assert_eq!(
            tree("<dl><dt>a<dd>b<dt>c</dl>"),
            r#"#document(dl(dt("a") dd("b") dt("c")))"#
        );
    }

    #[test]
    fn stray_end_tags_are_ignored_and_unclosed_tags_end_with_the_page() {
        assert_eq!(
            tree("<div>a</span>b</p></div>c<b>d"),
            r#"#document(div("ab") "c" b("d"))"#
        );
        assert_eq!(tree("a</br>b"), r#"#document("a" br "b")"#);
    }

    #[test]
    fn scripts_hold_text_and_entities_are_decoded() {
        let page = Page::parse(
            "<p>a&amp;b&nbsp;&lt;c&gt;</p><script type=\"application/ld+json\">{\"a\": \"<p>&amp;</p>\"}</script>",
        );
        assert_eq!(
            outline(&page, Page::ROOT),
            "#document(p(\"a&b\\u{a0}<c>\") script(\"{\\\"a\\\": \\\"<p>&amp;</p>\\\"}\"))"
        );
        let (script, element) = page.elements().find(|(_, e)| e.name == "script").unwrap();
        assert_eq!(element.attribute("type"), Some("application/ld+json"));
        assert_eq!(page.own_text(script), r#"{"a": "<p>&amp;</p>"}"#);
    }

    #[test]
    fn void_and_self_closing_foreign_elements_hold_nothing() {
        assert_eq!(
            tree("<p>a<img src=x>b<svg><path/><title>t</title></svg>c"),
            r#"#document(p("a" img "b" svg(path title("t")) "c"))"#
        );
    }

    #[test]
    fn elements_know_their_line() {
        let page = Page::parse("<html>\n<body>\n\n<div itemscope>x</div>");
        let lines: Vec<(String, usize)> = page
            .elements()
            .map(|(_, e)| (e.name.clone(), e.line))
            .collect();
        assert_eq!(
            lines,
            [
                ("#document".to_owned(), 1),
                ("html".to_owned(), 1),
                ("body".to_owned(), 2),
                ("div".to_owned(), 4)
            ]
        );
        assert!(
            page.elements()
                .any(|(_, e)| e.name == "div" && e.has_attribute("itemscope"))
        );
    }

    #[test]
    fn deep_nesting_is_flattened() {
        let html = "<div>".repeat(10_000) + "x";
        let page = Page::parse(&html);
        assert_eq!(page.elements().count(), 10_001);
        // The deepest element is within the limit.
        fn depth(page: &Page, index: usize) -> usize {
            page.element(index).map_or(0, |e| {
                1 + e
                    .children
                    .iter()
                    .map(|c| depth(page, *c))
                    .max()
                    .unwrap_or(0)
            })
        }
        assert!(depth(&page, Page::ROOT) <= MAX_DEPTH + 1);
    }
}
