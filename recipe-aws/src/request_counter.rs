//! Counting the requests we send to AWS, per service and operation.
//!
//! The benchmark reports "AWS requests per 1,000 makes", and an idle
//! watcher should cost one request per poll: both are read off a
//! [`RequestCounter`], an SDK interceptor that every client made by
//! [`Aws`](crate::config::Aws) carries.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

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

    /// Starts counting from zero again.
    pub fn reset(&self) {
        self.counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    fn add(&self, operation: Operation) {
        *self
            .counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(operation)
            .or_default() += 1;
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
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // Every generated operation stores its metadata in the bag; one
        // without it (none today) is still a request, counted as unnamed.
        let operation = match cfg.load::<Metadata>() {
            Some(metadata) => Operation {
                service: metadata.service().to_owned(),
                name: metadata.name().to_owned(),
            },
            None => Operation {
                service: "unknown".to_owned(),
                name: "unknown".to_owned(),
            },
        };
        self.add(operation);
        Ok(())
    }
}
