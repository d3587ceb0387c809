//! `recipe-server`: the REST API and the dashboard over the record store.
//!
//! Thin on purpose: the arguments, the assembly of its ports and the
//! service loop are in [`recipe_bins::services::server`].

use clap::Parser;
use recipe_bins::services::server::{ServerArgs, run};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    run(ServerArgs::parse()).await
}
