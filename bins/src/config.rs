//! Configuration shared by every binary: one set of names, as flags with
//! environment fallbacks.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use axum::http::{HeaderValue, Uri};
use recipe_pipeline::retention::Retention;
use recipe_ports::keys::Prefixes;

/// Where the pipeline keeps things: the embedded backends in a directory,
/// or AWS, chosen for all ports at once or port by port.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct BackendArgs {
    /// Use the embedded backends in DIR (the bucket is DIR/bucket/, queues
    /// and records are in SQLite under DIR/); without it, AWS. The
    /// --*-backend flags choose port by port.
    #[arg(long, env = "RECIPE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The bucket's backend: `local` (DIR/bucket/) or `s3`. Default:
    /// `local` with --data-dir, `s3` without.
    #[arg(long, env = "RECIPE_BUCKET_BACKEND", value_enum)]
    pub bucket_backend: Option<BucketBackend>,
    /// The queues' backend (claim checks, dead letters, S3 events, and the
    /// watcher's memory of what it announced): `local` (SQLite under DIR)
    /// or `sqs` (the memory in the DynamoDB table). Default: `local` with
    /// --data-dir, `sqs` without.
    #[arg(long, env = "RECIPE_QUEUE_BACKEND", value_enum)]
    pub queue_backend: Option<QueueBackend>,
    /// The records' backend (recipes, makes, rejections): `sqlite` (under
    /// DIR), `dynamodb`, or `memory` (lost when the process stops).
    /// Default: `sqlite` with --data-dir, `dynamodb` without.
    #[arg(long, env = "RECIPE_RECORDS_BACKEND", value_enum)]
    pub records_backend: Option<RecordsBackend>,
    /// The bucket of recipes and makes (AWS).
    #[arg(long, env = "RECIPE_BUCKET")]
    pub bucket: Option<String>,
    /// The claim-check queue: an SQS URL (AWS) or a queue name (embedded).
    #[arg(long, env = "RECIPE_QUEUE_URL")]
    pub queue_url: Option<String>,
    /// The dead-letter queue of the claim-check queue.
    #[arg(long, env = "RECIPE_DLQ_URL")]
    pub dlq_url: Option<String>,
    /// The DynamoDB table of recipes, makes and differences (AWS).
    #[arg(long, env = "RECIPE_TABLE")]
    pub table: Option<String>,
    /// Embedded queues: how long a received message stays hidden, in
    /// milliseconds (on AWS the queue's own setting applies).
    #[arg(long, env = "RECIPE_VISIBILITY_TIMEOUT_MS", value_parser = millis, default_value = "30000")]
    pub visibility_timeout_ms: Duration,
    /// Keys under this prefix are original recipes.
    #[arg(long, env = "RECIPE_RECIPES_PREFIX", default_value = "recipes/")]
    pub recipes_prefix: String,
    /// Keys under this prefix are makes.
    #[arg(long, env = "RECIPE_MAKES_PREFIX", default_value = "makes/")]
    pub makes_prefix: String,
}

impl BackendArgs {
    /// The embedded backends in `dir`, with default names.
    pub fn embedded(dir: impl Into<PathBuf>) -> Self {
        BackendArgs {
            data_dir: Some(dir.into()),
            recipes_prefix: "recipes/".to_owned(),
            makes_prefix: "makes/".to_owned(),
            visibility_timeout_ms: Duration::from_secs(30),
            ..BackendArgs::default()
        }
    }

    /// The backend behind each port: as configured, else embedded with a
    /// data directory and AWS without one.
    pub fn choice(&self) -> BackendChoice {
        let local = self.data_dir.is_some();
        BackendChoice {
            bucket: self.bucket_backend.unwrap_or(if local {
                BucketBackend::Local
            } else {
                BucketBackend::S3
            }),
            queue: self.queue_backend.unwrap_or(if local {
                QueueBackend::Local
            } else {
                QueueBackend::Sqs
            }),
            records: self.records_backend.unwrap_or(if local {
                RecordsBackend::Sqlite
            } else {
                RecordsBackend::Dynamodb
            }),
        }
    }

    /// The key prefixes.
    pub fn prefixes(&self) -> Prefixes {
        Prefixes {
            recipes: self.recipes_prefix.clone(),
            makes: self.makes_prefix.clone(),
        }
    }
}

/// The backend behind each port, once defaults are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackendChoice {
    /// The bucket.
    pub bucket: BucketBackend,
    /// The queues and the watcher's memory.
    pub queue: QueueBackend,
    /// The record store.
    pub records: RecordsBackend,
}

/// Where the bucket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BucketBackend {
    /// A folder, `DIR/bucket/`.
    Local,
    /// Amazon S3 (or `AWS_ENDPOINT_URL`).
    S3,
}

/// Where the queues are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum QueueBackend {
    /// SQLite tables in `DIR/`.
    Local,
    /// Amazon SQS (or `AWS_ENDPOINT_URL`).
    Sqs,
}

/// Where the records are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RecordsBackend {
    /// SQLite in `DIR/`.
    Sqlite,
    /// Amazon DynamoDB (or `AWS_ENDPOINT_URL`).
    Dynamodb,
    /// This process's memory: everything is lost when it stops.
    Memory,
}

/// Which web pages, besides the server's own dashboard, may call the API
/// from a browser.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct CorsArgs {
    /// An origin (`https://cook.example`) whose pages may call the API;
    /// repeat the flag or separate origins with commas. Without one, the
    /// server answers no CORS at all.
    #[arg(
        long = "cors-origin",
        env = "RECIPE_CORS_ORIGINS",
        value_name = "ORIGIN",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,
}

impl CorsArgs {
    /// The origins as the server compares them with a request's `Origin`
    /// header, or an error naming the one that is not an origin. Blank
    /// entries (`RECIPE_CORS_ORIGINS=`) are skipped.
    pub fn origins(&self) -> anyhow::Result<Vec<HeaderValue>> {
        self.cors_origins
            .iter()
            .map(|origin| origin.trim())
            .filter(|origin| !origin.is_empty())
            .map(cors_origin)
            .collect()
    }
}

/// `text` as an origin: `http` or `https`, a host and maybe a port, and
/// nothing else. A browser's `Origin` header never has a path, not even
/// `/`, so an origin written with one would silently match nothing.
fn cors_origin(text: &str) -> anyhow::Result<HeaderValue> {
    let uri: Uri = text
        .parse()
        .with_context(|| format!("CORS origin {text:?} is not a URL"))?;
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        bail!("CORS origin {text:?} needs a scheme and a host, as in https://cook.example");
    };
    // Browsers send origins in lower case, without user or path.
    let exact = text == format!("{scheme}://{authority}")
        && !authority.as_str().contains('@')
        && text == text.to_ascii_lowercase();
    if !matches!(scheme, "http" | "https") || !exact {
        bail!(
            "CORS origin {text:?} must be http(s)://host[:port] in lower case with no \
             user or path, as in https://cook.example"
        );
    }
    HeaderValue::from_str(text)
        .with_context(|| format!("CORS origin {text:?} is not a header value"))
}

/// Logging.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Reads a duration in milliseconds from the command line.
pub fn millis(text: &str) -> Result<Duration, String> {
    text.parse::<u64>()
        .map(Duration::from_millis)
        .map_err(|_| format!("{text:?} is not a whole number of milliseconds"))
}

/// How long the server waits for a slow client before cutting it off: the
/// defence against clients that trickle their headers or body to hold
/// connections open (slowloris).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::Args)]
pub struct TimeoutArgs {
    /// Longest a request may take from its headers to its answer, reading
    /// the body included; a slower one answers 408 (`30s`, `1m`, `500ms`).
    #[arg(long, env = "RECIPE_REQUEST_TIMEOUT", value_parser = duration, default_value = "30s")]
    pub request_timeout: Duration,
    /// Longest a connection may take to send a request's headers, or to
    /// start its next request, before it is closed without an answer.
    #[arg(long, env = "RECIPE_HEADER_READ_TIMEOUT", value_parser = duration, default_value = "30s")]
    pub header_read_timeout: Duration,
}

/// How long each kind of data is kept (see
/// [`recipe_pipeline::retention`]). Every default keeps it for ever: a
/// cook's history is the product, and setting one of these is the only way
/// anything recorded is ever deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::Args)]
pub struct RetentionArgs {
    /// Delete makes recorded longer ago than this (`2years`, `18months`,
    /// `90days`); unset keeps every make.
    #[arg(long, env = "RECIPE_KEEP_MAKES", value_parser = age)]
    pub keep_makes: Option<Duration>,
    /// Keep this many of each recipe's newest versions, and every version
    /// a kept make was cooked from; delete the others. Unset keeps every
    /// version.
    #[arg(long, env = "RECIPE_KEEP_VERSIONS")]
    pub keep_versions: Option<NonZeroUsize>,
    /// Delete rejections recorded longer ago than this; unset keeps them.
    #[arg(long, env = "RECIPE_KEEP_REJECTIONS", value_parser = age)]
    pub keep_rejections: Option<Duration>,
    /// Delete dead letters first sent longer ago than this; unset keeps
    /// them. On SQS the queue's own retention applies instead (the stack's
    /// `DeadLetterRetentionSeconds`).
    #[arg(long, env = "RECIPE_KEEP_DEAD_LETTERS", value_parser = age)]
    pub keep_dead_letters: Option<Duration>,
    /// How often the retention sweep runs, when any of the above is set.
    #[arg(long, env = "RECIPE_RETENTION_SWEEP_EVERY", value_parser = duration, default_value = "1h")]
    pub retention_sweep_every: Duration,
}

impl RetentionArgs {
    /// The policy these settings make.
    pub fn policy(&self) -> Retention {
        Retention {
            makes: self.keep_makes,
            versions: self.keep_versions,
            rejections: self.keep_rejections,
            dead_letters: self.keep_dead_letters,
        }
    }
}

/// Reads how long something is kept (`2years`, `90days`): longer than
/// zero, which would delete everything at once.
pub fn age(text: &str) -> Result<Duration, String> {
    longer_than_zero(
        text,
        "an age such as 2years or 90days",
        "keeping something for no time deletes it at once; leave the setting out to keep everything",
    )
}

/// Reads a duration such as `30s`, `1m 30s` or `500ms` from the command
/// line.
pub fn duration(text: &str) -> Result<Duration, String> {
    // hyper and tower-http would time out at once: a zero timeout is a
    // typo, not a wish.
    longer_than_zero(
        text,
        "a duration such as 30s or 500ms",
        "a timeout must be longer than zero",
    )
}

/// `text` as a humantime duration (`what` describes one for the error), or
/// `if_zero` as the error when it is zero.
fn longer_than_zero(text: &str, what: &str, if_zero: &str) -> Result<Duration, String> {
    match humantime::parse_duration(text) {
        Err(e) => Err(format!("{text:?} is not {what}: {e}")),
        Ok(duration) if duration.is_zero() => Err(format!("{text:?}: {if_zero}")),
        Ok(duration) => Ok(duration),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(duration("1m 30s"), Ok(Duration::from_secs(90)));
        assert_eq!(duration("500ms"), Ok(Duration::from_millis(500)));
        assert!(duration("30").is_err(), "a unit is required");
        assert!(duration("0s").is_err());
    }

    fn origins(list: &[&str]) -> anyhow::Result<Vec<HeaderValue>> {
        CorsArgs {
            cors_origins: list.iter().map(|s| (*s).to_owned()).collect(),
        }
        .origins()
    }

    #[test]
    fn cors_origins_are_exact_origins() {
        let read = origins(&["https://cook.example", " http://localhost:3000", ""]);
        assert_eq!(
            read.unwrap(),
            ["https://cook.example", "http://localhost:3000"]
        );
        assert!(origins(&[]).unwrap().is_empty());
        for wrong in [
            "cook.example",
            "https://cook.example/",
            "https://cook.example/app",
            "ftp://cook.example",
            "*",
            "https://user@cook.example",
            "https://cook.example?x=1",
            "https://Cook.example",
        ] {
            let error = origins(&[wrong]).unwrap_err().to_string();
            assert!(error.contains(wrong), "{wrong}: {error}");
        }
    }
}
