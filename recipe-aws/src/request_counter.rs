//! Counting the requests we send to AWS, per service and operation, and
//! what they are billed as.
//!
//! The benchmark reports "AWS requests per 1,000 makes" and what a make
//! costs in dollars, and an idle watcher should cost one request per poll:
//! all are read off a [`RequestCounter`], an SDK interceptor that every
//! client made by [`Aws`](crate::config::Aws) carries. Request units and
//! SQS chunks are read off the bodies by [`billing`](mod@crate::billing).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    AfterDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use crate::billing::{self, Billed};

/// One operation of one service, as the SDK names them (`S3`,
/// `ListObjectsV2`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Operation {
    /// The service, for example `SQS`.
    pub service: String,
    /// The operation, for example `ReceiveMessage`.
    pub name: String,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.service, self.name)
    }
}

/// Counts HTTP requests as they are sent: a retried call counts once per
/// attempt, since each attempt is a request AWS bills and throttles.
///
/// Clones share one count.
#[derive(Clone, Default)]
pub struct RequestCounter {
    counts: Arc<Mutex<BTreeMap<Operation, u64>>>,
    billed: Arc<Mutex<Billed>>,
}

impl RequestCounter {
    /// Requests sent so far, per operation.
    pub fn snapshot(&self) -> BTreeMap<Operation, u64> {
        self.counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Requests sent so far, every operation together.
    pub fn total(&self) -> u64 {
        self.counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .sum()
    }

    /// Requests sent so far for one operation (`"SQS"`, `"SendMessageBatch"`).
    pub fn count(&self, service: &str, operation: &str) -> u64 {
        self.counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|(op, _)| op.service == service && op.name == operation)
            .map(|(_, count)| *count)
            .sum()
    }

    /// What the requests so far are billed as beyond being requests:
    /// DynamoDB request units and SQS's 64 KiB chunks.
    pub fn billed(&self) -> Billed {
        self.billed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Starts counting from zero again.
    pub fn reset(&self) {
        self.counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        *self.billed.lock().unwrap_or_else(PoisonError::into_inner) = Billed::default();
    }

    fn add(&self, operation: Operation, billed: &Billed) {
        *self
            .counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(operation)
            .or_default() += 1;
        self.bill(billed);
    }

    fn bill(&self, billed: &Billed) {
        if *billed != Billed::default() {
            self.billed
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .add(billed);
        }
    }
}

impl fmt::Debug for RequestCounter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.snapshot()
                    .into_iter()
                    .map(|(op, count)| (op.to_string(), count)),
            )
            .finish()
    }
}

impl Intercept for RequestCounter {
    fn name(&self) -> &'static str {
        "RequestCounter"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = operation(cfg);
        // A streaming body (an S3 upload) has no bytes here; S3 bills by
        // request alone.
        let body = context.request().body().bytes().unwrap_or_default();
        let billed = billing::request(&operation.service, &operation.name, body);
        self.add(operation, &billed);
        Ok(())
    }

    /// Reads are billed by what they return, so they are counted from the
    /// answer, which the SDK has read into memory by now for every
    /// operation but a streaming download.
    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if context.output_or_error().is_err() {
            return Ok(());
        }
        let Some(body) = context.response().body().bytes() else {
            return Ok(());
        };
        let operation = operation(cfg);
        self.bill(&billing::response(
            &operation.service,
            &operation.name,
            body,
        ));
        Ok(())
    }
}

/// The operation a request belongs to. Every generated operation stores
/// its metadata in the bag; one without it (none today) is still a
/// request, counted as unnamed.
fn operation(cfg: &ConfigBag) -> Operation {
    match cfg.load::<Metadata>() {
        Some(metadata) => Operation {
            service: metadata.service().to_owned(),
            name: metadata.name().to_owned(),
        },
        None => Operation {
            service: "unknown".to_owned(),
            name: "unknown".to_owned(),
        },
    }
}
