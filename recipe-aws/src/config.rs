//! One AWS configuration for every client: credentials, region, endpoint,
//! retries, timeouts and the request counter.
//!
//! Credentials and region come only from the standard provider chain
//! (environment, shared profile, EKS Pod Identity, IRSA web identity,
//! instance metadata), never from files we ship. `AWS_ENDPOINT_URL` points
//! every client at a local S3/SQS/DynamoDB-compatible server; S3 then uses
//! path-style addressing, since such servers rarely resolve
//! `bucket.host` names.

use std::time::Duration;

use aws_config::retry::{RetryConfig, RetryMode};
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader, SdkConfig};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_runtime::client::retries::{RetryPartition, TokenBucket};

use crate::request_counter::RequestCounter;

/// What we choose about the clients beyond what the provider chain says.
///
/// The defaults suit the pipeline: retries enough to ride out a spell of
/// throttling and 5xx answers inside the SDK, and per-attempt timeouts long
/// enough for SQS long polls (20 s) but short enough that a dead
/// connection is noticed.
///
/// Why the retries are generous: every failure the SDK gives up on
/// reaches the pipeline, where it costs more. The sender puts the claim
/// back for a later receive, and five receives send it to the dead-letter
/// queue; the server answers 503. The SDK's own defaults (3 attempts, a
/// retry quota of 500 tokens per service and process, 5 per throttled
/// retry and 10 per 5xx retry) gave up within seconds when the fault tests
/// (`bins/tests/faults`) failed three requests in ten: the server's quota
/// ran dry first. So: standard mode (adaptive mode's client-side rate
/// limiter only slows every request down after throttling, and the
/// pipeline's work is bursty), 10 attempts with jittered exponential
/// backoff from 100 ms to 5 s (at most about 21 s of waiting, well inside
/// the operation timeout), and a quota ten times the SDK's, so tens of
/// seconds at that error rate pass while a real outage still trips the
/// circuit breaker and stops the retry storm. `AWS_MAX_ATTEMPTS` and
/// `AWS_RETRY_MODE` (`standard`, `adaptive`) override the first two in
/// [`Aws::load`], as the SDK documents them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsOptions {
    /// A local S3/SQS/DynamoDB-compatible server for every service. When
    /// `None`, `AWS_ENDPOINT_URL` (or the profile's `endpoint_url`) still
    /// applies, as the SDK reads them itself.
    pub endpoint_url: Option<String>,
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// Standard, or adaptive (which also rate-limits the client once it
    /// is throttled).
    pub retry_mode: RetryMode,
    /// Retry tokens per service and process: a retry after throttling
    /// costs 5, after a 5xx or timeout 10, and a success returns 1. When
    /// they run out, failures are returned without retrying.
    pub retry_quota: usize,
    /// The first retry's backoff; later ones grow exponentially, with jitter.
    pub initial_backoff: Duration,
    /// The longest backoff between two attempts.
    pub max_backoff: Duration,
    /// How long to wait for a TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// How long one attempt may take; must exceed the 20 s SQS long poll.
    pub attempt_timeout: Duration,
    /// How long a request may take, every retry included.
    pub operation_timeout: Duration,
}

impl Default for AwsOptions {
    fn default() -> Self {
        AwsOptions {
            endpoint_url: None,
            max_attempts: 10,
            retry_mode: RetryMode::Standard,
            retry_quota: 5000,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(3),
            attempt_timeout: Duration::from_secs(30),
            operation_timeout: Duration::from_secs(90),
        }
    }
}

impl AwsOptions {
    /// These options with the SDK's standard retry variables applied:
    /// `AWS_MAX_ATTEMPTS` (a positive number) and `AWS_RETRY_MODE`
    /// (`standard` or `adaptive`), read through `var`. Values that do not
    /// parse are logged and ignored.
    pub fn with_retry_env(mut self, var: impl Fn(&str) -> Option<String>) -> AwsOptions {
        if let Some(value) = var("AWS_MAX_ATTEMPTS") {
            match value.trim().parse::<u32>() {
                Ok(attempts) if attempts > 0 => self.max_attempts = attempts,
                _ => tracing::warn!(%value, "ignoring AWS_MAX_ATTEMPTS: not a positive number"),
            }
        }
        if let Some(value) = var("AWS_RETRY_MODE") {
            match value.trim().to_ascii_lowercase().as_str() {
                "standard" => self.retry_mode = RetryMode::Standard,
                "adaptive" => self.retry_mode = RetryMode::Adaptive,
                _ => tracing::warn!(%value, "ignoring AWS_RETRY_MODE: not standard or adaptive"),
            }
        }
        self
    }
}

/// The loaded configuration, and a factory for the three clients.
///
/// Every client made here carries the same [`RequestCounter`], so
/// [`Aws::requests`] counts what the whole process sent.
#[derive(Debug, Clone)]
pub struct Aws {
    config: SdkConfig,
    requests: RequestCounter,
    /// The retry tokens each client's partition starts with.
    retry_quota: usize,
}

impl Aws {
    /// Loads the configuration from the standard provider chain, with
    /// `AWS_MAX_ATTEMPTS` and `AWS_RETRY_MODE` from the environment over
    /// `options` when set.
    pub async fn load(options: &AwsOptions) -> Aws {
        let options = options
            .clone()
            .with_retry_env(|name| std::env::var(name).ok());
        Aws::load_from(aws_config::defaults(BehaviorVersion::latest()), &options).await
    }

    /// Loads the configuration from `loader`, with `options` applied on
    /// top; tests use this to give fixed fake credentials and a region
    /// instead of whatever the machine's environment holds.
    pub async fn load_from(loader: ConfigLoader, options: &AwsOptions) -> Aws {
        let http_client = aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let retry = match options.retry_mode {
            RetryMode::Adaptive => RetryConfig::adaptive(),
            _ => RetryConfig::standard(),
        };
        let retry = retry
            .with_max_attempts(options.max_attempts.max(1))
            .with_initial_backoff(options.initial_backoff)
            .with_max_backoff(options.max_backoff);
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(options.connect_timeout)
            .operation_attempt_timeout(options.attempt_timeout)
            .operation_timeout(options.operation_timeout)
            .build();
        let mut loader = loader
            .http_client(http_client)
            .retry_config(retry)
            .timeout_config(timeouts);
        if let Some(url) = &options.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        Aws {
            config: loader.load().await,
            requests: RequestCounter::default(),
            retry_quota: options.retry_quota,
        }
    }

    /// A retry partition of its own for `service`, with our quota: an
    /// outage of one service does not use up the retries of another.
    fn retry_partition(&self, service: &'static str) -> RetryPartition {
        RetryPartition::custom(service)
            .token_bucket(TokenBucket::new(self.retry_quota))
            .build()
    }

    /// The SDK configuration the clients are built from.
    pub fn sdk_config(&self) -> &SdkConfig {
        &self.config
    }

    /// The counter every client of this configuration reports to.
    pub fn requests(&self) -> &RequestCounter {
        &self.requests
    }

    /// Whether requests go to a configured endpoint rather than AWS's own.
    pub fn has_custom_endpoint(&self) -> bool {
        self.config.endpoint_url().is_some()
    }

    /// An S3 client; path-style when a custom endpoint is set.
    pub fn s3(&self) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::config::Builder::from(&self.config)
            .retry_partition(self.retry_partition("recipe-s3"))
            .force_path_style(self.has_custom_endpoint())
            .interceptor(self.requests.clone())
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }

    /// An SQS client.
    pub fn sqs(&self) -> aws_sdk_sqs::Client {
        let config = aws_sdk_sqs::config::Builder::from(&self.config)
            .retry_partition(self.retry_partition("recipe-sqs"))
            .interceptor(self.requests.clone())
            .build();
        aws_sdk_sqs::Client::from_conf(config)
    }

    /// A DynamoDB client.
    pub fn dynamodb(&self) -> aws_sdk_dynamodb::Client {
        let config = aws_sdk_dynamodb::config::Builder::from(&self.config)
            .retry_partition(self.retry_partition("recipe-dynamodb"))
            .interceptor(self.requests.clone())
            .build();
        aws_sdk_dynamodb::Client::from_conf(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_retry_variables_override_the_options() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            }
        };
        let defaults = AwsOptions::default();
        let set = defaults.clone().with_retry_env(env(&[
            ("AWS_MAX_ATTEMPTS", "3"),
            ("AWS_RETRY_MODE", "Adaptive"),
        ]));
        assert_eq!(set.max_attempts, 3);
        assert_eq!(set.retry_mode, RetryMode::Adaptive);
        let ignored = defaults.clone().with_retry_env(env(&[
            ("AWS_MAX_ATTEMPTS", "0"),
            ("AWS_RETRY_MODE", "legacy"),
        ]));
        assert_eq!(ignored, defaults);
        assert_eq!(defaults.clone().with_retry_env(|_| None), defaults);
    }
}
