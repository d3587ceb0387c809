//! `recipe-sender`: takes claim checks off the queue, fetches each object
//! and hands it to the recipe server.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use recipe_pipeline::sender::{HttpRecipeServer, SenderConfig};

use crate::assembly::{Assembly, MAX_RECEIVES};
use crate::config::{BackendArgs, LogFormat, millis};
use crate::health::HealthArgs;

/// How long the sender waits for the server to answer one document.
pub const SUBMIT_TIMEOUT: Duration = Duration::from_secs(30);

/// Hands announced recipes and makes to the recipe server, exactly once.
#[derive(Debug, clap::Parser)]
#[command(name = "recipe-sender", version, about)]
pub struct SenderArgs {
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

/// Runs the sender until SIGTERM, then finishes what is in flight.
pub async fn run(args: SenderArgs) -> Result<()> {
    crate::telemetry::init(args.log_format);
    let shutdown = crate::shutdown::on_signal();
    let assembly = Assembly::new(&args.backend);
    let readiness = super::start_background(&args.health, &assembly, &shutdown).await?;
    let token = args.api_token.filter(|token| !token.is_empty());
    let server = HttpRecipeServer::new(&args.server_url, token, SUBMIT_TIMEOUT)?;
    let config = SenderConfig {
        prefixes: args.backend.prefixes(),
        concurrency: args.concurrency,
        max_receives: args.max_receives,
        max_document_bytes: args.max_document_bytes,
        backoff: args.retry_backoff_ms,
        ..SenderConfig::default()
    };
    let sender = assembly.sender(Arc::new(server), config).await?;
    let held = Arc::clone(&sender);
    readiness.set_hold(Arc::new(move || {
        held.paused_because()
            .map(|reason| format!("the recipe server refuses this sender's API token ({reason})"))
    }));
    readiness.set_ready();
    sender.run(shutdown).await;
    assembly.log_requests();
    Ok(())
}
