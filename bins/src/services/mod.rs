//! The three services as the binaries run them: each module holds a
//! service's arguments and a `run` that builds it through the
//! [`Assembly`] and runs it until SIGTERM.
//! The files in `src/bin/` only parse the arguments and call `run`.

pub mod sender;
pub mod server;
pub mod watcher;

use tokio_util::sync::CancellationToken;

use crate::assembly::Assembly;
use crate::health::{HealthArgs, Readiness};

/// What a background service (watcher, sender) starts with: its health
/// listener, ready once the assembly has opened its backends.
pub(crate) async fn start_background(
    health: &HealthArgs,
    assembly: &Assembly,
    shutdown: &CancellationToken,
) -> anyhow::Result<Readiness> {
    let readiness = crate::health::listen(health.health_listen, shutdown.clone()).await?;
    assembly.open().await?;
    if let Some(probe) = assembly.write_probe() {
        readiness.set_probe(probe);
    }
    Ok(readiness)
}
