//! From SDK errors to the pipeline's [`Error`]: retrying may help, or it
//! will not.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use recipe_ports::Error;

/// Error codes that mean "slow down" or "try again", whatever the status:
/// the SDK's own list of throttling and transient codes, which it retries
/// before we see them.
const TRANSIENT_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalError",
    "InternalFailure",
    "InternalServerError",
    "ServiceUnavailable",
];

/// Maps a failed call of `backend` into the pipeline's error: throttling,
/// 5xx answers, timeouts and connection failures are
/// [`Error::Unavailable`]; everything else the service answered (access
/// denied, no such queue or table, a malformed request) is
/// [`Error::Refused`]. `context` names the call and its input.
pub(crate) fn from_sdk<E>(
    backend: &'static str,
    context: &str,
    error: &SdkError<E, HttpResponse>,
) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let transient = match error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => true,
        // A response that could not be read (a connection cut mid-body)
        // says nothing about the request itself.
        SdkError::ResponseError(_) => true,
        SdkError::ServiceError(service) => {
            let status = service.raw().status();
            status.is_server_error()
                || status.as_u16() == 429
                || service
                    .err()
                    .code()
                    .is_some_and(|code| TRANSIENT_CODES.contains(&code))
        }
        // Built wrong on our side: sending it again changes nothing.
        _ => false,
    };
    let message = format!("{context}: {}", DisplayErrorContext(error));
    if transient {
        Error::Unavailable { backend, message }
    } else {
        Error::Refused { backend, message }
    }
}

/// A request we could not even build (a required field missing): a bug
/// or bad input on our side, never transient.
pub(crate) fn refused(backend: &'static str, message: impl std::fmt::Display) -> Error {
    Error::Refused {
        backend,
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use aws_smithy_runtime_api::client::result::{ConnectorError, SdkError};
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    use super::*;

    #[derive(Debug)]
    struct ServiceFailure(ErrorMetadata);

    impl std::fmt::Display for ServiceFailure {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{:?}", self.0.code())
        }
    }

    impl std::error::Error for ServiceFailure {}

    impl ProvideErrorMetadata for ServiceFailure {
        fn meta(&self) -> &ErrorMetadata {
            &self.0
        }
    }

    fn service(status: u16, code: &str) -> SdkError<ServiceFailure, HttpResponse> {
        let raw = HttpResponse::new(
            StatusCode::try_from(status).expect("a valid status"),
            SdkBody::empty(),
        );
        SdkError::service_error(
            ServiceFailure(ErrorMetadata::builder().code(code).build()),
            raw,
        )
    }

    fn is_unavailable(error: &SdkError<ServiceFailure, HttpResponse>) -> bool {
        from_sdk("sqs", "ReceiveMessage q", error).is_transient()
    }

    #[test]
    fn transient_failures_are_unavailable() {
        assert!(is_unavailable(&service(503, "ServiceUnavailable")));
        assert!(is_unavailable(&service(500, "Whatever")));
        assert!(is_unavailable(&service(400, "ThrottlingException")));
        assert!(is_unavailable(&service(
            400,
            "ProvisionedThroughputExceededException"
        )));
        assert!(is_unavailable(&service(429, "TooManyRequests")));
        assert!(is_unavailable(&SdkError::dispatch_failure(
            ConnectorError::io("connection refused".into())
        )));
        assert!(is_unavailable(&SdkError::timeout_error("too slow")));
    }

    #[test]
    fn permanent_failures_are_refused() {
        assert!(!is_unavailable(&service(403, "AccessDenied")));
        assert!(!is_unavailable(&service(
            400,
            "AWS.SimpleQueueService.NonExistentQueue"
        )));
        assert!(!is_unavailable(&service(400, "ValidationException")));
        assert!(!is_unavailable(&SdkError::construction_failure("no key")));
        let error = from_sdk("sqs", "DeleteMessage on q", &service(403, "AccessDenied"));
        assert!(error.to_string().contains("DeleteMessage on q"), "{error}");
    }
}
