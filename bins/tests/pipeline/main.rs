//! The pipeline end to end: the real `recipe-server`, `recipe-watcher` and
//! `recipe-sender` binaries as processes, on the embedded backends and on
//! AWS-compatible moto, checked by reading the stores.

mod aws;
mod embedded;
mod harness;
mod migrate;
mod migrate_ids;
mod mixed;
// moto, started once per test binary: the harness recipe-aws's tests use.
#[path = "../../../recipe-aws/tests/aws/moto.rs"]
#[allow(dead_code)]
mod moto;
mod on_moto;
mod scenarios;
mod stack;
#[path = "../support/mod.rs"]
mod support;
