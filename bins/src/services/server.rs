//! `recipe-server`: the REST API and the dashboard.
//!
//! ```text
//! recipe-server --data-dir ./data --listen 127.0.0.1:8080
//! RECIPE_TABLE=recipes RECIPE_API_TOKEN=… RECIPE_LOG_FORMAT=json recipe-server
//! recipe-server --records-backend memory
//! ```

use std::net::SocketAddr;

use anyhow::{Context, Result};
use recipe_pipeline::server::{ApiToken, DEFAULT_MAX_BODY_BYTES, ServerConfig, serve};

use crate::assembly::Assembly;
use crate::config::{BackendArgs, CorsArgs, LogFormat, RetentionArgs, TimeoutArgs};

/// Serve the recipe API: recipes, makes and their differences.
#[derive(Debug, clap::Parser)]
#[command(name = "recipe-server", version, about)]
pub struct ServerArgs {
    #[command(flatten)]
    backend: BackendArgs,

    /// Address and port to listen on.
    #[arg(long, env = "RECIPE_LISTEN", default_value = "0.0.0.0:8080")]
    listen: SocketAddr,

    /// Bearer token that writes must present; without one, writes are open.
    // The value never shows in `--help`, whatever the environment holds.
    #[arg(long, env = "RECIPE_API_TOKEN", hide_env_values = true)]
    api_token: Option<String>,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "RECIPE_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,

    #[command(flatten)]
    timeouts: TimeoutArgs,

    #[command(flatten)]
    cors: CorsArgs,

    #[command(flatten)]
    retention: RetentionArgs,

    /// Log format: text for people, json for log collectors.
    #[arg(long, env = "RECIPE_LOG_FORMAT", value_enum, default_value = "text")]
    log_format: LogFormat,
}

/// The bearer token writes need: `None` for none, or for an empty value
/// (`RECIPE_API_TOKEN=` means no token, not the empty string).
pub fn api_token(configured: Option<&str>) -> Option<ApiToken> {
    let token = configured
        .filter(|token| !token.is_empty())
        .map(ApiToken::new);
    if token.is_none() {
        tracing::warn!("no API token is configured: writes are open to anyone who can connect");
    }
    token
}

/// Serves until SIGTERM, then finishes the requests in flight.
pub async fn run(args: ServerArgs) -> Result<()> {
    crate::telemetry::init(args.log_format);
    let assembly = Assembly::new(&args.backend);
    assembly.open().await?;
    let config = ServerConfig {
        api_token: api_token(args.api_token.as_deref()),
        max_body_bytes: args.max_body_bytes,
        request_timeout: args.timeouts.request_timeout,
        header_read_timeout: args.timeouts.header_read_timeout,
        cors_origins: args.cors.origins()?,
    };
    let state = assembly.server_state(config).await?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let shutdown = crate::shutdown::on_signal();
    let sweeping = assembly
        .retention(&args.retention, shutdown.clone())
        .await?;
    serve(listener, state, shutdown.cancelled_owned())
        .await
        .context("the server failed")?;
    sweeping.await.context("the retention sweep failed")?;
    assembly.log_requests();
    tracing::info!("stopped");
    Ok(())
}
