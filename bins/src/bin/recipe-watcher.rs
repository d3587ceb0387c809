//! `recipe-watcher`: announces every new object in the bucket, once per
//! version, as a claim check on the queue.
//!
//! Thin on purpose: it reads configuration, wires ports to
//! [`recipe_pipeline::watcher::Watcher`] and runs it until SIGTERM.

use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use recipe_bins::config::{BackendArgs, LogFormat, millis};
use recipe_bins::health::HealthArgs;
use recipe_bins::wiring::Wiring;
use recipe_pipeline::watcher::{WatchMode, Watcher, WatcherConfig};

/// Announces new recipes and makes in the bucket on the claim-check queue.
#[derive(Debug, Parser)]
#[command(name = "recipe-watcher", version, about)]
struct Args {
    #[command(flatten)]
    backend: BackendArgs,
    /// How new objects are found: `poll` lists the bucket, `events` reads S3
    /// notifications from --events-queue-url.
    #[arg(long, env = "RECIPE_WATCH_MODE", value_enum, default_value = "poll")]
    mode: Mode,
    /// Poll mode: keys arrive in sorted order (timestamped keys), so polls
    /// resume after a durable checkpoint; a full listing still runs at
    /// start-up and every --full-scan-every polls.
    #[arg(long, env = "RECIPE_SORTED_KEYS")]
    sorted_keys: bool,
    /// Poll mode: pause between polls, in milliseconds.
    #[arg(long, env = "RECIPE_POLL_INTERVAL_MS", value_parser = millis, default_value = "2000")]
    poll_interval_ms: Duration,
    /// Sorted-keys mode: list everything again every this many polls.
    #[arg(long, env = "RECIPE_FULL_SCAN_EVERY", default_value_t = 60)]
    full_scan_every: u32,
    /// Events mode: the SQS queue S3 sends ObjectCreated notifications to.
    #[arg(long, env = "RECIPE_EVENTS_QUEUE_URL")]
    events_queue_url: Option<String>,
    /// Log format.
    #[arg(long, env = "RECIPE_LOG_FORMAT", value_enum, default_value = "text")]
    log_format: LogFormat,
    #[command(flatten)]
    health: HealthArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Mode {
    Poll,
    Events,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    recipe_bins::telemetry::init(args.log_format);
    let shutdown = recipe_bins::shutdown::on_signal();
    let readiness =
        recipe_bins::health::listen(args.health.health_listen, shutdown.clone()).await?;
    let wiring = Wiring::new(&args.backend).await?;
    let mode = match args.mode {
        Mode::Poll => WatchMode::Poll {
            sorted_keys: args.sorted_keys,
        },
        Mode::Events => WatchMode::Events,
    };
    let events = match (args.mode, &args.events_queue_url) {
        (Mode::Events, Some(url)) => Some(wiring.events(url).await?),
        (Mode::Events, None) => anyhow::bail!("events mode needs --events-queue-url"),
        (Mode::Poll, _) => None,
    };
    let watcher = Watcher::new(
        wiring.object_store()?,
        wiring.claims().await?,
        wiring.announcements()?,
        events,
        WatcherConfig {
            prefixes: args.backend.prefixes(),
            mode,
            poll_interval: args.poll_interval_ms,
            full_scan_every: args.full_scan_every,
            ..WatcherConfig::default()
        },
    );
    if let Some(probe) = wiring.write_probe() {
        readiness.set_probe(probe);
    }
    readiness.set_ready();
    watcher.run(shutdown).await;
    wiring.log_requests();
    Ok(())
}
