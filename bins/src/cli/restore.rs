//! `recipe restore FILE DATA_DIR`: a backup checked and put in place as a
//! data directory's database.
//!
//! The work is [`recipe_embedded::backup::restore_from`]; this module says
//! what was restored, and what a restore does not bring back.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use recipe_embedded::backup::{RestoreOptions, RestoreReport, restore_from};

use super::record_counts::describe_counts;

/// What `recipe restore --help` says first: what comes back, and what
/// does not.
pub const LONG_ABOUT: &str = "Put a backup made by `recipe backup` in place as the database of \
    DATA_DIR (created when missing), migrated to this build's schema.\n\n\
    FILE is checked first: it must be a recipe database whose schema this build reads (not a \
    newer one) and that `PRAGMA integrity_check` finds intact. A DATA_DIR that holds a database \
    already is refused unless --force, and even then while a `recipe up` or a service has that \
    database open: stop it first. The copy is written under a temporary name beside the \
    database and renamed into place, so a crash leaves the old database or the new one, never \
    half of one.\n\n\
    What a restore brings back, as it was at the backup's moment: the recipes and their \
    versions, the makes with their differences, the rejections, the queues (claim checks \
    waiting or dead-lettered) and the watcher's memory of what it announced.\n\n\
    What it does not: the bucket folder (DATA_DIR/bucket/), which is not in the database and is \
    left as it is. The next `recipe up` announces every object in it that the backup had not \
    seen, so makes dropped into the bucket since the backup are recorded again; an object the \
    backup already recorded is not recorded twice, because a bucket object (bucket, key and \
    etag) maps to its make once. Makes and recipe versions written through the API since the \
    backup, with no object in the bucket, are lost.";

/// Arguments of `recipe restore`.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "\
Example, after stopping `recipe up`:
  recipe restore recipe-2026-12-01.sqlite3 ./recipe-data --force
  recipe up --data ./recipe-data")]
pub struct RestoreArgs {
    /// The backup, as `recipe backup` wrote it.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The data directory to restore into (`recipe up --data`).
    #[arg(value_name = "DATA_DIR")]
    pub data: PathBuf,
    /// Replace the database DATA_DIR holds (never while it is open).
    #[arg(long)]
    pub force: bool,
}

/// Restores the backup, then says on standard output what is in place.
pub fn run(args: &RestoreArgs) -> Result<RestoreReport> {
    let report = restore_from(
        &args.file,
        &args.data,
        &RestoreOptions::with_force(args.force),
    )
    .with_context(|| format!("restoring {}", args.file.display()))?;
    let mut out = std::io::stdout();
    writeln!(
        out,
        "recipe restore: restored {} as {}{}",
        args.file.display(),
        report.database.display(),
        if report.replaced {
            " (replacing the database there)"
        } else {
            ""
        }
    )?;
    writeln!(out, "  {}", describe_counts(&report.records))?;
    if report.schema_version_found < report.schema_version {
        writeln!(
            out,
            "  migrated from schema version {} to {}",
            report.schema_version_found, report.schema_version
        )?;
    }
    if !report.migrated.migrated.is_empty() {
        writeln!(out, "  {}", report.migrated)?;
    }
    writeln!(
        out,
        "  the bucket {} is not part of a backup: `recipe up --data {}` announces what it \
         holds that the backup had not seen",
        args.data.join("bucket").display(),
        args.data.display()
    )?;
    Ok(report)
}
