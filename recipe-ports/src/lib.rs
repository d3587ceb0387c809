//! # recipe-ports
//!
//! What the recipe pipeline's services need from the world, as traits, and
//! what they hand each other. The services (`recipe-pipeline`) are written
//! against these traits only; the adapters implement them: a folder and
//! SQLite (`recipe-embedded`), S3, SQS and DynamoDB (`recipe-aws`), and
//! memory ([`memory`], here). Adapters depend on this crate and never on
//! the services or the web stack.
//!
//! ```text
//!  ObjectStore ──► watcher ──► Queue ──► sender ──► RecipeServer ──► RecordStore
//!  (bucket)           │        (claims)    │        (the server)
//!            AnnouncementLog           DeadLetters
//! ```
//!
//! - the ports: [`ObjectStore`] (the bucket), [`ObjectChanges`] (a
//!   bucket that reports writes as they happen, through a [`ChangeFeed`]),
//!   [`Queue`] and [`DeadLetters`], [`AnnouncementLog`] (the watcher's
//!   memory),
//!   [`RecipeServer`] (the sender's view of the server) and
//!   [`RecordStore`] (recipes, makes, rejections);
//! - [`Source`]: one version of one object, the one name a document
//!   carries from the watcher to the store;
//! - [`keys`]: which keys are recipes and which are makes;
//! - [`records`]: what the store keeps (recipe versions, makes pinned to
//!   the version they were cooked from, rejections), and what identifies a
//!   make;
//! - [`Page`] and [`PageRequest`]: every list is read a page at a time;
//! - [`Error`]: the one error every port fails with, transient or not;
//! - [`aggregate`]: what the makes of a recipe version add up to, kept by
//!   every store as makes are recorded, so analytics never reread them;
//! - [`memory`]: a [`RecordStore`] in memory;
//! - `conformance` (feature `conformance`): the ports' specification, which
//!   every adapter's tests run.
//!
//! ## Example
//!
//! ```
//! use recipe_ports::keys::{KeyKind, Prefixes};
//! use recipe_ports::{ObjectInfo, Source};
//!
//! let object = ObjectInfo { key: "makes/pie-1.json".into(), etag: "9b2c".into(), size: 512 };
//! assert_eq!(Prefixes::default().classify(&object.key), KeyKind::Make);
//! let source = Source::of("my-bucket", &object);
//! assert_eq!(source.version(), "s3://my-bucket/makes/pie-1.json@9b2c");
//! ```

#![forbid(unsafe_code)]

pub mod aggregate;
mod announcements;
mod changes;
#[cfg(any(test, feature = "conformance"))]
pub mod conformance;
mod error;
pub mod keys;
pub mod memory;
mod objects;
mod page;
mod queue;
mod recipe_server;
pub mod records;
mod source;
mod store;

pub use announcements::AnnouncementLog;
pub use changes::{ChangeBatch, ChangeFeed, ObjectChanges, Unheard};
pub use error::{Error, Result};
pub use objects::{ListPage, ListRequest, Object, ObjectInfo, ObjectStore};
pub use page::{Page, PageRequest};
pub use queue::{DeadLetters, Delivery, Queue};
pub use recipe_server::{Outcome, RecipeServer, Submission};
pub use source::Source;
pub use store::{RecordStore, Written};
