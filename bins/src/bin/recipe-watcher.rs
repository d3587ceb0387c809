//! `recipe-watcher`: announces every new object in the bucket, once per
//! version, as a claim check on the queue.
//!
//! Thin on purpose: the arguments, the assembly of its ports and the
//! service loop are in [`recipe_bins::services::watcher`].

use clap::Parser;
use recipe_bins::services::watcher::{WatcherArgs, run};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    run(WatcherArgs::parse()).await
}
