//! # recipe-bins
//!
//! The binaries (`recipe`, `recipe-watcher`, `recipe-sender`,
//! `recipe-server`), as a library they stay thin over.
//!
//! - [`cli`]: the `recipe` command's arguments ([`cli::Cli`]) and one module
//!   per subcommand, each with a `run` that does the work and reports an
//!   outcome; [`cli::diff`] is `recipe diff ORIGINAL MAKE`, exiting like
//!   `diff(1)`, [`cli::log`] is `recipe log FILE…`, a recipe's history
//!   from its versions as files, [`cli::up`] is `recipe up`, the whole
//!   pipeline on the embedded backends, and [`cli::migrate_ids`] is
//!   `recipe migrate-ids`, which gives the makes a DynamoDB table stored
//!   under text ids their integer ids; [`cli::backup`] and
//!   [`cli::restore`] are `recipe backup DATA_DIR FILE` and `recipe
//!   restore FILE DATA_DIR`, a consistent copy of a data directory's
//!   database and its way back; [`cli::reindex`] is `recipe reindex`,
//!   which builds the analytics' aggregates anew from the makes;
//!   [`cli::recipe_file`] and
//!   [`cli::terminal`] are what the subcommands that read recipe files and
//!   print text share;
//! - [`config`]: the configuration every binary shares, as flags with
//!   environment fallbacks (`RECIPE_DATA_DIR`, `RECIPE_BUCKET`, …);
//! - [`assembly`]: the one place that turns configuration into ports and
//!   services, each port on the backend configured for it (embedded, AWS
//!   or, for records, memory);
//! - [`services`]: the three services' arguments and `run`s, which the
//!   binaries in `src/bin/` call;
//! - [`telemetry`] and [`shutdown`]: structured logs, and stopping on
//!   SIGTERM or Ctrl-C;
//! - [`health`]: the `/healthz` and `/readyz` listener of the watcher and
//!   the sender (`--health-listen`, `RECIPE_HEALTH_LISTEN`).
//!
//! Each file in `src/bin/` only parses arguments and calls a `run`; every
//! service, `recipe up` included, is built by the one [`assembly`].
//!
//! ```no_run
//! use clap::Parser;
//! use recipe_bins::cli::{Cli, Command};
//!
//! let cli = Cli::parse_from(["recipe", "diff", "pie.json", "pie.make.json", "--format", "seed"]);
//! if let Command::Diff(args) = cli.command {
//!     let outcome = recipe_bins::cli::diff::run(&args)?;
//!     std::process::exit(outcome.exit_code().into());
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

pub mod assembly;
pub mod cli;
pub mod config;
pub mod health;
pub mod services;
pub mod shutdown;
pub mod telemetry;
