//! `recipe-sender`: takes claim checks off the queue, fetches each object
//! and hands it, unread, to the recipe server.
//!
//! Thin on purpose: the arguments, the assembly of its ports and the
//! service loop are in [`recipe_bins::services::sender`].

use clap::Parser;
use recipe_bins::services::sender::{SenderArgs, run};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    run(SenderArgs::parse()).await
}
