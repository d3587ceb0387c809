//! How a document's [`Source`] travels from the sender to the server: three
//! headers, percent-encoded UTF-8, since a key may hold any Unicode and a
//! header only visible ASCII. The sender writes them ([`write()`]), the
//! server reads them ([`read()`]); one module, so the two cannot disagree.

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use recipe_ports::Source;

/// The bucket the document was fetched from.
pub const SOURCE_BUCKET: &str = "x-recipe-source-bucket";
/// The object's key.
pub const SOURCE_KEY: &str = "x-recipe-source-key";
/// The version fetched, without quotes.
pub const SOURCE_ETAG: &str = "x-recipe-source-etag";

/// The three headers naming `source`, as (name, value).
pub fn write(source: &Source) -> [(&'static str, String); 3] {
    let encode = |value: &str| utf8_percent_encode(value, NON_ALPHANUMERIC).to_string();
    [
        (SOURCE_BUCKET, encode(&source.bucket)),
        (SOURCE_KEY, encode(&source.key)),
        (SOURCE_ETAG, encode(&source.etag)),
    ]
}

/// The source a request names, from its headers (`header` gives a
/// header's raw value by name): `None` when it names none, an error that
/// says which header is wrong when a value is not percent-encoded UTF-8 or
/// only some of the three are there (half a source would name a make
/// wrongly, so it is refused rather than taken as a request by hand).
pub fn read<'a>(header: impl Fn(&str) -> Option<&'a [u8]>) -> Result<Option<Source>, String> {
    let value = |name: &str| -> Result<Option<String>, String> {
        header(name)
            .map(|raw| {
                decode(raw).ok_or_else(|| format!("header {name} is not percent-encoded UTF-8"))
            })
            .transpose()
    };
    match (
        value(SOURCE_BUCKET)?,
        value(SOURCE_KEY)?,
        value(SOURCE_ETAG)?,
    ) {
        (Some(bucket), Some(key), Some(etag)) => Ok(Some(Source { bucket, key, etag })),
        (None, None, None) => Ok(None),
        _ => Err(format!(
            "headers {SOURCE_BUCKET}, {SOURCE_KEY} and {SOURCE_ETAG} go together"
        )),
    }
}

/// A source header's value, percent-decoded, when it is what the sender
/// writes: tabs and visible ASCII, every `%` starting an escape of two hex
/// digits, and the decoded bytes UTF-8. Anything else is refused rather
/// than guessed at, since the value names the make: a lone `%` or a raw
/// Latin-1 byte could be read more than one way. The document's
/// `SOURCE_HEADER_PATTERN` (the server's `params` module) says the same.
fn decode(value: &[u8]) -> Option<String> {
    let plain = value
        .iter()
        .all(|&b| b == b'\t' || (b' '..=b'~').contains(&b));
    let escapes_whole = value.iter().enumerate().all(|(at, &b)| {
        b != b'%'
            || value
                .get(at + 1..at + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    if !plain || !escapes_whole {
        return None;
    }
    let decoded: Vec<u8> = percent_encoding::percent_decode(value).collect();
    String::from_utf8(decoded).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back() {
        let source = Source::new("kitchen", "makes/tarte tatin é%.json", "\"e1\"");
        let headers = write(&source);
        for (_, value) in &headers {
            assert!(value.bytes().all(|b| b.is_ascii_graphic()), "{value}");
        }
        assert_eq!(headers[1].1, "makes%2Ftarte%20tatin%20%C3%A9%25%2Ejson");
        let read_back = read(|name| {
            headers
                .iter()
                .find(|(header, _)| *header == name)
                .map(|(_, value)| value.as_bytes())
        });
        assert_eq!(read_back, Ok(Some(source)));
        assert_eq!(read(|_| None), Ok(None));
        let half = read(|name| (name == SOURCE_KEY).then_some(b"k".as_slice()));
        assert!(half.unwrap_err().contains("go together"));
    }

    #[test]
    fn source_headers_are_strict_percent_encoded_utf8() {
        let decode_str = |value: &str| decode(value.as_bytes());
        assert_eq!(decode_str("kitchen").as_deref(), Some("kitchen"));
        assert_eq!(decode_str("").as_deref(), Some(""));
        assert_eq!(
            decode_str("makes%2Ftarte%20tatin%20%c3%A9.json").as_deref(),
            Some("makes/tarte tatin é.json")
        );
        assert_eq!(decode_str("a%25b\tc").as_deref(), Some("a%b\tc"));
        for refused in [
            "%E6",          // half a character
            "%C3%28",       // not a continuation byte
            "%ED%A0%80",    // a surrogate
            "%C0%AF",       // an overlong `/`
            "%F4%90%80%80", // past U+10FFFF
            "100%",         // a lone percent sign
            "%zz",
            "%4",
            "é", // raw UTF-8, not encoded
            "a\u{7f}",
        ] {
            assert_eq!(decode_str(refused), None, "{refused:?}");
        }
        // Latin-1 bytes, as a header may carry them.
        assert_eq!(decode(b"caf\xe9"), None);
    }
}
