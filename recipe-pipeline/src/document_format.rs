//! Which format a recipe document from the bucket is in, and the content
//! type it travels under: the sender picks the type from the object, the
//! server the parser from the object's key. One module, so the two agree.
//!
//! A page is a key ending in `.html` or `.htm`, a Cooklang file one ending
//! in `.cook`; any other key is a page when its text starts with `<`
//! (after a byte-order mark and white space), and JSON otherwise, as the
//! command line reads files.

use recipe_diff::parse::looks_like_html;

/// The content type of a Cooklang file: there is no registered one, and
/// `text/plain` would say nothing about which text it is.
pub const COOKLANG_CONTENT_TYPE: &str = "text/x-cooklang; charset=utf-8";

/// The content type of a saved web page.
pub const HTML_CONTENT_TYPE: &str = "text/html; charset=utf-8";

/// The content type of a JSON document (native or schema.org JSON-LD).
pub const JSON_CONTENT_TYPE: &str = "application/json";

/// The formats a recipe document can be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    /// Native JSON or schema.org Recipe JSON-LD.
    Json,
    /// A saved web page: the Recipe in its JSON-LD, else its microdata.
    Html,
    /// A Cooklang file.
    Cooklang,
}

impl DocumentFormat {
    /// The format its key's extension names (`.html`, `.htm`, `.cook`,
    /// in any case), if any.
    pub fn of_extension(key: &str) -> Option<DocumentFormat> {
        let name = key.rsplit('/').next().unwrap_or(key);
        let (_, extension) = name.rsplit_once('.')?;
        match extension.to_ascii_lowercase().as_str() {
            "html" | "htm" => Some(DocumentFormat::Html),
            "cook" => Some(DocumentFormat::Cooklang),
            _ => None,
        }
    }

    /// The format of the object at `key` holding `body`: its extension's,
    /// else a page when the text looks like one, else JSON.
    ///
    /// ```
    /// use recipe_pipeline::document_format::DocumentFormat;
    ///
    /// assert_eq!(DocumentFormat::of_object("recipes/pie.HTM", b""), DocumentFormat::Html);
    /// assert_eq!(DocumentFormat::of_object("recipes/tea.cook", b"{"), DocumentFormat::Cooklang);
    /// assert_eq!(DocumentFormat::of_object("recipes/saved", b"\n<!doctype html>"), DocumentFormat::Html);
    /// assert_eq!(DocumentFormat::of_object("recipes/pie.json", b"{}"), DocumentFormat::Json);
    /// ```
    pub fn of_object(key: &str, body: &[u8]) -> DocumentFormat {
        DocumentFormat::of_extension(key).unwrap_or_else(|| DocumentFormat::sniffed(body))
    }

    /// A page when `body` starts like one, JSON otherwise.
    pub fn sniffed(body: &[u8]) -> DocumentFormat {
        // Only the start matters; a body cut inside a character (or not
        // UTF-8 at all further on) still says how it starts.
        let start = &body[..body.len().min(1024)];
        let text = match std::str::from_utf8(start) {
            Ok(text) => text,
            Err(e) => std::str::from_utf8(&start[..e.valid_up_to()]).unwrap_or_default(),
        };
        if looks_like_html(text) {
            DocumentFormat::Html
        } else {
            DocumentFormat::Json
        }
    }

    /// The format the server reads a document in: for one from the
    /// bucket (`source_key` set), its key's extension's, else the
    /// content type's when that names a text format, else sniffed; for
    /// one posted by hand, the content type's (`declared`).
    ///
    /// ```
    /// use recipe_pipeline::document_format::DocumentFormat::{Cooklang, Html, Json};
    /// use recipe_pipeline::document_format::DocumentFormat;
    ///
    /// assert_eq!(DocumentFormat::decided(Some("recipes/tea.cook"), Json, b"Boil @water{1%l}."), Cooklang);
    /// assert_eq!(DocumentFormat::decided(Some("recipes/tea"), Cooklang, b"Boil @water{1%l}."), Cooklang);
    /// assert_eq!(DocumentFormat::decided(Some("recipes/pie"), Json, b"<html>"), Html);
    /// assert_eq!(DocumentFormat::decided(None, Json, b"<html>"), Json);
    /// ```
    pub fn decided(
        source_key: Option<&str>,
        declared: DocumentFormat,
        body: &[u8],
    ) -> DocumentFormat {
        let Some(key) = source_key else {
            return declared;
        };
        match (DocumentFormat::of_extension(key), declared) {
            (Some(format), _) => format,
            (None, DocumentFormat::Json) => DocumentFormat::sniffed(body),
            (None, text) => text,
        }
    }

    /// The content type the sender posts a document of this format under.
    pub fn content_type(self) -> &'static str {
        match self {
            DocumentFormat::Json => JSON_CONTENT_TYPE,
            DocumentFormat::Html => HTML_CONTENT_TYPE,
            DocumentFormat::Cooklang => COOKLANG_CONTENT_TYPE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_name_formats_and_only_the_last_counts() {
        assert_eq!(
            DocumentFormat::of_extension("recipes/a.html"),
            Some(DocumentFormat::Html)
        );
        assert_eq!(
            DocumentFormat::of_extension("recipes/A.Cook"),
            Some(DocumentFormat::Cooklang)
        );
        assert_eq!(DocumentFormat::of_extension("recipes/a.cook.json"), None);
        assert_eq!(DocumentFormat::of_extension("recipes.cook/pie"), None);
        assert_eq!(DocumentFormat::of_extension("pie"), None);
    }

    #[test]
    fn a_page_is_told_by_its_start_even_when_cut() {
        let mut page = b"  <html>".to_vec();
        page.extend(std::iter::repeat_n(b'x', 1022));
        page.extend("é".as_bytes());
        assert_eq!(DocumentFormat::sniffed(&page), DocumentFormat::Html);
        assert_eq!(DocumentFormat::sniffed(&[0xff, b'<']), DocumentFormat::Json);
        assert_eq!(DocumentFormat::sniffed(b""), DocumentFormat::Json);
    }

    #[test]
    fn content_types_fit_the_format() {
        assert_eq!(DocumentFormat::Json.content_type(), "application/json");
        assert!(DocumentFormat::Html.content_type().starts_with("text/html"));
        assert!(
            DocumentFormat::Cooklang
                .content_type()
                .starts_with("text/x-cooklang")
        );
    }
}
