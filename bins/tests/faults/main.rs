//! Faults in the stores, with the real binaries on loopback: `recipe up`
//! killed (SIGKILL) while makes stream in, its data directory turned
//! read-only or full, and AWS answering a share of requests with
//! throttling and server errors through a fault-injecting proxy in front
//! of moto. Each test checks what a user relies on afterwards: every make
//! stored exactly once, an intact database, readiness that tells the truth.
//! And the way back from a lost database: `recipe backup` of a running
//! pipeline, `recipe restore`, and the bucket replayed into it.
//! `docs/faults.md` lists the faults, what they exposed and the fixes.

mod backup;
mod crash;
mod disk;
#[path = "../pipeline/harness.rs"]
#[allow(dead_code)]
mod harness;
mod versions;
// moto, started once per test binary: the harness recipe-aws's tests use.
#[path = "../../../recipe-aws/tests/aws/moto.rs"]
#[allow(dead_code)]
mod moto;
#[path = "../pipeline/on_moto.rs"]
mod on_moto;
mod proxy;
#[path = "../pipeline/scenarios.rs"]
#[allow(dead_code)]
mod scenarios;
#[path = "../support/mod.rs"]
mod support;
mod throttling;
mod up;
