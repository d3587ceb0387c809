//! # recipe-pipeline
//!
//! The running system around [`recipe_diff`]: makes dropped in a bucket
//! become stored, browsable differences, with nothing lost and nothing
//! doubled.
//!
//! ```text
//!  bucket ──► watcher ──► queue ──► sender ──► server ──► record store
//! ```
//!
//! - [`ports`]: the traits the services need ([`ports::ObjectStore`],
//!   [`ports::Queue`], [`ports::RecordStore`], [`ports::AnnouncementLog`]);
//!   the AWS adapters live in `recipe-aws`, the embedded ones (a directory
//!   and SQLite) in `recipe-embedded`;
//! - [`recipe_cache`]: a record store decorator that keeps recipe reads
//!   for a moment, so the server does not read a recipe for every make;
//! - [`analytics`]: summaries of many makes (rating over time, the
//!   ingredients and steps most changed, changes that go with better
//!   ratings), computed from stored records;
//! - [`claim_check`]: the queue message between watcher and sender;
//! - [`records`]: what the store keeps, and the identity of a make;
//! - [`ingest`]: what the server does with a recipe or make document:
//!   parse, check, diff, store once, record refusals;
//! - [`keys`]: which keys are recipes and which are makes;
//! - [`watcher`]: announces new objects (poll or event mode);
//! - [`sender`]: hands announced documents to the server, settling each
//!   message exactly once;
//! - [`memory`]: [`memory::InMemoryRecordStore`], a record store for tests,
//!   examples and a server that keeps nothing;
//! - [`server`]: the HTTP API (axum) over a [`ports::RecordStore`];
//! - `conformance` (feature `conformance`): one specification of the ports
//!   that every adapter's tests run.
//!
//! ## Example
//!
//! ```
//! use recipe_pipeline::claim_check::ClaimCheck;
//! use recipe_pipeline::keys::{KeyKind, Prefixes};
//! use recipe_pipeline::ports::ObjectInfo;
//!
//! let object = ObjectInfo { key: "makes/pie-1.json".into(), etag: "9b2c".into(), size: 512 };
//! assert_eq!(Prefixes::default().classify(&object.key), KeyKind::Make);
//! let message = ClaimCheck::new("my-bucket", object).to_body();
//! assert_eq!(ClaimCheck::from_body(&message)?.key, "makes/pie-1.json");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

pub mod analytics;
pub mod claim_check;
#[cfg(any(test, feature = "conformance"))]
pub mod conformance;
mod error;
pub mod ingest;
pub mod keys;
pub mod memory;
pub mod ports;
pub mod recipe_cache;
pub mod records;
pub mod sender;
pub mod server;
pub mod watcher;

pub use error::{Error, Result};
