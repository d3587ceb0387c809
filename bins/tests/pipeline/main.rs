//! The pipeline end to end: the real `recipe-server`, `recipe-watcher` and
//! `recipe-sender` binaries as processes, on the embedded backends and on
//! AWS-compatible moto, checked by reading the stores.

mod embedded;
mod harness;
mod scenarios;
