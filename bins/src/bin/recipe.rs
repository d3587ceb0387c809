//! The `recipe` command line.
//!
//! Thin on purpose: it parses arguments, runs the subcommand from
//! [`recipe_bins::cli`] and turns the outcome into an exit status. Like
//! `diff(1)`: 0 when there is no difference, 1 when there are, 2 on error
//! (clap also exits 2 on a usage error). `merge` exits 0 when clean, 1
//! with conflicts. The other subcommands exit 0 when they succeed and 2 on
//! error.

use std::process::ExitCode;

use clap::Parser;
use recipe_bins::cli::{Cli, Command};

/// The exit status for every error, as `diff(1)` uses it.
const TROUBLE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            // One line, naming the file and what is wrong with it.
            eprintln!("recipe: {error:#}");
            ExitCode::from(TROUBLE)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Diff(args) => {
            let outcome = recipe_bins::cli::diff::run(&args)?;
            Ok(ExitCode::from(outcome.exit_code()))
        }
        Command::Merge(args) => {
            let outcome = recipe_bins::cli::merge::run(&args)?;
            Ok(ExitCode::from(outcome.exit_code()))
        }
        Command::Log(args) => {
            recipe_bins::cli::log::run(&args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Up(args) => {
            recipe_bins::cli::up::run(&args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup(args) => {
            recipe_bins::cli::backup::run(&args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore(args) => {
            recipe_bins::cli::restore::run(&args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::MigrateIds(args) => {
            recipe_bins::cli::migrate_ids::run(&args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate(args) => {
            recipe_bins::cli::migrate::run(&args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Reindex(args) => {
            recipe_bins::cli::reindex::run(&args)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
