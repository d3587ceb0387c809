//! `recipe-sender`: takes claim checks off the queue, fetches each object
//! and hands it to the recipe server.
//!
//! Thin on purpose: it reads configuration, wires ports to
//! [`recipe_pipeline::sender::Sender`] and runs it; on SIGTERM it stops
//! receiving, finishes what is in flight, and exits.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use recipe_bins::config::{BackendArgs, LogFormat, millis};
use recipe_bins::health::HealthArgs;
use recipe_bins::wiring::{MAX_RECEIVES, Wiring};
use recipe_pipeline::sender::{HttpRecipeServer, Sender, SenderConfig};

/// Hands announced recipes and makes to the recipe server, exactly once.
#[derive(Debug, Parser)]
#[command(name = "recipe-sender", version, about)]
struct Args {
    #[command(flatten)]
    backend: BackendArgs,
    /// The recipe server.
    #[arg(
        long,
        env = "RECIPE_SERVER_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    server_url: String,
    /// Bearer token for the server's write endpoints.
    #[arg(long, env = "RECIPE_API_TOKEN", hide_env_values = true)]
    api_token: Option<String>,
    /// Messages worked on at once.
    #[arg(long, env = "RECIPE_SENDER_CONCURRENCY", default_value_t = 32)]
    concurrency: usize,
    /// Attempts before a message is dead-lettered; match the queue's
    /// redrive maxReceiveCount.
    #[arg(long, env = "RECIPE_MAX_RECEIVES", default_value_t = MAX_RECEIVES)]
    max_receives: u32,
    /// Larger documents are dead-lettered unread.
    #[arg(long, env = "RECIPE_MAX_DOCUMENT_BYTES", default_value_t = 1 << 20)]
    max_document_bytes: u64,
    /// First retry delay of a message that failed for a reason of its own
    /// (its recipe not known yet), in milliseconds; doubles each attempt.
    #[arg(long, env = "RECIPE_RETRY_BACKOFF_MS", value_parser = millis, default_value = "10000")]
    retry_backoff_ms: Duration,
    /// Log format.
    #[arg(long, env = "RECIPE_LOG_FORMAT", value_enum, default_value = "text")]
    log_format: LogFormat,
    #[command(flatten)]
    health: HealthArgs,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    recipe_bins::telemetry::init(args.log_format);
    let shutdown = recipe_bins::shutdown::on_signal();
    let readiness =
        recipe_bins::health::listen(args.health.health_listen, shutdown.clone()).await?;
    let wiring = Wiring::new(&args.backend).await?;
    let server = HttpRecipeServer::new(&args.server_url, args.api_token, Duration::from_secs(30))?;
    let sender = Arc::new(Sender::new(
        wiring.object_store()?,
        wiring.claims().await?,
        wiring.dead_letters().await?,
        Arc::new(server),
        SenderConfig {
            prefixes: args.backend.prefixes(),
            concurrency: args.concurrency,
            max_receives: args.max_receives,
            max_document_bytes: args.max_document_bytes,
            backoff: args.retry_backoff_ms,
            ..SenderConfig::default()
        },
    ));
    if let Some(probe) = wiring.write_probe() {
        readiness.set_probe(probe);
    }
    readiness.set_ready();
    sender.run(shutdown).await;
    wiring.log_requests();
    Ok(())
}
