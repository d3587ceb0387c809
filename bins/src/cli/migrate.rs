//! `recipe migrate --from DIR --table NAME`: copies what `recipe up` kept
//! in a data directory (every recipe with its versions, every make with
//! its differences, every rejection) into the store the services use, for
//! a cook moving from one machine to the cluster.
//!
//! The work is [`copy_records`], through the ports; this module opens the
//! two stores through the one assembly and prints a line per recipe.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use recipe_pipeline::records_copy::{Copied, RecipeCopied, copy_records};

use crate::assembly::Assembly;
use crate::config::{BackendArgs, RecordsBackend};

/// What `recipe migrate --help` says first.
pub const LONG_ABOUT: &str = "Copy a data directory's recipes (every version), makes (with \
    their differences, under their own ids) and rejections into another record store: the \
    DynamoDB table the cluster uses (--table), or another data directory (--data-dir).\n\n\
    Idempotent: run it twice and nothing doubles; stop it midway and run it again, and it \
    finishes what is left. It never overwrites: where the destination holds another version or \
    make under the same number, it stops and says which. The data directory is only read; \
    `recipe up` may keep running on it, though makes it records meanwhile are copied only by \
    the next run.";

/// Arguments of `recipe migrate`.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "\
Credentials and region come from the standard AWS provider chain; AWS_ENDPOINT_URL points at a \
local DynamoDB-compatible server. The destination table must exist (the stack creates it).

Examples:
  recipe migrate --from ./recipe-data --table recipes
  recipe migrate --from ./recipe-data --data-dir ./copy")]
pub struct MigrateArgs {
    /// The data directory `recipe up` kept its records in.
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// Where to copy to: `--table` (DynamoDB) or `--data-dir`.
    #[command(flatten)]
    pub to: BackendArgs,
}

/// Copies, printing a line per recipe and then the totals on standard
/// output.
pub fn run(args: &MigrateArgs) -> Result<Copied> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?
        .block_on(migrate(args))
}

async fn migrate(args: &MigrateArgs) -> Result<Copied> {
    if !args.from.join("recipe.sqlite3").exists() {
        bail!(
            "{} holds no recipe.sqlite3: is it the data directory of `recipe up`?",
            args.from.display()
        );
    }
    let destination = Assembly::new(&args.to);
    if destination.choice().records == RecordsBackend::Memory {
        bail!("copying into memory keeps nothing: name a --table or a --data-dir");
    }
    if args.to.data_dir.as_deref() == Some(args.from.as_path()) {
        bail!("the source and the destination are the same data directory");
    }
    let source = Assembly::new(&BackendArgs::embedded(&args.from));
    source.open().await?;
    destination.open().await?;
    let (from, to) = (source.records().await?, destination.records().await?);
    let mut out = std::io::stdout();
    writeln!(out, "copying the records of {}", args.from.display())?;
    let copied = copy_records(from.as_ref(), to.as_ref(), |recipe| {
        // A closed standard output does not stop the copy.
        let _ = writeln!(std::io::stdout(), "{}", describe(&recipe));
    })
    .await
    .context("copying the records")?;
    writeln!(out, "done: {copied}")?;
    Ok(copied)
}

/// One line about one recipe.
fn describe(recipe: &RecipeCopied) -> String {
    let (versions, versions_there) = recipe.versions;
    let (makes, makes_there) = recipe.makes;
    format!(
        "recipe {}: {versions} version(s) copied, {versions_there} there already; \
         {makes} make(s) copied, {makes_there} there already",
        recipe.recipe_id
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recipe_reads_as_a_sentence() {
        let line = describe(&RecipeCopied {
            recipe_id: 3,
            versions: (2, 0),
            makes: (40, 1),
        });
        assert_eq!(
            line,
            "recipe 3: 2 version(s) copied, 0 there already; 40 make(s) copied, 1 there already"
        );
    }
}
