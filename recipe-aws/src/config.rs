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

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader, SdkConfig};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};

use crate::request_counter::RequestCounter;

/// What we choose about the clients beyond what the provider chain says.
///
/// The defaults suit the pipeline: a few quick retries for throttling and
/// 5xx answers, and per-attempt timeouts long enough for SQS long polls
/// (20 s) but short enough that a dead connection is noticed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsOptions {
    /// A local S3/SQS/DynamoDB-compatible server for every service. When
    /// `None`, `AWS_ENDPOINT_URL` (or the profile's `endpoint_url`) still
    /// applies, as the SDK reads them itself.
    pub endpoint_url: Option<String>,
    /// Attempts per request, the first included (standard retry mode).
    pub max_attempts: u32,
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
            max_attempts: 4,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(3),
            attempt_timeout: Duration::from_secs(30),
            operation_timeout: Duration::from_secs(90),
        }
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
}

impl Aws {
    /// Loads the configuration from the standard provider chain.
    pub async fn load(options: &AwsOptions) -> Aws {
        Aws::load_from(aws_config::defaults(BehaviorVersion::latest()), options).await
    }

    /// Loads the configuration from `loader`, with `options` applied on
    /// top; tests use this to give fixed fake credentials and a region
    /// instead of whatever the machine's environment holds.
    pub async fn load_from(loader: ConfigLoader, options: &AwsOptions) -> Aws {
        let http_client = aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let retry = RetryConfig::standard()
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
        }
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
            .force_path_style(self.has_custom_endpoint())
            .interceptor(self.requests.clone())
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }

    /// An SQS client.
    pub fn sqs(&self) -> aws_sdk_sqs::Client {
        let config = aws_sdk_sqs::config::Builder::from(&self.config)
            .interceptor(self.requests.clone())
            .build();
        aws_sdk_sqs::Client::from_conf(config)
    }

    /// A DynamoDB client.
    pub fn dynamodb(&self) -> aws_sdk_dynamodb::Client {
        let config = aws_sdk_dynamodb::config::Builder::from(&self.config)
            .interceptor(self.requests.clone())
            .build();
        aws_sdk_dynamodb::Client::from_conf(config)
    }
}
