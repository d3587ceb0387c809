//! The embedded adapters against the ports' conformance suite, and what
//! only a directory can get wrong: keys that escape, temporary files, files
//! dropped by hand.

#![allow(clippy::unwrap_used)]

mod bucket;
mod conformance;
