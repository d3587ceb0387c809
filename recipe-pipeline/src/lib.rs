//! # recipe-pipeline
//!
//! The running system around [`recipe_diff`]: makes dropped in a bucket
//! become stored, browsable differences, with nothing lost and nothing
//! doubled. The services are written against the ports of
//! [`recipe_ports`] only; which backend is behind each port is the
//! binaries' choice.
//!
//! ```text
//!  bucket ──► watcher ──► queue ──► sender ──► server ──► record store
//! ```
//!
//! - [`watcher`]: announces new objects (poll, S3 event or bucket
//!   change-stream mode) as [`claim_check`]s on the queue;
//! - [`sender`]: fetches each announced object and hands its bytes,
//!   unread, to the server ([`sender::HttpRecipeServer`]), settling each
//!   message exactly once;
//! - [`source_headers`]: how an object's [`recipe_ports::Source`] travels
//!   with it from the sender to the server;
//! - [`document_format`]: which format a bucket object's recipe is in
//!   (JSON, a saved page, Cooklang) and the content type it is sent under;
//! - [`server`]: the HTTP API (axum) and the dashboard over a
//!   [`recipe_ports::RecordStore`];
//! - [`ingest`]: what the server does with a recipe or make document:
//!   parse, check, diff, store once, record refusals; without HTTP, so it
//!   can be fuzzed;
//! - [`preview`]: the differences between a recipe and a make sent
//!   together (`POST /diff`, the dashboard's live preview), stored nowhere;
//!   without HTTP too;
//! - [`promote`]: a make made the recipe's next version, whole or some of
//!   its changes, merged three-way with the latest version when it was
//!   cooked from an older one; without HTTP too;
//! - [`analytics`]: summaries of many makes (rating over time, the
//!   ingredients and steps most changed, changes that go with better
//!   ratings), computed from stored records;
//! - [`suggestions`]: the changes that went with better ratings, as a
//!   proposed next version of the recipe, with their evidence;
//! - [`recipe_cache`]: a record store decorator that keeps recipe reads
//!   for a moment, so the server does not read a recipe for every make;
//! - [`backoff`]: the doubling delays both services retry with.
//!
//! ## Example
//!
//! ```
//! use recipe_pipeline::claim_check::ClaimCheck;
//! use recipe_ports::ObjectInfo;
//!
//! let object = ObjectInfo { key: "makes/pie-1.json".into(), etag: "9b2c".into(), size: 512 };
//! let message = ClaimCheck::new("my-bucket", &object).to_body();
//! assert_eq!(message, r#"{"bucket":"my-bucket","key":"makes/pie-1.json","etag":"9b2c","size":512}"#);
//! assert_eq!(ClaimCheck::from_body(&message)?.source.key, "makes/pie-1.json");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

pub mod analytics;
pub mod backoff;
pub mod claim_check;
pub mod document_format;
pub mod ingest;
pub mod preview;
pub mod promote;
pub mod recipe_cache;
pub mod records_copy;
pub mod retention;
pub mod sender;
pub mod server;
pub mod source_headers;
pub mod suggestions;
pub mod watcher;
