//! recipe-aws against a real moto server on loopback: the ports'
//! conformance suite, and what only AWS has (redrive to a dead-letter
//! queue, request counting, error mapping).
//!
//! moto comes from `scripts/python-env`; without it these tests fail and
//! say so.

mod compact;
mod dynamodb;
mod errors;
mod migration;
mod moto;
mod s3;
mod sqs;
mod versions;
