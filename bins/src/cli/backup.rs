//! `recipe backup DATA_DIR FILE`: a consistent copy of a data directory's
//! database, taken while `recipe up` keeps running on it.
//!
//! The work is [`recipe_embedded::backup::backup_to`]; this module turns
//! its progress into lines on standard error and its report into lines on
//! standard output.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use recipe_embedded::backup::{BackupOptions, BackupReport, Progress, backup_to};

use super::record_counts::describe_counts;

/// What `recipe backup --help` says first.
pub const LONG_ABOUT: &str = "Copy the database of DATA_DIR (its recipes, versions, makes, \
    rejections, queues and the watcher's memory) into FILE, one self-contained SQLite file.\n\n\
    Safe while `recipe up` runs on DATA_DIR: the copy is the database as it was when the backup \
    began, taken a few pages at a time with SQLite's online backup API, and the pipeline keeps \
    writing meanwhile. The bucket folder (DATA_DIR/bucket/) is not in the database: copy it \
    with your usual file tools if you want it too. Restore with `recipe restore FILE DATA_DIR`.";

/// Arguments of `recipe backup`.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "\
Progress goes to standard error (pages copied of the total); what was written, to standard \
output. FILE is written under a temporary name beside it and renamed at the end, so an \
interrupted backup never leaves half a file under FILE's name.

Example:
  recipe backup ./recipe-data recipe-$(date +%F).sqlite3")]
pub struct BackupArgs {
    /// The data directory whose database to copy (`recipe up --data`).
    #[arg(value_name = "DATA_DIR")]
    pub data: PathBuf,
    /// Where to write the copy.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Replace FILE when it exists.
    #[arg(long)]
    pub force: bool,
    /// Pages (4 KiB each) copied per step; smaller steps share the disk
    /// with a busy pipeline more evenly.
    #[arg(long, value_name = "PAGES", default_value_t = 256,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub pages_per_step: u32,
    /// Pause between steps, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 5)]
    pub pause_ms: u64,
}

/// How often progress is reported at most: a long copy says how far it
/// is, a short one says it once.
const PROGRESS_EVERY: Duration = Duration::from_millis(500);

/// Copies the database, reporting progress on standard error and what
/// was written on standard output.
pub fn run(args: &BackupArgs) -> Result<BackupReport> {
    let mut options = BackupOptions::with_force(args.force);
    options.pages_per_step = args.pages_per_step;
    options.pause = Duration::from_millis(args.pause_ms);
    let mut last_report: Option<Instant> = None;
    let report = backup_to(&args.data, &args.file, &options, &mut |progress| {
        let due = last_report.is_none_or(|at| at.elapsed() >= PROGRESS_EVERY);
        if due || progress.copied == progress.total {
            last_report = Some(Instant::now());
            // A closed standard error does not stop the backup.
            let _ = writeln!(std::io::stderr(), "{}", describe_progress(progress));
        }
    })
    .with_context(|| format!("backing up {}", args.data.display()))?;
    let mut out = std::io::stdout();
    writeln!(
        out,
        "recipe backup: wrote {} ({} bytes, schema version {})",
        report.file.display(),
        report.bytes,
        report.schema_version
    )?;
    writeln!(out, "  {}", describe_counts(&report.records))?;
    Ok(report)
}

/// One line of progress.
fn describe_progress(progress: Progress) -> String {
    let percent = progress
        .copied
        .saturating_mul(100)
        .checked_div(progress.total)
        .unwrap_or(100);
    format!(
        "recipe backup: copied {} of {} pages ({percent}%)",
        progress.copied, progress.total
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_reads_as_pages_and_a_percentage() {
        assert_eq!(
            describe_progress(Progress {
                copied: 256,
                total: 1024
            }),
            "recipe backup: copied 256 of 1024 pages (25%)"
        );
        assert_eq!(
            describe_progress(Progress {
                copied: 0,
                total: 0
            }),
            "recipe backup: copied 0 of 0 pages (100%)"
        );
    }
}
