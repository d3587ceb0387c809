//! # recipe-bins
//!
//! The `recipe` command line, as a library the binaries stay thin over.
//!
//! - [`cli`]: the command's arguments ([`cli::Cli`]) and one module per
//!   subcommand, each with a `run` that does the work and reports an outcome;
//! - [`cli::diff`]: `recipe diff ORIGINAL MAKE`, the differences between a
//!   recipe and a make, exiting like `diff(1)`.
//!
//! `src/bin/recipe.rs` only parses arguments, calls the subcommand and turns
//! its outcome or error into an exit code; everything else lives here so the
//! integration tests and later subcommands (`recipe up`) share it.
//!
//! ```no_run
//! use clap::Parser;
//! use recipe_bins::cli::{Cli, Command};
//!
//! let cli = Cli::parse_from(["recipe", "diff", "pie.json", "pie.make.json", "--format", "seed"]);
//! let Command::Diff(args) = cli.command;
//! let outcome = recipe_bins::cli::diff::run(&args)?;
//! std::process::exit(outcome.exit_code().into());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

pub mod cli;
