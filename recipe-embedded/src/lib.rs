//! # recipe-embedded
//!
//! The embedded backends of the recipe pipeline: with these, the watcher,
//! the sender and the server run on a laptop with no AWS account (`recipe
//! up`). Each type implements one port of [`recipe_pipeline::ports`] and
//! passes the same conformance suite as the AWS adapters.
//!
//! - [`bucket`]: [`LocalBucket`], an [`ObjectStore`] over a directory
//!   (atomic writes, S3 key order, content-hash etags).
//!
//! Blocking file work runs on tokio's blocking pool, so these adapters need
//! a tokio runtime. Failures map into [`recipe_pipeline::Error`]: I/O is
//! `Unavailable` (worth a retry), bad keys `Refused`.
//!
//! ## Example
//!
//! ```
//! use recipe_embedded::LocalBucket;
//! use recipe_pipeline::ports::{ListRequest, ObjectStore};
//!
//! # let data = tempfile::tempdir()?;
//! # let runtime = tokio::runtime::Builder::new_current_thread().build()?;
//! # runtime.block_on(async {
//! let bucket = LocalBucket::open("local", data.path().join("bucket"))?;
//! bucket.put("makes/pie-1.json", br#"{"recipeId": 1}"#.to_vec()).await?;
//! let page = bucket.list(ListRequest { prefix: "makes/", ..ListRequest::default() }).await?;
//! assert_eq!(page.objects[0].key, "makes/pie-1.json");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`ObjectStore`]: recipe_pipeline::ports::ObjectStore

#![forbid(unsafe_code)]

pub mod bucket;

pub use bucket::LocalBucket;
